"""The batch at a glance: per bureau, its reports, findings by severity, the areas that fail, and
which years between its first and last report are missing (the coverage view).

Reading problems (P- codes, reader warnings) are counted apart (``reading``): they are not the body's
defects, so they count neither towards its severities nor towards --fail-on. Nor do findings a
supervisor decided are no defect (misread, dismissed: normalize/audit/decisions.py); ``decided``
counts every decision shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from xxgk.normalize.audit.body import Body
from xxgk.normalize.audit.codes import AREAS, code_info, is_reading
from xxgk.normalize.audit.decisions import decision_of, set_aside
from xxgk.normalize.schema import Finding, Report

SEVERITIES = ("error", "warning", "info")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class ReportEntry:
    index: int
    report_id: str
    source: str
    status: str
    year: int | None
    template: str
    error: str = ""
    severities: Counter[str] = field(default_factory=Counter)
    reading: int = 0  # findings of our own reading (P-), apart from the report's defects


@dataclass
class BureauEntry:
    key: str
    name: str
    known: bool = True  # False: a report whose body is unknown, alone in its row
    unreported: list[int] = field(default_factory=list)  # years the roster expects and no report covers
    reports: list[ReportEntry] = field(default_factory=list)
    severities: Counter[str] = field(default_factory=Counter)
    reading: int = 0
    decided: Counter[str] = field(default_factory=Counter)  # decision → its findings
    # area → defect codes (D2, D6 …) with an error or warning in any of its reports
    failing: dict[str, set[str]] = field(default_factory=dict)
    worst: dict[str, str] = field(default_factory=dict)  # area → "error" or "warning"

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.reports if r.year is not None})

    @property
    def missing_years(self) -> list[int]:
        """Years between the first and the last report with no report: expected, absent."""
        years = self.years
        gaps = set(range(years[0], years[-1] + 1)) - set(years) if self.known and years else set()
        return sorted(gaps | set(self.unreported))

    def areas(self) -> list[tuple[str, list[str], str]]:
        """(area, defect codes, worst severity) in the catalogue's order."""
        return [(area, sorted(self.failing[area], key=_defect_order), self.worst[area]) for area in AREAS if area in self.failing]


def _defect_order(defect: str) -> tuple[int, str]:
    digits = "".join(ch for ch in defect if ch.isdigit())
    return (int(digits) if digits else 0, defect)


class Overview:
    def __init__(self) -> None:
        self._bureaus: dict[str, BureauEntry] = {}
        self.unread: list[ReportEntry] = []  # failed or skipped files: nothing to audit, listed apart
        self.decided: Counter[str] = Counter()  # status → findings with that decision

    def add(self, index: int, report: Report, body: Body, findings: list[Finding]) -> ReportEntry:
        error = f"{report.error.code}: {report.error.message}" if report.error else ""
        entry = ReportEntry(index, report.report_id, report.source, report.status, report.year, report.template, error)
        if report.status in ("failed", "skipped"):
            self.unread.append(entry)
            return entry
        # A report whose body is unknown is a row of its own, named by its file: never merged with others.
        key = body.key or f"?{report.source}"
        bureau = self._bureaus.setdefault(key, BureauEntry(key, body.shown, known=bool(body.key)))
        bureau.reports.append(entry)
        for finding in findings:
            if (decision := decision_of(finding)):
                self.decided[decision] += 1
                bureau.decided[decision] += 1
            if set_aside(finding):
                continue
            if is_reading(finding.code):
                entry.reading += 1
                bureau.reading += 1
                continue
            entry.severities[finding.severity] += 1
            bureau.severities[finding.severity] += 1
            if finding.severity in ("error", "warning"):
                info = code_info(finding.code)
                bureau.failing.setdefault(info.area, set()).add(info.defect or finding.code)
                if bureau.worst.get(info.area) != "error":
                    bureau.worst[info.area] = finding.severity
        return entry

    def add_unreported(self, key: str, name: str, year: int, finding: Finding) -> None:
        """A year a body of the roster must report for and has no report (X-MISSING)."""
        bureau = self._bureaus.setdefault(key, BureauEntry(key, name))
        if (decision := decision_of(finding)):
            self.decided[decision] += 1
            bureau.decided[decision] += 1
        if set_aside(finding):
            return
        bureau.unreported.append(year)
        bureau.severities[finding.severity] += 1
        info = code_info(finding.code)
        bureau.failing.setdefault(info.area, set()).add(info.defect)
        if bureau.worst.get(info.area) != "error":
            bureau.worst[info.area] = finding.severity

    def reported(self, key: str, year: int) -> bool:
        bureau = self._bureaus.get(key)
        return bureau is not None and year in bureau.years

    def bureaus(self) -> list[BureauEntry]:
        """Worst first: most errors, then most warnings; unknown names last."""
        return sorted(
            self._bureaus.values(),
            key=lambda b: (not b.known, -b.severities["error"], -b.severities["warning"], b.name),
        )

    def year_span(self) -> list[int]:
        years = [y for b in self._bureaus.values() if b.known for y in b.years]
        return list(range(min(years), max(years) + 1)) if years else []

    @property
    def severities(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for bureau in self._bureaus.values():
            total.update(bureau.severities)
        return total

    @property
    def reading(self) -> int:
        return sum(bureau.reading for bureau in self._bureaus.values())

    @property
    def report_count(self) -> int:
        return sum(len(b.reports) for b in self._bureaus.values())
