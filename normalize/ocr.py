"""Findings on cells read by OCR: how sure the recogniser was is data, never silently dropped.

P-OCR-LOW: a row holding cells read below the confidence threshold (after their re-read at a higher
resolution). P-OCR-CHECK: an identity that fails on cells read by OCR may be a misreading before it is
the body's error. Its cells are read again at the higher resolution first (``reread``: xxgk.api.parse_file
reads the file once more); still failing, the finding gives the cells' confidences beside the
identity's own finding. The identity chooses which cells are read again, never which reading stands.
"""

from __future__ import annotations

from collections.abc import Iterable

from xxgk.ingest.ocr import LOW_CONFIDENCE, REREAD, CellKey, cell_key
from xxgk.normalize.schema import Cell, Finding
from xxgk.template import TABLE_NAMES, column_name, row_name
from xxgk.types import Position, Severity

# The cells each identity adds up: along its row, down its column, or the one cell.
IDENTITIES = {"T3-BAL": "col", "T3-COLSUM": "row", "T3-ROWSUM": "col", "T3-INT": "cell", "T4-SUM": "row", "T4-INT": "cell"}


def _read(cells: Iterable[Cell]) -> list[Cell]:
    return [c for c in cells if c.provenance.ocr and c.provenance.confidence is not None and c.position != Position.UNKNOWN]


def _said(cells: list[Cell]) -> str:
    return "、".join(f"{column_name(c.table, c.col_key)}“{c.raw}”（{c.provenance.confidence:.2f}）" for c in cells)


def ocr_findings(cells: list[Cell], findings: list[Finding]) -> list[Finding]:
    """P-OCR-LOW for each row with a cell read without confidence; P-OCR-CHECK beside each failing
    identity some of whose table's cells in its row or column were read by OCR."""
    read = _read(cells)
    if not read:
        return []
    found: list[Finding] = []
    low: dict[tuple[str, str], list[Cell]] = {}
    for cell in read:
        if cell.provenance.confidence is not None and cell.provenance.confidence < LOW_CONFIDENCE:
            low.setdefault((cell.table, cell.row_key), []).append(cell)
    for (table, row), row_cells in low.items():
        found.append(Finding(
            code="P-OCR-LOW", severity=Severity.WARNING, table=table, row_key=row,
            col_key=row_cells[0].col_key if len(row_cells) == 1 else "",
            message=f"{TABLE_NAMES.get(table, table)} {row_name(table, row, row_cells[0].label)}："
                    f"{len(row_cells)}个单元格的文字识别置信度低于{LOW_CONFIDENCE}（{_said(row_cells)}），请对照原件核对",
            evidence={"confidence": {c.col_key: round(c.provenance.confidence or 0.0, 3) for c in row_cells}},
            provenance=row_cells[0].provenance,
        ))
    again = REREAD.get()
    for finding in findings:
        involved = _involved(read, finding)
        if not involved:
            continue
        found.append(Finding(
            code="P-OCR-CHECK", severity=Severity.WARNING, table=finding.table, row_key=finding.row_key,
            col_key=finding.col_key,
            message=f"{finding.code} 不成立的单元格由文字识别读出"
                    f"{'（已以更高分辨率重新识别）' if any(_key(c) in again for c in involved) else ''}，"
                    f"可能是识别误差而非报告本身的错误；置信度最低的：{_said(involved[:3])}，请对照原件核对",
            evidence={"check": finding.code, "reread": any(_key(c) in again for c in involved), "confidence": {
                f"{c.row_key}.{c.col_key}": round(c.provenance.confidence or 0.0, 3) for c in involved[:10]}},
            provenance=involved[0].provenance,
        ))
    return found


def _involved(read: list[Cell], finding: Finding) -> list[Cell]:
    """The cells read by OCR that a failing identity adds up, least confident first."""
    along = IDENTITIES.get(finding.code)
    if along is None or finding.severity != Severity.ERROR:
        return []
    cells = [
        c for c in read if c.table == finding.table
        and (along != "row" or c.row_key == finding.row_key)
        and (along != "col" or c.col_key == finding.col_key)
        and (along != "cell" or (c.row_key, c.col_key) == (finding.row_key, finding.col_key))
    ]
    return sorted(cells, key=lambda c: c.provenance.confidence or 0.0)


def _key(cell: Cell) -> CellKey:
    prov = cell.provenance
    return cell_key(prov.page, prov.image, prov.bbox or ())


def to_reread(cells: list[Cell], findings: list[Finding]) -> frozenset[CellKey]:
    """The cells read by OCR of every failing identity: read again at the higher resolution before the
    identity is reported."""
    read = _read(cells)
    return frozenset(_key(c) for finding in findings for c in _involved(read, finding) if c.provenance.bbox)
