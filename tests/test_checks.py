"""The identities on a consistent 表三/表四, then with one cell changed, blanked or made odd."""

from __future__ import annotations

import pytest

from xxgk.ingest.document import Provenance
from xxgk.normalize.checks import run_checks
from xxgk.normalize.schema import Cell
from xxgk.parsers.cellvalue import classify
from xxgk.template import (
    OTHER_ROWS,
    T3_APPLICANTS,
    T3_ROWS,
    T4_COLUMNS,
    T4_ROWS,
)

ROWS_2021 = [r.key for r in T3_ROWS if r.key != "other_handling"]


def consistent() -> dict[tuple[str, str, str], str]:
    """A 2021 表三 where every identity holds, and a 表四 likewise."""
    per_col = {"natural_person": (50, 10), "commercial_enterprise": (7, 2), "research_institution": (0, 0),
               "social_welfare_org": (1, 0), "legal_service_org": (2, 1), "other_org": (0, 0)}
    cells: dict[tuple[str, str, str], str] = {}
    for col, (new, carried) in per_col.items():
        forward = carried  # what is carried forward equals what came in from last year
        processed = new
        granted = processed - 2 if processed >= 2 else processed
        rest = processed - granted
        values = dict.fromkeys(ROWS_2021, 0)
        values.update(new_requests=new, carried_over=carried, granted=granted, unable_not_held=rest,
                      total_processed=processed, carried_forward=forward)
        for row, value in values.items():
            cells[("table3", row, col)] = str(value)
    for row in ROWS_2021:
        cells[("table3", row, "total")] = str(sum(int(cells[("table3", row, c)]) for c in T3_APPLICANTS))
    for row, _ in T4_ROWS:
        parts = {"upheld": 2, "corrected": 1, "other": 0, "pending": 1}
        for col, value in parts.items():
            cells[("table4", row, col)] = str(value)
        cells[("table4", row, "total")] = str(sum(parts.values()))
    return cells


def to_cells(raw: dict[tuple[str, str, str], str]) -> list[Cell]:
    out = []
    for (table, row, col), text in raw.items():
        kind, value = classify(text)
        out.append(Cell(table=table, row_key=row, col_key=col, raw=text, kind=kind, value=value, provenance=Provenance(line=1)))
    return out


def errors(raw: dict[tuple[str, str, str], str]) -> set[tuple[str, str, str, str]]:
    _, findings = run_checks(to_cells(raw))
    return {(f.code, f.table, f.row_key, f.col_key) for f in findings if f.severity == "error"}


def test_consistent_tables_pass_everywhere() -> None:
    results, findings = run_checks(to_cells(consistent()))
    assert [f for f in findings if f.severity != "info"] == []
    assert {r.status for r in results} == {"pass"}
    assert {r.code for r in results} == {"T3-BAL", "T3-COLSUM", "T3-ROWSUM", "T3-INT", "T4-SUM", "T4-INT"}


@pytest.mark.parametrize(
    ("cell", "raw", "expected"),
    [
        (None, None, set()),
        (("table3", "new_requests", "natural_person"), "51",
         {("T3-BAL", "table3", "", "natural_person"), ("T3-COLSUM", "table3", "new_requests", "total")}),
        (("table3", "new_requests", "total"), "61",
         {("T3-BAL", "table3", "", "total"), ("T3-COLSUM", "table3", "new_requests", "total")}),
        (("table3", "granted", "commercial_enterprise"), "6",
         {("T3-ROWSUM", "table3", "total_processed", "commercial_enterprise"), ("T3-COLSUM", "table3", "granted", "total")}),
        (("table3", "denied_state_secret", "natural_person"), "2.5",
         {("T3-INT", "table3", "denied_state_secret", "natural_person"),
          ("T3-ROWSUM", "table3", "total_processed", "natural_person"),
          ("T3-COLSUM", "table3", "denied_state_secret", "total")}),
        (("table3", "denied_state_secret", "research_institution"), "-1",
         {("T3-INT", "table3", "denied_state_secret", "research_institution"),
          ("T3-ROWSUM", "table3", "total_processed", "research_institution"),
          ("T3-COLSUM", "table3", "denied_state_secret", "total")}),
        (("table4", "review", "total"), "5", {("T4-SUM", "table4", "review", "total")}),
        (("table4", "litigation_direct", "pending"), "1.5",
         {("T4-INT", "table4", "litigation_direct", "pending"), ("T4-SUM", "table4", "litigation_direct", "total")}),
    ],
)
def test_a_changed_cell_is_flagged_where_it_breaks(cell: tuple[str, str, str] | None, raw: str | None,
                                                   expected: set[tuple[str, str, str, str]]) -> None:
    tables = consistent()
    if cell:
        tables[cell] = raw  # type: ignore[assignment]
    assert errors(tables) == expected


def test_message_states_both_sides_and_the_difference() -> None:
    tables = consistent()
    tables[("table3", "carried_forward", "natural_person")] = "11"
    tables[("table3", "carried_forward", "total")] = "14"
    _, findings = run_checks(to_cells(tables))
    bal = next(f for f in findings if f.code == "T3-BAL" and f.col_key == "natural_person")
    assert bal.message == "表三 自然人列：一+二=60，三（七）总计+四=61，相差1"
    assert bal.evidence == {"lhs": "60", "rhs": "61", "difference": "1"}


@pytest.mark.parametrize("blank", ["", "/", "无"])
def test_blank_cells_make_a_check_not_assessable_not_a_pass(blank: str) -> None:
    tables = consistent()
    tables[("table3", "carried_over", "legal_service_org")] = blank
    results, findings = run_checks(to_cells(tables))
    bal = next(r for r in results if r.code == "T3-BAL" and r.col_key == "legal_service_org")
    assert bal.status == "not_assessable"
    colsum = next(r for r in results if r.code == "T3-COLSUM" and r.row_key == "carried_over")
    assert colsum.status == "not_assessable"
    assert not [f for f in findings if f.severity == "error"]
    notes = [f for f in findings if f.severity == "info" and f.code == "T3-BAL"]
    assert len(notes) == 1 and "无法核验" in notes[0].message and "法律服务机构列" in notes[0].message


def test_collapsed_other_handling_row_counts_in_rowsum() -> None:
    tables = {k: v for k, v in consistent().items() if k[1] not in OTHER_ROWS}
    for col in (*T3_APPLICANTS, "total"):
        tables[("table3", "other_handling", col)] = "0"
    assert errors(tables) == set()
    tables[("table3", "other_handling", "natural_person")] = "1"
    assert ("T3-ROWSUM", "table3", "total_processed", "natural_person") in errors(tables)


def test_t4_columns_are_the_official_five() -> None:
    assert [k for k, _ in T4_COLUMNS] == ["upheld", "corrected", "other", "pending", "total"]
