from decimal import Decimal

import pytest

from xxgk.parsers.cellvalue import classify, note_marker


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("0", "number", 0),
        ("58", "number", 58),
        (" 12 ", "number", 12),
        ("１２", "number", 12),  # full-width digits
        ("1,234", "number", 1234),
        ("1.4028", "number", Decimal("1.4028")),
        ("4068.208", "number", Decimal("4068.208")),
        ("2.0", "number", Decimal("2.0")),  # kept as printed: T3-INT decides
        ("+43", "number", 43),
        ("-1942", "number", -1942),
        ("减4", "number", -4),
        ("增3", "number", 3),
        ("", "blank", None),
        ("   ", "blank", None),
        ("\u3000", "blank", None),
        ("/", "dash", None),
        ("／", "dash", None),
        ("-", "dash", None),
        ("—", "dash", None),
        ("——", "dash", None),
        ("无", "word", None),
        ("暂无", "word", None),
        ("信息内容", "text", None),
        ("1.属于国家秘密", "text", None),
        ("3件", "text", None),
        # a note marker glued to a number is not part of it (NFKC would read 2¹¹ as 211)
        ("2¹¹", "number", 2),
        ("58①", "number", 58),
        ("12*", "number", 12),
        ("12※", "number", 12),
        ("1,234¹", "number", 1234),
        ("12 *", "text", None),  # not glued: not a marker
        ("*", "text", None),
    ],
)
def test_classify(raw: str, kind: str, value: object) -> None:
    got_kind, got_value = classify(raw)
    assert got_kind == kind
    assert got_value == value
    assert type(got_value) is type(value)


@pytest.mark.parametrize(
    ("raw", "marker"),
    [("2¹¹", "¹¹"), ("58①", "①"), ("12*", "*"), ("12※", "※"), ("２³", "³"), ("211", ""), ("12 *", ""),
     ("注①", ""), ("①", ""), ("无*", "")],
)
def test_note_marker(raw: str, marker: str) -> None:
    assert note_marker(raw) == marker
