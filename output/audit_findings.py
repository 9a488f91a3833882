"""findings.csv of an audit: the contract's columns (output-contract.md) for parse-time and audit
findings alike, plus the body they are grouped by and where the catalogue files them."""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import IO

from xxgk.normalize.audit.body import Body
from xxgk.normalize.audit.codes import code_info
from xxgk.normalize.schema import Finding, Report
from xxgk.output.csvfiles import FINDING_COLUMNS, safe

AUDIT_FINDING_COLUMNS = (*FINDING_COLUMNS, "bureau", "bureau_key", "body_id", "year", "defect", "area", "related_source")


class AuditFindingsWriter:
    def __init__(self, path: Path, encoding: str = "utf-8-sig") -> None:
        self.path = path
        self.encoding = encoding
        self._handle: IO[str] | None = None

    def __enter__(self) -> AuditFindingsWriter:
        self._handle = open(self.path, "w", encoding=self.encoding, newline="")
        self._csv = csv.writer(self._handle)
        self._csv.writerow(AUDIT_FINDING_COLUMNS)
        return self

    def write_unreported(self, name: str, key: str, year: int, finding: Finding) -> None:
        """A finding of a body with no report (X-MISSING): no report_id, no source."""
        info = code_info(finding.code)
        self._csv.writerow([safe(v) for v in (
            "", "", finding.code, finding.severity, None, "", "", finding.message, None, None,
            name, "", key, year, info.defect, info.area, None,
        )])

    def write(self, report: Report, body: Body, findings: list[Finding]) -> None:
        for f in findings:
            p = f.provenance
            info = code_info(f.code)
            self._csv.writerow([safe(v) for v in (
                report.report_id, report.source, f.code, f.severity, f.table, f.row_key, f.col_key, f.message,
                p.page if p else None, p.line if p else None,
                body.name, report.bureau_key, body.key, report.year, info.defect, info.area, f.evidence.get("other_source"),
            )])

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._handle is not None:
            self._handle.close()
