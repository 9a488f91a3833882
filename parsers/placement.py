"""Where a damaged layout leaves several placements of a row's numbers possible, the template's
identities act as a checksum: a placement is kept only when it is the single one under which every
identity involving those cells can be evaluated and holds. Its cells get position ``inferred`` and a
P-INFERRED finding; otherwise they stay unplaced (``unknown``, P-MISALIGNED). Identities choose among
placements the layout allows; they never make or change a value (docs/report-format.md).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from xxgk.ingest.document import Provenance
from xxgk.parsers.cellvalue import classify
from xxgk.parsers.model import ParsedCell, ParseIssue
from xxgk.template import CellKey, Identity, Value, identities, side_total
from xxgk.types import Position, Severity, TableKey

Cell = tuple[str, Provenance]

# Beyond this many combinations the layout is too open for the identities to settle it.
MAX_COMBINATIONS = 4096


def placements(values: list[Cell], expected: int) -> list[list[Cell]]:
    """Every distinct way of reading ``values`` as ``expected`` cells in printed order.

    Surplus cells may only be blank ones (the empty slots of merged label cells, or separators that
    end a row); which of them are surplus the layout cannot always tell. Two readings that put the
    same text in every column are one placement. A row with more ways than MAX_COMBINATIONS has none.
    """
    surplus = len(values) - expected
    if surplus < 0:
        return []
    if surplus == 0:
        return [list(values)]
    blanks = [i for i, (raw, _) in enumerate(values) if not raw.strip()]
    if surplus > len(blanks):
        return []
    if math.comb(len(blanks), surplus) > MAX_COMBINATIONS:
        return []  # too open to enumerate: no reading is certain, none is offered
    found: dict[tuple[str, ...], list[Cell]] = {}
    for dropped in itertools.combinations(blanks, surplus):
        kept = [cell for i, cell in enumerate(values) if i not in dropped]
        found.setdefault(tuple(raw.strip() for raw, _ in kept), kept)
    return list(found.values())


@dataclass(slots=True)
class Open:
    """A row (or block of rows) whose printed values fit several placements."""

    name: str  # how the finding names it: 表三 （一）予以公开
    options: list[list[ParsedCell]]  # each a full placement, position exact until chosen
    unplaced: list[ParsedCell]  # the values kept unplaced if no single placement is certain
    misaligned: ParseIssue  # the finding then
    rule: str  # what the layout leaves open, in words


def settle(table: TableKey, cells: list[ParsedCell], open_rows: list[Open], issues: list[ParseIssue]) -> None:
    """Add to ``cells`` and ``issues`` what each open row becomes: the single placement the identities
    single out (inferred), or its values unplaced."""
    if not open_rows:
        return
    chosen = _single_fit(table, cells, open_rows)
    for index, row in enumerate(open_rows):
        option = chosen[index] if chosen is not None else None
        if option is None:
            cells.extend(row.unplaced)
            issues.append(row.misaligned)
            continue
        for cell in option:
            cell.position = Position.INFERRED
        cells.extend(option)
        codes = sorted({i.code for i in _involving(table, cells, option)})
        firsts = {cell.row_key: cell for cell in reversed(option)}  # every row the placement fills
        for first in sorted(firsts.values(), key=option.index):
            issues.append(ParseIssue(
                "P-INFERRED", Severity.INFO, table, first.row_key, "",
                f"{row.name}：印出的数值可按{len(row.options)}种方式排入各列（{row.rule}），只有一种使"
                f"{'、'.join(codes)}全部成立，按此读取，位置为推断；这些核对仅在此推断下成立，不作为报告一致的证据",
                first.provenance,
                evidence={"rule": row.rule, "alternatives_rejected": len(row.options) - 1, "identities": codes},
            ))


def _single_fit(table: TableKey, cells: list[ParsedCell], open_rows: list[Open]) -> list[list[ParsedCell]] | None:
    """The one combination of options (one per open row) under which every identity involving their
    cells holds; None when none or several do."""
    combinations = 1
    for row in open_rows:
        combinations *= len(row.options)
    if combinations > MAX_COMBINATIONS:
        return None
    fixed = _values(c for c in cells if c.position == Position.EXACT and c.col_key)
    fitting: list[list[list[ParsedCell]]] = []
    for combination in itertools.product(*(row.options for row in open_rows)):
        placed = [cell for option in combination for cell in option]
        values = {**fixed, **_values(placed)}
        if all(_holds(identity.lhs, identity.rhs, values) for identity in _involving(table, cells, placed)):
            fitting.append(list(combination))
            if len(fitting) > 1:
                return None
    return fitting[0] if fitting else None


def _involving(table: TableKey, cells: list[ParsedCell], placed: list[ParsedCell]) -> list[Identity]:
    keys = {(c.row_key, c.col_key) for c in placed}
    rows = {c.row_key for c in cells} | {row for row, _ in keys}
    return [i for i in identities(table, rows) if keys & set(i.cells)]


def _values(cells: Iterable[ParsedCell]) -> dict[CellKey, Value | None]:
    values: dict[CellKey, Value | None] = {}
    for cell in cells:
        kind, value = classify(cell.raw)
        values[(cell.row_key, cell.col_key)] = value if kind == "number" and isinstance(value, int | Decimal) else None
    return values


def _holds(lhs: tuple[CellKey, ...], rhs: tuple[CellKey, ...], values: dict[CellKey, Value | None]) -> bool:
    """Both sides are numbers and they are equal."""
    left, right = side_total(values.get(k) for k in lhs), side_total(values.get(k) for k in rhs)
    return left is not None and left == right
