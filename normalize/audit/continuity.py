"""D6 across years, for the same body: X-YEAR-T3 carry-over and X-YEAR-T2 现行有效件数 roll-forward.

The body is recognised by its bureau key; last year's report may sit anywhere in the batch or in an
earlier run (--previous). Findings go to the later report, located at the cell that should continue
last year's; a pair whose cells are blank or missing is reported as not assessable, never as passing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from xxgk.normalize.audit.registry import Digest, batch_check
from xxgk.normalize.checks import CellIndex
from xxgk.normalize.schema import Finding, Number, Report
from xxgk.template import T3_COL_KEYS, T3_COLUMNS
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
        blocked = []
        for col in T3_COL_KEYS:
            this_year = now.cells.get(f"table3.carried_over.{col}")
            last_year = before.cells.get(f"table3.carried_forward.{col}")
            if this_year is None or last_year is None:
                blocked.append(T3_COL_NAMES[col])
                continue
            if this_year != last_year:
                yield now.index, Finding(
                    code="X-YEAR-T3", severity=Severity.ERROR, table=TableKey.T3, row_key="carried_over", col_key=col,
                    message=f"表三 {T3_COL_NAMES[col]}列：“二、上年结转政府信息公开申请数量”为{this_year}，"
                    f"而{_where(before)}“四、结转下年度继续办理”为{last_year}，相差{abs(this_year - last_year)}",
                    evidence={"lhs": str(this_year), "rhs": str(last_year), "other_source": before.source,
                              "other_report_id": before.report_id, "other_year": before.year},
                )
        if blocked:
            yield now.index, Finding(
                code="X-YEAR-T3", severity=Severity.INFO, table=TableKey.T3, row_key="carried_over",
                message=f"表三 上年结转与{_where(before)}的结转下年度无法核对："
                f"{'、'.join(blocked)}列涉及空白、非数字或缺失的单元格，不视为通过",
                evidence={"not_assessable": len(blocked), "other_source": before.source},
            )


@batch_check("X-YEAR-T2")
def in_force_roll_forward(digests: Sequence[Digest]) -> Iterator[tuple[int, Finding]]:
    for now, before in _pairs(digests):
        if now.template != "2021" or before.template != "2021":
            continue  # the 2019 table has no 现行有效件数
        blocked = []
        for row, label in T2_ROWS.items():
            in_force = now.cells.get(f"table2.{row}.in_force")
            made = now.cells.get(f"table2.{row}.made")
            repealed = now.cells.get(f"table2.{row}.repealed")
            previous = before.cells.get(f"table2.{row}.in_force")
            if in_force is None or made is None or repealed is None or previous is None:
                blocked.append(label)
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
        if blocked:
            yield now.index, Finding(
                code="X-YEAR-T2", severity=Severity.INFO, table=TableKey.T2,
                message=f"表二 {'、'.join(blocked)}的现行有效件数与{_where(before)}无法核对：涉及空白或缺失的单元格，不视为通过",
                evidence={"not_assessable": len(blocked), "other_source": before.source},
            )
