"""The compliance audit: checks over one report and over a batch, beside the parse-time checks.

    subject = subject_of(report)                # what the audit infers about the report's body
    findings = audit_report(subject)            # D1, D8, D9, D9b, D12, D13, D14, D17, D19, D21, D22, X-TEXT
    digests = [digest_of(subject, index)]       # small per-report summaries …
    by_owner = audit_batch(digests)             # … for X-YEAR-T3, X-YEAR-T2 and D15

Each family of checks is one module, registered by code in registry.py when it is imported: here,
when an audit first runs, not with the package — a parse reads X-TEXT's statements (narrative.py) and
the contents check's sections from it, and loading every check (difflib, the dates' patterns …) cost a
one-file parse 40 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from typing import TypeVar

from xxgk.normalize.audit.body import Body, body_of
from xxgk.normalize.audit.codes import AREAS, CODES, CodeInfo, code_info
from xxgk.normalize.audit.registry import (
    BATCH_CHECKS,
    REPORT_CHECKS,
    DatedEvidence,
    Digest,
    Subject,
)
from xxgk.normalize.schema import Finding, Report

# The modules of checks, in the order their checks run and their findings are listed (within a module:
# the order it defines them).
_CHECK_MODULES = ("contents", "continuity", "dates", "narrative", "similarity", "structure", "submission", "template",
                  "values")
Check = TypeVar("Check", bound=Callable[..., object])


def _in_order(registered: dict[str, Check]) -> list[Check]:
    """The registered checks, every check module imported first, in :data:`_CHECK_MODULES` order whatever
    order the modules happened to be imported in."""
    rank = {}
    for number, name in enumerate(_CHECK_MODULES):
        rank[import_module(f"{__name__}.{name}").__name__] = number
    return sorted(registered.values(), key=lambda check: rank[check.__module__])


__all__ = [
    "AREAS", "CODES", "Body", "CodeInfo", "DatedEvidence", "Digest", "Subject", "audit_batch", "audit_report",
    "code_info", "digest_of", "subject_of",
]


def subject_of(report: Report, published: DatedEvidence | None = None, file: str | None = None) -> Subject:
    """``file``: the report's file as the audit names a body whose name is unknown (by default its name)."""
    return Subject(report=report, body=body_of(report, file), published=published)


def audit_report(subject: Subject) -> list[Finding]:
    """Findings of the per-report checks; none for a file that is not a report (it is listed as skipped)."""
    findings: list[Finding] = []
    if subject.report.status == "skipped":
        return findings
    for check in _in_order(REPORT_CHECKS):
        findings.extend(check(subject))
    return findings


def digest_of(subject: Subject, index: int, in_batch: bool = True) -> Digest:
    from xxgk.normalize.audit import continuity, similarity

    report = subject.report
    return Digest(
        index=index, report_id=report.report_id, source=report.source, in_batch=in_batch, body=subject.body,
        year=report.year, template=report.template, cells=continuity.digest_cells(report),
        reasons=continuity.digest_reasons(report),
        sketch=similarity.sketch(report, subject.body),
    )


def audit_batch(digests: Sequence[Digest]) -> dict[int, list[Finding]]:
    """Findings of the cross-report checks, by the index of the report they belong to."""
    found: dict[int, list[Finding]] = {}
    for check in _in_order(BATCH_CHECKS):
        for owner, finding in check(digests):
            found.setdefault(owner, []).append(finding)
    return found
