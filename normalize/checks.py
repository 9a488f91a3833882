"""The arithmetic identities (勾稽关系) of 表三 and 表四 (declared in xxgk.template), and the integer checks.

Each check yields a CheckResult per place it applies and a Finding for every failure; a place
where a needed cell is blank, non-numeric, misplaced or missing is "not assessable" — it neither
passes nor fails, and the report says so once per check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from xxgk.normalize.schema import Cell, CheckResult, CheckStatus, Finding
from xxgk.template import (
    COLUMN_LABELS,
    LABELS,
    T4_COLUMNS,
    TABLE_NAMES,
    CellKey,
    Identity,
    identities,
)
from xxgk.types import Position, Severity, TableKey

T3, T4 = TableKey.T3, TableKey.T4
Value = int | Decimal
Outcome = tuple[CheckResult, Finding | None]
PLACED = (Position.EXACT, Position.INFERRED)


class CellIndex:
    """Cells by (table, row, column); only cells whose column is known (printed there, or inferred)."""

    def __init__(self, cells: Iterable[Cell]) -> None:
        self.cells: dict[tuple[str, str, str], Cell] = {}
        self.tables: dict[str, set[str]] = {}
        self.placed_by_inference: set[tuple[str, str, str]] = set()
        for cell in cells:
            if cell.position in PLACED and cell.col_key:
                key = (cell.table, cell.row_key, cell.col_key)
                self.cells.setdefault(key, cell)
                self.tables.setdefault(cell.table, set()).add(cell.row_key)
                if cell.position == Position.INFERRED:
                    self.placed_by_inference.add(key)

    def value(self, table: str, row: str, col: str) -> Value | None:
        cell = self.cells.get((table, row, col))
        return cell.value if cell is not None and cell.kind == "number" else None

    def total(self, table: str, keys: Iterable[CellKey]) -> Value | None:
        """The sum of these cells, or None when any of them is not a number."""
        total: Value = 0
        for row, col in keys:
            value = self.value(table, row, col)
            if value is None:
                return None
            total += value
        return total

    def inferred(self, table: str, keys: Iterable[CellKey]) -> bool:
        return any((table, row, col) in self.placed_by_inference for row, col in keys)

    def has_row(self, table: str, row: str) -> bool:
        return row in self.tables.get(table, ())


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


def _evaluate(identity: Identity, index: CellIndex) -> Outcome:
    lhs = index.total(identity.table, identity.lhs)
    rhs = index.total(identity.table, identity.rhs)
    code, table, row, col = identity.code, identity.table, identity.row_key, identity.col_key

    def result(status: CheckStatus) -> CheckResult:
        return CheckResult(code=code, table=table, row_key=row, col_key=col, status=status, lhs=lhs, rhs=rhs)

    if lhs is None or rhs is None:
        return result("not_assessable"), None
    if lhs == rhs:
        # An identity that chose a placement (P-INFERRED) holds by construction: no evidence of consistency.
        return result("inferred" if index.inferred(table, identity.cells) else "pass"), None
    difference = _difference(lhs, rhs)
    finding = Finding(
        code=code, severity=Severity.ERROR, table=table, row_key=row, col_key=col,
        message=_MESSAGES[code](identity).format(a=lhs, b=rhs, d=difference),
        evidence={"lhs": _fmt(lhs), "rhs": _fmt(rhs), "difference": _fmt(difference)},
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
                message=f"{name} {LABELS[table].get(row, row)} {COLUMN_LABELS[table].get(col, col)}：“{cell.raw}”不是非负整数",
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


_COLUMN_NAMES = dict(T4_COLUMNS)


def run_checks(cells: Iterable[Cell]) -> tuple[list[CheckResult], list[Finding]]:
    index = CellIndex(cells)
    results: list[CheckResult] = []
    findings: list[Finding] = []
    for code, registered in CHECKS.items():
        table = registered.table
        if table not in index.tables:
            continue
        blocked: list[CheckResult] = []
        for result, finding in registered.run(index):
            results.append(result)
            if finding is not None:
                findings.append(finding)
            if result.status == "not_assessable":
                blocked.append(result)
        if blocked:
            findings.append(_not_assessable(code, table, blocked))
    return results, findings


def _not_assessable(code: str, table: str, blocked: list[CheckResult]) -> Finding:
    name = TABLE_NAMES[table]
    places = []
    for result in blocked:
        if result.row_key and code in ("T3-COLSUM", "T4-SUM"):
            places.append(LABELS[table].get(result.row_key, result.row_key))
        elif result.col_key:
            places.append(f"{_col_name(result.col_key) if table == T3 else _COLUMN_NAMES[result.col_key]}列")
    return Finding(
        code=code,
        severity=Severity.INFO,
        table=table,
        message=f"{name} {code} 无法核验：{'、'.join(places)}涉及空白、非数字、缺失或位置不明的单元格（{len(blocked)}处），不视为通过",
        evidence={"not_assessable": len(blocked)},
    )
