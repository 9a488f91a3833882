"""What a cell's raw text is: a number, blank, a dash, a word, or other text.

Blank, dash and word cells are not zero: they carry no value and keep their raw text.
A number may carry a note marker glued to its end (``2¹¹``, ``58①``, ``12*``): the value is the number
without it, and the raw text keeps it (the report says so with a P-NOTE-MARK finding).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

Kind = Literal["number", "blank", "dash", "word", "text"]

DASHES = frozenset({"/", "\\", "-", "--", "—", "——", "–", "－", "／", "―", "…", "..."})
# Short words published in place of a number.
WORDS = frozenset({"无", "暂无", "空", "不适用", "未统计", "/无", "没有", "否", "无数据", "0件无"})

_NUMBER = re.compile(r"^(?P<sign>[+\-−－]|增|减|增加|减少)?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?$")


# Note markers printed right after a number: superscript digits, circled numbers, asterisk-like signs.
# NFKC turns ¹¹ and ① into plain digits (2¹¹ would read 211), so they are cut off before it.
_MARKER = re.compile("(?:[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+|[\u2460-\u2473\u2776-\u277f]|[*\uff0a\u203b\u2020\u2021\u2217]+)$")


def normalize_raw(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).replace("\u3000", " ").strip()


@lru_cache(maxsize=8192)
def split_note_marker(raw: str) -> tuple[str, str]:
    """(the cell's text without the note marker glued to its end, the marker). The marker is "" unless
    what stands before it, with nothing between, is a number."""
    text = raw.replace("\u3000", " ").strip()
    match = _MARKER.search(text)
    if match is None or match.start() == 0:
        return raw, ""
    number = text[:match.start()]
    if number != number.rstrip() or _classify(number)[0] != "number":
        return raw, ""
    return number, match.group()


def note_marker(raw: str) -> str:
    """The note marker glued to a number ("¹¹" of "2¹¹"), else ""."""
    return split_note_marker(raw)[1]


@lru_cache(maxsize=8192)
def classify(raw: str) -> tuple[Kind, int | Decimal | None]:
    """Return (kind, value). A value is an int for whole numbers and a Decimal otherwise; a note marker
    glued to a number is not part of its value."""
    return _classify(split_note_marker(raw)[0])


def _classify(raw: str) -> tuple[Kind, int | Decimal | None]:
    text = normalize_raw(raw)
    if not text:
        return "blank", None
    if text in DASHES:
        return "dash", None
    match = _NUMBER.match(text.replace(" ", ""))
    if match:
        digits = match["num"].replace(",", "")
        sign = match["sign"] or ""
        negative = sign in {"-", "−", "－", "减", "减少"}
        try:
            value = Decimal(digits + (match["frac"] or ""))
        except InvalidOperation:
            return "text", None
        if negative:
            value = -value
        if match["frac"] is None:
            return "number", int(value)
        return "number", value
    if text in WORDS:
        return "word", None
    return "text", None


def is_value(raw: str) -> bool:
    """True for cells that stand where a number belongs (number, blank, dash, word)."""
    return classify(raw)[0] != "text"
