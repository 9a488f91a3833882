"""The data dictionary: every column of every export, its type, unit, official label and templates.

One source of truth: the wide writers take their columns from here, ``dictionary.csv`` and the README's
table are generated from here, and tests/test_dictionary.py fails when an export writes a column this
module does not describe. Regenerate the README block with ``python -m xxgk.output.dictionary README.md``.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xxgk.output.csvfiles import (
    CELL_COLUMNS,
    FINDING_COLUMNS,
    REPORT_COLUMNS,
    SECTION_COLUMNS,
)
from xxgk.template import (
    COLUMN_LABELS,
    OTHER_ROWS,
    T2_DEFAULT_COLUMNS,
    T2_ROWS,
    T3_COLUMNS,
    T3_ROWS,
    T4_COLUMNS,
    T4_ROWS,
    TABLE_NAMES,
)
from xxgk.types import TableKey

ALL = "all"


# The pandas dtype of each type (README: typed reading). A count some report printed with a fraction
# (finding T3-INT/T4-INT) does not fit Int64: xxgk.load reads such a column as Float64 instead.
PANDAS_DTYPES = {"text": "string", "integer": "Int64", "decimal": "Float64", "number": "Float64",
                 "boolean": "boolean", "date": "datetime64"}


@dataclass(frozen=True, slots=True)
class Column:
    file: str
    name: str  # "<year>" stands for one column per report year (coverage.csv)
    type: str  # text · integer · decimal · date · boolean · number
    label: str  # the official Chinese label (or a Chinese name for an identifier)
    description: str
    unit: str = ""
    templates: str = ALL  # the templates whose reports can fill it: "2021", "2019 2021", … or all

    def matches(self, column: str) -> bool:
        return column == self.name or (self.name == "<year>" and re.fullmatch(r"\d{4}", column) is not None)


# --- contract files (output-contract.md) -----------------------------------------------------------

_ID = {
    "report_id": ("text", "报告ID", "first 16 hex digits of the file's SHA-256 (path-… for unread files); always text"),
    "source": ("text", "文件", "the input path as given"),
    "duplicate_of": ("text", "重复自", "the source of the batch's first input (in input order: arguments as given, folders walked in sorted order) with the same content (report_id); empty on that first one. A copy is counted once in totals, summary, coverage and panel"),
}
_CONTRACT: dict[str, dict[str, tuple[str, str, str]]] = {
    "reports.csv": {
        "status": ("text", "状态", "ok · partial · failed · skipped"),
        "template": ("text", "模板", "2021 · 2019 · pre2019 · unknown"),
        "bureau": ("text", "机关名称", "the body's name as printed (title or signature)"),
        "year": ("integer", "报告年度", "the year the report covers"),
        "error": ("text", "错误", "why a failed or skipped file could not be read"),
        "error_code": ("text", "错误代码", "machine-readable reason for failed/skipped"),
        "format": ("text", "格式", "text · html · docx · pdf"),
        "encoding": ("text", "编码", "the text encoding used to read the file"),
        "title": ("text", "标题", "the report's title as printed"),
        "missing": ("text", "缺失", "sections, tables and rows the template calls for and the report lacks; '; '-separated"),
        "cells": ("integer", "单元格数", "table cells found"),
        "errors": ("integer", "错误数", "findings of severity error"),
        "warnings": ("integer", "警告数", "findings of severity warning"),
        "parser_version": ("text", "解析器版本", "xxgk version that wrote the row"),
        "schema_version": ("text", "模式版本", "version of the report schema"),
        "ocr_pages": ("text", "OCR页", "pages read by OCR (scans), e.g. 1-3,5; empty when none"),
        "ocr_min_confidence": ("number", "OCR最低置信度", "lowest OCR confidence (0-1) of a table cell; empty when OCR read none"),
    },
    "cells.csv": {
        "table": ("text", "表", "table2 · table3 · table4 · pre2019"),
        "row_key": ("text", "行", "canonical row key (report-format.md); x_… for non-standard rows"),
        "col_key": ("text", "列", "canonical column key; empty when the column cannot be told"),
        "value": ("number", "数值", "the number as published; empty for blank, dash, word and text cells (never 0)"),
        "raw": ("text", "原文", "the cell text exactly as found"),
        "kind": ("text", "类型", "number · blank · dash · word · text"),
        "label": ("text", "行标签原文", "the row label as printed"),
        "position": ("text", "位置", "exact · unknown (numbers whose column cannot be told)"),
        "match_score": ("number", "标签相似度", "how well the printed label matched the official one (0–1)"),
        "page": ("integer", "页", "PDF page (1-based)"),
        "line": ("integer", "行号", "text line (1-based)"),
        "bbox": ("text", "位置框", "PDF bounding box: x0 top x1 bottom in points"),
        "grid_table": ("integer", "表格序号", "index of the grid in the document (0-based)"),
        "grid_row": ("integer", "表格行", "grid row after merges are expanded"),
        "grid_col": ("integer", "表格列", "grid column after merges are expanded"),
    },
    "findings.csv": {
        "code": ("text", "代码", "finding code (README: checks and finding codes)"),
        "severity": ("text", "级别", "error · warning · info"),
        "table": ("text", "表", "the table the finding is about, if any"),
        "row_key": ("text", "行", "the row, if any"),
        "col_key": ("text", "列", "the column, if any"),
        "message": ("text", "说明", "what is wrong, in Chinese with the official labels"),
        "page": ("integer", "页", "PDF page"),
        "line": ("integer", "行号", "text line"),
    },
    "sections.csv": {
        "section": ("text", "部分", "overview · active_disclosure · requests · review_litigation · problems · other · preamble …"),
        "title": ("text", "标题", "the heading as printed"),
        "text": ("text", "正文", "the section's prose: each statistics table printed in it is one line [表二] · [表三] · [表四] ([表] for a pre-2019 table); reports.jsonl keeps the whole text"),
        "line": ("integer", "起始行", "first text line"),
        "line_end": ("integer", "结束行", "last text line"),
        "page": ("integer", "页", "PDF page"),
    },
}
_CONTRACT_COLUMNS = {
    "reports.csv": REPORT_COLUMNS, "cells.csv": CELL_COLUMNS,
    "findings.csv": FINDING_COLUMNS, "sections.csv": SECTION_COLUMNS,
}


def _contract() -> list[Column]:
    columns = []
    for file, names in _CONTRACT_COLUMNS.items():
        described = _ID | _CONTRACT[file]
        for name in names:
            if name in described:
                kind, label, text = described[name]
                columns.append(Column(file, name, kind, label, text))
    return columns


# --- wide exports (output/wide.py) -----------------------------------------------------------------

META_COLUMNS: tuple[Column, ...] = tuple(
    Column("reports_wide.csv", name, kind, label, text)
    for name, kind, label, text in (
        ("report_id", *_ID["report_id"]),
        ("source", *_ID["source"]),
        ("duplicate_of", *_ID["duplicate_of"]),
        ("status", "text", "状态", "ok · partial · failed · skipped"),
        ("error_code", "text", "错误代码", "machine-readable reason for failed/skipped"),
        ("error", "text", "错误", "why a failed or skipped file could not be read"),
        ("format", "text", "格式", "text · html · docx · pdf"),
        ("template", "text", "模板", "2021 · 2019 · pre2019 · unknown"),
        ("template_confidence", "number", "模板置信度", "0–1"),
        ("template_evidence", "text", "模板依据", "what the template was detected from"),
        ("year", "integer", "报告年度", "the year the report covers"),
        ("year_confidence", "number", "年度置信度", "0–1"),
        ("year_evidence", "text", "年度依据", "title, 统计期限, text or file name"),
        ("bureau", "text", "机关名称", "the body's name as printed (title or signature)"),
        ("bureau_confidence", "number", "机关名称置信度", "0–1"),
        ("bureau_evidence", "text", "机关名称依据", "where the name was read"),
        ("bureau_key", "text", "机关键", "the name without years, report words, punctuation and spaces, in Simplified characters: groups a body's reports across years"),
        ("body_id", "text", "机关标识", "the body across its name forms: six-digit division code, a colon and the kind of body in one spelling (320813:政府 for 淮安市洪泽区人民政府 and 洪泽区人民政府; short forms such as 科委 written out); the normalised name when the place is not in the division list; empty when the body is unknown. The panel's body id"),
        ("level", "text", "层级", "national · province · city · county · township: the tier of the body"),
        ("is_government", "boolean", "是否人民政府", "true for 人民政府, 街道办事处, 乡/镇; false for a department (局/委/办/厅/中心…)"),
        ("level_confidence", "number", "层级置信度", "0–1"),
        ("level_evidence", "text", "层级依据", "the place words and the body word the tier and kind were read from"),
        ("province", "text", "省", "province-level division of the body"),
        ("city", "text", "市", "prefecture-level city; empty for 直辖市 districts and province-administered counties"),
        ("county", "text", "县", "county-level division"),
        ("region_code", "text", "区划代码", "six-digit GB/T 2260 code of the deepest division known; text, keep leading digits"),
        ("region_confidence", "number", "区划置信度", "0–1"),
        ("region_evidence", "text", "区划依据", "how the region was resolved, or why not (unknown or shared names)"),
        ("published", "date", "发布日期", "publication date (YYYY-MM-DD)"),
        ("published_year", "integer", "发布年份", "year of the publication date, to compare with the report year"),
        ("published_confidence", "number", "发布日期置信度", "0.9 发布时间 in the text · 0.85 page metadata · 0.8 signature date · 0.5 file creation date"),
        ("published_evidence", "text", "发布日期依据", "where the date was read"),
        ("title", "text", "标题", "the report's title as printed"),
        ("missing", "text", "缺失", "what the template calls for and the report lacks; '; '-separated"),
        ("cells", "integer", "单元格数", "table cells found"),
        ("cells_unplaced", "integer", "未定位单元格数", "numbers kept with position unknown (not in the wide tables)"),
        ("findings_error", "integer", "错误数", "findings of severity error"),
        ("findings_warning", "integer", "警告数", "findings of severity warning"),
        ("findings_info", "integer", "提示数", "findings of severity info"),
        ("sections", "integer", "部分数", "narrative sections found"),
        ("parser_version", "text", "解析器版本", "xxgk version that wrote the row"),
    )
)
_TABLE_IDS = ("report_id", "source", "duplicate_of", "bureau", "bureau_key", "body_id", "region_code", "year", "template")


def _t3_templates(row: str) -> str:
    if row == "other_handling":
        return "2019"  # and 2021 reports that print （六） as one row
    return "2021" if row.startswith("other_") else "2019 2021"


def _t3_label(row: str) -> str:
    definition = next(r for r in T3_ROWS if r.key == row)
    return f"{definition.group} {definition.label}" if definition.group else definition.label


_T2_UNITS = {"amount_wan_yuan": "万元", "amount": "万元", "prev_items": "项", "delta": "项", "projects": "项"}


def _t2_cells() -> list[tuple[str, str, str]]:
    """(row, column, templates) of 表二 in either template, rows in template order."""
    cells: dict[tuple[str, str], list[str]] = {}
    for template in ("2019", "2021"):
        for row, cols in T2_DEFAULT_COLUMNS[template].items():
            for col in cols:
                cells.setdefault((row, col), []).append(template)
    order = [r.key for r in T2_ROWS]
    return [(row, col, " ".join(t)) for (row, col), t in sorted(cells.items(), key=lambda kv: order.index(kv[0][0]))]


def _table_columns(file: str, prefix: str, cells: list[tuple[str, str, str, str, str, str]]) -> tuple[Column, ...]:
    ids = tuple(Column(file, c.name, c.type, c.label, c.description) for c in META_COLUMNS if c.name in _TABLE_IDS)
    ids = tuple(sorted(ids, key=lambda c: _TABLE_IDS.index(c.name)))
    values = tuple(
        Column(file, f"{prefix}_{row}__{col}", kind, label, f"{row}.{col}: the number as published; empty when the cell is blank, a dash, a word or missing (never 0)", unit, templates)
        for row, col, kind, unit, label, templates in cells
    )
    return ids + values


TABLE_FILES: dict[str, str] = {TableKey.T2: "table2_wide.csv", TableKey.T3: "table3_wide.csv", TableKey.T4: "table4_wide.csv"}
TABLE_COLUMNS: dict[str, tuple[Column, ...]] = {
    TableKey.T3: _table_columns("table3_wide.csv", "t3", [
        (row.key, col, "integer", "件", f"{TABLE_NAMES['table3']} {_t3_label(row.key)} · {label}", _t3_templates(row.key))
        for row in T3_ROWS for col, label in T3_COLUMNS
    ]),
    TableKey.T2: _table_columns("table2_wide.csv", "t2", [
        (row, col, "decimal" if _T2_UNITS.get(col) == "万元" else "integer", _T2_UNITS.get(col, "件"),
         f"{TABLE_NAMES['table2']} {next(r.label for r in T2_ROWS if r.key == row)} · {COLUMN_LABELS['table2'][col]}", templates)
        for row, col, templates in _t2_cells()
    ]),
    TableKey.T4: _table_columns("table4_wide.csv", "t4", [
        (row, col, "integer", "件", f"{TABLE_NAMES['table4']} {row_label} · {col_label}", "2019 2021")
        for row, row_label in T4_ROWS for col, col_label in T4_COLUMNS
    ]),
}


def cell_column(table: str, row: str, col: str) -> str:
    """The wide column of a long cell: table3, new_requests, natural_person → t3_new_requests__natural_person."""
    return f"t{table[-1]}_{row}__{col}"


# --- harmonised variables across templates (xxgk.load(OUT).panel(table, harmonised=True)) ---------------

# A 2021 report's three （六）其他处理 rows, summed only where all three are numbers, give the one row 2019
# reports print (a 2021 report that prints （六） as one row fills it itself).
HARMONISED_SUMS: dict[str, tuple[str, ...]] = {
    cell_column(TableKey.T3, "other_handling", col): tuple(cell_column(TableKey.T3, row, col) for row in OTHER_ROWS)
    for col, _ in T3_COLUMNS
}


def harmonised_columns(table: str) -> list[str]:
    """The cell columns of ``table`` that the harmonised panel keeps: those both the 2019 and 2021
    templates fill, and the sums of HARMONISED_SUMS. The others count different things in each template."""
    return [c.name for c in TABLE_COLUMNS[table] if "__" in c.name
            and ({"2019", "2021"} <= set(c.templates.split()) or c.name in HARMONISED_SUMS)]


# How each template gives the harmonised panel's columns, for the README (generated with the dictionary).
# 2013–2018 reports print another table (cells.csv, table pre2019): its indicators are named where one
# resembles a panel column, but never merged — their definitions differ — so those reports are not in the panel.
HARMONISATION: tuple[tuple[str, str, str, str, str], ...] = (
    ("`t3_*` but （六）: `new_requests` … `carried_forward`", "the cell", "the cell",
     "not merged; alike: `applications_received` (收到申请数) ~ `t3_new_requests__total`, `answered_granted` ~ `t3_granted__total`, "
     "`answered_partially_granted` ~ `t3_partially_granted__total`", "kept"),
    ("`t3_other_handling__*`", "`other_no_correction` + `other_fee_unpaid` + `other_misc`, only where all three are numbers, else empty "
     "and the column named in `not_comparable`; the row itself when the report prints （六） as one row", "the row", "—", "kept"),
    ("`t3_other_no_correction__*`, `t3_other_fee_unpaid__*`, `t3_other_misc__*`", "the rows", "no such rows", "—",
     "dropped (in `t3_other_handling`)"),
    ("`t4_*`", "the cell", "the cell",
     "not merged; alike: `admin_review` ~ `t4_review__total`, `admin_litigation` ~ `t4_litigation_direct__total` + `t4_litigation_after_review__total`",
     "kept"),
    ("`t2_licensing__decisions`, `t2_penalty__decisions`, `t2_coercion__decisions`", "处理决定数量", "本年处理决定数量", "—", "kept"),
    ("the other `t2_*`", "`made`, `repealed`, `in_force`, `amount_wan_yuan`", "`new_made`, `new_published`, `total_published`, "
     "`prev_items`, `delta`, `projects`, `amount`", "—", "dropped: each template counts other things"),
)


# --- batch analyses ------------------------------------------------------------------------------

COVERAGE_COLUMNS: tuple[Column, ...] = (
    Column("coverage.csv", "body_id", "text", "机关标识", "one row per body (body_id: its name forms joined); empty for reports whose body is unknown"),
    Column("coverage.csv", "bureau_key", "text", "机关键", "the key of the name printed in the body's latest report"),
    Column("coverage.csv", "bureau", "text", "机关名称", "the name printed in the body's latest report"),
    Column("coverage.csv", "level", "text", "层级", "tier of the body"),
    Column("coverage.csv", "region_code", "text", "区划代码", "six-digit division code"),
    Column("coverage.csv", "reports", "integer", "报告数", "reports of this body in the batch (failed ones included; identical copies counted once)"),
    Column("coverage.csv", "<year>", "text", "年度", "one column per year from the earliest to the latest in the batch: present (a report was read) · failed (only unreadable files) · missing"),
    Column("coverage.csv", "year_unknown", "integer", "年度不明", "reports of this body whose year is unknown"),
)
PROBLEM_COLUMNS: tuple[Column, ...] = (
    Column("problems.csv", "report_id", *_ID["report_id"]),
    Column("problems.csv", "source", *_ID["source"]),
    Column("problems.csv", "section", "text", "部分", "where the problems were read: problems (五), or the section a stray 存在的主要问题 heading sat in"),
    Column("problems.csv", "n", "integer", "序号", "position of the sentence among the section's problem sentences (1-based)"),
    Column("problems.csv", "sentence", "text", "问题语句", "one stated problem: a sentence, or one item of an enumeration (一是…；二是…)"),
    Column("problems.csv", "category", "text", "类别", "机制建设 · 公开内容 · 解读回应 · 平台建设 · 队伍培训 · 依申请办理 · 其他 (README: narrative analysis)"),
    Column("problems.csv", "keywords", "text", "关键词", "the rule words that decided the category, '、'-separated"),
)
FACT_COLUMNS: tuple[Column, ...] = (
    Column("facts.csv", "report_id", *_ID["report_id"]),
    Column("facts.csv", "source", *_ID["source"]),
    Column("facts.csv", "section", "text", "部分", "section key of the sentence (preamble, overview … other; fees and others of pre-2019 reports)"),
    Column("facts.csv", "key", "text", "事项", "what the number counts: active_disclosure_items · applications_received · applications_completed · carried_over · carried_forward · admin_review_cases · admin_litigation_cases · withheld_items · complaints · appeal_cases · fees_charged"),
    Column("facts.csv", "value", "number", "数值", "the number as stated; 0 when the sentence states none in words (未收到申请)"),
    Column("facts.csv", "unit", "text", "单位", "the unit printed after it: 件 · 条 · 个 · 起 · 元 · 万元"),
    Column("facts.csv", "sentence", "text", "原句", "the sentence as printed (lines a PDF broke joined)"),
    Column("facts.csv", "line", "integer", "行号", "text line where the sentence starts"),
    Column("facts.csv", "page", "integer", "页", "PDF page of the sentence (the section's first page when the sentence was not read line by line)"),
    Column("facts.csv", "table_key", "text", "对应单元格", "the table cell the number should equal (table.row_key.col_key; a sum of cells joined by '+'), as X-TEXT compares; empty when the tables have no such count"),
    Column("facts.csv", "table_value", "number", "表中数值", "the value of table_key in the report's tables; empty when not a number or not read"),
)
KEYWORD_COLUMNS: tuple[Column, ...] = (
    Column("keywords.csv", "report_id", *_ID["report_id"]),
    Column("keywords.csv", "source", *_ID["source"]),
    Column("keywords.csv", "section", "text", "部分", "section key"),
    Column("keywords.csv", "rank", "integer", "排名", "1 = the section's most distinctive word"),
    Column("keywords.csv", "keyword", "text", "关键词", "a jieba word (with the xxgk domain dictionary)"),
    Column("keywords.csv", "weight", "number", "权重", "TF-IDF: the word's share of the section's words × (ln((1 + sections in the batch) / (1 + sections containing it)) + 1)"),
)
DICTIONARY_COLUMNS: tuple[Column, ...] = tuple(
    Column("dictionary.csv", name, "text", label, text)
    for name, label, text in (
        ("file", "文件", "the export file"),
        ("column", "列", "column name; <year> stands for one column per year"),
        ("type", "类型", "text · integer · decimal · number · date · boolean"),
        ("dtype", "pandas类型", "the type in pandas: string · Int64 · Float64 · boolean · datetime64 (read_csv_options)"),
        ("unit", "单位", "件 · 项 · 万元 · empty"),
        ("label", "中文标签", "the official Chinese label"),
        ("templates", "模板", "templates whose reports can fill the column, or all"),
        ("description", "说明", "what the column holds"),
    )
)

FILES: dict[str, str] = {
    "reports.csv": "input file (contract)",
    "cells.csv": "table cell (contract)",
    "findings.csv": "check finding (contract)",
    "sections.csv": "narrative section (contract)",
    "reports_wide.csv": "input file: metadata with evidence and confidence, status, finding counts",
    "table2_wide.csv": "report in which 表二 was found: one column per row × column",
    "table3_wide.csv": "report in which 表三 was found: one column per row × column",
    "table4_wide.csv": "report in which 表四 was found: one column per row × column",
    "coverage.csv": "body: which years the batch holds (present / failed / missing)",
    "problems.csv": "problem stated in section 五, with its category",
    "facts.csv": "number stated in the narrative, beside the table cell it should equal",
    "keywords.csv": "keyword of a section (TF-IDF against the batch)",
    "dictionary.csv": "column of an export (this dictionary)",
}
# Files with the columns of another: the label files (header, then one row of Chinese labels) and
# the optional Parquet copies (--parquet) and workbook sheets (--xlsx: wide.xlsx, sheet per file).
SAME_COLUMNS: dict[str, tuple[str, str]] = {
    **{f.replace(".csv", "_labels.csv"): (f, "the Chinese label of each column (one row under the header)")
       for f in ("table2_wide.csv", "table3_wide.csv", "table4_wide.csv")},
    **{f.replace(".csv", "_kinds.csv"): (f, "each cell's kind in place of its value: number · blank · dash · word · text (as in cells.csv) · "
                                             "unplaced · not_in_template · not_found (README: research-ready data)")
       for f in ("table2_wide.csv", "table3_wide.csv", "table4_wide.csv")},
    **{f.replace(".csv", ".parquet"): (f, "as the CSV file, with --parquet; typed (README: typed reading)")
       for f in ("reports_wide.csv", "table2_wide.csv", "table3_wide.csv", "table4_wide.csv")},
}


def columns() -> list[Column]:
    """Every column of every export, file by file in FILES order."""
    found = [*_contract(), *META_COLUMNS, *(c for table in (TableKey.T2, TableKey.T3, TableKey.T4) for c in TABLE_COLUMNS[table]),
             *COVERAGE_COLUMNS, *PROBLEM_COLUMNS, *FACT_COLUMNS, *KEYWORD_COLUMNS, *DICTIONARY_COLUMNS]
    order = list(FILES)
    return sorted(found, key=lambda c: order.index(c.file))


def describes(file: str, column: str) -> bool:
    file = SAME_COLUMNS[file][0] if file in SAME_COLUMNS else file
    return any(c.file == file and c.matches(column) for c in columns())


# A wide table's cell columns (t3_received__natural_person …), as the README block names them.
_CELL_VALUE = re.compile(r"t\d_")


def read_csv_options(file: str) -> dict[str, Any]:
    """Keyword arguments for ``pandas.read_csv`` that give a CSV file of OUT the dictionary's types:
    counts ``Int64``, numbers ``Float64``, ``boolean``, dates ``datetime64``, text ``string`` (ids
    keep their leading zeros); an empty field is ``<NA>``, never 0, and text such as "NA" stays text.

        pd.read_csv("out/reports_wide.csv", **read_csv_options("reports_wide.csv"))

    A ``*_labels.csv`` file is text throughout (its one row holds labels); a ``*_kinds.csv`` file has
    its wide file's types but text (the kinds) where the wide file has the cells' values.
    """
    if file.endswith("_labels.csv"):
        return {"dtype": "string", "keep_default_na": False, "na_values": [""], "encoding": "utf-8-sig"}
    base = SAME_COLUMNS[file][0] if file.endswith("_kinds.csv") else file
    described = [c for c in columns() if c.file == base and c.name != "<year>"]
    types = {c.name: "text" if base != file and _CELL_VALUE.match(c.name) else c.type for c in described}
    return {
        "dtype": {name: PANDAS_DTYPES[kind] for name, kind in types.items() if kind != "date"},
        "parse_dates": [name for name, kind in types.items() if kind == "date"],
        "date_format": "%Y-%m-%d",
        "keep_default_na": False,
        "na_values": [""],
        "encoding": "utf-8-sig",
    }


def write_dictionary(out: Path, encoding: str) -> None:
    """OUT/dictionary.csv."""
    with open(out / "dictionary.csv", "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in DICTIONARY_COLUMNS])
        writer.writerows(rows())


def rows() -> list[tuple[str, ...]]:
    """dictionary.csv's rows, in DICTIONARY_COLUMNS order."""
    return [(c.file, c.name, c.type, PANDAS_DTYPES[c.type], c.unit, c.label, c.templates, c.description) for c in columns()]


