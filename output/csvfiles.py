"""The contract files (output-contract.md), written as reports stream in.

CSV files are UTF-8 with a BOM by default (Excel on a Chinese Windows opens them correctly) and
every text field that a spreadsheet would run as a formula is written so it shows as text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from xxgk.normalize.narrative import prose
from xxgk.normalize.schema import Report, as_stored, report_json

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
CONTRACT_FILES = {
    "reports.csv": REPORT_COLUMNS, "cells.csv": CELL_COLUMNS, "findings.csv": FINDING_COLUMNS, "sections.csv": SECTION_COLUMNS,
}

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


def contract_rows(report: Report) -> dict[str, Iterable[tuple[Any, ...]]]:
    """The report's rows of reports.csv, cells.csv, findings.csv and sections.csv."""
    # Keys, codes, kinds and numbers are ours and cannot start a formula; only text that
    # comes from the input (or embeds it) goes through ``safe``.
    rid, src = report.report_id, safe(report.source)
    errors = sum(1 for f in report.findings if f.severity == "error")
    warnings = sum(1 for f in report.findings if f.severity == "warning")
    error = report.error
    return {
        "reports.csv": [(
            rid, src, report.status, report.template, safe(report.bureau), report.year,
            safe(error.message) if error else "", error.code if error else "",
            report.format, report.encoding, safe(report.title), safe("; ".join(report.missing)), len(report.cells),
            errors, warnings, report.parser_version, report.schema_version,
            report.metadata.get("ocr_pages", ""), _lowest_confidence(report), safe(report.duplicate_of),
        )],
        "cells.csv": (
            (
                rid, src, c.table, c.row_key, c.col_key, "" if c.value is None else as_stored(c.value), safe(c.raw), c.kind,
                safe(c.label), c.position, c.match_score, p.page, p.line, _bbox(p.bbox), p.table, p.row, p.col,
            )
            for c in report.cells
            for p in (c.provenance,)
        ),
        "findings.csv": (
            (
                rid, src, f.code, f.severity, f.table, f.row_key, f.col_key, safe(f.message),
                f.provenance.page if f.provenance else None, f.provenance.line if f.provenance else None,
            )
            for f in report.findings
        ),
        "sections.csv": ((rid, src, *row) for row in section_rows(report)),
    }


class ContractWriter:
    """Opens OUT's five files, appends each report as it comes, closes them on exit."""

    def __init__(self, out: Path, encoding: str = "utf-8-sig") -> None:
        self.out = out
        self.encoding = encoding
        self._files: list[IO[str] | IO[bytes]] = []
        self._csvs: dict[str, tuple[IO[str], Any]] = {}

    def __enter__(self) -> ContractWriter:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, columns in CONTRACT_FILES.items():
            handle = open_csv(self.out / name, self.encoding)
            self._files.append(handle)
            writer = csv.writer(handle)
            writer.writerow(columns)
            self._csvs[name] = handle, writer
        self.jsonl = open(self.out / "reports.jsonl", "wb")
        self._files.append(self.jsonl)
        return self

    def write(self, report: Report | None, text: bytes | None = None, lines: dict[str, str] | None = None) -> None:
        """``text``: the report as JSON (UTF-8) when already made (the store keeps it so), for reports.jsonl;
        ``lines``: its rows of every file already rendered (output/lines.py), else ``report``'s are
        rendered. ``report`` may be None when ``text`` and ``lines`` are given."""
        if lines is not None:
            for name, (handle, _) in self._csvs.items():
                handle.write(lines[name])
        else:
            assert report is not None, "a report or its rendered rows"
            for name, rows in contract_rows(report).items():
                self._csvs[name][1].writerows(rows)
        if text is None:
            assert report is not None, "a report or its JSON"
            text = report_json(report)
        self.jsonl.write(text + b"\n")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for handle in self._files:
            handle.close()
