"""One rooted exception hierarchy: everything xxgk raises on purpose is an :class:`XxgkError`.

Each class carries the :class:`~xxgk.types.ErrorCode` a report row or the command line shows, and so
its category. Raise them chained (``raise CorruptFileError(...) from exc``) so the cause is kept.

- :class:`IngestError` and its kinds: one file cannot be read. The batch records it and goes on.
- :class:`UsageError`: the command line or an options file is wrong (exit status 2, with usage).
- :class:`RunError`: the run as a whole cannot go on (OUT, its store, the workers, the cluster).
"""

from __future__ import annotations

from xxgk.types import ErrorCategory, ErrorCode


class XxgkError(Exception):
    """Root of every error xxgk raises on purpose."""

    code: ErrorCode = ErrorCode.ERROR

    @property
    def category(self) -> ErrorCategory:
        return self.code.category


# --- one file ------------------------------------------------------------------------------------


class IngestError(XxgkError):
    """The file could not be read into a Document. ``page``: the page (of a PDF) it failed on, when known."""

    code = ErrorCode.UNREADABLE

    def __init__(self, *args: object, page: int | None = None) -> None:
        super().__init__(*args)
        self.page = page


class EmptyFileError(IngestError):
    code = ErrorCode.EMPTY


class NotTextError(IngestError):
    code = ErrorCode.NOT_TEXT


class UnsupportedFormatError(IngestError):
    code = ErrorCode.UNSUPPORTED


class EncryptedError(IngestError):
    code = ErrorCode.ENCRYPTED


class CorruptFileError(IngestError):
    code = ErrorCode.CORRUPT


class ConverterMissingError(IngestError):
    code = ErrorCode.CONVERTER_MISSING


class TooLargeError(IngestError):
    code = ErrorCode.TOO_LARGE


class NeedsOcrError(IngestError):
    """No page carries a text layer: the PDF is a scan and has to go through OCR first."""

    code = ErrorCode.NEEDS_OCR


# --- the command line and its files --------------------------------------------------------------


class UsageError(XxgkError):
    """An option or an options file cannot be used as given: the message says where and why."""

    code = ErrorCode.OPTIONS


class OptionsError(UsageError):
    """An option cannot be honoured (an extra is not installed, the corrections file is unusable)."""


class OverrideError(UsageError):
    """The metadata corrections file cannot be used as written."""


class AuditInputError(UsageError):
    """A --previous or --published argument that cannot be used: a usage error, not a finding."""


class SummaryError(UsageError):
    """OUT does not hold a parsed batch (or one written before the wide files existed)."""

    code = ErrorCode.NO_INPUT


class MissingExtra(UsageError):
    """An optional feature was asked for and the package it needs is not installed."""

    code = ErrorCode.MISSING_EXTRA


# --- the run as a whole --------------------------------------------------------------------------


class RunError(XxgkError):
    """The run as a whole cannot go on; not a problem of any one input file."""

    code = ErrorCode.BATCH


class BatchError(RunError):
    """OUT cannot be written, or the store does not match the inputs."""


class StoreError(RunError):
    """OUT's database cannot be opened or does not hold what the run needs."""

    code = ErrorCode.STORE


class ExecutorError(RunError):
    """The workers cannot be started or reached."""

    code = ErrorCode.EXECUTOR
