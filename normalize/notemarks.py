"""P-NOTE-MARK: a number printed with a note marker glued to it (``2¹¹``, ``58①``, ``12*``).

The value is the number without the marker (parsers/cellvalue.py), the raw text keeps the marker as
printed. Cutting it off is our reading — the small digits might be part of the number in a poor
copy — so the row says so: never a silent change of what was printed.
"""

from __future__ import annotations

from collections.abc import Iterable

from xxgk.normalize.schema import Cell, Finding
from xxgk.parsers.cellvalue import split_note_marker
from xxgk.template import TABLE_NAMES, column_name, row_name
from xxgk.types import Severity


def note_mark_findings(cells: Iterable[Cell]) -> list[Finding]:
    found = []
    for cell in cells:
        number, marker = split_note_marker(cell.raw)
        if not marker:
            continue
        where = " ".join(part for part in (TABLE_NAMES.get(cell.table, cell.table), row_name(cell.table, cell.row_key, cell.label),
                                           column_name(cell.table, cell.col_key) if cell.col_key else "") if part)
        found.append(Finding(
            code="P-NOTE-MARK", severity=Severity.WARNING, table=cell.table, row_key=cell.row_key, col_key=cell.col_key,
            message=f"{where}：“{cell.raw}”末尾的“{marker}”读作注释标记，数值取{number}（请核对原文）",
            evidence={"raw": cell.raw, "marker": marker, "number": number},
            provenance=cell.provenance,
        ))
    return found
