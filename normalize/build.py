"""ParsedReport → Report: cell values, checks, cell-level findings and the document's status."""

from __future__ import annotations

import logging

from xxgk.ingest.document import Document, Provenance
from xxgk.normalize.checks import run_checks
from xxgk.normalize.metadata import with_metadata
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
from xxgk.parsers.model import Evidence, Item, ParsedReport
from xxgk.parsers.sections import REQUIRED_SECTIONS, SECTION_TITLES
from xxgk.template import (
    COLUMN_LABELS,
    LABELS,
    OTHER_ROWS,
    T3_ROWS,
    TABLE_NAMES,
)
from xxgk.types import ErrorCode, Position, Severity, TableKey
from xxgk.version import PARSER_VERSION

log = logging.getLogger(__name__)

_T3_EXPECTED = {
    "2021": {r.key for r in T3_ROWS} - {"other_handling"},
    "2019": {r.key for r in T3_ROWS} - set(OTHER_ROWS),
}


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


def build_report(doc: Document, parsed: ParsedReport, parser_version: str = PARSER_VERSION) -> Report:
    cells = []
    for pc in parsed.cells:
        kind, value = classify(pc.raw)
        cells.append(
            Cell(
                table=pc.table, row_key=pc.row_key, col_key=pc.col_key, raw=pc.raw, kind=kind, value=value,
                label=pc.label, match_score=pc.match_score, position=pc.position, provenance=pc.provenance,
            )
        )
    findings = [
        Finding(code=i.code, severity=i.severity, table=i.table, row_key=i.row_key, col_key=i.col_key,
                message=i.message, provenance=i.provenance, evidence=i.evidence)
        for i in parsed.issues
    ]
    checks, check_findings = run_checks(cells)
    findings.extend(check_findings)
    # A row placed by the table's row order has no printed label of its own to compare (P-DETACHED-LABEL).
    detached = {(i.table, i.row_key) for i in parsed.issues if i.code == "P-DETACHED-LABEL"}
    findings.extend(_cell_findings(cells, detached))
    findings.extend(Finding(code=code, severity=Severity.WARNING, message=message) for code, message in doc.warnings)

    template = str(parsed.template.value)
    missing = _missing(parsed, template, cells)
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
    if TableKey.T3 in parsed.tables_found:
        rows = parsed.rows_found[TableKey.T3]
        expected = set(_T3_EXPECTED[template])
        if template == "2021" and "other_handling" in rows and not rows & set(OTHER_ROWS):
            expected = expected - set(OTHER_ROWS) | {"other_handling"}  # the collapsed （六） row
        for row in T3_ROWS:
            if row.key in expected and row.key not in rows:
                missing.append(f"row:表三 {row.label}")
    return missing


def _cell_findings(cells: list[Cell], detached: set[tuple[str, str]]) -> list[Finding]:
    """D10 for blank or non-numeric cells (one finding per row), D11 for altered labels (not of the
    ``detached`` rows, whose labels were not printed beside them)."""
    findings: list[Finding] = []
    by_row: dict[tuple[str, str], list[Cell]] = {}
    labels_seen: dict[tuple[str, str], Cell] = {}
    for cell in cells:
        if cell.position != Position.EXACT:
            continue
        labels_seen.setdefault((cell.table, cell.row_key), cell)
        if cell.kind != "number":
            by_row.setdefault((cell.table, cell.row_key), []).append(cell)
    for (table, row), row_cells in by_row.items():
        name = TABLE_NAMES.get(table, table)
        label = LABELS.get(table, {}).get(row, row_cells[0].label or row)
        cols = "、".join(f"{COLUMN_LABELS.get(table, {}).get(c.col_key, c.col_key)}“{c.raw}”" if c.raw else
                        COLUMN_LABELS.get(table, {}).get(c.col_key, c.col_key) for c in row_cells)
        findings.append(
            Finding(
                code="D10", severity=Severity.WARNING, table=table, row_key=row,
                col_key=row_cells[0].col_key if len(row_cells) == 1 else "",
                message=f"{name} {label}：{len(row_cells)}个单元格为空白或非数字（{cols}），按原样保留，不作0处理",
                evidence={"cells": [c.col_key for c in row_cells]}, provenance=row_cells[0].provenance,
            )
        )
    for (table, row), cell in labels_seen.items():
        if cell.match_score < 1.0 and not row.startswith("x_") and (table, row) not in detached:
            standard = LABELS.get(table, {}).get(row, row)
            findings.append(
                Finding(
                    code="D11", severity=Severity.INFO, table=table, row_key=row,
                    message=f"{TABLE_NAMES.get(table, table)} 行标签“{cell.label}”与标准标签“{standard}”不一致"
                    f"（相似度{cell.match_score:.2f}），已按“{standard}”读取",
                    evidence={"label": cell.label, "score": cell.match_score}, provenance=cell.provenance,
                )
            )
    return findings


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
