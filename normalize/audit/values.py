"""D12 implausible values in 表二: 规章 made by a body that cannot make them, negative or decimal
counts. (表三/表四 counts are checked at parse time as T3-INT/T4-INT, shown under D12 too.)"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xxgk.normalize.audit.registry import Subject, report_check
from xxgk.normalize.schema import Finding
from xxgk.template import column_name, row_name
from xxgk.types import Position, Severity, TableKey

T2 = TableKey.T2
# 表二 columns that count things; 万元 amounts and the signed 2019 增/减 may be decimal or negative.
COUNT_COLUMNS = frozenset({"made", "repealed", "in_force", "decisions", "new_made", "new_published",
                           "total_published", "prev_items", "projects"})


@report_check("D12")
def implausible_values(subject: Subject) -> Iterator[Finding]:
    report, body = subject.report, subject.body
    for cell in report.cells:
        if cell.table != T2 or cell.kind != "number" or cell.value is None or cell.position != Position.EXACT:
            continue
        label = f"表二 {row_name(T2, cell.row_key, cell.label)} {column_name(T2, cell.col_key)}"
        if cell.col_key in COUNT_COLUMNS and (cell.value < 0 or isinstance(cell.value, Decimal) and "." in cell.raw):
            yield Finding(
                code="D12", severity=Severity.ERROR, table=T2, row_key=cell.row_key, col_key=cell.col_key,
                message=f"{label}为“{cell.raw}”：件数应为非负整数",
                evidence={"raw": cell.raw}, provenance=cell.provenance,
            )
        elif (cell.row_key == "regulations" and cell.col_key in ("made", "new_made") and cell.value > 0
              and body.makes_rules is False):
            yield Finding(
                code="D12", severity=Severity.WARNING, table=T2, row_key=cell.row_key, col_key=cell.col_key,
                message=f"{label}为{cell.value}：{body.name}无权制定规章（只有省级、设区的市级人民政府和国务院部门可以），"
                "请核实是否误将行政规范性文件计入规章",
                evidence={"value": str(cell.value), "body": body.name}, provenance=cell.provenance,
            )
