"""D1 the template does not fit the report year; D17 the 统计期限 or the title names another year.

A report whose 表二 and 表三 follow different templates gets its D1 from the parse (parsers/meta.py
mixed_templates), which alone sees the tables as printed; the audit adds none beside it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xxgk.normalize.audit.registry import Subject, report_check
from xxgk.normalize.audit.structure import pictures_unread, tables_only_as_images
from xxgk.normalize.audit.text import flat
from xxgk.normalize.schema import Finding
from xxgk.types import Severity, TableKey

STAT_TABLES = (TableKey.T2, TableKey.T3, TableKey.T4)
_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间|周期)[^。；;]{0,40}")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@report_check("D1")
def template_vs_year(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    year = report.year
    if year is None or year < 2019 or report.status in ("failed", "skipped"):
        return
    if any(f.code == "D1" for f in report.findings):
        return  # the parse found 表二 and 表三 on different templates and said so (D1, the year included)
    evidence = report.guesses.get("template")
    why = f"（依据：{evidence.evidence}）" if evidence and evidence.evidence else ""
    if not any(c.table in STAT_TABLES for c in report.cells):
        # Tables only as images are D9b; in pictures the reader left unread, NEEDS_OCR (a reading problem).
        if not tables_only_as_images(report) and not pictures_unread(report):
            yield Finding(
                code="D1", severity=Severity.WARNING,
                message=f"{year}年度报告应按统一格式列出表二至表四，未发现统计表格",
                evidence={"year": year},
            )
        return
    if report.template == "2019" and year >= 2021:
        yield Finding(
            code="D1", severity=Severity.ERROR,
            message=f"{year}年度报告仍使用2019年试行格式（国办公开办函〔2019〕60号）的表格，"
            f"应使用国办公开办函〔2021〕30号格式{why}",
            evidence={"year": year, "template": report.template},
        )
    elif report.template == "2021" and year <= 2020:
        yield Finding(
            code="D1", severity=Severity.ERROR,
            message=f"{year}年度报告使用了2021年修订格式（国办公开办函〔2021〕30号）的表格，"
            f"该年度应使用国办公开办函〔2019〕60号格式，请核对报告年度{why}",
            evidence={"year": year, "template": report.template},
        )


@report_check("D17")
def period_and_title_year(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    if report.year is None:
        return
    title_years = {int(y) for y in _YEAR.findall(report.title)}
    text = flat("\n".join(s.text for s in report.sections if s.key in ("preamble", "overview")))
    period = _PERIOD.search(text)
    period_years = {int(y) for y in _YEAR.findall(period[0])} if period else set()
    claimed = {"标题": title_years, "统计期限": period_years}
    for where, years in claimed.items():
        other = sorted(years - {report.year})
        if other:
            quoted = report.title if where == "标题" else period[0]  # type: ignore[index]
            yield Finding(
                code="D17", severity=Severity.WARNING,
                message=f"{where}“{quoted}”所写年度{'、'.join(map(str, other))}年与报告年度{report.year}年不一致",
                evidence={"where": where, "years": other, "report_year": report.year},
            )
