"""A small rooted exception hierarchy. Each error carries a stable code for reports.csv."""

from __future__ import annotations


class XxgkError(Exception):
    """Root of every error xxgk raises on purpose."""

    code = "ERROR"


class IngestError(XxgkError):
    """The file could not be read into a Document."""

    code = "UNREADABLE"


class EmptyFileError(IngestError):
    code = "EMPTY"


class NotTextError(IngestError):
    code = "NOT_TEXT"


class UnsupportedFormatError(IngestError):
    code = "UNSUPPORTED"


class EncryptedError(IngestError):
    code = "ENCRYPTED"


class CorruptFileError(IngestError):
    code = "CORRUPT"


class ConverterMissingError(IngestError):
    code = "CONVERTER_MISSING"


class TooLargeError(IngestError):
    code = "TOO_LARGE"
