"""When a report was published, and the signature (落款) it ends with.

Evidence, strongest first: a 发布时间/发布日期 label in the text (the page's own statement), the page's
metadata (HTML <meta> publish date), the date printed on its own line under the signing body at the
end or right under the title (成文日期: the day it was signed, usually days before it went online),
and last the file's creation date (PDF/DOCX: when the file was made, not when it was published).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from xxgk.parsers.items import PAGE_FOOTER
from xxgk.parsers.model import Evidence

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "o": 0}
_ARABIC = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?|[-/.．]\s*(\d{1,2})\s*[-/.．]\s*(\d{1,2})(?!\d))"
)
_CHINESE = re.compile(r"([〇○零一二三四五六七八九Oo]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_LABELLED = re.compile(r"(?:发布时间|发布日期|发文日期|公开日期|发布于)\s*[:：]?\s*")
_DATE_ONLY = re.compile(r"^[（(]?\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}|[〇○零一二三四五六七八九Oo]{4}\s*年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)\s*[）)]?$")
_SIGNER_END = re.compile(r"(?:人民政府|政府|办公厅|办公室|街道办事处|办事处|管委会|委员会|局|委|办|厅|署|部|院|中心|所|站|队|馆|会|乡|镇|街道)$")


def _cn_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23, 三十一 → 31 (the forms dates use)."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _first_date(text: str) -> tuple[int, int, dt.date] | None:
    """(start, end, date) of the first valid full date in the text."""
    found: list[tuple[int, int, dt.date]] = []
    for match in _ARABIC.finditer(text):
        year, month, day = match[1], match[2] or match[4], match[3] or match[5]
        try:
            found.append((match.start(), match.end(), dt.date(int(year), int(month), int(day))))
            break
        except ValueError:
            continue
    for match in _CHINESE.finditer(text):
        try:
            year = int("".join(str(_CN_DIGITS[c]) for c in match[1]))
            found.append((match.start(), match.end(), dt.date(year, _cn_number(match[2]), _cn_number(match[3]))))
            break
        except (KeyError, ValueError):
            continue
    return min(found) if found else None


def parse_date(text: str) -> dt.date | None:
    """The first valid full date in the text: 2024年1月20日, 2024-01-20, 2024/1/20, 二〇二四年一月二十日."""
    found = _first_date(text)
    return found[2] if found else None


@dataclass(frozen=True, slots=True)
class Signature:
    name: str | None  # the signing body, when printed on the line above the date
    date: dt.date
    line: str


def _tidy(lines: Iterable[str]) -> Iterator[str]:
    """The lines that say something, stripped of padding and markup: page footers and blank lines left out."""
    return (t for t in (line.strip(" \t\u3000#*") for line in lines) if t and not PAGE_FOOTER.match(t))


def _last(lines: Sequence[str], n: int) -> list[str]:
    """``list(_tidy(lines))[-n:]``, tidying lines from the end only until it has them: only the last page is
    read for a signature, not the whole report (tests/test_fast_paths.py)."""
    return list(islice(_tidy(reversed(lines)), n))[::-1]


def find_signature(lines: Sequence[str], window: int = 8) -> Signature | None:
    """The date line among the last lines, with the body named on the line above it."""
    tail = _last(lines, window)
    for index in range(len(tail) - 1, -1, -1):
        if not _DATE_ONLY.match(tail[index]):
            continue
        date = parse_date(tail[index])
        if date is None:
            continue
        above = re.sub(r"\s+", "", tail[index - 1]) if index else ""
        name = above if 2 <= len(above) <= 40 and _SIGNER_END.search(above) and not re.search(r"[。，,；;：:]", above) else None
        return Signature(name, date, f"{above} {tail[index]}".strip() if name else tail[index])
    return None


def find_published(metadata: dict[str, str], lines: Sequence[str], signature: Signature | None) -> Evidence:
    """The publication date (ISO text) with its evidence; value None when nothing dates the report."""
    text = "\n".join(lines)
    for match in _LABELLED.finditer(text):
        found = _first_date(text[match.end():match.end() + 24])
        if found and found[0] == 0:
            said = text[match.start():match.end() + found[1]]
            return Evidence(found[2].isoformat(), f"正文：{said}", 0.9)
    meta = parse_date(metadata.get("published", ""))
    if meta:
        return Evidence(meta.isoformat(), f"网页元数据发布时间：{metadata['published']}", 0.85)
    if signature:
        return Evidence(signature.date.isoformat(), f"落款：{signature.line}", 0.8)
    for line in islice(_tidy(lines), 6):  # 沭阳县人民政府 / (2026年1月23日) under the title
        if _DATE_ONLY.match(line) and (date := parse_date(line)):
            return Evidence(date.isoformat(), f"标题下日期：{line}", 0.8)
    created = parse_date(metadata.get("created", ""))
    if created:
        return Evidence(created.isoformat(), f"文件创建时间：{metadata['created']}（非发布时间）", 0.5)
    return Evidence(None, "", 0.0)
