"""The contract files (output-contract.md), written as reports stream in.

CSV files are UTF-8 with a BOM by default (Excel on a Chinese Windows opens them correctly) and
every text field that a spreadsheet would run as a formula is written so it shows as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from xxgk.normalize.narrative import prose
from xxgk.normalize.schema import Report

REPORT_COLUMNS = (
    "report_id", "source", "status", "template", "bureau", "year", "error",
    "error_code", "format", "encoding", "title", "missing", "cells", "errors", "warnings",
    "parser_version", "schema_version", "ocr_pages", "ocr_min_confidence", "duplicate_of",
)
CELL_COLUMNS = (
    "report_id", "source", "table", "row_key", "col_key", "value", "raw", "kind",
    "label", "position", "match_score", "page", "line", "bbox", "grid_table", "grid_row", "grid_col",
)
FINDING_COLUMNS = ("report_id", "source", "code", "severity", "table", "row_key", "col_key", "message", "page", "line")
SECTION_COLUMNS = ("report_id", "source", "section", "title", "text", "line", "line_end", "page")

_FORMULA_START = "=+-@\t\r"
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe(value: Any) -> str:
    """A CSV field that a spreadsheet shows as text, never evaluates: '=1+1' → "'=1+1"."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text and text[0] in _FORMULA_START and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def open_csv(path: Path, encoding: str) -> IO[str]:
    """``path`` opened for writing a CSV file in ``encoding``. utf-8-sig is written as its BOM and then
    plain UTF-8 — the same bytes; Python's utf-8-sig encoder runs Python code on every write (a
    twentieth of an export's time), the UTF-8 one does not."""
    if encoding == "utf-8-sig":
        handle = open(path, "w", encoding="utf-8", newline="")
        handle.write("\ufeff")
        return handle
    return open(path, "w", encoding=encoding, newline="")


def _bbox(bbox: tuple[float, float, float, float] | None) -> str:
    return "" if bbox is None else " ".join(f"{v:.1f}" for v in bbox)


def _lowest_confidence(report: Report) -> str:
    """The lowest confidence of a table cell read by OCR ("" when OCR read none)."""
    read = [c.provenance.confidence for c in report.cells if c.provenance.confidence is not None]
    return f"{min(read):.3f}" if read else ""


class _LineRenderer:
    """One row as the CSV line ``csv.writer`` writes for it (QUOTE_MINIMAL, \\r\\n)."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)

    def __call__(self, row: Iterable[Any]) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(row)
        return self.buffer.getvalue()


csv_line = _LineRenderer()


def write_lines(handle: IO[str], head: list[str], lines: list[str]) -> None:
    """Rows whose fields after ``head`` come rendered by :func:`csv_line` (made by the parse worker,
    output/narrative.narrative_json): each written as the CSV line of ``head``'s fields followed by its
    stored line — the bytes ``csv.writer`` writes for the whole row, as it quotes each field on its own."""
    if lines:
        start = csv_line(head)[:-2] + ","  # without its \r\n
        handle.write("".join(start + line for line in lines))


def section_rows(report: Report) -> Iterator[tuple[Any, ...]]:
    """sections.csv's fields of each section after report_id and source."""
    if report.status == "skipped":  # not a report: its text is no narrative section (reports.jsonl keeps it)
        return
    for s in report.sections:
        yield (
            s.key, safe(s.title), safe(prose(s.text)),  # tables as [表二] … (reports.jsonl keeps them)
            s.provenance.line if s.provenance else None, s.provenance.line_end if s.provenance else None,
            s.provenance.page if s.provenance else None,
        )


class ContractWriter:
    """Opens OUT's five files, appends each report as it comes, closes them on exit."""

    def __init__(self, out: Path, encoding: str = "utf-8-sig") -> None:
        self.out = out
        self.encoding = encoding
        self._files: list[IO[str]] = []

    def __enter__(self) -> ContractWriter:
        self.out.mkdir(parents=True, exist_ok=True)
        self.reports = self._csv("reports.csv", REPORT_COLUMNS)
        self.cells = self._csv("cells.csv", CELL_COLUMNS)
        self.findings = self._csv("findings.csv", FINDING_COLUMNS)
        self.sections = self._csv("sections.csv", SECTION_COLUMNS)
        self._sections_file = self._files[-1]
        self.jsonl = open(self.out / "reports.jsonl", "w", encoding="utf-8", newline="\n")
        self._files.append(self.jsonl)
        return self

    def _csv(self, name: str, columns: tuple[str, ...]) -> Any:
        handle = open_csv(self.out / name, self.encoding)
        self._files.append(handle)
        writer = csv.writer(handle)
        writer.writerow(columns)
        return writer

    def write(self, report: Report, text: str | None = None, sections: list[str] | None = None) -> None:
        """``text``: the report as JSON when already made (the store keeps it so), for reports.jsonl;
        ``sections``: its sections.csv rows when already rendered (:func:`write_lines`)."""
        # Keys, codes, kinds and numbers are ours and cannot start a formula; only text that
        # comes from the input (or embeds it) goes through ``safe``.
        rid, src = report.report_id, safe(report.source)
        errors = sum(1 for f in report.findings if f.severity == "error")
        warnings = sum(1 for f in report.findings if f.severity == "warning")
        error = report.error
        self.reports.writerow((
            rid, src, report.status, report.template, safe(report.bureau), report.year,
            safe(error.message) if error else "", error.code if error else "",
            report.format, report.encoding, safe(report.title), safe("; ".join(report.missing)), len(report.cells),
            errors, warnings, report.parser_version, report.schema_version,
            report.metadata.get("ocr_pages", ""), _lowest_confidence(report), safe(report.duplicate_of),
        ))
        self.cells.writerows(
            (
                rid, src, c.table, c.row_key, c.col_key, "" if c.value is None else c.value, safe(c.raw), c.kind,
                safe(c.label), c.position, c.match_score, p.page, p.line, _bbox(p.bbox), p.table, p.row, p.col,
            )
            for c in report.cells
            for p in (c.provenance,)
        )
        self.findings.writerows(
            (
                rid, src, f.code, f.severity, f.table, f.row_key, f.col_key, safe(f.message),
                f.provenance.page if f.provenance else None, f.provenance.line if f.provenance else None,
            )
            for f in report.findings
        )
        if sections is None:
            self.sections.writerows((rid, src, *row) for row in section_rows(report))
        else:
            write_lines(self._sections_file, [rid, src], sections)
        self.jsonl.write((text or report.model_dump_json()) + "\n")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for handle in self._files:
            handle.close()
