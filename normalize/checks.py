"""The arithmetic identities (勾稽关系) of 表三 and 表四 (declared in xxgk.template), and the integer checks.

Each check yields a CheckResult per place it applies and a Finding for every failure; a place
where a needed cell is blank, non-numeric, misplaced or missing is "not assessable" — it neither
passes nor fails, and the report says so at that place (severity info), naming the cells that block
it by their printed labels. Every finding carries the provenance of a cell it involves: the first
blocking cell that was printed, else the cell the identity is reported at, else any of its cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from xxgk.ingest.document import Provenance
from xxgk.normalize.schema import Cell, CheckResult, CheckStatus, Finding
from xxgk.template import (
    COLUMN_LABELS,
    LABELS,
    TABLE_NAMES,
    CellKey,
    Identity,
    Value,
    column_name,
    identities,
    row_name,
)
from xxgk.types import Position, Severity, TableKey

T3, T4 = TableKey.T3, TableKey.T4
Outcome = tuple[CheckResult, Finding | None]
PLACED = (Position.EXACT, Position.INFERRED)


class CellIndex:
    """Cells by (table, row, column); only cells whose column is known (printed there, or inferred).
    Numbers whose column is unknown are kept apart, by row, to say why an identity is blocked."""

    def __init__(self, cells: Iterable[Cell]) -> None:
        self.cells: dict[tuple[str, str, str], Cell] = {}
        self.tables: dict[str, set[str]] = {}
        self.placed_by_inference: set[tuple[str, str, str]] = set()
        self.unplaced: dict[tuple[str, str], Cell] = {}
        by_key, tables, inferred = self.cells, self.tables, Position.INFERRED
        for cell in cells:
            position, table = cell.position, cell.table
            if position not in PLACED or not cell.col_key:
                self.unplaced.setdefault((table, cell.row_key), cell)
            else:
                key = (table, cell.row_key, cell.col_key)
                by_key.setdefault(key, cell)
                rows = tables.get(table)
                if rows is None:
                    rows = tables[table] = set()
                rows.add(cell.row_key)
                if position == inferred:
                    self.placed_by_inference.add(key)

    def value(self, table: str, row: str, col: str) -> Value | None:
        cell = self.cells.get((table, row, col))
        return cell.value if cell is not None and cell.kind == "number" else None

    def total(self, table: str, keys: Iterable[CellKey]) -> Value | None:
        """The sum of these cells, or None when any of them is not a number: :func:`side_total` of their
        values, summed here without a generator and a call per side (tests/test_fast_paths.py)."""
        cells = self.cells
        total: Value = 0
        for row, col in keys:
            cell = cells.get((table, row, col))
            if cell is None or cell.kind != "number" or cell.value is None:
                return None  # a blank, a dash or a missing cell is never 0
            total += cell.value
        return total

    def inferred(self, table: str, keys: Iterable[CellKey]) -> bool:
        return any((table, row, col) in self.placed_by_inference for row, col in keys)

    def has_row(self, table: str, row: str) -> bool:
        return row in self.tables.get(table, ())

    def blocker(self, table: str, row: str, col: str) -> tuple[str, Cell | None] | None:
        """Why this cell holds no number an identity can use (the reason in words and the cell, when
        one was printed), or None when it does."""
        cell = self.cells.get((table, row, col))
        if cell is not None:
            if cell.kind == "number":
                return None
            return ("空白" if cell.kind == "blank" else f"为“{cell.raw}”"), cell
        unplaced = self.unplaced.get((table, row))
        if unplaced is not None:
            return "位置不明", unplaced
        return ("缺失" if self.has_row(table, row) else "未读到该行"), None

    def provenance(self, table: str, keys: Iterable[CellKey]) -> Provenance | None:
        """The provenance of the first of these cells that was read (placed or not)."""
        for row, col in keys:
            cell = self.cells.get((table, row, col)) or self.unplaced.get((table, row))
            if cell is not None:
                return cell.provenance
        return None


CheckFunction = Callable[[CellIndex], Iterator[Outcome]]


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    table: TableKey  # the check runs only on reports in which this table was found
    run: CheckFunction


CHECKS: dict[str, Check] = {}


def check(code: str, *, table: TableKey) -> Callable[[CheckFunction], CheckFunction]:
    def register(func: CheckFunction) -> CheckFunction:
        CHECKS[code] = Check(code, table, func)
        return func

    return register


def _fmt(value: Value) -> str:
    return str(value)


def _difference(a: Value, b: Value) -> Value:
    if isinstance(a, int) and isinstance(b, int):
        return abs(a - b)
    return abs(Decimal(a) - Decimal(b))


def _col_name(col: str) -> str:
    return "总计" if col == "total" else COLUMN_LABELS[T3][col]


# What each identity's failure says; {a} and {b} are its two sides, {d} their difference.
_MESSAGES: dict[str, Callable[[Identity], str]] = {
    "T3-BAL": lambda i: f"表三 {_col_name(i.col_key)}列：一+二={{a}}，三（七）总计+四={{b}}，相差{{d}}",
    "T3-COLSUM": lambda i: f"表三 {LABELS[T3][i.row_key]}：六类申请人合计={{a}}，总计={{b}}，相差{{d}}",
    "T3-ROWSUM": lambda i: f"表三 {_col_name(i.col_key)}列：（一）至（六）各项合计={{a}}，（七）总计={{b}}，相差{{d}}",
    "T4-SUM": lambda i: f"表四 {LABELS[T4][i.row_key]}：维持+纠正+其他+尚未审结={{a}}，总计={{b}}，相差{{d}}",
}


def _place(identity: Identity) -> str:
    """Where the identity is reported, in the report's words: 自然人列, or the row's label."""
    if identity.code in ("T3-COLSUM", "T4-SUM"):
        return LABELS[identity.table][identity.row_key]
    return f"{_col_name(identity.col_key)}列"


def _cell_name(identity: Identity, row: str, col: str) -> str:
    """A cell of the identity named by what tells it apart from the others: its row or its column."""
    rows = {r for r, _ in identity.cells}
    column = f"{COLUMN_LABELS[identity.table][col]}列"
    if len(rows) == 1:
        return column
    label = f"“{LABELS[identity.table][row]}”"
    return label if len({c for _, c in identity.cells}) == 1 else f"{label}{column}"


@lru_cache(maxsize=4096)
def _named_cells(identity: Identity) -> tuple[tuple[tuple[str, str, str, str], ...], str]:
    """(row, column, :func:`_cell_name`, the cell's key in a finding's evidence) of each of the identity's
    cells, and whether they are counted in 列 or 行: made once per identity (they are made once per set of
    printed rows), not for every report it cannot be checked on."""
    table = identity.table
    named = tuple((row, col, _cell_name(identity, row, col), f"{table}.{row}.{col}") for row, col in identity.cells)
    return named, "列" if len({r for r, _ in identity.cells}) == 1 else "行"


def _blocked(identity: Identity, index: CellIndex) -> Finding:
    """The not-assessable finding of one identity at its place: which cells block it and why."""
    table = identity.table
    reasons: dict[str, list[str]] = {}
    blocked: dict[str, str] = {}
    first: Provenance | None = None
    named, unit = _named_cells(identity)
    for row, col, name, key in named:
        found = index.blocker(table, row, col)
        if found is None:
            continue
        reason, cell = found
        reasons.setdefault(reason, []).append(name)
        blocked[key] = reason
        if first is None and cell is not None:
            first = cell.provenance
    said = "；".join(
        f"{'、'.join(names[:3])}{f'等{len(names)}{unit}' if len(names) > 3 else ''}{reason}"
        for reason, names in reasons.items()
    )
    return Finding(
        code=identity.code, severity=Severity.INFO, table=table, row_key=identity.row_key, col_key=identity.col_key,
        message=f"{TABLE_NAMES[table]} {_place(identity)}：{identity.code} 无法核验（{said}），不视为通过",
        evidence={"blocked": blocked, "highlight": list(blocked)},
        provenance=first or _where(identity, index),
    )


def _where(identity: Identity, index: CellIndex) -> Provenance | None:
    """The cell an identity is reported at, else the first of its cells that was read."""
    return index.provenance(identity.table, ((identity.row_key, identity.col_key), *identity.cells))


def _evaluate(identity: Identity, index: CellIndex) -> Outcome:
    lhs = index.total(identity.table, identity.lhs)
    rhs = index.total(identity.table, identity.rhs)
    code, table, row, col = identity.code, identity.table, identity.row_key, identity.col_key

    def result(status: CheckStatus) -> CheckResult:
        return CheckResult(code=code, table=table, row_key=row, col_key=col, status=status, lhs=lhs, rhs=rhs)

    if lhs is None or rhs is None:
        return result("not_assessable"), _blocked(identity, index)
    if lhs == rhs:
        # An identity that chose a placement (P-INFERRED) holds by construction: no evidence of consistency.
        return result("inferred" if index.inferred(table, identity.cells) else "pass"), None
    difference = _difference(lhs, rhs)
    finding = Finding(
        code=code, severity=Severity.ERROR, table=table, row_key=row, col_key=col,
        message=_MESSAGES[code](identity).format(a=lhs, b=rhs, d=difference),
        evidence={"lhs": _fmt(lhs), "rhs": _fmt(rhs), "difference": _fmt(difference)},
        provenance=_where(identity, index),
    )
    return result("fail"), finding


def _identities(code: str, table: TableKey) -> CheckFunction:
    def run(index: CellIndex) -> Iterator[Outcome]:
        for identity in identities(table, index.tables.get(table, ())):
            if identity.code == code:
                yield _evaluate(identity, index)

    return run


for _code, _table in (("T3-BAL", T3), ("T3-COLSUM", T3), ("T3-ROWSUM", T3)):
    check(_code, table=_table)(_identities(_code, _table))


def _integer_check(code: str, table: str, index: CellIndex) -> Iterator[Outcome]:
    """One result per cell that is not a whole number ≥ 0, or a single pass for the table."""
    name = TABLE_NAMES[table]
    failed = False
    for (tbl, row, col), cell in index.cells.items():
        if tbl != table or cell.kind != "number" or cell.value is None:
            continue
        if isinstance(cell.value, int) and cell.value >= 0:
            continue
        failed = True
        yield (
            CheckResult(code=code, table=table, row_key=row, col_key=col, status="fail", lhs=cell.value),
            Finding(
                code=code, severity=Severity.ERROR, table=table, row_key=row, col_key=col,
                message=f"{name} {row_name(table, row, cell.label)} {column_name(table, col)}：“{cell.raw}”不是非负整数",
                evidence={"raw": cell.raw}, provenance=cell.provenance,
            ),
        )
    if not failed:
        yield CheckResult(code=code, table=table, status="pass"), None


@check("T3-INT", table=T3)
def t3_integers(index: CellIndex) -> Iterator[Outcome]:
    yield from _integer_check("T3-INT", T3, index)


check("T4-SUM", table=T4)(_identities("T4-SUM", T4))


@check("T4-INT", table=T4)
def t4_integers(index: CellIndex) -> Iterator[Outcome]:
    yield from _integer_check("T4-INT", T4, index)


def run_checks(cells: Iterable[Cell]) -> tuple[list[CheckResult], list[Finding]]:
    index = CellIndex(cells)
    results: list[CheckResult] = []
    findings: list[Finding] = []
    for registered in CHECKS.values():
        if registered.table not in index.tables:
            continue
        for result, finding in registered.run(index):
            results.append(result)
            if finding is not None:
                findings.append(finding)
    return results, findings

