"""Every finding about a cell, row or column says where it is: the provenance of a cell it concerns.

A finding made without one (an identity's failure, an audit check that compares values) takes the
provenance of its own cell (table, row_key, col_key), else the first cell of its row, else the first
cell of its column — placed or not: a number whose column is unknown still has a page and a line.
"""

from __future__ import annotations

from collections.abc import Iterable

from xxgk.ingest.document import Provenance
from xxgk.normalize.schema import Cell, Finding


def locate(findings: Iterable[Finding], cells: Iterable[Cell]) -> list[Finding]:
    findings = list(findings)
    if not any(_unplaced(f) for f in findings):
        return findings  # most reports: every finding says where it is already, no cell need be indexed
    by_cell: dict[tuple[str, str, str], Provenance] = {}
    by_row: dict[tuple[str, str], Provenance] = {}
    by_col: dict[tuple[str, str], Provenance] = {}
    for cell in cells:
        by_cell.setdefault((cell.table, cell.row_key, cell.col_key), cell.provenance)
        by_row.setdefault((cell.table, cell.row_key), cell.provenance)
        if cell.col_key:
            by_col.setdefault((cell.table, cell.col_key), cell.provenance)
    located = []
    for finding in findings:
        if _unplaced(finding):
            table, row, col = finding.table, finding.row_key, finding.col_key
            where = by_cell.get((table, row, col)) or (by_row.get((table, row)) if row else by_col.get((table, col)))
            if where is not None:
                finding = finding.model_copy(update={"provenance": where})
        located.append(finding)
    return located


def _unplaced(finding: Finding) -> bool:
    """Whether the finding concerns a cell, row or column and does not say where it is."""
    return finding.provenance is None and bool(finding.table) and bool(finding.row_key or finding.col_key)
