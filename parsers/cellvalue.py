"""What a cell's raw text is: a number, blank, a dash, a word, or other text.

Blank, dash and word cells are not zero: they carry no value and keep their raw text.
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


def normalize_raw(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).replace("\u3000", " ").strip()


@lru_cache(maxsize=8192)
def classify(raw: str) -> tuple[Kind, int | Decimal | None]:
    """Return (kind, value). A value is an int for whole numbers and a Decimal otherwise."""
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
