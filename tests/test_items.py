import pytest

from xxgk.parsers.items import split_line


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
