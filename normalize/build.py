"""ParsedReport → Report: cell values, checks, cell-level findings and the document's status.

What the report should hold and does not is named: a missing row of 表二/表三/表四 is a D11 finding
(the printed table is not the official one). What a copy lost because its text ends early (inside a
table, or inside the heading after one) or starts late (at 二) is not the report's defect: one
P-TRUNCATED finding says where the copy ends and lists the rows, tables and sections after it (the
audit reads that list and accuses no section of being missing). Rows we could not read well — whose
numbers we could not place, cut short, or whose label is only a fragment of an official one
(P-UNMATCHED) — carry their P- finding and no D10 against the body.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from xxgk.ingest.document import Document, Provenance
from xxgk.normalize.checks import run_checks
from xxgk.normalize.locate import locate
from xxgk.normalize.metadata import with_metadata
from xxgk.normalize.notemarks import note_mark_findings
from xxgk.normalize.ocr import ocr_findings
from xxgk.normalize.schema import (
    Cell,
    ErrorItem,
    Finding,
    Guess,
    NarrativeFact,
    Report,
    Section,
    Status,
)
from xxgk.parsers.cellvalue import classify
from xxgk.parsers.labels import squash
from xxgk.parsers.model import Evidence, Item, ParsedCell, ParsedReport
from xxgk.parsers.sections import REQUIRED_SECTIONS, SECTION_TITLES
from xxgk.template import (
    COLUMN_LABELS,
    LABELS,
    OTHER_ROWS,
    SECTION_TABLES,
    T2_DEFAULT_COLUMNS,
    T3_GROUPS,
    T3_ROWS,
    T4_ROWS,
    TABLE_NAMES,
    column_name,
    row_name,
)
from xxgk.types import ErrorCode, Position, Severity, TableKey
from xxgk.version import PARSER_VERSION

log = logging.getLogger(__name__)

_T3_EXPECTED = {
    "2021": {r.key for r in T3_ROWS} - {"other_handling"},
    "2019": {r.key for r in T3_ROWS} - set(OTHER_ROWS),
}
# Where each table is printed (the parser's regions), in the report's order.
# Reading problems that leave a row's cells in doubt: no D10 against the body for that row.
DOUBTFUL_ROWS = frozenset({"P-MISALIGNED", "P-TRUNCATED", "P-SPLIT-DIGIT", "P-DUPLICATE-ROW", "P-UNMATCHED", "P-PAGE-SPLIT"})
_SENTENCE_END = "。！？；!?;"


NOT_A_REPORT = "no report title, section headings or statistics tables found: not a 政府信息公开工作年度报告"


def _guess(evidence: Evidence) -> Guess:
    return Guess(value=evidence.value, evidence=evidence.evidence, confidence=round(evidence.confidence, 2))


def _span(items: list[Item]) -> Provenance | None:
    if not items:
        return None
    first, last = items[0].prov, items[-1].prov
    if first.line is not None:
        return Provenance(line=first.line, line_end=last.line_end or last.line)
    return Provenance(page=first.page, table=first.table)


# A report's cells validated as one list: the same Cells as Cell(**fields) each, without pydantic's
# call per model (3.9 -> 2.8 us a cell; tests/test_fast_paths.py).
_CELLS: TypeAdapter[list[Cell]] = TypeAdapter(list[Cell])


def build_report(doc: Document, parsed: ParsedReport, parser_version: str = PARSER_VERSION) -> Report:
    cells = _CELLS.validate_python([_cell_fields(pc) for pc in parsed.cells])
    template = str(parsed.template.value)
    findings = _parser_findings(parsed, cells)
    start, cut = _cut_at_start(parsed, template), _cut_at_end(parsed, template, cells)
    # A row the copy ends on holds no cells of the report's: the identities see it as not read.
    lost = {(cut.table, row) for row in cut.rows} if cut is not None else set()
    checks, check_findings = run_checks(c for c in cells if (c.table, c.row_key) not in lost)
    findings.extend(check_findings)
    findings.extend(ocr_findings(cells, check_findings))
    findings.extend(note_mark_findings(cells))

    missing = _missing(parsed, template, cells)
    findings.extend(_cell_findings(cells, findings, cut))
    findings.extend(_missing_rows(parsed, template, cut, findings))
    findings.extend(c.finding() for c in (start, cut) if c is not None)
    findings.extend(Finding(code=code, severity=Severity.WARNING, message=message) for code, message in doc.warnings)
    findings = locate(findings, cells)
    sections = [
        Section(key=s.key, number=s.number, title=s.title, text=s.text, provenance=_span(s.items))
        for s in parsed.sections
        if s.key != "preamble" or s.items
    ]
    status: Status
    error: ErrorItem | None
    if not parsed.is_report:
        status, error = "skipped", ErrorItem(code=ErrorCode.NOT_A_REPORT, message=NOT_A_REPORT)
    elif missing or any(c.position == Position.UNKNOWN for c in cells):
        status, error = "partial", None
    else:
        status, error = "ok", None
    report = Report(
        parser_version=parser_version,
        report_id=doc.report_id,
        source=doc.source,
        format=doc.format,
        encoding=doc.encoding,
        status=status,
        error=error,
        missing=missing,
        template=template if template in ("2021", "2019", "pre2019") else "unknown",  # type: ignore[arg-type]
        bureau=parsed.bureau.value if isinstance(parsed.bureau.value, str) else None,
        year=parsed.year.value if isinstance(parsed.year.value, int) else None,
        title=parsed.title,
        metadata=dict(doc.metadata),
        guesses={"template": _guess(parsed.template), "bureau": _guess(parsed.bureau), "year": _guess(parsed.year)},
        sections=sections,
        cells=cells,
        findings=findings,
        checks=checks,
        facts=[
            NarrativeFact(key=f.key, value=f.value, unit=f.unit, section=f.section, sentence=f.sentence, provenance=f.prov)
            for f in parsed.facts
        ],
    )
    return with_metadata(report, [item.text for section in parsed.sections for item in section.items])


def _cell_fields(pc: ParsedCell) -> dict[str, Any]:
    """The fields of the Cell a parsed cell becomes: its kind and value read from its raw text."""
    kind, value = classify(pc.raw)
    return {"table": pc.table, "row_key": pc.row_key, "col_key": pc.col_key, "raw": pc.raw, "kind": kind, "value": value,
            "label": pc.label, "match_score": pc.match_score, "position": pc.position, "provenance": pc.provenance}


def _expected_rows(table: TableKey, template: str, rows: set[str]) -> list[str]:
    """The rows a table of this template prints, in the official order (an empty list for a
    template without a fixed table)."""
    if template not in ("2021", "2019"):
        return []
    if table == TableKey.T2:
        return list(T2_DEFAULT_COLUMNS[template])
    if table == TableKey.T3:
        expected = set(_T3_EXPECTED[template])
        if template == "2021" and "other_handling" in rows and not rows & set(OTHER_ROWS):
            expected = expected - set(OTHER_ROWS) | {"other_handling"}  # the collapsed （六） row
        return [row.key for row in T3_ROWS if row.key in expected]
    if table == TableKey.T4:
        return [row for row, _ in T4_ROWS]
    return []


def _missing(parsed: ParsedReport, template: str, cells: list[Cell]) -> list[str]:
    """What a report of its template should hold and this one does not."""
    missing: list[str] = []
    if not parsed.is_report or template not in ("2021", "2019"):
        return missing
    present = {s.key for s in parsed.sections}
    for key in REQUIRED_SECTIONS:
        if key not in present:
            missing.append(f"section:{SECTION_TITLES[key]}")
    for table in (TableKey.T2, TableKey.T3, TableKey.T4):
        if table not in parsed.tables_found:
            missing.append(f"table:{TABLE_NAMES[table]}")
    for table in (TableKey.T2, TableKey.T3, TableKey.T4):
        if table in parsed.tables_found:
            rows = parsed.rows_found[table]
            missing.extend(f"row:{TABLE_NAMES[table]} {LABELS[table][row]}"
                           for row in _expected_rows(table, template, rows) if row not in rows)
    return missing


@dataclass
class Cut:
    """Where a copy of the report ends early (or starts late), and what it lost there."""

    where: Provenance | None
    text: str  # the last (or first) line of the copy
    table: str = ""  # the table the text ends in
    rows: list[str] = field(default_factory=list)  # that table's rows after the cut
    tables: list[str] = field(default_factory=list)  # tables after it
    sections: list[str] = field(default_factory=list)  # sections after (or before) the copy
    at_start: bool = False

    def finding(self) -> Finding:
        lost = []
        name = TABLE_NAMES.get(self.table, "")
        if self.rows:
            first, last = (row_name(self.table, r) for r in (self.rows[0], self.rows[-1]))
            span = f"“{first}”" if len(self.rows) == 1 else f"“{first}”至“{last}”{len(self.rows)}行"
            lost.append(f"{name}{span}")
        lost.extend(TABLE_NAMES[t] for t in self.tables)
        if self.sections:
            lost.append("第" + "、".join(SECTION_TITLES[s][0] for s in self.sections) + "部分")
        quoted = self.text if len(self.text) <= 24 else self.text[:23] + "…"
        if self.at_start:
            message = f"文本从“{quoted}”开始（副本不完整）：此前的{'、'.join(lost)}未读到"
        else:
            message = f"{name + ' ' if name else ''}文本在“{quoted}”处中断（副本不完整）：其后的{'、'.join(lost)}未读到"
        return Finding(
            code="P-TRUNCATED", severity=Severity.WARNING, table=self.table,
            message=message + "；这是所读副本的局限，不视为报告缺项",
            evidence={"rows": self.rows, "tables": self.tables, "sections": self.sections, "at_start": self.at_start},
            provenance=self.where,
        )


def _cut_at_start(parsed: ParsedReport, template: str) -> Cut | None:
    """A copy that starts at a later section with nothing before it (no title, no preamble): the
    sections before it are not in the copy."""
    if not parsed.is_report or template not in ("2021", "2019"):
        return None
    order = list(REQUIRED_SECTIONS)
    headed = [s for s in parsed.sections if s.key in order]
    preamble = parsed.sections[0] if parsed.sections and parsed.sections[0].key == "preamble" else None
    if not headed or preamble is None or preamble.items or headed[0].key == order[0]:
        return None
    present = {s.key for s in headed}
    before = [k for k in order[: order.index(headed[0].key)] if k not in present]
    first = headed[0].items[0].prov if headed[0].items else None  # the heading is no item: what follows it
    return Cut(first, headed[0].title, sections=before, at_start=True)


def _cut_at_end(parsed: ParsedReport, template: str, cells: list[Cell]) -> Cut | None:
    """A copy that ends inside a table (inside a row, on a label, before the table's last rows) or inside
    the heading after one, with sections missing after it: what the copy lost there."""
    if not parsed.is_report or template not in ("2021", "2019"):
        return None
    order = list(REQUIRED_SECTIONS)
    present = {s.key for s in parsed.sections}
    last_section = parsed.sections[-1]
    if last_section.key not in order or not last_section.items:
        return None
    after = [k for k in order[order.index(last_section.key) + 1:] if k not in present]
    table = SECTION_TABLES.get(last_section.key)
    if not after or table is None or table not in parsed.tables_found:
        return None
    last = last_section.items[-1]
    rows = parsed.rows_found[table]
    # A label the text ends on, with no cell of its row read: the row is the copy's loss too.
    cut_rows = {c.row_key for c in cells if c.table == table and _same_line(c.provenance, last.prov)
                and c.kind == "blank"} - {c.row_key for c in cells if c.table == table and c.kind != "blank"}
    expected = _expected_rows(table, template, rows)
    read = [expected.index(r) for r in rows if r in expected and r not in cut_rows]
    after_row = max(read, default=-1)
    lost_rows = [r for r in expected[after_row + 1:] if r not in rows or r in cut_rows]
    # The text ends inside a row, on a fragment (a label, half a heading), or before the table's last
    # rows: a report never ends there, a copy does.
    truncated_row = any(i.code == "P-TRUNCATED" and i.table == table for i in parsed.issues)
    if not (truncated_row or _fragment(last) or lost_rows):
        return None
    tables = [t for key, t in SECTION_TABLES.items() if key in after and t not in parsed.tables_found]
    # Located in the table only when the table itself lost rows (not when the text ends in the heading after it).
    return Cut(last.prov, last.text.strip(), table if lost_rows else "", lost_rows, [str(t) for t in tables], after)


def _fragment(item: Item) -> bool:
    """A line that ends neither a sentence nor a row of numbers: where a copy was cut off."""
    text = item.text.strip()
    return bool(text) and text[-1] not in _SENTENCE_END and not any(
        classify(cell)[0] == "number" for cell, _ in item.cells
    )


def _same_line(a: Provenance, b: Provenance) -> bool:
    return a.line is not None and a.line == b.line and a.page == b.page


def _official_strings(table: str) -> list[str]:
    """The official row and group labels and column headers of a table, squashed, to recognise a fragment
    of one (制作, what a wrapped 本年新制作数量 header leaves on a line of its own)."""
    strings = [squash(label) for label in LABELS.get(table, {}).values()]
    strings += [squash(label) for label in COLUMN_LABELS.get(table, {}).values()]
    if table == TableKey.T3:
        strings += [squash(group) for group, _ in T3_GROUPS] + [squash("三、本年度办理结果"), squash("（六）其他处理")]
    return strings


def _parser_findings(parsed: ParsedReport, cells: list[Cell]) -> list[Finding]:
    """The parser's issues as findings. A row kept as one the template does not have whose label is
    only a fragment of an official label (（三）不, 予处理: a label a layout broke up) is our reading
    problem, P-UNMATCHED — not an extra row of the report (D11)."""
    findings = []
    for issue in parsed.issues:
        code, severity, message, evidence = issue.code, issue.severity, issue.message, dict(issue.evidence)
        if code == "D11" and issue.row_key.startswith("x_"):
            row_cells = [c for c in cells if c.table == issue.table and c.row_key == issue.row_key]
            label = next((c.label for c in row_cells if c.label), "")
            core = squash(label)
            official = next((o for o in _official_strings(issue.table) if core and core in o), None)
            if official is not None:
                numbers = [c.raw for c in row_cells if c.kind == "number"]
                code = "P-UNMATCHED"
                severity = Severity.WARNING if numbers else Severity.INFO
                held = f"其数值（{'、'.join(numbers)}）未归入任何标准行" if numbers else "该行没有数值"
                message = (f"{TABLE_NAMES.get(issue.table, issue.table)} “{label}”一行未能对应标准行"
                           f"（似为被拆开的标准标签的片段），{held}，已按原样保留")
                evidence = {**evidence, "label": label, "numbers": numbers}
        findings.append(Finding(code=code, severity=severity, table=issue.table, row_key=issue.row_key,
                                col_key=issue.col_key, message=message, provenance=issue.provenance, evidence=evidence))
    return findings


def _missing_rows(parsed: ParsedReport, template: str, cut: Cut | None, findings: list[Finding]) -> list[Finding]:
    """D11 for each official row a found table does not print — except rows a cut copy lost, and rows of
    a table where numbers stand in a row we could not match or in no row at all (they may be that row's)."""
    found: list[Finding] = []
    if not parsed.is_report:
        return found
    lost = set(cut.rows) if cut is not None else set()
    doubtful = {f.table for f in findings if f.code == "P-UNMATCHED" and f.evidence.get("numbers")}
    # Numbers kept unplaced for the table as a whole (no row known) may well be the missing rows' own.
    doubtful |= {f.table for f in findings if f.code in ("P-MISALIGNED", "P-ORPHAN") and not f.row_key}
    # Numbers held under a row whose label may be cut by a page break may be a missing row's own.
    doubtful |= {f.table for f in findings if f.code == "P-PAGE-SPLIT"}
    for table in (TableKey.T2, TableKey.T3, TableKey.T4):
        if table not in parsed.tables_found or table in doubtful:
            continue
        rows = parsed.rows_found[table]
        for row in _expected_rows(table, template, rows):
            if row in rows or (cut is not None and cut.table == table and row in lost):
                continue
            found.append(Finding(
                code="D11", severity=Severity.WARNING, table=table, row_key=row,
                message=f"{TABLE_NAMES[table]} 缺少“{LABELS[table][row]}”行",
                evidence={"missing_row": LABELS[table][row]},
            ))
    return found


def _doubtful(findings: list[Finding], cut: Cut | None) -> tuple[set[tuple[str, str]], set[str]]:
    """Rows (and whole tables) whose cells our reading leaves in doubt."""
    rows = {(f.table, f.row_key) for f in findings if f.code in DOUBTFUL_ROWS and f.row_key}
    tables = {f.table for f in findings if f.code == "P-MISALIGNED" and not f.row_key and f.table}
    if cut is not None and cut.table:
        rows |= {(cut.table, row) for row in cut.rows}
    return rows, tables


def _cell_findings(cells: list[Cell], findings: list[Finding], cut: Cut | None) -> list[Finding]:
    """D10 for blank or non-numeric cells (one finding per row: col_key when it is one cell, every
    cell's place in evidence), D11 for altered labels. Rows our reading leaves in doubt get neither."""
    doubtful_rows, doubtful_tables = _doubtful(findings, cut)
    detached = {(f.table, f.row_key) for f in findings if f.code == "P-DETACHED-LABEL"}
    found: list[Finding] = []
    by_row: dict[tuple[str, str], list[Cell]] = {}
    labels_seen: dict[tuple[str, str], Cell] = {}
    for cell in cells:
        if cell.position != Position.EXACT or (cell.table, cell.row_key) in doubtful_rows or cell.table in doubtful_tables:
            continue
        labels_seen.setdefault((cell.table, cell.row_key), cell)
        if cell.kind != "number":
            by_row.setdefault((cell.table, cell.row_key), []).append(cell)
    # A line's cells share its provenance: each one is dumped once (its serializer runs Python code).
    dumped: dict[int, dict[str, Any]] = {}

    def _place(prov: Provenance) -> dict[str, Any]:
        if id(prov) not in dumped:
            dumped[id(prov)] = prov.model_dump(exclude_none=True)
        return dumped[id(prov)]

    for (table, row), row_cells in by_row.items():
        name = TABLE_NAMES.get(table, table)
        label = row_name(table, row, row_cells[0].label)
        cols = "、".join(f"{column_name(table, c.col_key)}“{c.raw}”" if c.raw else column_name(table, c.col_key)
                        for c in row_cells)
        found.append(
            Finding(
                code="D10", severity=Severity.WARNING, table=table, row_key=row,
                col_key=row_cells[0].col_key if len(row_cells) == 1 else "",
                message=f"{name} {label}：{len(row_cells)}个单元格为空白或非数字（{cols}），按原样保留，不作0处理",
                evidence={
                    "cells": [c.col_key for c in row_cells],
                    "highlight": [f"{table}.{row}.{c.col_key}" for c in row_cells],
                    "places": [{"col_key": c.col_key, "raw": c.raw, **_place(c.provenance)} for c in row_cells],
                },
                provenance=row_cells[0].provenance,
            )
        )
    for (table, row), cell in labels_seen.items():
        # A row placed by the table's row order has no printed label beside it to compare.
        if cell.match_score < 1.0 and not row.startswith("x_") and (table, row) not in detached:
            standard = row_name(table, row)
            found.append(
                Finding(
                    code="D11", severity=Severity.INFO, table=table, row_key=row,
                    message=f"{TABLE_NAMES.get(table, table)} 行标签“{cell.label}”与标准标签“{standard}”不一致"
                    f"（相似度{cell.match_score:.2f}），已按“{standard}”读取",
                    evidence={"label": cell.label, "score": cell.match_score}, provenance=cell.provenance,
                )
            )
    return found


def failed_report(source: str, report_id: str, code: ErrorCode, message: str, status: str = "failed",
                  fmt: str = "", parser_version: str = PARSER_VERSION, *,
                  page: int | None = None, traceback: str | None = None) -> Report:
    """The report of a file that was not parsed. Never raises: it is what a failure turns into."""
    report = Report(
        parser_version=parser_version, report_id=report_id, source=source, format=fmt, status=status,  # type: ignore[arg-type]
        error=ErrorItem(code=code, message=message, page=page, traceback=traceback),
    )
    try:
        return with_metadata(report, ())  # what the file's name says of its bureau and year
    except Exception:  # a bug in reading names must not turn one failed file into a lost batch
        log.exception("%s: cannot read metadata from the file name; the failed report goes without", source)
        return report
