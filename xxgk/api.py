"""parse_file / parse_many: the pure per-file function any executor can run."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.errors import IngestError
from ingest.files import discover
from ingest.reader import known_extensions, read_document
from normalize.build import build_report, failed_report
from normalize.schema import Report
from parsers.report import parse_document


def _path_id(source: str) -> str:
    # Unread files have no content hash; the path keeps their id stable from run to run.
    return "path-" + hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:11]


def parse_file(path: str | os.PathLike[str], source: str | None = None) -> Report:
    """Parse one file into a Report. Never raises for bad input: the Report says what went wrong."""
    path = Path(path)
    source = source if source is not None else str(path)
    if path.suffix.lower() not in known_extensions():
        if not path.exists() and not path.is_symlink():
            return failed_report(source, _path_id(source), "NOT_FOUND", "file does not exist")
        return failed_report(
            source, _path_id(source), "UNSUPPORTED",
            f"not a report format ({path.suffix or 'no extension'}); readable: {', '.join(sorted(known_extensions()))}",
            status="skipped",
        )
    try:
        doc = read_document(path, source)
    except IngestError as exc:
        return failed_report(source, _path_id(source), exc.code, str(exc))
    try:
        return build_report(doc, parse_document(doc))
    except RecursionError as exc:
        return failed_report(source, doc.report_id, "PARSE_ERROR", f"document too deeply nested to parse: {exc}", fmt=doc.format)
    except Exception as exc:  # a parser bug must not take the batch down; the row says what broke
        return failed_report(
            source, doc.report_id, "PARSE_ERROR", f"internal parser error {type(exc).__name__}: {exc}", fmt=doc.format
        )


def parse_many(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Report]:
    """Parse every file under the inputs (folders walked recursively), one Report per file."""
    for path, source in discover(inputs):
        yield parse_file(path, source)
