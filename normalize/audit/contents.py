"""What two sections must say: D13 section 六 on 信息处理费 (2021 format), D19 section 五 on how last
year's problems were dealt with."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.normalize.audit.registry import Subject, report_check
from xxgk.normalize.audit.text import flat, section, sentences
from xxgk.normalize.schema import Finding
from xxgk.types import Severity

FEE_WORDS = ("信息处理费", "处理费", "收费", "收取", "费用")
LAST_YEAR_WORDS = ("上年度", "上一年", "上年", "去年", "前一年", "以往年度")
FOLLOW_UP_WORDS = ("整改", "改进", "改正", "落实", "解决", "完成", "改善")


@report_check("D13")
def fee_information(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    other = section(report, "other")
    if other is None or report.template != "2021" or report.status in ("failed", "skipped"):
        return
    if not any(word in flat(other.text) for word in FEE_WORDS):
        yield Finding(
            code="D13", severity=Severity.WARNING,
            message="六、其他需要报告的事项未说明收取信息处理费的情况（2021年格式要求报告）",
        )


@report_check("D19")
def last_year_problems(subject: Subject) -> Iterator[Finding]:
    report = subject.report
    problems = section(report, "problems")
    if problems is None or report.template not in ("2019", "2021") or report.status in ("failed", "skipped"):
        return
    markers = LAST_YEAR_WORDS + ((f"{report.year - 1}年",) if report.year else ())
    for sentence in sentences(problems.text):
        if any(m in sentence for m in markers) and any(w in sentence for w in FOLLOW_UP_WORDS):
            return
    yield Finding(
        code="D19", severity=Severity.WARNING,
        message="五、存在的主要问题及改进情况未交代上年度问题的整改情况",
    )
