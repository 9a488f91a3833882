"""Where the command line sends the library's log: OUT/xxgk.log, and with -v the internal errors to stderr.

Library code only logs (``logging.getLogger(__name__)``, all under the ``xxgk`` logger, which has a
NullHandler so that a program that configures no logging sees nothing); this is the one place that
adds handlers, for the length of one command. Worker processes log nothing to these handlers: their
internal errors come back inside the report (``ErrorItem.traceback``), and the parent logs each failed
report as it stores it (:mod:`xxgk.batch`).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOG_NAME = "xxgk.log"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def level_of(verbose: int, log_level: str | None) -> str | None:
    """The log file's level: --log-level as given, else INFO for -v and DEBUG for -vv; None: no log file."""
    if log_level:
        return log_level.upper()
    if verbose:
        return "DEBUG" if verbose > 1 else "INFO"
    return None


def start_log(out: str | os.PathLike[str], level: str, stderr: bool = False, first: str = "") -> Callable[[], None]:
    """From now on the ``xxgk`` loggers write OUT/xxgk.log (appended) at ``level`` and, with ``stderr``,
    their errors (tracebacks included) to stderr; ``first`` is logged at once (INFO). Returns the
    function that stops it. Raises OSError when the log cannot be written."""
    path = Path(out) / LOG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [logging.FileHandler(path, encoding="utf-8")]
    handlers[0].setFormatter(logging.Formatter(FILE_FORMAT))
    if stderr:
        handlers.append(StderrHandler())
        handlers[1].setLevel(logging.ERROR)
        handlers[1].setFormatter(_Short())
    logger = logging.getLogger("xxgk")
    before = logger.level
    logger.setLevel(level)
    for handler in handlers:
        logger.addHandler(handler)
    if first:
        logger.info("%s", first)

    def stop() -> None:
        for handler in handlers:
            logger.removeHandler(handler)
            handler.close()
        logger.setLevel(before)

    return stop


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes: the progress bar redirects it while
    it is shown, so that lines appear above it."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # always sys.stderr


class _Short(logging.Formatter):
    """``xxgk: error: …``, as the command line's own messages."""

    def format(self, record: logging.LogRecord) -> str:
        return f"xxgk: {record.levelname.lower()}: {super().format(record)}"
