"""The identities as a checksum: a placement is kept only when it is the single one under which every
identity involving its cells holds (position inferred, P-INFERRED); otherwise its values stay unplaced."""

from __future__ import annotations

import pytest

from xxgk.ingest.document import Provenance
from xxgk.normalize.checks import run_checks
from xxgk.normalize.schema import Cell
from xxgk.parsers.cellvalue import classify
from xxgk.parsers.model import ParsedCell, ParseIssue
from xxgk.parsers.placement import Open, placements, settle
from xxgk.template import T4_COLUMNS
from xxgk.types import Position, Severity, TableKey

COLS = [key for key, _ in T4_COLUMNS]
HERE = Provenance(line=1)


def _cells(row: str, raws: list[str]) -> list[ParsedCell]:
    return [ParsedCell(TableKey.T4, row, col, raw, HERE, "行政复议") for col, raw in zip(COLS, raws, strict=True)]


def _open(*options: list[str]) -> Open:
    unplaced = [ParsedCell(TableKey.T4, "review", "", raw, HERE, "", 1.0, Position.UNKNOWN) for raw in options[0]]
    misaligned = ParseIssue("P-MISALIGNED", Severity.WARNING, TableKey.T4, "review", "", "无法确定", HERE)
    return Open("表四 行政复议", [_cells("review", list(o)) for o in options], unplaced, misaligned, "测试")


@pytest.mark.parametrize(
    ("values", "expected", "readings"),
    [
        (["1", "2", "3"], 3, [["1", "2", "3"]]),
        (["", "1", "2", "3"], 3, [["1", "2", "3"]]),  # one blank, one surplus: one reading
        (["", "", "1", "2"], 3, [["", "1", "2"]]),  # either blank dropped: the same reading
        (["", "1", "", "2"], 3, [["1", "", "2"], ["", "1", "2"]]),  # padding or an empty cell: two readings
        (["1", "2"], 3, []),  # a lost cell: no reading without a guess
        (["1", "2", "3", "4"], 3, []),  # a surplus number is never dropped
    ],
)
def test_placements_drop_only_blanks_and_keep_the_printed_order(values: list[str], expected: int, readings: list[list[str]]) -> None:
    got = placements([(v, HERE) for v in values], expected)
    assert [[raw for raw, _ in reading] for reading in got] == readings


def test_the_single_placement_that_satisfies_the_identities_is_inferred() -> None:
    cells: list[ParsedCell] = []
    issues: list[ParseIssue] = []
    settle(TableKey.T4, cells, [_open(["3", "1", "0", "0", "4"], ["1", "3", "0", "4", "0"])], issues)
    assert [c.raw for c in cells] == ["3", "1", "0", "0", "4"]
    assert {c.position for c in cells} == {Position.INFERRED}
    [issue] = issues
    assert issue.code == "P-INFERRED" and issue.severity == Severity.INFO and issue.row_key == "review"
    assert issue.evidence == {"rule": "测试", "alternatives_rejected": 1, "identities": ["T4-SUM"]}
    # The identity that chose the placement is never counted as evidence of consistency.
    built = [Cell(table=c.table, row_key=c.row_key, col_key=c.col_key, raw=c.raw, kind=classify(c.raw)[0],
                  value=classify(c.raw)[1], position=c.position, provenance=c.provenance) for c in cells]
    results, findings = run_checks(built)
    assert [r.status for r in results if r.code == "T4-SUM"] == ["inferred"]
    assert not [f for f in findings if f.code == "T4-SUM"]


@pytest.mark.parametrize(
    "options",
    [
        (["1", "0", "0", "0", "1"], ["0", "1", "0", "0", "1"]),  # both add up: the identities cannot choose
        (["1", "0", "0", "0", "2"], ["2", "0", "0", "0", "1"]),  # neither adds up
        (["1", "", "0", "0", "1"], ["", "1", "0", "0", "1"]),  # a blank is never 0: not assessable
    ],
)
def test_without_a_single_fit_the_values_stay_unplaced(options: tuple[list[str], list[str]]) -> None:
    cells: list[ParsedCell] = []
    issues: list[ParseIssue] = []
    settle(TableKey.T4, cells, [_open(*options)], issues)
    assert {c.position for c in cells} == {Position.UNKNOWN} and [i.code for i in issues] == ["P-MISALIGNED"]


def _items(*lines: str) -> list:
    from xxgk.ingest.document import Paragraph
    from xxgk.parsers.items import items_from_blocks

    return items_from_blocks([Paragraph(text=line, prov=Provenance(line=n)) for n, line in enumerate(lines, 1)])


def test_numbers_without_any_row_stay_in_cells_unplaced() -> None:
    from xxgk.parsers.tables import parse_table3

    cells, issues, _ = parse_table3(_items(
        "一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |",
        "| 9 | 9 | 9 | 9 | 9 | 9 | 54 |",  # a lone row of numbers: no label anywhere fits it
        "四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
    ))
    orphans = [c for c in cells if not c.row_key]
    assert [c.raw for c in orphans] == ["9"] * 6 + ["54"] and {c.position for c in orphans} == {Position.UNKNOWN}
    assert [i.code for i in issues if i.code.startswith("P-")] == ["P-ORPHAN"]
