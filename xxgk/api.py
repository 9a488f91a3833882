"""parse_file / parse_many: the pure per-file function any executor can run."""

from __future__ import annotations

import logging
import os
import stat
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path

from xxgk.errors import IngestError
from xxgk.ingest import embedded
from xxgk.ingest.document import Document
from xxgk.ingest.files import discover
from xxgk.ingest.ocr import MODE as OCR_MODE
from xxgk.ingest.ocr import READS as OCR_READS
from xxgk.ingest.ocr import REREAD as OCR_REREAD
from xxgk.ingest.ocr import OcrMode
from xxgk.ingest.reader import known_extensions, path_id, read_document
from xxgk.normalize.build import build_report, failed_report
from xxgk.normalize.ocr import to_reread
from xxgk.normalize.schema import Report
from xxgk.parsers.report import parse_document
from xxgk.types import ErrorCode

log = logging.getLogger(__name__)


def parse_file(path: str | os.PathLike[str], source: str | None = None, ocr: OcrMode = "auto") -> Report:
    """Parse one file into a Report. Never raises for bad input: the Report says what went wrong.

    ``ocr``: which pages OCR reads (``xxgk parse --ocr``; xxgk.ingest.ocr)."""
    path = Path(path)
    source = source if source is not None else str(path)
    try:
        mode: int | None = path.stat().st_mode
    except OSError:
        mode = None  # missing (said below), or a dangling link or a link loop (said by the reader)
    if mode is not None and stat.S_ISDIR(mode):
        return failed_report(
            source, path_id(source), ErrorCode.NOT_A_FILE, "a link to a folder; links are not followed",
            status="skipped",
        )
    if mode is not None and not stat.S_ISREG(mode):
        # Reading a pipe or a device would block or never end.
        return failed_report(
            source, path_id(source), ErrorCode.NOT_A_FILE, "not a regular file (a pipe, socket or device)"
        )
    if mode is None and not path.is_symlink():
        return failed_report(source, path_id(source), ErrorCode.NOT_FOUND, "file does not exist")
    if path.suffix.lower() not in known_extensions():
        return failed_report(
            source, path_id(source), ErrorCode.UNSUPPORTED,
            f"not a report format ({path.suffix or 'no extension'}); readable: {', '.join(sorted(known_extensions()))}",
            status="skipped",
        )
    # What OCR read is kept while the file is parsed: a second reading for identity re-reads reuses it.
    reads = OCR_READS.set({} if ocr != "never" else None)
    try:
        return _parse(path, source, ocr)
    finally:
        OCR_READS.reset(reads)


def _parse(path: Path, source: str, ocr: OcrMode) -> Report:
    try:
        doc = _read(path, source, ocr)
    except IngestError as exc:
        if path.suffix.lower() in embedded.EXTENSIONS:
            # a .json/.js file is read only for the HTML report it carries; without one it is skipped, as before
            return failed_report(
                source, path_id(source), ErrorCode.UNSUPPORTED, embedded.not_a_report(path, exc), status="skipped"
            )
        return failed_report(source, path_id(source), exc.code, str(exc), page=exc.page)
    except MemoryError:
        return failed_report(
            source, path_id(source), ErrorCode.OUT_OF_MEMORY, "reading the file needed more memory than allowed"
        )
    except Exception as exc:  # a reader bug must not take the batch down either
        return _internal(
            source, path_id(source), ErrorCode.READ_ERROR, f"internal reader error {type(exc).__name__}: {exc}"
        )
    try:
        report = build_report(doc, parse_document(doc))
        again = to_reread(report.cells, report.findings) if ocr != "never" else frozenset()
        if again:
            # Identities failed on cells read by OCR: the file is read once more with those cells read
            # at the higher resolution (the readings with the higher confidence stand), then judged again.
            token = OCR_REREAD.set(again)
            try:
                doc = _read(path, source, ocr)
                report = build_report(doc, parse_document(doc))
            finally:
                OCR_REREAD.reset(token)
        return report
    except IngestError as exc:  # only a second reading can raise it here; the first one read the same file
        return failed_report(source, path_id(source), exc.code, str(exc), page=exc.page)
    except MemoryError:
        return failed_report(
            source, doc.report_id, ErrorCode.OUT_OF_MEMORY, "parsing the file needed more memory than allowed",
            fmt=doc.format,
        )
    except RecursionError as exc:
        return _internal(
            source, doc.report_id, ErrorCode.PARSE_ERROR, f"document too deeply nested to parse: {exc}", doc.format
        )
    except Exception as exc:  # a parser bug must not take the batch down; the row says what broke
        return _internal(
            source, doc.report_id, ErrorCode.PARSE_ERROR, f"internal parser error {type(exc).__name__}: {exc}",
            doc.format,
        )


def _read(path: Path, source: str, ocr: OcrMode) -> Document:
    token = OCR_MODE.set(ocr)
    try:
        return read_document(path, source)
    finally:
        OCR_MODE.reset(token)


def _internal(source: str, report_id: str, code: ErrorCode, message: str, fmt: str = "") -> Report:
    """The failed report of a bug of ours, called while handling it: logged, and its traceback kept in the report."""
    log.error("%s: %s: %s", source, code, message, exc_info=True)
    return failed_report(source, report_id, code, message, fmt=fmt, traceback=traceback.format_exc())


def parse_many(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Report]:
    """Parse every file under the inputs (folders walked recursively), one Report per file."""
    for path, source in discover(inputs):
        yield parse_file(path, source)
