"""Typed keys every layer shares: tables, severities, cell positions and error codes.

The foundation: imports nothing from the stages. Each is a ``str`` Enum, so a member compares,
hashes, formats and serialises as its value ("table3", "error", "TIMEOUT"): output files do not
change, and code that still holds a plain string meets the same dictionary keys.
"""

from __future__ import annotations

from enum import StrEnum


class TableKey(StrEnum):
    """The three statistics tables of the national format (docs/report-format.md)."""

    T2 = "table2"  # 主动公开政府信息情况
    T3 = "table3"  # 收到和处理政府信息公开申请情况
    T4 = "table4"  # 政府信息公开行政复议、行政诉讼情况
    PRE2019 = "pre2019"  # the statistics table of reports before the national format (parsers/pre2019.py)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Position(StrEnum):
    """How sure we are of a cell's column."""

    EXACT = "exact"  # printed in its row and column
    INFERRED = "inferred"  # the single placement the layout allows that satisfies the identities
    UNKNOWN = "unknown"  # several placements possible: kept unplaced, never guessed


class ErrorCategory(StrEnum):
    INPUT = "input"  # the file itself: empty, corrupt, encrypted, not a report
    LIMIT = "limit"  # a resource limit of the run: time, memory
    INTERNAL = "internal"  # our own code failed: a bug to report, with its traceback
    ENVIRONMENT = "environment"  # the run as a whole: OUT, workers, the cluster, a missing extra
    USAGE = "usage"  # the command line or an options file is wrong


class ErrorCode(StrEnum):
    """Every error code a report row or a batch error can carry, with its category.

    ``retried``: a re-run into the same OUT parses the file again (the failure may not recur).
    """

    # the file
    UNREADABLE = "UNREADABLE"
    EMPTY = "EMPTY"
    NOT_TEXT = "NOT_TEXT"
    UNSUPPORTED = "UNSUPPORTED"
    ENCRYPTED = "ENCRYPTED"
    CORRUPT = "CORRUPT"
    CONVERTER_MISSING = "CONVERTER_MISSING"
    TOO_LARGE = "TOO_LARGE"
    NEEDS_OCR = "NEEDS_OCR"
    NOT_A_FILE = "NOT_A_FILE"
    NOT_FOUND = "NOT_FOUND"
    NOT_A_REPORT = "NOT_A_REPORT"
    # limits of the run
    TIMEOUT = "TIMEOUT"
    OUT_OF_MEMORY = "OUT_OF_MEMORY"
    WORKER_CRASHED = "WORKER_CRASHED"
    # our own code
    READ_ERROR = "READ_ERROR"
    PARSE_ERROR = "PARSE_ERROR"
    ERROR = "ERROR"
    # the run as a whole
    BATCH = "BATCH"
    EXECUTOR = "EXECUTOR"
    STORE = "STORE"
    MISSING_EXTRA = "MISSING_EXTRA"
    # usage
    OPTIONS = "OPTIONS"
    NO_INPUT = "NO_INPUT"

    @property
    def category(self) -> ErrorCategory:
        return _CATEGORY.get(self, ErrorCategory.INPUT)

    @property
    def retried(self) -> bool:
        return self in _RETRIED


_CATEGORY: dict[ErrorCode, ErrorCategory] = {
    ErrorCode.TIMEOUT: ErrorCategory.LIMIT,
    ErrorCode.OUT_OF_MEMORY: ErrorCategory.LIMIT,
    # A dead worker is a crash in native code or the kernel's out-of-memory killer: a limit, not a
    # bug we can show a traceback for.
    ErrorCode.WORKER_CRASHED: ErrorCategory.LIMIT,
    ErrorCode.READ_ERROR: ErrorCategory.INTERNAL,
    ErrorCode.PARSE_ERROR: ErrorCategory.INTERNAL,
    ErrorCode.ERROR: ErrorCategory.INTERNAL,
    ErrorCode.BATCH: ErrorCategory.ENVIRONMENT,
    ErrorCode.EXECUTOR: ErrorCategory.ENVIRONMENT,
    ErrorCode.STORE: ErrorCategory.ENVIRONMENT,
    ErrorCode.MISSING_EXTRA: ErrorCategory.ENVIRONMENT,
    ErrorCode.OPTIONS: ErrorCategory.USAGE,
    ErrorCode.NO_INPUT: ErrorCategory.USAGE,
}
# Failures of the run rather than of the file: the next run may well get through.
_RETRIED = frozenset({ErrorCode.TIMEOUT, ErrorCode.WORKER_CRASHED, ErrorCode.OUT_OF_MEMORY})
