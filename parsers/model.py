"""What the parsers produce: sections, tables with canonical keys, template and metadata guesses.

Plain dataclasses: the versioned pydantic schema lives in normalize, which validates these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xxgk.ingest.document import Provenance
from xxgk.types import Position, Severity, TableKey

if TYPE_CHECKING:
    from xxgk.parsers.facts import Fact  # which imports this module


@dataclass(slots=True)
class Item:
    """One row of text in reading order: a text line split into cells, a paragraph, or a grid row."""

    cells: list[tuple[str, Provenance]]
    prov: Provenance
    from_grid: bool = False
    may_continue: bool = False  # a grid row that may be the rest of the row above (Grid.may_continue)
    text: str = field(init=False)  # the cells joined; read many times, so made once

    def __post_init__(self) -> None:
        self.text = " ".join([text for text, _ in self.cells])  # a list: join makes one of a generator first


@dataclass(slots=True)
class ParsedSection:
    key: str  # overview, active_disclosure, requests, review_litigation, problems, other, …
    number: str  # the printed numeral: 一 … 六; "" for the preamble
    title: str
    items: list[Item] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(item.text for item in self.items)


@dataclass(slots=True)
class ParsedCell:
    """A cell as the parser placed it; normalize adds its kind and value (same field names as
    :class:`xxgk.normalize.schema.Cell`)."""

    table: TableKey
    row_key: str
    col_key: str  # "" when the position is unknown
    raw: str
    provenance: Provenance
    label: str = ""  # the row label as printed
    match_score: float = 1.0  # how well the label matched its canonical row
    position: Position = Position.EXACT
    printed_column: bool = True  # False where the column came from a template's defaults (表二 without a header)


@dataclass(slots=True)
class ParseIssue:
    """Something the parser saw and could not settle: reported as a finding, never guessed
    (same field names as :class:`xxgk.normalize.schema.Finding`)."""

    code: str
    severity: Severity
    table: TableKey | str  # "" when the issue has no table
    row_key: str
    col_key: str
    message: str
    provenance: Provenance | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Evidence:
    value: str | int | None
    evidence: str
    confidence: float


@dataclass(slots=True)
class ParsedReport:
    sections: list[ParsedSection]
    cells: list[ParsedCell]
    issues: list[ParseIssue]
    tables_found: set[TableKey]
    rows_found: dict[TableKey, set[str]]
    template: Evidence
    bureau: Evidence
    year: Evidence
    title: str
    is_report: bool
    facts: list[Fact] = field(default_factory=list)  # in reading order
