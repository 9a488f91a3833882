"""Dates: when a report was published or signed (D14 late, D21 impossible), and dates that cannot exist.

The publication date comes, in this order, from the --published CSV, the page's metadata
('published', from HTML meta tags), a 发布时间/发布日期 line, or the signature date printed on its
own line at the end (or, as some reports do, under the title). Without one, D14 says nothing: a
deadline cannot be checked against an unknown date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator

from xxgk.normalize.audit.registry import DatedEvidence, Subject, report_check
from xxgk.normalize.audit.text import SECTION_ORDER, flat
from xxgk.normalize.schema import Finding, Report
from xxgk.types import Severity

_FULL = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?<!\d)(?P<y2>(?:19|20)\d{2})\s*[-/.]\s*(?P<m2>\d{1,2})\s*[-/.]\s*(?P<d2>\d{1,2})(?!\d)"
)
_MONTH_DAY = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_LABELLED = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|印发日期|公开日期)[:：\s]*")
_DATE_LINE = re.compile(r"^[（(]?\s*(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}-\d{1,2}-\d{1,2})\s*[）)]?$")


def parse_date(text: str) -> dt.date | None:
    """The first valid full date in the text (2024年1月20日, 2024-01-20, 2024/1/20)."""
    for match in _FULL.finditer(text):
        date = _to_date(match)
        if date is not None:
            return date
    return None


def _parts(match: re.Match[str]) -> tuple[int, int, int]:
    if match["y"]:
        return int(match["y"]), int(match["m"]), int(match["d"])
    return int(match["y2"]), int(match["m2"]), int(match["d2"])


def _to_date(match: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(*_parts(match))
    except ValueError:
        return None


def _fmt(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _all_text(report: Report) -> str:
    return "\n".join(s.text for s in report.sections)


def dated_evidence(subject: Subject) -> list[DatedEvidence]:
    """Every publication or signature date known for the report, most authoritative first."""
    report = subject.report
    found: list[DatedEvidence] = []
    if subject.published is not None:
        found.append(subject.published)
    meta = report.metadata.get("published", "")
    meta_date = parse_date(meta)
    if meta_date:
        found.append(DatedEvidence(meta_date, f"网页元数据发布时间“{meta}”"))
    text = _all_text(report)
    for match in _LABELLED.finditer(text):
        date = parse_date(text[match.end(): match.end() + 24])
        if date:
            found.append(DatedEvidence(date, f"正文“{text[match.start(): match.end()].strip()}{_fmt(date)}”"))
            break
    signed = _signature(report)
    if signed:
        found.append(signed)
    return found


def _signature(report: Report) -> DatedEvidence | None:
    """A date alone on a line: the last lines of the report, or the first lines under the title."""
    keyed = [s for s in report.sections if s.key in SECTION_ORDER]
    tail = [line.strip() for line in (keyed[-1].text if keyed else "").splitlines() if line.strip()][-3:]
    preamble = next((s.text for s in report.sections if s.key == "preamble"), "")
    head = [line.strip() for line in preamble.splitlines() if line.strip()][:6]
    for lines, where in ((reversed(tail), "落款日期"), (head, "标题下日期")):
        for line in lines:
            if _DATE_LINE.match(line.replace(" ", "")):
                date = parse_date(line)
                if date:
                    return DatedEvidence(date, f"{where}“{line}”")
    return None


def deadline(report_year: int, people_government: bool) -> dt.date:
    """条例 (2019) 第五十条: departments publish by 1月31日, the 本级政府 report by 3月31日 of the next
    year. Reports up to 2018 fell under the 2008 条例 (第三十一条): 3月31日 for every body."""
    return dt.date(report_year + 1, 3 if people_government or report_year <= 2018 else 1, 31)


@report_check("D14")
def late_publication(subject: Subject) -> Iterator[Finding]:
    report, body = subject.report, subject.body
    known = dated_evidence(subject)
    if report.year is None or not known:
        return
    first = known[0]
    lenient = deadline(report.year, True)
    if body.people_government is None and report.year > 2018:
        # Unknown kind: only a date past even the later deadline is certainly late.
        if first.date <= lenient:
            return
        due, who = lenient, "任何机关"
    else:
        due = deadline(report.year, bool(body.people_government))
        who = "本级人民政府年度报告" if body.people_government else "政府部门及其他机关"
        if report.year <= 2018:
            who = "2008年条例第三十一条"
    if first.date > due:
        days = (first.date - due).days
        yield Finding(
            code="D14", severity=Severity.WARNING,
            message=f"发布日期{_fmt(first.date)}（据{first.source}）晚于法定期限{_fmt(due)}（{who}），逾期{days}天",
            evidence={"date": first.date.isoformat(), "deadline": due.isoformat(), "source": first.source},
        )


@report_check("D21")
def impossible_dates(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    text = flat(_all_text(report))
    seen: set[str] = set()
    for match in _FULL.finditer(text):
        if _to_date(match) is None and match[0] not in seen:
            seen.add(match[0])
            yield _impossible(match[0])
    for match in _MONTH_DAY.finditer(text):
        month, day = int(match["m"]), int(match["d"])
        if (not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]) and match[0] not in seen:
            seen.add(match[0])  # 2000 is a leap year: 2月29日 without a year is let pass
            yield _impossible(match[0])
    if report.year is None:
        return
    year_end = dt.date(report.year, 12, 31)
    for evidence in dated_evidence(subject):
        if evidence.date < year_end:
            yield Finding(
                code="D21", severity=Severity.ERROR,
                message=f"{evidence.source}为{_fmt(evidence.date)}，早于所报告的{report.year}年度结束（{_fmt(year_end)}），日期不可能",
                evidence={"date": evidence.date.isoformat(), "source": evidence.source},
            )


def _impossible(text: str) -> Finding:
    return Finding(code="D21", severity=Severity.ERROR, message=f"正文日期“{text}”不存在", evidence={"date": text})
