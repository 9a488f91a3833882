import pytest

from xxgk.ingest.document import Provenance
from xxgk.parsers.items import split_line
from xxgk.parsers.model import Item
from xxgk.parsers.tables import parse_table2, parse_table3
from xxgk.types import Position


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("规章\t0\t0\t0\t", ["规章", "0", "0", "0", ""]),  # the row's ending separator: a surplus blank
        ("规章\t22\t\t", ["规章", "22", "", ""]),  # the delimiters say where 22 stands
        ("\t\t2. 其他法律行政法规禁止公开\t0\t0\t", ["", "", "2. 其他法律行政法规禁止公开", "0", "0", ""]),
        ("规章 | 0 | 0 | 0 |", ["规章", "0", "0", "0"]),
        ("| 规章 | 0 | 0 | 0 |", ["规章", "0", "0", "0"]),
        ("| 1.属于国家秘密 | 4 | 0 |  |", ["1.属于国家秘密", "4", "0", ""]),
        ("|---|---|---|", None),
        ("|----------|------|", None),
        ("3 |", ["3"]),
        ("|", [""]),  # one closed empty cell
        ("|||||||", None),  # padding after merged cells: no cell
        ("| 本年增/减", ["本年增/减"]),
        ("一、总体情况", ["一、总体情况"]),
    ],
)
def test_split_line(line: str, cells: list[str] | None) -> None:
    assert split_line(line) == cells


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("行政许可 0", ["行政许可", "0"]),
        ("规章 0 0 0", ["规章", "0", "0", "0"]),
        ("行政事业性收费 1.25", ["行政事业性收费", "1.25"]),
        ("全年主动公开信息 25", ["全年主动公开信息", "25"]),
        ("共计 25", ["共计 25"]),  # a count in prose, not a row
        ("2025 年", ["2025 年"]),
        ("— 5 —", ["— 5 —"]),
    ],
)
def test_label_and_numbers_on_one_line(line: str, cells: list[str]) -> None:
    assert split_line(line) == cells


# --- a grid row that may continue the row above across a page break (Grid.may_continue) -------------


def _grid_items(rows: list[tuple[int, bool, list[str]]]) -> list[Item]:
    """Grid rows as (page, may continue the row above, cells)."""
    items = []
    for page, may_continue, texts in rows:
        prov = Provenance(page=page, table=0)
        items.append(Item([(text, prov) for text in texts], prov, from_grid=True, may_continue=may_continue))
    return items


T2_HEAD = (1, False, ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])


@pytest.mark.parametrize(
    ("below", "held"),
    [
        (["合法权益", "5", "1", "2", "0", "3", "4", "15"], True),  # a fragment no row owns: either reading
        (["", "5", "1", "2", "0", "3", "4", "15"], True),
        (["5.属于三类内部事务信息", "1", "0", "0", "0", "0", "0", "1"], False),  # a row of its own
    ],
    ids=["fragment", "numbers-only", "own-label"],
)
def test_table3_row_that_may_continue(below: list[str], held: bool) -> None:
    items = _grid_items([(1, False, ["4.保护第三方", *[""] * 7]), (2, True, below)])
    cells, issues, _ = parse_table3(items)
    row = [c for c in cells if c.row_key == "denied_third_party_rights"]
    if held:
        # The numbers are kept, unplaced, with the row they may belong to; the row's cells are not read blank.
        assert [(c.raw, c.position) for c in row] == [(raw, Position.UNKNOWN) for raw in below[1:]]
        assert [(i.code, i.row_key) for i in issues] == [("P-PAGE-SPLIT", "denied_third_party_rights")]
        assert "下一页第一行" in issues[0].message
    else:
        assert [c.raw for c in row] == [""] * 7 and all(c.position == Position.EXACT for c in row)
        assert [c.raw for c in cells if c.row_key == "denied_internal_affairs"] == below[1:]
        assert not [i for i in issues if i.code.startswith("P-")]


@pytest.mark.parametrize(
    ("label", "held"),
    [("（含党内规范性文件）", True), ("行政规范性文件", False)],
    ids=["rest-of-the-label", "next-row"],
)
def test_table2_row_that_may_continue(label: str, held: bool) -> None:
    above = "行政规范性文件" if held else "规章"
    items = _grid_items([T2_HEAD, (1, False, [above, "", "", ""]), (2, True, [label, "4", "1", "17"])])
    cells, issues, _ = parse_table2(items, "2021")
    by_row = {(c.row_key, c.col_key): c for c in cells}
    if held:
        assert [(c.raw, c.position) for c in cells] == [(raw, Position.UNKNOWN) for raw in ("4", "1", "17")]
        assert [(i.code, i.row_key) for i in issues] == [("P-PAGE-SPLIT", "normative_docs")]
    else:
        assert [by_row["regulations", c].raw for c in ("made", "repealed", "in_force")] == ["", "", ""]
        assert [by_row["normative_docs", c].raw for c in ("made", "repealed", "in_force")] == ["4", "1", "17"]
        assert issues == []


def test_table2_numbers_no_row_takes_are_kept() -> None:
    # A row of numbers with no label of its own at the top of a page, under a full row: not that row's rest
    # (the reader keeps it apart), and not dropped either.
    items = _grid_items([T2_HEAD, (1, False, ["规章", "0", "0", "0"]), (2, False, ["", "4", "1", "17"])])
    cells, issues, _ = parse_table2(items, "2021")
    assert [c.raw for c in cells if c.row_key == "regulations"] == ["0", "0", "0"]
    assert [(c.raw, c.position) for c in cells if c.row_key == ""] == [(raw, Position.UNKNOWN) for raw in ("4", "1", "17")]
    assert [(i.code, i.row_key) for i in issues] == [("P-ORPHAN", "")]
