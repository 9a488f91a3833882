"""The error model: every failure has an ErrorCode and so a category; an internal error (a bug of ours)
keeps its traceback in the report — the store and reports.jsonl, never reports.csv — and, when asked
for, in OUT/xxgk.log, also when it happened in a worker process."""

from __future__ import annotations

import csv
import json
import logging
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from pdfminer.psparser import PSEOF
from pdfplumber.utils.exceptions import PdfminerException
from pydantic import ValidationError

import xxgk
import xxgk.api
import xxgk.batch
from xxgk.batch import run_parse
from xxgk.cli import main
from xxgk.errors import CorruptFileError
from xxgk.executors import Executor, InProcessExecutor, Parsed, ProcessExecutor
from xxgk.ingest import pdf as pdf_reader
from xxgk.normalize import build
from xxgk.normalize.build import failed_report
from xxgk.normalize.schema import SCHEMA_VERSION, ErrorItem, Report
from xxgk.output.store import STORE_NAME, Store
from xxgk.tasks import parse_task
from xxgk.types import ErrorCategory, ErrorCode
from xxgk.version import PARSER_VERSION

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEXT = FIXTURES / "t01_tabs_2021" / "source.txt"
PDF = FIXTURES / "f01_pdf_ruled" / "source.pdf"
CONTRACT = ["report_id", "source", "status", "template", "bureau", "year", "error", "error_code", "format", "encoding",
            "title", "missing", "cells", "errors", "warnings", "parser_version", "schema_version", "ocr_pages",
            "ocr_min_confidence", "duplicate_of"]


# Stand-ins for bugs of ours. Module level: a worker process imports them by name.


def broken_parser(doc: object) -> None:
    raise ValueError("the parser tripped")


def broken_reader(path: object, source: object) -> None:
    raise KeyError("the reader tripped")


def bottomless(doc: object) -> None:
    bottomless(doc)


def buggy(path: str, source: str) -> Parsed:
    """The per-file task, with the parser breaking on files named bug*: as a bug of ours would, in the worker."""
    if not Path(path).name.startswith("bug"):
        return parse_task(path, source)
    original = xxgk.api.parse_document
    xxgk.api.parse_document = broken_parser  # type: ignore[assignment]
    try:
        return parse_task(path, source)
    finally:
        xxgk.api.parse_document = original


# (c) every code: its category, and whether a re-run parses the file again

CODES: dict[ErrorCode, tuple[ErrorCategory, bool]] = {
    **{code: (ErrorCategory.INPUT, False) for code in (
        ErrorCode.UNREADABLE, ErrorCode.EMPTY, ErrorCode.NOT_TEXT, ErrorCode.UNSUPPORTED, ErrorCode.ENCRYPTED,
        ErrorCode.CORRUPT, ErrorCode.CONVERTER_MISSING, ErrorCode.TOO_LARGE, ErrorCode.NEEDS_OCR,
        ErrorCode.NOT_A_FILE, ErrorCode.NOT_FOUND, ErrorCode.NOT_A_REPORT,
    )},
    ErrorCode.TIMEOUT: (ErrorCategory.LIMIT, True),
    ErrorCode.OUT_OF_MEMORY: (ErrorCategory.LIMIT, True),
    ErrorCode.WORKER_CRASHED: (ErrorCategory.LIMIT, True),
    ErrorCode.READ_ERROR: (ErrorCategory.INTERNAL, False),
    ErrorCode.PARSE_ERROR: (ErrorCategory.INTERNAL, False),
    ErrorCode.ERROR: (ErrorCategory.INTERNAL, False),
    ErrorCode.BATCH: (ErrorCategory.ENVIRONMENT, False),
    ErrorCode.EXECUTOR: (ErrorCategory.ENVIRONMENT, False),
    ErrorCode.STORE: (ErrorCategory.ENVIRONMENT, False),
    ErrorCode.MISSING_EXTRA: (ErrorCategory.ENVIRONMENT, False),
    ErrorCode.OPTIONS: (ErrorCategory.USAGE, False),
    ErrorCode.NO_INPUT: (ErrorCategory.USAGE, False),
}


