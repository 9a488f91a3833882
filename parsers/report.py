"""Document → ParsedReport: sections, tables, metadata and template."""

from __future__ import annotations

from xxgk.ingest.document import Document, Provenance
from xxgk.parsers.facts import extract_facts
from xxgk.parsers.items import items_from_blocks
from xxgk.parsers.labels import simplify
from xxgk.parsers.meta import bureau_and_year, detect_template, find_title, mixed_message, mixed_templates
from xxgk.parsers.model import Evidence, Item, ParsedReport, ParsedSection, ParseIssue
from xxgk.parsers.pre2019 import parse_pre2019_table
from xxgk.parsers.sections import split_sections
from xxgk.parsers.tables import parse_table2, parse_table3, parse_table4
from xxgk.template import OTHER_ROWS, TABLE_SECTIONS
from xxgk.types import Severity, TableKey

# Where each table is printed; when its section is missing the whole text is searched instead.
_SIGNATURES = {
    TableKey.T2: ("第二十条", "信息内容"),
    TableKey.T3: ("本年新收", "勾稽关系", "申请人情况", "上年结转"),
    TableKey.T4: ("维持", "尚未审结", "结果纠正"),
}


def _region(sections: list[ParsedSection], table: TableKey, items: list[Item]) -> list[Item]:
    """The items a table is read from: its section, when that section shows the table's
    signature (a pre-2019 section of the same name holds other tables)."""
    for section in sections:
        if section.key == TABLE_SECTIONS[table]:
            if any(sig in simplify(item.text) for item in section.items for sig in _SIGNATURES[table]):
                return section.items
            return []
    # No heading: start at the table's signature and stop at the next section heading found.
    for index, item in enumerate(items):
        text = simplify(item.text)
        if any(sig in text for sig in _SIGNATURES[table]):
            return items[index:]
    return []


def parse_document(doc: Document) -> ParsedReport:
    items = items_from_blocks(doc.blocks)
    sections = split_sections(items)
    full_text = "\n".join(item.text for item in items)
    title, _ = find_title(items)
    if not title and doc.metadata.get("title"):
        # The file's own title (HTML <title>, PDF/DOCX properties) counts only if it reads as
        # a report title: a page titled 新闻 is not a report.
        title, _ = find_title([Item([(doc.metadata["title"], Provenance())], Provenance())])
    bureau, year = bureau_and_year(title, full_text, doc.metadata.get("filename", doc.source.rsplit("/", 1)[-1]))

    # 表二 needs the template for rows printed without a usable header; a first pass over 表三
    # and the headers decides it.
    region3 = _region(sections, TableKey.T3, items)
    cells3, issues3, rows3 = parse_table3(region3, ends_document=bool(region3) and region3[-1] is items[-1])
    cells4, issues4, rows4 = parse_table4(_region(sections, TableKey.T4, items))
    region2 = _region(sections, TableKey.T2, items)
    cells2, issues2, rows2 = parse_table2(region2, None)
    year_value = year.value if isinstance(year.value, int) else None
    template = detect_template(cells2 + cells3, full_text, year_value)
    # 表二 and 表三 on different templates: said (D1, naming both), never settled silently by the vote
    mixed = mixed_templates(cells2 + cells3, year_value)
    issues_mixed: list[ParseIssue] = []
    if mixed is not None:
        template = Evidence(
            template.value, f"{template.evidence}；格式混用：表二为{mixed[0]}年版、表三为{mixed[1]}年版", template.confidence
        )
        issues_mixed.append(ParseIssue("D1", Severity.ERROR, "", "", "", mixed_message(*mixed, year_value)))
    if any(c.col_key == "" for c in cells2) and template.value in ("2021", "2019"):
        cells2, issues2, rows2 = parse_table2(region2, str(template.value))

    cells_old = []
    if template.value in ("pre2019", "unknown") and not (rows2 or rows3 or rows4):
        cells_old = parse_pre2019_table(items)
    if template.value == "2021" and "other_handling" in rows3 and not rows3 & set(OTHER_ROWS) and mixed is None:
        issues3.append(ParseIssue(
            "D11", Severity.INFO, TableKey.T3, "other_handling", "",
            "表三 （六）其他处理印为一行（2019年试行格式），2021年格式应分为三行；已按“（六）其他处理”一行读取",
        ))
    tables_found = {name for name, rows in ((TableKey.T2, rows2), (TableKey.T3, rows3), (TableKey.T4, rows4)) if rows}
    if cells_old:
        tables_found.add(TableKey.PRE2019)
    headed = sum(1 for s in sections if s.key != "preamble")
    is_report = bool(tables_found) or headed >= 2 or bool(title)
    return ParsedReport(
        sections=sections,
        cells=cells2 + cells3 + cells4 + cells_old,
        issues=issues_mixed + issues2 + issues3 + issues4,
        tables_found=tables_found,
        rows_found={TableKey.T2: rows2, TableKey.T3: rows3, TableKey.T4: rows4},
        template=template,
        bureau=bureau,
        year=year,
        title=title,
        is_report=is_report,
        facts=extract_facts(sections),
    )
