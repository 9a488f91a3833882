"""Who published a report: its name, the key that groups its reports across years, and its kind.

The kind decides three rules: section 一 of a people's government also reports 考核/评议/追究 (D9),
only province-level and 设区的市 governments and State Council departments make 规章 (D12), and the
本级政府 report is due on 3月31日 instead of 1月31日 (D14). All three are read from the name, so an
unknown name leaves them undecided (None) and the checks that need them are skipped, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from xxgk.normalize.schema import Report
from xxgk.parsers.bureau import describe

UNKNOWN = "（机关名称未识别）"


@dataclass(frozen=True, slots=True)
class Body:
    name: str | None
    key: str  # the body_id (its name forms joined); "" when the name is unknown: never grouped with others
    level: str | None  # national · province · city · county · township (parsers.bureau)
    government: bool | None  # 人民政府 / 街道办事处 / 乡 / 镇 rather than a department
    people_government: bool | None  # a 人民政府 itself: its report is the 本级政府 report
    makes_rules: bool | None  # may make 规章
    file: str = ""  # the report's file, as the audit names a body whose name is unknown

    @property
    def shown(self) -> str:
        """The name the audit shows: an unknown body's is its file's (one row per file, never merged)."""
        return self.name or f"{UNKNOWN}{self.file}"


_GOVERNMENT_OFFICE = ("人民政府办公厅", "人民政府办公室", "政府办公厅", "政府办公室")
# 自然资源部, 海关总署: a ministry-style name with no place in front is a State Council department.
_MINISTRY = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:部|总局|署)$")


def body_of(report: Report, file: str | None = None) -> Body:
    """``file``: the report's file as the audit shows it (by default its name)."""
    # The parser reads the name from the title, a year-first title or the line above it, and the
    # signature; the audit adds no reading of its own.
    name = report.bureau
    if not name:
        return Body(None, "", None, None, None, None, file or PurePath(report.source).name)
    context = "\n".join(s.text for s in report.sections if s.key in ("preamble", "overview"))[:3000]
    found = describe(name, context)
    government, level = found.is_government, found.level
    if level is None and found.place is None and government is False and _MINISTRY.match(found.key):
        level = "national"
    people = None if government is None else government and found.key.endswith("政府")
    makes_rules = None
    if level is not None and government is not None:
        # 立法法: province-level and 设区的市 governments and State Council departments make 规章; a
        # government's 办公厅 publishes them in its report.
        makes_rules = (
            (government and level in ("province", "city"))
            or (level == "national" and not government)
            or (level in ("province", "city") and found.key.endswith(_GOVERNMENT_OFFICE))
        )
    # The report's own body_id, so a corrected one (xxgk parse --meta) holds here too.
    return Body(name, report.body_id or found.body_id, level, government, people, makes_rules)
