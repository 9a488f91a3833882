"""Splitting a report into its preamble and six sections by tolerant headings.

A heading is a short line numbered 一、…六、 whose title names a section. 表三 rows also start with
一、二、三、四、 ("一、本年新收…", "四、结转下年度继续办理"): they name no section, come from table
cells, or break the increasing order, so they never open one.
"""

from __future__ import annotations

import re

from xxgk.parsers.labels import match_t3_group, match_t3_row, simplify, squash
from xxgk.parsers.model import Item, ParsedSection

NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(r"^[#\s]*(?P<num>[一二三四五六七八九十])\s*[、.．,，]\s*(?P<title>.{2,48})$")

# Title keywords → section key, tried in order (the first hit wins).
SECTION_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("problems", ("存在的主要问题", "存在问题", "主要问题", "问题及改进", "问题和改进", "不足")),
    ("other", ("其他需要报告", "其他需要说明", "其他事项", "其它需要报告")),
    ("review_litigation", ("行政复议", "行政诉讼", "复议", "诉讼")),
    ("fees", ("收费及减免", "收费和减免", "收费情况")),
    ("requests", ("收到和处理", "依申请公开", "依申请", "申请公开")),
    ("active_disclosure", ("主动公开",)),
    ("overview", ("总体情况", "概述", "基本情况", "基本概况", "总体概况", "概况")),
)

SECTION_TITLES = {
    "overview": "一、总体情况",
    "active_disclosure": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
REQUIRED_SECTIONS = tuple(SECTION_TITLES)


def section_key(title: str) -> str | None:
    core = squash(title)
    for key, keywords in SECTION_KEYWORDS:
        if any(k in core for k in keywords):
            return key
    return None


def heading(item: Item) -> tuple[str, str, str] | None:
    """(numeral, title, key) when the item is a section heading."""
    if item.from_grid or len(item.cells) != 1:
        return None
    raw = item.cells[0][0].lstrip("# \t\u3000")
    if not raw or raw[0] not in NUMERALS or len(raw) > 60:
        return None
    text = simplify(raw).strip()
    match = _HEADING.match(text)
    if not match:
        return None
    title = match["title"].strip().rstrip(":：")
    if "。" in title[:-1] or match_t3_row(text) or match_t3_group(text):
        return None
    key = section_key(title)
    if key is None:
        return None
    return match["num"], title, key


_ORDER = {key: index for index, key in enumerate(REQUIRED_SECTIONS)}


def split_sections(items: list[Item]) -> list[ParsedSection]:
    """Preamble first (key 'preamble', possibly empty), then one section per heading found.

    A heading opens a section when its numeral comes after the last one, or — numbered differently
    (二 where 三 belongs) — when its title names a section that comes after the last one: sections
    are known by their titles."""
    sections = [ParsedSection("preamble", "", "")]
    last = 0
    for item in items:
        found = heading(item)
        if found:
            numeral, title, key = found
            rank = NUMERALS.index(numeral) + 1
            previous = sections[-1].key
            later = key in _ORDER and previous in _ORDER and _ORDER[key] > _ORDER[previous]
            if (rank > last or later) and not any(s.key == key for s in sections):
                last = max(last, rank)
                sections.append(ParsedSection(key, numeral, f"{numeral}、{title}"))
                continue
        sections[-1].items.append(item)
    return sections
