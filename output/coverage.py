"""coverage.csv: which years of which bodies a batch holds — present, failed or missing.

Read from reports_wide.csv once the batch is written (a few fields per body are kept, never the
reports). Bodies are told apart by body_id (a body's name forms joined); reports whose body is unknown share one row with an
empty key, so what could not be placed is still counted. Skipped files (not reports) and identical
copies of an earlier input (duplicate_of) are left out.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.output.csvfiles import safe
from xxgk.output.dictionary import COVERAGE_COLUMNS

PRESENT, FAILED, MISSING = "present", "failed", "missing"


@dataclass
class _Body:
    bureau_key: str = ""
    bureau: str = ""
    level: str = ""
    region_code: str = ""
    latest: int = -1
    years: dict[int, str] = field(default_factory=dict)
    reports: int = 0
    year_unknown: int = 0


@dataclass
class Coverage:
    bodies: dict[str, _Body] = field(default_factory=dict)

    def add(self, row: Mapping[str, str]) -> None:
        """One reports_wide.csv row (status, duplicate_of, body_id, bureau_key, bureau, level, region_code, year)."""
        if row["status"] == "skipped" or row["duplicate_of"]:  # an identical copy is the same report
            return
        body = self.bodies.setdefault(row["body_id"], _Body())
        body.reports += 1
        year = int(row["year"]) if row["year"] else None
        if year is None:
            body.year_unknown += 1
        else:
            state = FAILED if row["status"] == "failed" else PRESENT
            body.years[year] = PRESENT if PRESENT in (state, body.years.get(year)) else state
        if row["bureau"] and (year or 0) >= body.latest:
            body.latest = year or 0
            body.bureau, body.level, body.region_code = row["bureau"], row["level"], row["region_code"]
            body.bureau_key = row["bureau_key"]

    def rows(self) -> Iterable[list[object]]:
        """The header, then one row per body (the unknown body last)."""
        years = sorted({y for body in self.bodies.values() for y in body.years})
        span = list(range(years[0], years[-1] + 1)) if years else []
        names = [c.name for c in COVERAGE_COLUMNS]
        at = names.index("<year>")
        yield [*names[:at], *(str(y) for y in span), *names[at + 1:]]
        for key in sorted(self.bodies, key=lambda k: (k == "", k)):
            body = self.bodies[key]
            fixed = (key, body.bureau_key, body.bureau, body.level, body.region_code, body.reports)
            yield [*fixed, *(body.years.get(y, MISSING) for y in span), body.year_unknown]


def write_coverage(out: Path, encoding: str) -> None:
    """OUT/coverage.csv from OUT/reports_wide.csv."""
    coverage = Coverage()
    with open(out / "reports_wide.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            coverage.add(row)
    with open(out / "coverage.csv", "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        for line in coverage.rows():
            writer.writerow([safe(v) for v in line])
