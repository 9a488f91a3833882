"""Each report's rows of the per-report output files, rendered as CSV text where the report is made.

The parse workers render them beside the report (:func:`render`) and the store keeps them (table
``lines``), so that the export mostly joins stored text: decoding every report again and rendering
its rows there took most of the export's time, in the parent, after the last report (issue 15).
Whatever is not rendered the export renders from the report itself — the reference these lines
equal byte for byte (tests/test_fast_paths.py): a file the workers do not render, rows of other
code (:func:`lines_version`), an identical copy (its source and duplicate_of differ), a report a
--meta correction changes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from xxgk.normalize.schema import Report
from xxgk.output.csvfiles import CONTRACT_FILES, contract_rows, safe
from xxgk.output.narrative import FactsWriter, ProblemsWriter
from xxgk.output.options import code_fingerprint
from xxgk.output.terminal import BatchSummary
from xxgk.output.wide import KINDS_FILES, WIDE_FILES, wide_rows

_Rows = Callable[[Report], Mapping[str, Iterable[Sequence[Any]]]]
# Each per-report file's rows, by the group of files one function renders.
_GROUPS: tuple[tuple[tuple[str, ...], _Rows], ...] = (
    (tuple(CONTRACT_FILES), contract_rows),
    (tuple(f"{stem}.csv" for stem in (*WIDE_FILES, *KINDS_FILES)), wide_rows),
    ((ProblemsWriter.name,), lambda report: {ProblemsWriter.name: ProblemsWriter.report_rows(report)}),
    ((FactsWriter.name,), lambda report: {FactsWriter.name: FactsWriter.report_rows(report)}),
)
# The parse workers render every one of them, so the export decodes no report (facts.csv's X-TEXT
# reading cuts clauses with rjieba when installed, else with the jieba a worker has for the keywords).
PER_REPORT_FILES = tuple(name for names, _ in _GROUPS for name in names)


@dataclass(frozen=True)
class Rendered:
    """A report's rows of every per-report file, rendered, and what the batch summary counts of it: an
    export with these need not decode the report."""

    report_id: str
    source: str
    status: str
    findings: list[tuple[str, str, int]]  # (code, severity, how many)
    failure: str | None  # "CODE: message" of a failed report
    # File name → its rows, each the CSV line of its fields after report_id and source (which every
    # per-report file starts with): cells.csv's rows are half as long without them.
    rows: dict[str, list[str]]

    @cached_property
    def files(self) -> dict[str, str]:
        """File name → the text of the report's rows, as a CSV writer writes them."""
        head = _line([self.report_id, safe(self.source)])[:-2] + ","  # its \r\n off
        return {name: head + head.join(lines) if lines else "" for name, lines in self.rows.items()}

    def add_to(self, summary: BatchSummary) -> None:
        """Count this report in ``summary`` as :meth:`BatchSummary.add` counts the report (not a copy)."""
        summary.statuses[self.status] += 1
        for code, severity, n in self.findings:
            summary.findings[(code, severity)] += n
        if self.failure is not None:
            summary.failures.append((self.source, self.failure))

    def to_json(self) -> str:
        return json.dumps([self.report_id, self.source, self.status, self.findings, self.failure, self.rows],
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Rendered:
        report_id, source, status, findings, failure, rows = json.loads(text)
        return cls(report_id, source, status, [(c, s, n) for c, s, n in findings], failure, rows)


_buffer = io.StringIO()
_writer = csv.writer(_buffer)


def _line(row: Sequence[Any]) -> str:
    """The line ``csv.writer`` writes for the row (QUOTE_MINIMAL, \r\n)."""
    _buffer.seek(0)
    _buffer.truncate()
    _writer.writerow(row)
    return _buffer.getvalue()


def _tails(rows: Iterable[Sequence[Any]]) -> list[str]:
    """Each row's CSV line without its first two fields (csv.writer quotes each field on its own)."""
    _buffer.seek(0)
    _buffer.truncate()
    lengths = [_writer.writerow(row[2:]) for row in rows]  # the characters each line took
    text = _buffer.getvalue()
    lines, start = [], 0
    for length in lengths:
        lines.append(text[start:start + length])
        start += length
    return lines


def render(report: Report) -> Rendered:
    """The report's rows of every file of :data:`PER_REPORT_FILES`, rendered."""
    rendered: dict[str, list[str]] = {}
    for _, rows_of in _GROUPS:
        for name, rows in rows_of(report).items():
            rendered[name] = _tails(rows)
    counts: dict[tuple[str, str], int] = {}
    for finding in report.findings:
        counts[(finding.code, finding.severity)] = counts.get((finding.code, finding.severity), 0) + 1
    error = report.error
    failure = f"{error.code}: {error.message}" if report.status == "failed" and error else None
    return Rendered(report.report_id, report.source, report.status, [(c, s, n) for (c, s), n in counts.items()],
                    failure, rendered)


@cache
def lines_version() -> str:
    """The code the rows are rendered by: every module of xxgk, so that rows stored by any other code
    (its schema, its escaping, its problem finder …) are rendered again by the export."""
    return code_fingerprint().hex()[:16]
