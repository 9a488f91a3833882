"""The audit's check registry: per-report checks and checks over a whole batch, registered by code.

Like normalize/checks.py, each check is a small pure function registered under the code it emits,
testable alone. A report check sees one Subject (a parsed report and what the audit inferred about
it); a batch check sees the Digests of every report in the batch and of earlier runs, and says which
report each finding belongs to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from xxgk.normalize.audit.body import Body
from xxgk.normalize.schema import Finding, Number, Report


@dataclass(frozen=True, slots=True)
class DatedEvidence:
    """A date and where it was read (CSV, page metadata, 发布时间, the signature)."""

    date: dt.date
    source: str


@dataclass(frozen=True, slots=True)
class Subject:
    report: Report
    body: Body
    published: DatedEvidence | None = None  # from the --published CSV, when given


@dataclass(frozen=True, slots=True)
class Digest:
    """What the batch checks need of one report, small enough to keep for thousands of reports."""

    index: int  # position in the batch (earlier runs: negative), the finding's owner
    report_id: str
    source: str
    in_batch: bool  # False for reports of --previous: they are compared with, never reported on
    body: Body
    year: int | None
    template: str
    cells: dict[str, Number | None] = field(default_factory=dict)  # "table.row.col" → value, the few keys needed
    reasons: dict[str, str] = field(default_factory=dict)  # "table.row.col" → why it holds no number (空白, 缺失 …)
    sketch: tuple[int, ...] = ()  # the masked narrative's MinHash (similarity.py), () when too short


ReportCheck = Callable[[Subject], Iterable[Finding]]
BatchCheck = Callable[[Sequence[Digest]], Iterable[tuple[int, Finding]]]

REPORT_CHECKS: dict[str, ReportCheck] = {}
BATCH_CHECKS: dict[str, BatchCheck] = {}


def report_check(code: str) -> Callable[[ReportCheck], ReportCheck]:
    def register(func: ReportCheck) -> ReportCheck:
        REPORT_CHECKS[code] = func
        return func

    return register


def batch_check(code: str) -> Callable[[BatchCheck], BatchCheck]:
    def register(func: BatchCheck) -> BatchCheck:
        BATCH_CHECKS[code] = func
        return func

    return register
