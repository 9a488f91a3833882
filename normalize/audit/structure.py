"""The report's parts: D8 a section missing, D9 section 一 lacking a required part, D9b tables given
only as images or attachments (not when the reader left pictures unread: NEEDS_OCR says so), D22 a
declared structure that differs from the sections printed.

Sections are known by their titles, whatever their numbers. A section the copy does not reach (the
parse's P-TRUNCATED) is not missing from the report; one whose numbered heading is not found but whose
title stands as an unnumbered heading where it belongs (a conversion dropped 五、) is P-HEADING, a
reading note, not D8.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xxgk.normalize.audit.registry import Subject, report_check
from xxgk.normalize.audit.text import SECTION_ORDER, flat, narrative_lines, not_in_copy, section
from xxgk.normalize.schema import Finding, Report
from xxgk.parsers.sections import SECTION_TITLES, section_key
from xxgk.template import SECTION_TABLES
from xxgk.types import Severity

# What a heading with "nothing between" may still carry: a pointer to the picture or attachment.
_POINTER = re.compile(r"^(?:详见|见|如下|附件|附表|图|表)|(?:见附件|见附表|如下表|如下图|图片)")

# Section 一's five parts (2021 format) and, for people's governments, its 监督保障 topics.
OVERVIEW_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("主动公开", ("主动公开",)),
    ("依申请公开", ("依申请",)),
    ("政府信息管理", ("信息管理", "政府信息资源", "信息资源管理")),
    ("平台建设", ("平台建设", "平台", "网站建设", "政府网站")),
    ("监督保障", ("监督保障", "监督", "保障")),
)
GOVERNMENT_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("考核", ("考核",)),
    ("社会评议", ("评议",)),
    ("责任追究", ("追究", "问责")),
)


def _applies(report: Report) -> bool:
    """The six-part structure is the national format from the 2019 reports on."""
    return report.status not in ("failed", "skipped") and report.template in ("2019", "2021") and (
        report.year is None or report.year >= 2019
    )


# The words of each section's title that an unnumbered heading of it still shows.
TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况", "概述"),
    "active_disclosure": ("主动公开政府信息情况", "主动公开情况"),
    "requests": ("收到和处理政府信息公开申请", "依申请公开情况"),
    "review_litigation": ("行政复议、行政诉讼情况", "行政复议和行政诉讼情况", "复议、诉讼情况"),
    "problems": ("存在的主要问题", "存在问题", "问题及改进", "问题和改进"),
    "other": ("其他需要报告",),
}


def unnumbered_heading(report: Report, key: str) -> str | None:
    """A short line naming section ``key`` in the section printed before it (where its heading belongs)."""
    order = list(SECTION_ORDER)
    before = [s for s in report.sections if s.key in order and order.index(s.key) < order.index(key)]
    if not before:
        return None
    for line in narrative_lines(before[-1].text):
        text = flat(line)
        if len(text) <= 40 and not any(p in text[:-1] for p in "。；;") and any(w in text for w in TITLE_WORDS[key]):
            return line
    return None


@report_check("D8")
def missing_sections(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    if not _applies(report):
        return
    present = {s.key for s in report.sections} | not_in_copy(report)
    for key in SECTION_ORDER:
        if key in present:
            continue
        number, title = SECTION_TITLES[key][0], SECTION_TITLES[key][2:]
        heading = unnumbered_heading(report, key)
        if heading is not None:
            yield Finding(
                code="P-HEADING", severity=Severity.INFO,
                message=f"未找到第{number}部分的编号标题“{SECTION_TITLES[key]}”；正文中的“{heading}”按该部分的标题读取，"
                "不视为缺少该部分",
                evidence={"section": key, "heading": heading},
            )
            continue
        yield Finding(
            code="D8", severity=Severity.ERROR, message=f"缺少第{number}部分“{title}”", evidence={"section": key},
        )


@report_check("D9")
def overview_parts(subject: Subject) -> Iterator[Finding]:
    report, body = subject.report, subject.body
    overview = section(report, "overview")
    if overview is None or report.template != "2021" or not _applies(report):
        return
    text = flat(overview.text)
    missing = [name for name, words in OVERVIEW_PARTS if not any(w in text for w in words)]
    if missing:
        yield Finding(
            code="D9", severity=Severity.WARNING,
            message=f"一、总体情况未写到：{'、'.join(missing)}（应包括主动公开、依申请公开、政府信息管理、平台建设、监督保障）",
            evidence={"missing": missing},
        )
    if body.government:
        topics = [name for name, words in GOVERNMENT_TOPICS if not any(w in text for w in words)]
        if topics:
            yield Finding(
                code="D9", severity=Severity.WARNING,
                message=f"一、总体情况的监督保障未写到：{'、'.join(topics)}（{body.name}为人民政府或其派出机关，"
                "应说明考核、社会评议和责任追究情况）",
                evidence={"missing": topics},
            )


def pictures_unread(report: Report) -> bool:
    """The reader left pictures or image areas of the document unread (NEEDS_OCR: no OCR extra, or --ocr
    never). Tables may be in them: a table not found is then a reading problem, never the body's defect."""
    return any(f.code == "NEEDS_OCR" for f in report.findings)


