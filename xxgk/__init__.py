"""xxgk — Chinese government information-disclosure annual reports as clean, audited data.

Public API: :func:`parse_file` and :func:`parse_many` return :class:`~xxgk.normalize.schema.Report`
objects; a bad input gives a report with status ``failed`` or ``skipped``, never an exception.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from xxgk.version import PARSER_VERSION as __version__

if TYPE_CHECKING:
    from xxgk.api import parse_file, parse_many
    from xxgk.loader import load
    from xxgk.normalize.schema import Report

__all__ = ["Report", "__version__", "load", "parse_file", "parse_many"]

# The library only logs; a program (the command line: xxgk.logs) adds handlers if it wants the records.
logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    # The parser is imported on first use, so that the command line starts (and a resumed run
    # that parses nothing finishes) without loading it.
    if name == "Report":
        from xxgk.normalize.schema import Report

        return Report
    if name == "load":
        from xxgk.loader import load

        return load
    if name in ("parse_file", "parse_many"):
        import xxgk.api

        return getattr(xxgk.api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
