"""D6 across years, for the same body: X-YEAR-T3 carry-over and X-YEAR-T2 现行有效件数 roll-forward.

The body is recognised by its bureau key; last year's report may sit anywhere in the batch or in an
earlier run (--previous). Findings go to the later report, located at the cell that should continue
last year's; a pair whose cells are blank or missing is reported as not assessable, never as passing:
one info finding per column (X-YEAR-T3) or row (X-YEAR-T2), naming the cell that blocks it and why —
or one for the whole row or table when every place is blocked for the same reason (last year's report
has no 表三, say).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from xxgk.normalize.audit.registry import Digest, batch_check
from xxgk.normalize.checks import CellIndex
from xxgk.normalize.schema import Finding, Number, Report
from xxgk.template import T3_COL_KEYS, T3_COLUMNS, TABLE_NAMES
from xxgk.types import Severity, TableKey

T3_COL_NAMES = dict(T3_COLUMNS)
T2_ROWS = {"regulations": "规章", "normative_docs": "行政规范性文件"}

DIGEST_KEYS = (
    *(f"table3.{row}.{col}" for row in ("carried_over", "carried_forward") for col in T3_COL_KEYS),
    *(f"table2.{row}.{col}" for row in T2_ROWS for col in ("made", "repealed", "in_force")),
)


def digest_cells(report: Report) -> dict[str, Number | None]:
    index = CellIndex(report.cells)
    return {key: index.value(*key.split(".")) for key in DIGEST_KEYS}


def digest_reasons(report: Report) -> dict[str, str]:
    """Why each digest cell holds no number (空白, 为“/”, 缺失, 没有可读的表三 …); cells with one are absent."""
    index = CellIndex(report.cells)
    reasons: dict[str, str] = {}
    for key in DIGEST_KEYS:
        table, row, col = key.split(".")
        if table not in index.tables:
            reasons[key] = f"没有可读的{TABLE_NAMES[table]}"
            continue
        found = index.blocker(table, row, col)
        if found is not None:
            reasons[key] = found[0]
    return reasons


def _why(digest: Digest, key: str, label: str, own: bool) -> str:
    """A blocking cell in words: 本报告“…”空白, 2022年报告没有可读的表三."""
    reason = digest.reasons.get(key, "缺失")
    whose = "本报告" if own else f"{digest.year}年报告"
    return f"{whose}{reason}" if reason.startswith("没有") else f"{whose}“{label}”{reason}"


def _grouped(blocked: dict[str, str]) -> str | None:
    """The one reason every place shares, when they all share one."""
    reasons = set(blocked.values())
    return reasons.pop() if len(reasons) == 1 else None


def _pairs(digests: Sequence[Digest]) -> Iterator[tuple[Digest, Digest]]:
    """(report of year Y in the batch, a report of the same body for year Y−1), batch reports first."""
    by_body_year: dict[tuple[str, int], list[Digest]] = {}
    for digest in sorted(digests, key=lambda d: not d.in_batch):
        if digest.body.key and digest.year is not None:
            by_body_year.setdefault((digest.body.key, digest.year), []).append(digest)
    for digest in digests:
        if digest.in_batch and digest.body.key and digest.year is not None:
            previous = by_body_year.get((digest.body.key, digest.year - 1))
            if previous:
                yield digest, previous[0]


def _where(digest: Digest) -> str:
    return f"{digest.year}年报告（{digest.source}）"


@batch_check("X-YEAR-T3")
def carry_over(digests: Sequence[Digest]) -> Iterator[tuple[int, Finding]]:
    for now, before in _pairs(digests):
        blocked: dict[str, str] = {}
        for col in T3_COL_KEYS:
            this_key, last_key = f"table3.carried_over.{col}", f"table3.carried_forward.{col}"
            this_year, last_year = now.cells.get(this_key), before.cells.get(last_key)
            if this_year is None or last_year is None:
                blocked[col] = "；".join(
                    [_why(now, this_key, "二、上年结转政府信息公开申请数量", True)] * (this_year is None)
                    + [_why(before, last_key, "四、结转下年度继续办理", False)] * (last_year is None)
                )
                continue
            if this_year != last_year:
                yield now.index, Finding(
                    code="X-YEAR-T3", severity=Severity.ERROR, table=TableKey.T3, row_key="carried_over", col_key=col,
                    message=f"表三 {T3_COL_NAMES[col]}列：“二、上年结转政府信息公开申请数量”为{this_year}，"
                    f"而{_where(before)}“四、结转下年度继续办理”为{last_year}，相差{abs(this_year - last_year)}",
                    evidence={"lhs": str(this_year), "rhs": str(last_year), "other_source": before.source,
                              "other_report_id": before.report_id, "other_year": before.year},
                )
        shared = _grouped(blocked) if len(blocked) == len(T3_COL_KEYS) else None
        places = {"": shared} if shared is not None else blocked
        for col, why in places.items():
            column = f"{T3_COL_NAMES[col]}列：" if col else ""
            yield now.index, Finding(
                code="X-YEAR-T3", severity=Severity.INFO, table=TableKey.T3, row_key="carried_over", col_key=col,
                message=f"表三 {column}上年结转与{_where(before)}的结转下年度无法核对（{why}），不视为通过",
                evidence={"blocked": why, "other_source": before.source, "other_report_id": before.report_id,
                          "other_year": before.year},
            )


@batch_check("X-YEAR-T2")
def in_force_roll_forward(digests: Sequence[Digest]) -> Iterator[tuple[int, Finding]]:
    for now, before in _pairs(digests):
        if now.template != "2021" or before.template != "2021":
            continue  # the 2019 table has no 现行有效件数
        blocked: dict[str, str] = {}
        for row, label in T2_ROWS.items():
            keys = {col: f"table2.{row}.{col}" for col in ("in_force", "made", "repealed")}
            in_force, made, repealed = (now.cells.get(keys[c]) for c in ("in_force", "made", "repealed"))
            previous = before.cells.get(keys["in_force"])
            if in_force is None or made is None or repealed is None or previous is None:
                names = {"in_force": "现行有效件数", "made": "本年制发件数", "repealed": "本年废止件数"}
                whys = [_why(now, keys[c], f"{label} {names[c]}", True) for c, v in
                        (("in_force", in_force), ("made", made), ("repealed", repealed)) if v is None]
                if previous is None:
                    whys.append(_why(before, keys["in_force"], f"{label} 现行有效件数", False))
                blocked[row] = "；".join(dict.fromkeys(whys))
                continue
            expected = previous + made - repealed
            if in_force != expected:
                yield now.index, Finding(
                    code="X-YEAR-T2", severity=Severity.WARNING, table=TableKey.T2, row_key=row, col_key="in_force",
                    message=f"表二 {label}：现行有效件数{in_force}，而{_where(before)}现行有效件数{previous}"
                    f"+本年制发{made}−本年废止{repealed}={expected}，相差{abs(in_force - expected)}",
                    evidence={"lhs": str(in_force), "rhs": str(expected), "other_source": before.source,
                              "other_report_id": before.report_id, "other_year": before.year},
                )
        shared = _grouped(blocked) if len(blocked) == len(T2_ROWS) else None
        places = {"": shared} if shared is not None else blocked
        for row, why in places.items():
            named = f"{T2_ROWS[row]}的现行有效件数" if row else "、".join(T2_ROWS.values()) + "的现行有效件数"
            yield now.index, Finding(
                code="X-YEAR-T2", severity=Severity.INFO, table=TableKey.T2, row_key=row,
                col_key="in_force" if row else "",
                message=f"表二 {named}与{_where(before)}无法核对（{why}），不视为通过",
                evidence={"blocked": why, "other_source": before.source, "other_report_id": before.report_id,
                          "other_year": before.year},
            )
