"""The reader interface and the registry that picks a reader for a file."""

from __future__ import annotations

import hashlib
import importlib
import os
import stat
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from xxgk.errors import (
    EmptyFileError,
    IngestError,
    TooLargeError,
    UnsupportedFormatError,
)

if TYPE_CHECKING:  # imported by the readers; a batch that only looks up ids does without it
    from xxgk.ingest.document import Document

# Reports are a few MB at most; a much larger file is a mistake or an attack, refused unread.
MAX_BYTES = 64 * 1024 * 1024


class Reader(Protocol):
    format: str
    @property
    def extensions(self) -> tuple[str, ...]: ...

    def accepts(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path, data: bytes, source: str) -> Document: ...


def report_id(data: bytes) -> str:
    """Stable id for the same content: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:16]


def path_id(source: str) -> str:
    """The report_id of a file that was not read: from its path, stable from run to run."""
    return "path-" + hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:11]


_READ_WHOLE = 1 << 20


def content_id(path: Path) -> str | None:
    """The report_id a readable file will get (:func:`report_id`, streamed); None if it will not be read.

    Lets a batch recognise a file it has parsed before without parsing it again.
    """
    try:
        # O_NONBLOCK: opening a named pipe would otherwise wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        if info.st_size <= _READ_WHOLE:  # most reports: one read, without file_digest's 256 kB buffer
            data = os.read(fd, _READ_WHOLE + 1)
            if len(data) == info.st_size:
                return report_id(data)
            os.lseek(fd, 0, os.SEEK_SET)  # a short read, or the file changed meanwhile: streamed
        with open(fd, "rb", closefd=False) as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()[:16]
    except OSError:
        return None
    finally:
        os.close(fd)


# Every reader, in the order they are asked, with the extensions it takes and whether it also takes a
# file of another extension by its first bytes (HTML saved as .doc, a PDF under any name). A reader's
# module (and its library: lxml, python-docx, pdfplumber) is imported only when a file could be its.
READERS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("text", (".txt", ".md", ".markdown", ".text"), False),
    ("html", (".html", ".htm", ".shtml", ".xhtml"), True),
    ("embedded", (".json", ".js"), False),
    ("docx", (".docx",), False),
    ("pdf", (".pdf",), True),
    ("legacy", (".doc", ".wps"), False),
)
_KNOWN = frozenset(ext for _, extensions, _ in READERS for ext in extensions)


def known_extensions() -> frozenset[str]:
    return _KNOWN


@cache
def candidates(suffix: str) -> tuple[str, ...]:
    """The readers asked, in order, whether they take a file of this (lower-case) extension: those that
    look at any file's first bytes, up to the one the extension belongs to (which takes it)."""
    found: list[str] = []
    for name, extensions, sniffs in READERS:
        if suffix in extensions:
            return (*found, name)
        if sniffs:
            found.append(name)
    return tuple(found)


def reader_modules(suffixes: Iterable[str]) -> list[str]:
    """The modules of the readers files of these extensions may be read with (what a worker should load first)."""
    names = {name for suffix in {s.lower() for s in suffixes} for name in candidates(suffix)}
    return [f"xxgk.ingest.{name}" for name, _, _ in READERS if name in names]


@cache
def reader(name: str) -> Reader:
    """The reader of module ``xxgk.ingest.<name>``, imported on first use."""
    return cast(Reader, importlib.import_module(f"xxgk.ingest.{name}").READER)


def read_document(path: Path, source: str | None = None) -> Document:
    """Read one file with the first reader that accepts it. Raises an IngestError subclass."""
    source = source if source is not None else str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise TooLargeError(f"file is {size / 2**20:.0f} MB, above the {MAX_BYTES // 2**20} MB limit")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise EmptyFileError("file is empty" if not data else "file holds only whitespace")
    head = data[:4096]
    for name in candidates(path.suffix.lower()):
        candidate = reader(name)
        if candidate.accepts(path, head):
            return candidate.read(path, data, source)
    raise UnsupportedFormatError(f"no reader for {path.suffix or 'files without extension'}")
