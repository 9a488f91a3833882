"""findings.csv and findings.jsonl of an audit: the contract's columns (output-contract.md) for
parse-time and audit findings alike, plus the body they are grouped by, where the catalogue files
them, and the places of their evidence (normalize/audit/evidence.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from xxgk.normalize.audit.body import Body
from xxgk.normalize.audit.codes import code_info
from xxgk.normalize.schema import Finding, Report
from xxgk.output.csvfiles import FINDING_COLUMNS, safe

AUDIT_FINDING_COLUMNS = (
    *FINDING_COLUMNS, "bureau", "bureau_key", "body_id", "year", "defect", "area", "related_source", "places",
    "finding_id", "decision", "decision_note",
)


def _decided(finding: Finding) -> tuple[str, str, str]:
    """finding_id, decision, decision_note (normalize/audit/decisions.py)."""
    evidence = finding.evidence
    return str(evidence.get("finding_id", "")), str(evidence.get("decision", "")), str(evidence.get("decision_note", ""))


def places_text(finding: Finding) -> str:
    """``table3.new_requests.total@p4; section:problems@L67``: each cell (or section) of the evidence
    with its page (PDF) or line (text); a cell read by OCR with its confidence: ``@p4[OCR 0.87]``."""
    return "; ".join(f"{place_name(p)}@{place_where(p)}{ocr_mark(p)}" for p in finding.evidence.get("places", ()))


def ocr_mark(place: dict[str, Any]) -> str:
    if not place.get("ocr"):
        return ""
    confidence = place.get("confidence")
    return f"[OCR {confidence:.2f}]" if isinstance(confidence, int | float) else "[OCR]"


def place_name(place: dict[str, Any]) -> str:
    return str(place.get("cell") or f"section:{place.get('section')}")


def place_where(place: dict[str, Any]) -> str:
    if place.get("page"):
        return f"p{place['page']}"
    if place.get("grid"):
        table, row, col = place["grid"]
        return f"T{table + 1}R{row + 1}C{col + 1}"
    return f"L{place['line']}"


def grid_words(places: list[dict[str, Any]]) -> str:
    """第1个表格第3行第2列: the DOCX cells of places (a DOCX has no pages or lines), counted from 1."""
    return "、".join(f"第{t + 1}个表格第{r + 1}行第{c + 1}列" for t, r, c in (p["grid"] for p in places if p.get("grid")))


class AuditFindingsWriter:
    def __init__(self, path: Path, encoding: str = "utf-8-sig", jsonl: Path | None = None) -> None:
        self.path = path
        self.jsonl = jsonl
        self.encoding = encoding
        self._handle: IO[str] | None = None
        self._json: IO[str] | None = None

    def __enter__(self) -> AuditFindingsWriter:
        self._handle = open(self.path, "w", encoding=self.encoding, newline="")
        self._csv = csv.writer(self._handle)
        self._csv.writerow(AUDIT_FINDING_COLUMNS)
        if self.jsonl is not None:
            self._json = open(self.jsonl, "w", encoding="utf-8", newline="\n")
        return self

    def write_unreported(self, name: str, key: str, year: int, finding: Finding) -> None:
        """A finding of a body with no report (X-MISSING): no report_id, no source."""
        info = code_info(finding.code)
        self._csv.writerow([safe(v) for v in (
            "", "", finding.code, finding.severity, None, "", "", finding.message, None, None,
            name, "", key, year, info.defect, info.area, None, "", *_decided(finding),
        )])
        if self._json is not None:
            record = {"report_id": "", "source": "", "bureau": name, "bureau_key": "", "body_id": key, "year": year,
                      "defect": info.defect, "area": info.area, **finding.model_dump(mode="json", exclude={"provenance"}),
                      "page": None, "line": None, "places": []}
            self._json.write(json.dumps(record, ensure_ascii=False) + "\n")

    def write(self, report: Report, body: Body, findings: list[Finding]) -> None:
        for f in findings:
            p = f.provenance
            info = code_info(f.code)
            self._csv.writerow([safe(v) for v in (
                report.report_id, report.source, f.code, f.severity, f.table, f.row_key, f.col_key, f.message,
                p.page if p else None, p.line if p else None,
                body.shown, report.bureau_key, body.key, report.year, info.defect, info.area, f.evidence.get("other_source"),
                places_text(f), *_decided(f),
            )])
            if self._json is not None:
                record: dict[str, Any] = {
                    "report_id": report.report_id, "source": report.source, "bureau": body.shown,
                    "bureau_key": report.bureau_key, "body_id": body.key,
                    "year": report.year, "defect": info.defect, "area": info.area,
                    **f.model_dump(mode="json", exclude={"provenance"}),
                    "page": p.page if p else None, "line": p.line if p else None,
                    "places": f.evidence.get("places", []),
                }
                self._json.write(json.dumps(record, ensure_ascii=False) + "\n")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for handle in (self._handle, self._json):
            if handle is not None:
                handle.close()
