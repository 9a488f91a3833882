"""xxgk — Chinese government information-disclosure annual reports as clean, audited data.

Public API: :func:`parse_file` and :func:`parse_many` return :class:`~normalize.schema.Report`
objects; a bad input gives a report with status ``failed`` or ``skipped``, never an exception.
"""

from normalize.build import PARSER_VERSION as __version__
from normalize.schema import Report
from xxgk.api import parse_file, parse_many

__all__ = ["Report", "__version__", "parse_file", "parse_many"]
