"""The arithmetic identities (勾稽关系) of 表三 and 表四, one small function per code.

Each check yields a CheckResult per place it applies and a Finding for every failure; a place
where a needed cell is blank, non-numeric, misplaced or missing is "not assessable" — it neither
passes nor fails, and the report says so once per check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from xxgk.normalize.schema import Cell, CheckResult, Finding
from xxgk.template import (
    COLUMN_LABELS,
    DENIED_ROWS,
    LABELS,
    NOT_PROCESSED_ROWS,
    OTHER_ROWS,
    T3_APPLICANTS,
    T3_COL_KEYS,
    T4_COLUMNS,
    T4_PARTS,
    T4_ROWS,
    TABLE_NAMES,
    UNABLE_ROWS,
)
from xxgk.types import Position, Severity, TableKey

T3, T4 = TableKey.T3, TableKey.T4
Value = int | Decimal
Outcome = tuple[CheckResult, Finding | None]


class CellIndex:
    """Cells by (table, row, column); only cells whose column is known."""

    def __init__(self, cells: Iterable[Cell]) -> None:
        self.cells: dict[tuple[str, str, str], Cell] = {}
        self.tables: dict[str, set[str]] = {}
        for cell in cells:
            if cell.position == Position.EXACT and cell.col_key:
                self.cells.setdefault((cell.table, cell.row_key, cell.col_key), cell)
                self.tables.setdefault(cell.table, set()).add(cell.row_key)

    def value(self, table: str, row: str, col: str) -> Value | None:
        cell = self.cells.get((table, row, col))
        return cell.value if cell is not None and cell.kind == "number" else None

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


def _sum(values: list[Value | None]) -> Value | None:
    total: Value = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _fmt(value: Value) -> str:
    return str(value)


def _difference(a: Value, b: Value) -> Value:
    if isinstance(a, int) and isinstance(b, int):
        return abs(a - b)
    return abs(Decimal(a) - Decimal(b))


def _identity(
    code: str, table: str, row: str, col: str, lhs: Value | None, rhs: Value | None, message: str
) -> Outcome:
    """``message`` names the sides as {a} and {b} and their difference as {d}."""
    if lhs is None or rhs is None:
        return CheckResult(code=code, table=table, row_key=row, col_key=col, status="not_assessable", lhs=lhs, rhs=rhs), None
    if lhs == rhs:
        return CheckResult(code=code, table=table, row_key=row, col_key=col, status="pass", lhs=lhs, rhs=rhs), None
    result = CheckResult(code=code, table=table, row_key=row, col_key=col, status="fail", lhs=lhs, rhs=rhs)
    finding = Finding(
        code=code,
        severity=Severity.ERROR,
        table=table,
        row_key=row,
        col_key=col,
        message=message.format(a=lhs, b=rhs, d=_difference(lhs, rhs)),
        evidence={"lhs": _fmt(lhs), "rhs": _fmt(rhs), "difference": _fmt(_difference(lhs, rhs))},
    )
    return result, finding




def _col_name(col: str) -> str:
    return "总计" if col == "total" else COLUMN_LABELS[T3][col]


@check("T3-BAL", table=T3)
def t3_balance(index: CellIndex) -> Iterator[Outcome]:
    for col in T3_COL_KEYS:
        lhs = _sum([index.value(T3, "new_requests", col), index.value(T3, "carried_over", col)])
        rhs = _sum([index.value(T3, "total_processed", col), index.value(T3, "carried_forward", col)])
        yield _identity(
            "T3-BAL", T3, "", col, lhs, rhs,
            f"表三 {_col_name(col)}列：一+二={{a}}，三（七）总计+四={{b}}，相差{{d}}",
        )


@check("T3-COLSUM", table=T3)
def t3_column_sum(index: CellIndex) -> Iterator[Outcome]:
    for row in LABELS[T3]:
        if not index.has_row(T3, row):
            continue
        lhs = _sum([index.value(T3, row, col) for col in T3_APPLICANTS])
        rhs = index.value(T3, row, "total")
        yield _identity(
            "T3-COLSUM", T3, row, "total", lhs, rhs,
            f"表三 {LABELS[T3][row]}：六类申请人合计={{a}}，总计={{b}}，相差{{d}}",
        )


def _processed_rows(index: CellIndex) -> tuple[str, ...]:
    other = OTHER_ROWS if any(index.has_row(T3, r) for r in OTHER_ROWS) else ("other_handling",)
    return ("granted", "partially_granted", *DENIED_ROWS, *UNABLE_ROWS, *NOT_PROCESSED_ROWS, *other)


@check("T3-ROWSUM", table=T3)
def t3_row_sum(index: CellIndex) -> Iterator[Outcome]:
    rows = _processed_rows(index)
    for col in T3_COL_KEYS:
        lhs = _sum([index.value(T3, row, col) for row in rows])
        rhs = index.value(T3, "total_processed", col)
        yield _identity(
            "T3-ROWSUM", T3, "total_processed", col, lhs, rhs,
            f"表三 {_col_name(col)}列：（一）至（六）各项合计={{a}}，（七）总计={{b}}，相差{{d}}",
        )


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




@check("T4-SUM", table=T4)
def t4_sum(index: CellIndex) -> Iterator[Outcome]:
    for row, label in T4_ROWS:
        if not index.has_row(T4, row):
            continue
        lhs = _sum([index.value(T4, row, col) for col in T4_PARTS])
        rhs = index.value(T4, row, "total")
        yield _identity(
            "T4-SUM", T4, row, "total", lhs, rhs,
            f"表四 {label}：维持+纠正+其他+尚未审结={{a}}，总计={{b}}，相差{{d}}",
        )


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
