"""The official tables' rows and columns: canonical keys, printed labels and matching keywords.

Keys and labels follow docs/report-format.md. Keywords are the distinctive part of a
label that survives damage (spaces, numbering, truncation); a label is matched by keyword first and
by fuzzy similarity to the full label only when no keyword is present.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from xxgk.types import TableKey


@dataclass(frozen=True, slots=True)
class RowDef:
    key: str
    label: str  # as printed in the official template
    keywords: tuple[str, ...]
    group: str | None = None  # the group label the row sits under, e.g. （三）不予公开
    numbered: str | None = None  # the numbering printed before the label: 一 / （一） / 1


# --- 表三 -----------------------------------------------------------------------------------

T3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("social_welfare_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
T3_COL_KEYS = tuple(key for key, _ in T3_COLUMNS)
T3_APPLICANTS = T3_COL_KEYS[:-1]

DENIED = "（三）不予公开"
UNABLE = "（四）无法提供"
NOT_PROCESSED = "（五）不予处理"
OTHER = "（六）其他处理"

T3_ROWS: tuple[RowDef, ...] = (
    RowDef("new_requests", "一、本年新收政府信息公开申请数量", ("本年新收",), None, "一"),
    RowDef("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",), None, "二"),
    RowDef("granted", "（一）予以公开", ("予以公开",), None, "（一）"),
    RowDef("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开", "区分处理"), None, "（二）"),
    RowDef("denied_state_secret", "1.属于国家秘密", ("国家秘密",), DENIED, "1"),
    RowDef("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", ("行政法规禁止", "法规禁止公开", "其他法律行政"), DENIED, "2"),
    RowDef("denied_three_safeties_one_stability", "3.危及“三安全一稳定”", ("三安全一稳定", "三安全", "一稳定"), DENIED, "3"),
    RowDef("denied_third_party_rights", "4.保护第三方合法权益", ("第三方合法权益", "保护第三方"), DENIED, "4"),
    RowDef("denied_internal_affairs", "5.属于三类内部事务信息", ("内部事务",), DENIED, "5"),
    RowDef("denied_process_info", "6.属于四类过程性信息", ("过程性信息", "四类过程"), DENIED, "6"),
    RowDef("denied_enforcement_file", "7.属于行政执法案卷", ("执法案卷",), DENIED, "7"),
    RowDef("denied_admin_query", "8.属于行政查询事项", ("行政查询",), DENIED, "8"),
    RowDef("unable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",), UNABLE, "1"),
    RowDef("unable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), UNABLE, "2"),
    RowDef("unable_unclear_after_correction", "3.补正后申请内容仍不明确", ("仍不明确", "补正后申请"), UNABLE, "3"),
    RowDef("not_processed_petition_complaint", "1.信访举报投诉类申请", ("信访", "举报投诉"), NOT_PROCESSED, "1"),
    RowDef("not_processed_duplicate", "2.重复申请", ("重复申请",), NOT_PROCESSED, "2"),
    RowDef("not_processed_publication", "3.要求提供公开出版物", ("公开出版物", "出版物"), NOT_PROCESSED, "3"),
    RowDef("not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复",), NOT_PROCESSED, "4"),
    RowDef("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", ("确认或重新出具", "重新出具", "已获取信息"), NOT_PROCESSED, "5"),
    RowDef("other_handling", "（六）其他处理", ("其他处理",), None, "（六）"),
    RowDef("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("逾期不补正", "不补正"), OTHER, "1"),
    RowDef("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ("收费通知", "缴纳费用"), OTHER, "2"),
    RowDef("other_misc", "3.其他", (), OTHER, "3"),
    RowDef("total_processed", "（七）总计", (), None, "（七）"),
    RowDef("carried_forward", "四、结转下年度继续办理", ("结转下年度", "结转下一年度"), None, "四"),
)

# Group labels carry no cells (except 其他处理 in the 2019 template, a row above).
T3_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("results", ("本年度办理结果",)),
    (DENIED, ("不予公开",)),
    (UNABLE, ("无法提供",)),
    (NOT_PROCESSED, ("不予处理",)),
)

DENIED_ROWS = tuple(r.key for r in T3_ROWS if r.group == DENIED)
UNABLE_ROWS = tuple(r.key for r in T3_ROWS if r.group == UNABLE)
NOT_PROCESSED_ROWS = tuple(r.key for r in T3_ROWS if r.group == NOT_PROCESSED)
OTHER_ROWS = ("other_no_correction", "other_fee_unpaid", "other_misc")

# --- 表二 -----------------------------------------------------------------------------------

T2_ROWS: tuple[RowDef, ...] = (
    RowDef("regulations", "规章", ("规章",)),
    RowDef("normative_docs", "行政规范性文件", ("规范性文件",)),
    RowDef("licensing", "行政许可", ("行政许可",)),
    RowDef("other_admin_services", "其他对外管理服务事项", ("对外管理服务",)),
    RowDef("penalty", "行政处罚", ("行政处罚",)),
    RowDef("coercion", "行政强制", ("行政强制",)),
    RowDef("admin_fees", "行政事业性收费", ("事业性收费",)),
    RowDef("central_procurement", "政府集中采购", ("集中采购",)),
)

# Header text → column key. Order matters: longer, more specific texts first.
T2_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("本年制发件数", "made", "本年制发件数"),
    ("本年废止件数", "repealed", "本年废止件数"),
    ("现行有效件数", "in_force", "现行有效件数"),
    ("本年新制作数量", "new_made", "本年新制作数量"),
    ("本年新公开数量", "new_published", "本年新公开数量"),
    ("对外公开总数量", "total_published", "对外公开总数量"),
    ("上一年项目数量", "prev_items", "上一年项目数量"),
    ("本年增/减", "delta", "本年增/减"),
    ("增减", "delta", "本年增/减"),
    ("本年收费金额", "amount_wan_yuan", "本年收费金额（单位：万元）"),
    ("本年处理决定数量", "decisions", "本年处理决定数量"),
    ("处理决定数量", "decisions", "处理决定数量"),
    ("采购项目数量", "projects", "采购项目数量"),
    ("采购总金额", "amount", "采购总金额"),
)
T2_COLUMN_LABEL = {key: label for _, key, label in T2_COLUMNS}

# Columns of each row when a block prints no usable header, by template.
T2_DEFAULT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "regulations": ("made", "repealed", "in_force"),
        "normative_docs": ("made", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "coercion": ("decisions",),
        "admin_fees": ("amount_wan_yuan",),
    },
    "2019": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_docs": ("new_made", "new_published", "total_published"),
        "licensing": ("prev_items", "delta", "decisions"),
        "other_admin_services": ("prev_items", "delta", "decisions"),
        "penalty": ("prev_items", "delta", "decisions"),
        "coercion": ("prev_items", "delta", "decisions"),
        "admin_fees": ("prev_items", "delta"),
        "central_procurement": ("projects", "amount"),
    },
}

# --- 表四 -----------------------------------------------------------------------------------

T4_ROWS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼·复议后起诉"),
)
T4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
T4_PARTS = ("upheld", "corrected", "other", "pending")  # the columns 总计 adds up

LABELS: dict[str, dict[str, str]] = {
    TableKey.T2: {row.key: row.label for row in T2_ROWS},
    TableKey.T3: {row.key: row.label for row in T3_ROWS},
    TableKey.T4: dict(T4_ROWS),
}
COLUMN_LABELS: dict[str, dict[str, str]] = {
    TableKey.T2: T2_COLUMN_LABEL,
    TableKey.T3: dict(T3_COLUMNS),
    TableKey.T4: dict(T4_COLUMNS),
}
# The section each table is printed in (docs/report-format.md); SECTION_TABLES the other way round.
TABLE_SECTIONS: dict[str, str] = {TableKey.T2: "active_disclosure", TableKey.T3: "requests", TableKey.T4: "review_litigation"}
SECTION_TABLES: dict[str, TableKey] = {section: TableKey(table) for table, section in TABLE_SECTIONS.items()}
TABLE_NAMES: dict[str, str] = {TableKey.T2: "表二", TableKey.T3: "表三", TableKey.T4: "表四", TableKey.PRE2019: "统计表（2019年前）"}


# --- the identities (勾稽关系), as data ----------------------------------------------------------
# Declared once: the checks evaluate them (normalize/checks.py) and the parser uses them as a
# checksum to choose between placements a damaged layout allows (parsers/placement.py).

CellKey = tuple[str, str]  # (row_key, col_key) within the identity's table
Value = int | Decimal


def side_total(values: Iterable[Value | None]) -> Value | None:
    """One side of an identity: the sum of its cells, or None when any of them is not a number.
    A blank, a dash or a missing cell is never 0 (docs/report-format.md)."""
    total: Value = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


@dataclass(frozen=True, slots=True)
class Identity:
    """``sum(lhs) == sum(rhs)`` over the cells of one table; (row_key, col_key) is where it is reported."""

    code: str
    table: TableKey
    row_key: str
    col_key: str
    lhs: tuple[CellKey, ...]
    rhs: tuple[CellKey, ...]

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return self.lhs + self.rhs


def processed_rows(rows: Iterable[str]) -> tuple[str, ...]:
    """The rows （七）总计 adds up: （六） as one row (2019, and 2021 reports that print it so) or its three."""
    present = set(rows)
    other = OTHER_ROWS if present & set(OTHER_ROWS) else ("other_handling",)
    return ("granted", "partially_granted", *DENIED_ROWS, *UNABLE_ROWS, *NOT_PROCESSED_ROWS, *other)


def identities(table: TableKey, rows: Iterable[str]) -> list[Identity]:
    """Every identity of ``table`` that applies given the rows the report prints, in report order:
    per-row sums only for printed rows; per-column sums always (a missing row makes them not assessable)."""
    return list(_identities(table, frozenset(rows)))


@lru_cache(maxsize=1024)
def _identities(table: TableKey, present: frozenset[str]) -> tuple[Identity, ...]:
    """:func:`identities`, made once per table and set of printed rows: each check asks for them
    (three per 表三), and the placement of a damaged row asks for each layout it tries."""
    found: list[Identity] = []
    if table == TableKey.T3:
        for col in T3_COL_KEYS:
            found.append(Identity("T3-BAL", table, "", col, (("new_requests", col), ("carried_over", col)),
                                  (("total_processed", col), ("carried_forward", col))))
        for row in LABELS[TableKey.T3]:
            if row in present:
                found.append(Identity("T3-COLSUM", table, row, "total", tuple((row, c) for c in T3_APPLICANTS),
                                      ((row, "total"),)))
        summed = processed_rows(present)
        for col in T3_COL_KEYS:
            found.append(Identity("T3-ROWSUM", table, "total_processed", col, tuple((r, col) for r in summed),
                                  (("total_processed", col),)))
    elif table == TableKey.T4:
        for row, _ in T4_ROWS:
            if row in present:
                found.append(Identity("T4-SUM", table, row, "total", tuple((row, c) for c in T4_PARTS),
                                      ((row, "total"),)))
    return tuple(found)


# --- what users read -----------------------------------------------------------------------------


def row_name(table: str, row_key: str, printed: str = "") -> str:
    """A row as users read it: the official label, else the label as printed (rows the template does
    not have, x_…, and the pre-2019 table's rows) — never the internal key."""
    official = LABELS.get(table, {}).get(row_key)
    if official:
        return official
    return printed.strip() or "（无行标签的行）"


def column_name(table: str, col_key: str) -> str:
    """A column as users read it: its official label; never the internal key."""
    label = COLUMN_LABELS.get(table, {}).get(col_key)
    if label:
        return label
    return {"": "位置不明的列", "value": "数值"}.get(col_key, "未知列")
