"""The reader interface and the registry that picks a reader for a file."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

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
        with open(fd, "rb", closefd=False) as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()[:16]
    except OSError:
        return None
    finally:
        os.close(fd)


def _readers() -> list[Reader]:
    # Imported here so that a missing optional dependency of one format cannot break the others.
    from xxgk.ingest import text

    readers: list[Reader] = [text.TextReader()]
    for name in ("html", "embedded", "docx", "pdf", "legacy"):
        try:
            module = __import__(f"xxgk.ingest.{name}", fromlist=["READER"])
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("xxgk.ingest."):
                continue  # that reader is not built yet
            raise
        readers.append(module.READER)
    return readers


_REGISTRY: list[Reader] | None = None


def registry() -> list[Reader]:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = _readers()
    return _REGISTRY


def known_extensions() -> set[str]:
    return {ext for reader in registry() for ext in reader.extensions}


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
    for reader in registry():
        if reader.accepts(path, head):
            return reader.read(path, data, source)
    raise UnsupportedFormatError(f"no reader for {path.suffix or 'files without extension'}")
