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


# Cases a review of the change found (each read wrongly, or crashed, before its fix).
ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def test_a_row_too_open_to_enumerate_has_no_reading() -> None:
    nums = ["1", "", "0", "0", "1", "", "0", "0", "0", "2", "", "0", "0", "0", "2"]
    assert placements([(v, HERE) for v in nums + [""] * 28], 15) == []


def test_number_rows_printed_before_their_labels_are_placed(tmp_path) -> None:
    from xxgk import parse_file

    src = (ROOT / "fixtures" / "x10_shredded_labels" / "source.md").read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(src) if line.startswith("|  | 一、本年新收"))
    assert src[at + 1].startswith("|  | 二、上年结转")
    src[at:at + 2] = ["| 58 | 7 | 0 | 1 | 2 | 0 | 68 |", "| 3 | 1 | 0 | 0 | 0 | 0 | 4 |",
                      "| 一、本年新收政府信息公开申请数量 | 二、上年结转政府信息公开申请数量 |"]
    (tmp_path / "r.md").write_text("\n".join(src), encoding="utf-8")
    report = parse_file(tmp_path / "r.md")
    got = {(c.row_key, c.col_key): c.raw for c in report.cells if c.table == "table3" and c.position == "exact"}
    assert got[("new_requests", "natural_person")] == "58" and got[("carried_over", "total")] == "4"
    assert not [f for f in report.findings if f.code == "D10"]


def test_a_header_less_table2_is_not_called_a_mixed_template(tmp_path) -> None:
    from xxgk import parse_file

    src = (ROOT / "fixtures" / "t09_template_2019" / "source.txt").read_text(encoding="utf-8").split("\n")
    (tmp_path / "r.txt").write_text("\n".join(line for line in src if not line.startswith("信息内容")), encoding="utf-8")
    report = parse_file(tmp_path / "r.txt")
    assert report.template == "2019" and not [f for f in report.findings if f.code == "D1"]


def test_a_blank_case_row_of_a_transposed_table4_is_a_row(tmp_path) -> None:
    from xxgk import parse_file

    src = (ROOT / "fixtures" / "t05_markdown" / "source.md").read_text(encoding="utf-8")
    row = "| 行政诉讼（复议后起诉） | 0 | 0 | 0 | 0 | 0 |"
    assert row in src
    (tmp_path / "r.md").write_text(src.replace(row, "| 行政诉讼（复议后起诉） |  |  |  |  |  |"), encoding="utf-8")
    report = parse_file(tmp_path / "r.md")
    blank = [c for c in report.cells if c.table == "table4" and c.row_key == "litigation_after_review"]
    assert len(blank) == 5 and {c.raw for c in blank} == {""} and {c.position for c in blank} == {Position.EXACT}
    assert not [f for f in report.findings if f.code == "D11" and f.table == "table4"]


def test_two_runs_of_label_less_rows_in_one_table(tmp_path) -> None:
    from xxgk import parse_file

    src = (ROOT / "fixtures" / "x13_shredded_lost_row" / "source.md").read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(src) if line.startswith("| （四）无法提供 | 1."))
    rows = src[at:at + 3]
    labels = [row.split(" | ")[1] for row in rows]
    numbers = ["| " + " | ".join(row.split(" | ")[2:]) for row in rows]
    src[at:at + 3] = ["| （四）无法提供 | " + " | ".join(labels) + " |", *numbers]
    (tmp_path / "r.md").write_text("\n".join(src), encoding="utf-8")
    report = parse_file(tmp_path / "r.md")  # crashed: the second run was cut out by the first's stale indices
    # (三) lost a row, so the two runs together have 11 rows for 10 number rows: both stay unplaced, marked.
    assert [f.code for f in report.findings if f.code.startswith("P-")] == ["P-MISALIGNED", "P-MISALIGNED"]
    unplaced = [c.raw for c in report.cells if c.table == "table3" and c.position == Position.UNKNOWN]
    assert len(unplaced) == 70 and not [f for f in report.findings if f.code in ("D10", "D11")]


def test_a_label_less_line_is_one_row_however_many_values_it_prints() -> None:
    from xxgk.parsers.tables import parse_table3

    # Cut by count, the first seven values became a row and the eighth a row of its own.
    cells, issues, _ = parse_table3(_items(
        "一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |",
        "| 1 | 2 | 0 | 0 | 0 | 0 | 0 | 3 |",
        "四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
    ))
    orphans = [c.raw for c in cells if not c.row_key]
    assert orphans == ["1", "2", "0", "0", "0", "0", "0", "3"]
    assert [i.code for i in issues if i.code.startswith("P-")] == ["P-ORPHAN"]
