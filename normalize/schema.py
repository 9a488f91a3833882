"""The canonical, versioned report schema (report-format.md) — what every output is written from.

Value objects are frozen; every cell keeps its raw text, its kind and its provenance.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter, model_validator

from xxgk.ingest.document import Provenance
from xxgk.types import ErrorCategory, ErrorCode, Position, Severity, TableKey

if TYPE_CHECKING:
    import pandas as pd

# 1.1: ErrorItem gained category, page and traceback (1.0 reports still load: category follows from code).
# 1.2: Report.body_id, the key that joins a body's name forms (1.1 reports still load: it is None).
# 1.3: Report.duplicate_of, set by a batch's export on an identical copy (1.2 reports still load: it is None).
SCHEMA_VERSION = "1.3"

Status = Literal["ok", "partial", "failed", "skipped"]
Template = Literal["2021", "2019", "pre2019", "unknown"]
# The tier of the issuing body (parsers/bureau.py); whether it is a government is separate.
Level = Literal["national", "province", "city", "county", "township"]
# Decimals (万元 amounts) travel as JSON numbers, not strings, so notebooks read them as numbers.
Number = int | Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
_NUMBER: TypeAdapter[Number] = TypeAdapter(Number)


def as_stored(value: Number) -> Number:
    """``value`` as a report written to JSON and read back holds it: a Decimal travels as a JSON
    number, so 3.00 comes back as 3 and 1.50 as 1.5. What is rendered from a report just made (the
    parse worker's rows, output/lines.py) must read as what is rendered from the stored report."""
    return _NUMBER.validate_json(_NUMBER.dump_json(value)) if isinstance(value, Decimal) else value


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cell(Frozen):
    table: TableKey
    row_key: str
    col_key: str  # "" when the column cannot be told (position "unknown")
    raw: str
    kind: Literal["number", "blank", "dash", "word", "text"]
    value: Number | None = None
    label: str = ""  # the row label as printed in the source
    match_score: float = 1.0
    position: Position = Position.EXACT
    provenance: Provenance


class Section(Frozen):
    key: str
    number: str
    title: str
    text: str
    provenance: Provenance | None = None


class Finding(Frozen):
    code: str
    severity: Severity
    table: str = ""
    row_key: str = ""
    col_key: str = ""
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    provenance: Provenance | None = None


# "inferred": holds, but only under a placement the parser chose because it holds (P-INFERRED):
# never evidence that the report is consistent.
CheckStatus = Literal["pass", "inferred", "fail", "not_assessable"]


class CheckResult(Frozen):
    """The outcome of one identity at one place: pass, fail, or not assessable."""

    code: str
    table: str
    row_key: str = ""
    col_key: str = ""
    status: CheckStatus
    lhs: Number | None = None
    rhs: Number | None = None


class NarrativeFact(Frozen):
    """A count the text states (主动公开信息25条), with the sentence it came from."""

    key: str  # active_disclosure_items, applications_received, admin_review_cases, …
    value: Number
    unit: str
    section: str
    sentence: str
    provenance: Provenance | None = None


class Guess(Frozen):
    value: str | int | None = None
    evidence: str = ""
    confidence: float = 0.0


class ErrorItem(Frozen):
    """Why a report failed or was skipped (README, Errors). ``category`` follows from ``code`` and is
    filled in when a report stored before it existed is loaded; ``page`` is the page the reader failed
    on, when known; ``traceback`` is kept for internal errors (our own bug) only."""

    code: ErrorCode
    # Always set from ``code`` by the validator below when not given; the default only lets a caller omit it.
    category: ErrorCategory = ErrorCategory.INTERNAL
    message: str
    page: int | None = None
    traceback: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _category_from_code(cls, data: Any) -> Any:
        if isinstance(data, dict) and "category" not in data:
            try:
                data = {**data, "category": ErrorCode(data["code"]).category}
            except (KeyError, ValueError):
                pass  # no code, or one we do not know: validating the code says so
        return data


class Region(Frozen):
    """Where the body sits, from its name and the bundled division list; ``code`` is the deepest one known."""

    province: str | None = None
    city: str | None = None  # empty for districts of a 直辖市 and counties a province administers directly
    county: str | None = None
    code: str | None = None  # six-digit GB/T 2260 code


class Report(Frozen):
    schema_version: str = SCHEMA_VERSION
    parser_version: str
    report_id: str
    source: str
    # In a batch: the source of the first input (discovery order) with the same content, on every later copy.
    duplicate_of: str | None = None
    format: str = ""
    encoding: str | None = None
    status: Status
    error: ErrorItem | None = None
    missing: list[str] = Field(default_factory=list)
    template: Template = "unknown"
    bureau: str | None = None
    year: int | None = None
    # Metadata derived from the bureau's name and the text (evidence and confidence in guesses).
    bureau_key: str | None = None
    body_id: str | None = None  # division code + kind of body (parsers/bureau.py body_id)
    level: Level | None = None
    is_government: bool | None = None
    region: Region | None = None
    published: date | None = None
    title: str = ""
    metadata: dict[str, str] = Field(default_factory=dict)
    guesses: dict[str, Guess] = Field(default_factory=dict)
    sections: list[Section] = Field(default_factory=list)
    cells: list[Cell] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    facts: list[NarrativeFact] = Field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The report's table cells as a pandas frame: one row per cell, the columns and types of
        ``xxgk.load(OUT).cells`` (``value`` Float64, empty for a blank, dash or word — never 0; ``page``
        Int64 …). Needs pandas: ``pip install 'xxgk[pandas]'``."""
        from xxgk.loader import report_frame  # pandas and the output's dictionary: only when asked for

        return report_frame(self)


def report_json(report: Report) -> bytes:
    """``report.model_dump_json()`` as pydantic makes it, UTF-8, before it decodes it into a str: what
    the store and reports.jsonl keep, made without decoding it only to encode it again."""
    return Report.__pydantic_serializer__.to_json(report)