def test_every_code_is_classified() -> None:
    assert set(CODES) == set(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_code_category_and_retry(code: ErrorCode, tmp_path: Path) -> None:
    category, retried = CODES[code]
    assert (code.category, code.retried) == (category, retried)
    report = failed_report("x.txt", "path-x", code, "what went wrong")
    assert report.error is not None and report.error.category == category and report.error.traceback is None
    # A re-run into the same OUT takes a stored report as it is, unless its failure is one to retry.
    with Store(tmp_path / STORE_NAME) as store:
        run_id = store.begin_run(PARSER_VERSION, 1)
        store.put(run_id, 0, "x.txt", None, report.model_dump_json().encode())
        assert store.reusable("path-x", PARSER_VERSION) is not retried


# (a) an internal error through xxgk.parse_file: failed, its code, category internal, the traceback kept


INTERNAL = [
    # (function of xxgk.api replaced, by, code, message starts with)
    ("parse_document", broken_parser, ErrorCode.PARSE_ERROR, "internal parser error ValueError: the parser tripped"),
    ("read_document", broken_reader, ErrorCode.READ_ERROR, "internal reader error KeyError: 'the reader tripped'"),
    ("parse_document", bottomless, ErrorCode.PARSE_ERROR, "document too deeply nested to parse"),
]


@pytest.mark.parametrize(("name", "bug", "code", "message"), INTERNAL, ids=[case[1].__name__ for case in INTERNAL])
def test_an_internal_error_keeps_its_traceback(
    name: str, bug: Callable[..., None], code: ErrorCode, message: str, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(xxgk.api, name, bug)
    with caplog.at_level(logging.ERROR, logger="xxgk"):
        report = xxgk.parse_file(TEXT)
    error = report.error
    assert report.status == "failed" and error is not None
    assert (error.code, error.category, error.page) == (code, ErrorCategory.INTERNAL, None)
    assert error.message.startswith(message)
    assert error.traceback and error.traceback.startswith("Traceback (most recent call last):")
    assert f", in {bug.__name__}\n" in error.traceback
    # logged where it happened, with the exception
    [record] = [r for r in caplog.records if r.name == "xxgk.api"]
    assert record.levelno == logging.ERROR and record.exc_info and str(TEXT) in record.getMessage()
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_failures_of_the_input_or_the_run_carry_no_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def corrupt_page_3(path: object, source: object) -> None:
        raise CorruptFileError("PDF cannot be read: a broken stream", page=3)

    def no_memory(doc: object) -> None:
        raise MemoryError

    (tmp_path / "empty.txt").write_bytes(b"")
    cases: list[tuple[str, Any, Path, ErrorCode, ErrorCategory, int | None]] = [
        ("read_document", corrupt_page_3, TEXT, ErrorCode.CORRUPT, ErrorCategory.INPUT, 3),
        ("parse_document", no_memory, TEXT, ErrorCode.OUT_OF_MEMORY, ErrorCategory.LIMIT, None),
        ("", None, tmp_path / "empty.txt", ErrorCode.EMPTY, ErrorCategory.INPUT, None),
        ("", None, tmp_path / "gone.txt", ErrorCode.NOT_FOUND, ErrorCategory.INPUT, None),
        ("", None, tmp_path / "notes.json", ErrorCode.NOT_FOUND, ErrorCategory.INPUT, None),
    ]
    for name, replacement, path, code, category, page in cases:
        with monkeypatch.context() as patch:
            if name:
                patch.setattr(xxgk.api, name, replacement)
            error = xxgk.parse_file(path).error
        assert error is not None and (error.code, error.category, error.page, error.traceback) == (
            code, category, page, None
        ), (name, path)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_pdf_reader_says_which_page_it_failed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    scan_page = pdf_reader._scan_page

    def pdfium_fails_on_page_2(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int) -> Any:
        if number == 2:
            raise pdfium.PdfiumError("Failed to load page.")
        return scan_page(page, textpage, number)

    tried: list[int] = []

    def pdfminer_fails(page: object, number: int) -> Any:
        tried.append(number)
        raise PdfminerException(PSEOF("Unexpected EOF"))

    with monkeypatch.context() as patch:
        patch.setattr(pdf_reader, "_scan_page", pdfium_fails_on_page_2)
        error = xxgk.parse_file(PDF).error
    assert error is not None and (error.code, error.page) == (ErrorCode.CORRUPT, 2), error
    with monkeypatch.context() as patch:
        patch.setattr(pdf_reader, "read_page", lambda *args: "declined: pdfplumber reads the tables")
        patch.setattr(pdf_reader, "_find_parts", pdfminer_fails)
        error = xxgk.parse_file(PDF).error
    assert error is not None and (error.code, error.page, error.message) == (
        ErrorCode.CORRUPT, tried[0], "PDF cannot be read: Unexpected EOF"
    ), error

    def pdfium_fails_on_tables(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, content: object) -> Any:
        raise pdfium.PdfiumError("Failed to load page.")

    scanned: list[int] = []
    scan = pdf_reader._Pages.scan

    def recorded_scan(pages: pdf_reader._Pages, number: int) -> Any:
        scanned.append(number)
        return scan(pages, number)

    with monkeypatch.context() as patch:
        patch.setattr(pdf_reader, "read_page", pdfium_fails_on_tables)
        patch.setattr(pdf_reader._Pages, "scan", recorded_scan)
        error = xxgk.parse_file(PDF).error
    assert error is not None and (error.code, error.page) == (ErrorCode.CORRUPT, scanned[-1]), error


def test_the_failure_path_cannot_raise(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """What the file name says is read on the failure path too; a bug there leaves the report without it."""
    name = "北京市海淀区人民政府2022年度政府信息公开工作年度报告.txt"
    named = failed_report(name, "path-1", ErrorCode.EMPTY, "file is empty")
    assert (named.bureau, named.year) == ("北京市海淀区人民政府", 2022)

    def broken(*args: object) -> None:
        raise ValueError("a bug in reading names")

    monkeypatch.setattr(build, "with_metadata", broken)
    with caplog.at_level(logging.ERROR, logger="xxgk"):
        report = failed_report(name, "path-1", ErrorCode.EMPTY, "file is empty")
    assert report.error == named.error and (report.status, report.bureau, report.year) == ("failed", None, None)
    assert [r.name for r in caplog.records] == ["xxgk.normalize.build"] and caplog.records[0].exc_info


# (d) reports stored before the error model (schema 1.0) load as they are


OLD = (
    '{"schema_version":"1.0","parser_version":"0.1.0","report_id":"path-0123456789a","source":"x","format":"",'
    '"encoding":null,"status":"%s","error":{"code":"%s","message":"m"},"missing":[],"template":"unknown"}'
)


@pytest.mark.parametrize(("status", "code", "category"), [
    ("failed", "EMPTY", "input"),
    ("failed", "TIMEOUT", "limit"),
    ("failed", "PARSE_ERROR", "internal"),
    ("skipped", "NOT_A_REPORT", "input"),
])
def test_a_report_without_category_loads(status: str, code: str, category: str) -> None:
    report = Report.model_validate_json(OLD % (status, code))
    assert report.schema_version == "1.0" and SCHEMA_VERSION != "1.0" and report.body_id is None
    assert report.error == ErrorItem(code=ErrorCode(code), category=ErrorCategory(category), message="m")
    assert json.loads(report.model_dump_json())["error"] == {
        "code": code, "category": category, "message": "m", "page": None, "traceback": None
    }


def test_an_unknown_code_does_not_load() -> None:
    with pytest.raises(ValidationError):
        ErrorItem.model_validate({"code": "NO_SUCH_CODE", "message": "m"})


# (b) a batch: the traceback of a worker's internal error reaches the store, reports.jsonl and the log


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    text = TEXT.read_text(encoding="utf-8")
    for name in ("a.txt", "bug.txt", "c.txt"):
        (folder / name).write_text(f"{text}\n{name}\n", encoding="utf-8")  # different contents: each one parsed
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    return folder


def _check_batch(out: Path) -> None:
    """The other files are parsed; the traceback is in the store and reports.jsonl, not reports.csv."""
    with open(out / "reports.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {Path(r["source"]).name: r for r in csv.DictReader(handle)}
        assert list(rows["bug.txt"]) == CONTRACT
    assert {name: row["status"] for name, row in rows.items()} == {
        "a.txt": "ok", "bug.txt": "failed", "c.txt": "ok", "notes.json": "skipped"
    }
    assert (rows["bug.txt"]["error_code"], rows["bug.txt"]["error"]) == (
        "PARSE_ERROR", "internal parser error ValueError: the parser tripped"
    )
    assert "Traceback" not in (out / "reports.csv").read_text(encoding="utf-8-sig")
    with sqlite3.connect(out / STORE_NAME) as db:
        [(stored,)] = db.execute("SELECT json FROM reports WHERE error_code = 'PARSE_ERROR'").fetchall()
    lines = [line for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines() if "bug.txt" in line]
    assert lines == [stored]
    error = json.loads(stored)["error"]
    assert error["category"] == "internal" and ", in broken_parser\n" in error["traceback"]


EXECUTORS: dict[str, Callable[[], Executor]] = {
    "in-process": lambda: InProcessExecutor(task=buggy),
    "workers": lambda: ProcessExecutor(1, task=buggy),
}


@pytest.mark.parametrize("executor", list(EXECUTORS))
def test_a_batch_keeps_the_traceback_and_goes_on(
    executor: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="xxgk"):
        summary = run_parse([_inputs(tmp_path / "in")], tmp_path / "out", executor=EXECUTORS[executor]())
    assert summary.statuses == {"ok": 2, "failed": 1, "skipped": 1}
    _check_batch(tmp_path / "out")
    # the parent logs each stored report's error: internal ones with the traceback, from the report
    records = [r for r in caplog.records if r.name == "xxgk.batch"]
    logged = {(r.levelname, r.getMessage().split("\n")[0].rsplit("/", 1)[-1]) for r in records}
    assert logged == {
        ("ERROR", "bug.txt: PARSE_ERROR: internal parser error ValueError: the parser tripped"),
        ("DEBUG", "notes.json: UNSUPPORTED: " + xxgk.parse_file(tmp_path / "in" / "notes.json").error.message),  # type: ignore[union-attr]
    }
    [record] = [r for r in records if r.levelno == logging.ERROR]
    assert ", in broken_parser\n" in record.getMessage()


LOGGING = [
    # (options, level of OUT/xxgk.log or None for none, tracebacks on stderr)
    ([], None, False),
    (["-v"], "INFO", True),
    (["-vv"], "DEBUG", True),
    (["--log-level", "warning"], "WARNING", False),
    (["-v", "--log-level", "ERROR"], "ERROR", True),
]


@pytest.mark.parametrize(("options", "level", "stderr"), LOGGING, ids=[" ".join(case[0]) or "none" for case in LOGGING])
def test_the_command_line_logs_a_workers_internal_error(
    options: list[str], level: str | None, stderr: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xxgk.batch, "ProcessExecutor", partial(ProcessExecutor, task=buggy))  # real worker processes
    inputs, out = _inputs(tmp_path / "in"), tmp_path / "out"
    result = CliRunner().invoke(main, ["parse", str(inputs), "-o", str(out), "-j", "1", "-q", *options])
    assert result.exit_code == 1, result.output  # one input failed
    _check_batch(out)
    assert ("broken_parser" in result.stderr) is stderr
    if stderr:
        assert "xxgk: error: " in result.stderr and "bug.txt: PARSE_ERROR" in result.stderr
    log = out / "xxgk.log"
    assert log.exists() is (level is not None)
    if level is not None:
        text = log.read_text(encoding="utf-8")
        assert "ERROR xxgk.batch: " in text and ", in broken_parser\n" in text
        assert (f"xxgk {PARSER_VERSION} parse into {out}" in text) is (level in ("DEBUG", "INFO"))
        assert ("notes.json: UNSUPPORTED" in text) is (level == "DEBUG")
    # the command's handlers are gone with it
    assert [type(h) for h in logging.getLogger("xxgk").handlers] == [logging.NullHandler]
    assert logging.getLogger("xxgk").level == logging.NOTSET


def test_a_log_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", str(TEXT), "-o", str(tmp_path / "file" / "out"), "-v", "-q"])
    assert result.exit_code == 2 and "xxgk: error: cannot write the log" in result.stderr


def test_a_failure_message_is_printed_as_written_not_as_markup() -> None:
    import io

    from rich.console import Console

    from xxgk.output.terminal import BatchSummary, print_summary

    summary = BatchSummary(failures=[("scans/[2023]/a.pdf", "NEEDS_OCR: install the OCR extra: pip install 'xxgk[ocr]'")])
    summary.statuses["failed"] += 1
    buffer = io.StringIO()
    print_summary(summary, Console(file=buffer, width=200, color_system=None), "out")
    assert "pip install 'xxgk[ocr]'" in buffer.getvalue() and "scans/[2023]/a.pdf" in buffer.getvalue()