README_START = "<!-- dictionary: generated by `python -m xxgk.output.dictionary README.md`; tests/test_dictionary.py checks it -->"
README_END = "<!-- /dictionary -->"


def readme_block() -> str:
    lines = [README_START, "", "| file | one row per | columns |", "|---|---|---|"]
    for file, what in FILES.items():
        names = [c.name for c in columns() if c.file == file]
        values = [n for n in names if _CELL_VALUE.match(n)]
        shown = [n for n in names if n not in values]
        listing = ", ".join(f"`{n}`" for n in shown)
        if values:
            listing += f", then {len(values)} cells `{values[0]}` … `{values[-1]}`"
        lines.append(f"| `{file}` | {what} | {listing} |")
    for file, (like, what) in SAME_COLUMNS.items():
        lines.append(f"| `{file}` | {what} | the columns of `{like}` |")
    lines += ["", "Harmonised variables (`xxgk.load(OUT).panel(table, harmonised=True)`), template by template:", "",
              "| columns | 2021+ | 2019 | 2013–2018 (`pre2019`) | harmonised panel |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in HARMONISATION]
    lines += ["", README_END]
    return "\n".join(lines)


def sync_readme(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    path.write_text(text[:start] + readme_block() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    sync_readme(Path(sys.argv[1]))
