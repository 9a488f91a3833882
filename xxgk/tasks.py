"""The pure per-file function every executor runs, and the report of a file whose parse never came back.

Imported where files are parsed (the workers, and the forkserver they fork from), so that a batch
with nothing new to parse starts without the parser.
"""

from __future__ import annotations

from pathlib import Path

from xxgk.api import parse_file
from xxgk.executors import Parsed
from xxgk.ingest.ocr import OcrMode
from xxgk.ingest.reader import content_id, path_id
from xxgk.normalize.build import failed_report
from xxgk.normalize.narrative import terms_version
from xxgk.normalize.schema import report_json
from xxgk.normalize.tokenizers import keyword_tokenizer, statement_jieba, statement_rjieba
from xxgk.output.lines import lines_version, render
from xxgk.output.narrative import terms_json
from xxgk.parsers.bureau import to_simplified
from xxgk.parsers.region import division
from xxgk.types import ErrorCode


def parse_task(path: str, source: str, ocr: OcrMode = "auto") -> Parsed:
    """The file's Report as JSON and, for a report, its sections' word counts and its rows of the
    per-report CSV files (output/lines.py). Never raises for bad input."""
    try:
        report = parse_file(path, source, ocr)
        if report.status == "skipped":
            return Parsed(report_json(report))
        return Parsed(
            report_json(report), terms_json(report).encode(), terms_version(), render(report).to_json().encode(), lines_version()
        )
    except MemoryError:  # the report itself was too big to write out
        return failure(path, source, ErrorCode.OUT_OF_MEMORY, "the parsed report needed more memory than allowed")


def failure(path: str, source: str, code: ErrorCode, message: str) -> Parsed:
    """A failed Report for a file whose parse did not come back (timeout, dead worker)."""
    report_id = content_id(Path(path)) or path_id(source)
    return Parsed(report_json(failed_report(source, report_id, code, message)))


def warm_up() -> None:
    """The heavy state, once per worker: the keyword and X-TEXT segmenters' dictionaries loaded (and the code's
    fingerprint taken), before the worker reports ready (its files' clocks start after). The readers
    a batch needs are imported beside it (:func:`xxgk.executors.worker_context`); any other is
    imported by the first file that needs it."""
    keyword_tokenizer()
    if statement_rjieba() is None:  # X-TEXT's segmenter, which facts.csv's rows read statements with
        statement_jieba()
    lines_version()  # reads every module of xxgk once
    terms_version()
    # The tables every report is read with, built here rather than by each worker's first report: the
    # workers of a forkserver then share one copy.
    to_simplified("")
    division("")