def tables_only_as_images(report: Report) -> bool:
    """Headings 二–四 printed with nothing (or only a pointer to a picture or attachment) under them,
    and no table cell found anywhere."""
    if any(c.table in SECTION_TABLES.values() for c in report.cells):
        return False
    present = [s for s in report.sections if s.key in SECTION_TABLES]
    if len(present) < 2:
        return False
    return all(
        sum(len(line) for line in narrative_lines(s.text) if not _POINTER.search(line)) < 20 for s in present
    )


@report_check("D9b")
def tables_not_verifiable(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    if report.status in ("failed", "skipped") or not tables_only_as_images(report) or pictures_unread(report):
        return  # unread pictures: NEEDS_OCR stands for them
    titles = "、".join(s.title for s in report.sections if s.key in SECTION_TABLES)
    yield Finding(
        code="D9b", severity=Severity.WARNING,
        message=f"{titles}只有标题、没有可读的表格（可能以图片或附件发布）：表二至表四无法核验，不视为通过",
        evidence={"sections": [s.key for s in report.sections if s.key in SECTION_TABLES]},
    )


# "全文包括总体情况、…、其他需要报告的事项等六部分" / "本报告由…组成" / "分为…部分"
_DECLARED = re.compile(
    r"(?:全文包括|全文分为|报告包括|报告分为|本报告由|本年报由|报告由|年报由|主要包括|分为)"
    r"(?P<list>[^。；;]{4,200}?)(?:(?:等|共)?(?P<count>[一二三四五六七八九十\d]+)(?:个)?部分|组成|(?=[。；;]))"
)
_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def _count(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) if text.isdigit() else _NUMBERS.get(text)


@report_check("D22")
def declared_structure(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    if not _applies(report):
        return
    head = flat("\n".join(s.text for s in report.sections if s.key in ("preamble", "overview")))
    match = _DECLARED.search(head)
    if not match:
        return
    items: list[str] = []
    declared: list[str | None] = []
    for item in re.split(r"[、，,]|以及", match["list"].strip("：:")):
        item = item.removeprefix("和").removeprefix("及")
        key = section_key(item) if item else None
        if declared and key is not None and declared[-1] == key:
            items[-1] += "、" + item  # 行政复议、行政诉讼情况 is one part
        elif item:
            items.append(item)
            declared.append(key)
    if len(items) < 3 or sum(k is not None for k in declared) < 3:
        return  # not a list of the report's parts
    keys = [k for k in declared if k is not None]
    count = _count(match["count"])
    actual = [s.key for s in report.sections if s.key != "preamble"]
    problems = []
    if count is not None and count != len(items):
        problems.append(f"称共{match['count']}部分，却只列出{len(items)}部分")
    unseen = not_in_copy(report)  # not in the copy read: neither absent nor undeclared
    absent = [items[i] for i, k in enumerate(declared) if k is not None and k not in actual and k not in unseen]
    if absent:
        problems.append(f"所列“{'、'.join(absent)}”正文中没有")
    undeclared = [s.title for s in report.sections if s.key != "preamble" and s.key not in keys]
    if undeclared:
        problems.append(f"正文的“{'、'.join(undeclared)}”未列入")
    if problems:
        yield Finding(
            code="D22", severity=Severity.WARNING,
            message=f"报告声明的结构“{match[0]}”与正文不符：{'；'.join(problems)}",
            evidence={"declared": items, "count": match["count"] or "", "actual": actual},
        )
