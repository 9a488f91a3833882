"""The statistics table of pre-2019 reports (国办 2014-era 统计表 and local variants).

Rows are "指标名称 | 单位 | 数量": each known indicator becomes a cell of table ``pre2019`` with
column ``value``; its unit is kept in the label. Headings without a number (一、主动公开情况 |
— | —) are skipped.
"""

from __future__ import annotations

from xxgk.parsers.cellvalue import classify
from xxgk.parsers.labels import split_numbering, squash
from xxgk.parsers.model import Item, ParsedCell
from xxgk.types import TableKey

# (key, keywords) — the first row whose label holds a keyword wins, so specific ones come first.
PRE2019_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("active_items", "主动公开政府信息数", ("主动公开政府信息数", "主动公开信息数", "主动公开政府信息总数", "主动公开信息总数")),
    ("applications_in_person", "当面申请数", ("当面申请",)),
    ("applications_fax", "传真申请数", ("传真申请",)),
    ("applications_online", "网络申请数", ("网络申请", "网上申请", "电子邮件申请", "互联网申请")),
    ("applications_letter", "信函申请数", ("信函申请",)),
    ("applications_completed_on_time", "按时办结数", ("按时办结",)),
    ("applications_completed", "申请办结数", ("申请办结", "办结数")),
    ("answered_already_public", "属于已主动公开范围数", ("已主动公开",)),
    ("answered_partially_granted", "同意部分公开答复数", ("同意部分公开",)),
    ("answered_denied", "不同意公开答复数", ("不同意公开", "不予公开答复")),
    ("answered_granted", "同意公开答复数", ("同意公开",)),
    ("answered_not_this_agency", "不属于本行政机关公开数", ("不属于本行政机关", "不属于本机关", "非本机关")),
    ("answered_not_exist", "申请信息不存在数", ("信息不存在",)),
    ("answered_asked_to_amend", "告知作出更改补充数", ("更改补充", "告知作出更改")),
    ("applications_answered", "申请答复数", ("申请答复", "答复数")),
    ("applications_received", "收到申请数", ("收到申请", "申请总数", "受理申请")),
    ("admin_review", "行政复议数量", ("行政复议",)),
    ("admin_litigation", "行政诉讼数量", ("行政诉讼",)),
    ("complaints", "举报投诉数量", ("举报投诉", "申诉")),
    ("fees", "依申请公开信息收取的费用", ("收取的费用", "收费", "费用")),
)
PRE2019_LABELS = {key: label for key, label, _ in PRE2019_ROWS}
_UNITS = {"条", "件", "个", "项", "次", "元", "万元", "人次"}


def _row_key(label: str) -> str | None:
    core = squash(split_numbering(label)[1])
    if not core or len(core) > 30:
        return None
    for key, _, keywords in PRE2019_ROWS:
        if any(k in core for k in keywords):
            return key
    return None


def parse_pre2019_table(items: list[Item]) -> list[ParsedCell]:
    cells: list[ParsedCell] = []
    seen: set[str] = set()
    for item in items:
        if len(item.cells) < 2:
            continue
        label, label_prov = item.cells[0]
        key = _row_key(label)
        if key is None or key in seen:
            continue
        values = [(t, p) for t, p in item.cells[1:] if classify(t)[0] != "text" and t.strip() not in _UNITS]
        units = [t.strip() for t, _ in item.cells[1:] if t.strip() in _UNITS]
        if not values or all(classify(t)[0] == "dash" for t, _ in values):
            continue  # a heading row (一、主动公开情况 | — | —)
        raw, prov = values[-1]
        if key == "fees" and units:
            key = "fees_wan_yuan" if units[0] == "万元" else "fees_yuan"
        seen.add(key)
        shown = f"{label}（{units[0]}）" if units else label
        cells.append(ParsedCell(TableKey.PRE2019, key, "value", raw, prov, shown, 1.0))
    return cells
