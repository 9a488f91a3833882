"""Findings say where: every finding about a cell, row or column carries its table, row_key and col_key and
the page or line of a cell involved; missing rows are named; users read printed labels, never keys;
our own reading problems are P- findings, never a D-code against the body."""

from __future__ import annotations

import pytest

from xxgk.ingest.document import Provenance
from xxgk.normalize.checks import run_checks
from xxgk.normalize.schema import Cell, Finding
from xxgk.parsers.cellvalue import classify
from xxgk.template import T3_APPLICANTS, T3_ROWS, T4_ROWS
from xxgk.types import Position

ROWS_2021 = [r.key for r in T3_ROWS if r.key != "other_handling"]
LINE = {row: 10 + i for i, row in enumerate(ROWS_2021)}  # each 表三 row on its own line
T4_LINE = 50


def tables() -> dict[tuple[str, str, str], str]:
    """A consistent 2021 表三 (every applicant column: 5 new = 5 granted, nothing carried) and 表四."""
    cells: dict[tuple[str, str, str], str] = {}
    for row in ROWS_2021:
        for col in T3_APPLICANTS:
            cells[("table3", row, col)] = "5" if row in ("new_requests", "granted", "total_processed") else "0"
        cells[("table3", row, "total")] = "30" if row in ("new_requests", "granted", "total_processed") else "0"
    for row, _ in T4_ROWS:
        for col, value in (("upheld", "1"), ("corrected", "0"), ("other", "0"), ("pending", "0"), ("total", "1")):
            cells[("table4", row, col)] = value
    return cells


def to_cells(raw: dict[tuple[str, str, str], str], unplaced: set[tuple[str, str, str]] = frozenset()) -> list[Cell]:  # type: ignore[assignment]
    out = []
    for (table, row, col), text in raw.items():
        kind, value = classify(text)
        line = LINE.get(row, T4_LINE) if table == "table3" else T4_LINE
        placed = (table, row, col) not in unplaced
        out.append(Cell(table=table, row_key=row, col_key=col if placed else "", raw=text, kind=kind, value=value,
                        position=Position.EXACT if placed else Position.UNKNOWN, provenance=Provenance(line=line)))
    return out


def not_assessable(findings: list[Finding]) -> dict[tuple[str, str, str, str], Finding]:
    return {(f.code, f.table, f.row_key, f.col_key): f for f in findings if f.severity == "info"}


# --- 1. not assessable: one finding per place, naming the cells that block it ---------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # a blank cell blocks the column's balance and its row's sum; both name it by its printed place
        ({("table3", "carried_over", "legal_service_org"): ""},
         {("T3-BAL", "table3", "", "legal_service_org"): ("“二、上年结转政府信息公开申请数量”空白", LINE["carried_over"]),
          ("T3-COLSUM", "table3", "carried_over", "total"): ("法律服务机构列空白", LINE["carried_over"])}),
        ({("table3", "denied_state_secret", "natural_person"): "/"},
         {("T3-ROWSUM", "table3", "total_processed", "natural_person"): ("“1.属于国家秘密”为“/”", LINE["denied_state_secret"]),
          ("T3-COLSUM", "table3", "denied_state_secret", "total"): ("自然人列为“/”", LINE["denied_state_secret"])}),
        ({("table4", "litigation_direct", "pending"): "无"},
         {("T4-SUM", "table4", "litigation_direct", "total"): ("尚未审结列为“无”", T4_LINE)}),
    ],
)
def test_a_blocked_identity_is_one_finding_at_its_place(
    change: dict[tuple[str, str, str], str], expected: dict[tuple[str, str, str, str], tuple[str, int]]
) -> None:
    raw = tables()
    raw.update(change)
    _, findings = run_checks(to_cells(raw))
    found = not_assessable(findings)
    assert set(found) == set(expected)
    for place, (named, line) in expected.items():
        finding = found[place]
        assert named in finding.message and "无法核验" in finding.message and "不视为通过" in finding.message
        assert finding.provenance is not None and finding.provenance.line == line
        assert finding.evidence["blocked"]


def test_a_missing_row_blocks_each_column_and_points_at_a_cell_involved() -> None:
    raw = {k: v for k, v in tables().items() if k[1] != "carried_forward"}
    _, findings = run_checks(to_cells(raw))
    found = not_assessable(findings)
    balance = {k: f for k, f in found.items() if k[0] == "T3-BAL"}
    assert set(balance) == {("T3-BAL", "table3", "", col) for col in (*T3_APPLICANTS, "total")}
    for finding in balance.values():
        assert "“四、结转下年度继续办理”未读到该行" in finding.message
        assert finding.provenance is not None and finding.provenance.line == LINE["new_requests"]


def test_an_unplaced_number_blocks_as_position_unknown() -> None:
    cell = ("table3", "granted", "natural_person")
    _, findings = run_checks(to_cells(tables(), unplaced={cell}))
    found = not_assessable(findings)
    rowsum = found[("T3-ROWSUM", "table3", "total_processed", "natural_person")]
    assert "“（一）予以公开”位置不明" in rowsum.message
    assert rowsum.provenance is not None and rowsum.provenance.line == LINE["granted"]


def test_many_blocking_cells_are_summed_up_not_listed_without_end() -> None:
    raw = {k: v for k, v in tables().items() if not k[1].startswith("denied_")}
    _, findings = run_checks(to_cells(raw))
    rowsum = not_assessable(findings)[("T3-ROWSUM", "table3", "total_processed", "natural_person")]
    assert "等8行未读到该行" in rowsum.message and len(rowsum.evidence["blocked"]) == 8


def test_a_failing_identity_carries_the_line_of_its_cell() -> None:
    raw = tables()
    raw[("table3", "granted", "total")] = "31"
    _, findings = run_checks(to_cells(raw))
    colsum = next(f for f in findings if f.code == "T3-COLSUM" and f.severity == "error")
    assert colsum.provenance is not None and colsum.provenance.line == LINE["granted"]
    balance = next(f for f in findings if f.code == "T3-ROWSUM" and f.severity == "error")
    assert balance.provenance is not None and balance.provenance.line == LINE["total_processed"]
