"""Reading 表二, 表三 and 表四 out of a section's items.

Rows are found by their labels, never by position alone. Values are attached to the row whose
label precedes them; a row's values are mapped to columns only when they are exactly as many as
the columns (after dropping blank padding from merged label cells). Anything else keeps its
cells with an unknown position and raises a parse finding — nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xxgk.ingest.document import Provenance
from xxgk.parsers.cellvalue import classify
from xxgk.parsers.items import PAGE_FOOTER
from xxgk.parsers.labels import (
    match_t3_group,
    match_t3_header,
    match_t3_row,
    simplify,
    squash,
    t3_candidates,
)
from xxgk.parsers.model import Item, ParsedCell, ParseIssue
from xxgk.parsers.placement import Open, placements, settle
from xxgk.template import (
    LABELS,
    OTHER_ROWS,
    T2_COLUMNS,
    T2_DEFAULT_COLUMNS,
    T2_ROWS,
    T3_COL_KEYS,
    T3_ROWS,
    T4_COLUMNS,
    T4_ROWS,
    TABLE_NAMES,
)
from xxgk.types import Position, Severity, TableKey

Cell = tuple[str, Provenance]

_DIGIT = re.compile(r"\d")
_ROW_NUMBER = re.compile(r"^\s*[（(]?\d{1,2}[)）.、．]?")  # 1. or （3）: numbers a row label starts with


def _label_like(text: str) -> bool:
    """Short text without sentence punctuation or counts: a row label, not narrative."""
    simple = simplify(text)
    core = squash(simple)
    if not core or len(core) > 60 or "。" in simple:
        return False
    body = _ROW_NUMBER.sub("", simple)
    return not _DIGIT.search(body)


@dataclass(slots=True)
class RowRecord:
    key: str
    label: str
    score: float
    prov: Provenance
    values: list[Cell] = field(default_factory=list)
    same_line: int = 0  # values that came on the label's own line (not limited in count)
    cut: bool = False  # the text ends inside this row (a truncated copy)
    candidates: tuple[str, ...] = ()  # rows an incomplete label could stand for
    # The values of the next page's first row, which may be the rest of this row split by the page
    # break (Item.may_continue) – or a row of its own: the layout cannot say. Never placed.
    below: list[Cell] = field(default_factory=list)
    below_text: str = ""  # that row's other text


def _hold_below(record: RowRecord, item: Item) -> None:
    """Keep the values of `item`, a row that may continue `record` across a page break, with it."""
    record.below.extend((text, prov) for text, prov in item.cells if classify(text)[0] != "text" and text.strip())
    record.below_text = " ".join(text for text, _ in item.cells if classify(text)[0] == "text")


def _emit_page_split(
    table: TableKey, record: RowRecord, cells: list[ParsedCell], issues: list[ParseIssue], label_name: str,
) -> None:
    """A row whose rest may be the first row of the next page: its printed values and that row's are
    kept unplaced (whether they are one row the layout cannot say), with P-PAGE-SPLIT."""
    present = [(raw, prov) for raw, prov in [*record.values, *record.below] if raw.strip()]
    cells.extend(_unplaced(table, present, record.key, record.label, record.score))
    above = [raw for raw, _ in record.values if raw.strip()]
    page = record.prov.page
    issues.append(ParseIssue(
        "P-PAGE-SPLIT", Severity.WARNING, table, record.key, "",
        f"{label_name}：该行{f'在第{page}页' if page else ''}末尾印有{'数值（' + '、'.join(above) + '）' if above else '标签，各列为空'}；"
        f"下一页第一行印有{f'“{record.below_text}”和' if record.below_text else ''}数值"
        f"（{'、'.join(raw for raw, _ in record.below)}），是被分页截断的同一行还是另起的一行，版式无法确定；"
        f"数值均未放置",
        record.prov,
    ))


def _unplaced(table: TableKey, values: list[Cell], key: str = "", label: str = "", score: float = 0.0) -> list[ParsedCell]:
    """The printed values of ``values`` kept as cells of no known column (and of row ``key``, when
    known): every printed number ends up in cells.csv. Blanks are not kept: they print nothing."""
    return [ParsedCell(table, key, "", raw, prov, label, score, Position.UNKNOWN) for raw, prov in values if raw.strip()]


def _orphan_issue(table: TableKey, values: list[Cell], prov: Provenance) -> ParseIssue:
    present = [raw for raw, _ in values if raw.strip()]
    return ParseIssue(
        "P-ORPHAN", Severity.WARNING, table, "", "",
        f"{TABLE_NAMES[table]}：{len(present)}个数值前没有可识别的行标签，未归入任何行（{'、'.join(present[:10])}）",
        prov,
    )


SURPLUS_BLANKS = "行内空白单元格多于空列，哪些是合并单元格留下的空位、哪些本身为空，版式无法确定"


def _fits(values: list[Cell], expected: int) -> bool:
    return bool(placements(values, expected))


def _emit_row(
    table: TableKey,
    record: RowRecord,
    columns: tuple[str, ...],
    cells: list[ParsedCell],
    issues: list[ParseIssue],
    label_name: str,
    open_rows: list[Open],
) -> None:
    if not record.values:
        # The row is printed but no cell of it survives: blank, never zero.
        for col in columns:
            cells.append(ParsedCell(table, record.key, col, "", record.prov, record.label, record.score))
        return
    options = placements(record.values, len(columns))
    if len(options) == 1:
        for col, (raw, prov) in zip(columns, options[0], strict=True):
            cells.append(ParsedCell(table, record.key, col, raw, prov, record.label, record.score))
        return
    if record.cut and record.same_line == len(record.values) < len(columns):
        # A row cut off by the end of the text keeps its leading cells in place; only the
        # columns after the cut are missing.
        for col, (raw, prov) in zip(columns, record.values):
            cells.append(ParsedCell(table, record.key, col, raw, prov, record.label, record.score))
        issues.append(
            ParseIssue(
                "P-TRUNCATED", Severity.WARNING, table, record.key, "",
                f"{label_name}：文本在该行中断，只读到前{len(record.values)}列，其余各列缺失",
                record.prov,
            )
        )
        return
    present = [(raw, prov) for raw, prov in record.values if raw.strip()]
    unplaced = _unplaced(table, present, record.key, record.label, record.score)
    joined = _split_digit(present, columns)
    if joined is not None:
        cells.extend(unplaced)
        issues.append(ParseIssue(
            "P-SPLIT-DIGIT", Severity.WARNING, table, record.key, "",
            f"{label_name}：该行印有{len(present)}个数值，比{len(columns)}列多一个；把相邻的“{present[joined][0]}”"
            f"“{present[joined + 1][0]}”合为“{present[joined][0]}{present[joined + 1][0]}”后该行合计成立，"
            f"疑为一个数被拆成两格。原值保留，未作修改",
            record.prov,
        ))
        return
    misaligned = ParseIssue(
        "P-MISALIGNED", Severity.WARNING, table, record.key, "",
        f"{label_name}：该行印有{len(present)}个数值，应有{len(columns)}列，无法确定各数值所在列，"
        f"未作推断（{'、'.join(raw for raw, _ in present)}）",
        record.prov,
    )
    if len(options) > 1:
        placed = [[ParsedCell(table, record.key, col, raw, prov, record.label, record.score)
                   for col, (raw, prov) in zip(columns, option, strict=True)] for option in options]
        open_rows.append(Open(label_name, placed, unplaced, misaligned, SURPLUS_BLANKS))
        return
    cells.extend(unplaced)
    issues.append(misaligned)


def _split_digit(present: list[Cell], columns: tuple[str, ...]) -> int | None:
    """The index of the one pair of adjacent single digits whose joining makes the row add up
    (总计 = the other columns), when exactly one such pair exists."""
    if len(present) != len(columns) + 1 or columns[-1] != "total":
        return None
    raws = [raw.strip() for raw, _ in present]
    if not all(r.isdigit() for r in raws):
        return None
    fits = []
    for i in range(len(raws) - 1):
        if len(raws[i]) == 1 and len(raws[i + 1]) == 1:
            values = [int(r) for r in raws[:i]] + [int(raws[i] + raws[i + 1])] + [int(r) for r in raws[i + 2:]]
            if sum(values[:-1]) == values[-1]:
                fits.append(i)
    return fits[0] if len(fits) == 1 else None


# --- 表三 -----------------------------------------------------------------------------------



def parse_table3(items: list[Item], ends_document: bool = False) -> tuple[list[ParsedCell], list[ParseIssue], set[str]]:
    expected = len(T3_COL_KEYS)
    records: list[RowRecord] = []  # in reading order; key "" for values printed without a label
    current: RowRecord | None = None
    group: str | None = None
    header: tuple[str, ...] | None = None
    in_body = False
    header_seen = False  # the table's column header was read: numbers from here on belong to the table
    issues: list[ParseIssue] = []

    for item in items:
        parts = item.cells
        if item.may_continue and current is not None and current.key and not _t3_opens_row(item, group, current.key):
            _hold_below(current, item)
            continue
        n_values = sum(1 for text, _ in parts if classify(text)[0] != "text")
        if len(parts) >= 3 and n_values == 0 and not _labels_line(parts, group):
            # A header line: never a row, even when it repeats row words (予以公开, 总计).
            found = tuple(h for h in (match_t3_header(t) for t, _ in parts) if h)
            if len(found) == expected and len(set(found)) == expected:
                header = found
            header_seen = header_seen or bool(found)
            continue
        label_here = False
        labels_made = 0
        opened: RowRecord | None = None  # a row of values without a label opened on this line
        for position, (text, prov) in enumerate(parts):
            kind, _ = classify(text)
            if kind != "text":
                if current is not None and (label_here or current is opened or len(current.values) < expected):
                    current.values.append((text, prov))
                    current.same_line += label_here
                elif (kind == "number" and header_seen) or (kind != "blank" and in_body):
                    # Values with no label before them: a row whose label was printed elsewhere
                    # (a conversion may print the numbers first and the labels after them). Among
                    # the rows, a dash or a word opens one as a number does: each is a printed cell
                    # (above the first row, dashes are a conversion's filler under its headers).
                    current = opened = RowRecord("", "", 0.0, prov, values=[(text, prov)])
                    records.append(current)
                continue
            if PAGE_FOOTER.match(text) or not _label_like(text):
                continue
            new_group = match_t3_group(text)
            if new_group:
                group = new_group
                continue
            if not in_body and match_t3_header(text):
                header_seen = True
                continue
            match = match_t3_row(text, group)
            candidates = (match.key,) if match else t3_candidates(text)
            if not candidates and in_body and not label_here and _values_after(parts, position) >= expected:
                # A row the template does not have (a province's extra row): kept, reported (D11).
                current = RowRecord("x_" + squash(text), text, 0.0, prov)
                records.append(current)
                label_here = True
                issues.append(ParseIssue(
                    "D11", Severity.INFO, TableKey.T3, current.key, "", f"表三 出现模板以外的行“{text}”，已按原样保留", prov,
                ))
                continue
            if not candidates or (label_here and match is None):
                continue  # a label fragment beside the row's own label on the same line
            in_body = True
            current = RowRecord(
                candidates[0], text, match.score if match else 0.7, prov,
                cut=ends_document and item is items[-1], candidates=candidates,
            )
            records.append(current)
            label_here = True
            labels_made += 1
            if current.key == "other_handling":
                group = "（六）其他处理"
        if labels_made >= 2 and n_values == 0:
            current = None  # a line of labels torn from their values: the numbers below are not the last label's
        if opened is not None and n_values >= 2:
            # A line of values without a label is one printed row, however many values it holds: a
            # surplus stays with it (the row then fits no placement and is marked) instead of
            # opening a row of its own. A line of one value (a copy printing a cell per line) runs on.
            current = None

    open_rows: list[Open] = _place_runs(records, issues)
    _place_by_order(records, issues)
    orphans = [r for r in records if not r.key]
    cells: list[ParsedCell] = []
    rows, duplicates = _one_per_row([r for r in records if r.key], issues)
    # The values of a row's second printing are kept too (unplaced; P-DUPLICATE-ROW says which).
    for r in duplicates:
        cells.extend(_unplaced(TableKey.T3, r.values, r.key, r.label, r.score))
    columns = header or T3_COL_KEYS
    for record in rows:
        label_name = f"表三 {LABELS['table3'].get(record.key, record.label)}"
        if record.below:
            _emit_page_split(TableKey.T3, record, cells, issues, label_name)
            continue
        _emit_row(TableKey.T3, record, columns, cells, issues, label_name, open_rows)
    settle(TableKey.T3, cells, open_rows, issues)
    for orphan in orphans:
        cells.extend(_unplaced(TableKey.T3, orphan.values))
        issues.append(_orphan_issue(TableKey.T3, orphan.values, orphan.prov))
    # Rows the checksum placed count as found too (their cells are in the output).
    return cells, issues, {r.key for r in rows} | {c.row_key for c in cells if c.position == Position.INFERRED}


_T3_ORDER = {row.key: index for index, row in enumerate(T3_ROWS)}


def _t3_opens_row(item: Item, group: str | None, key: str) -> bool:
    """Whether a row that may continue row `key` across a page break prints a label of another row."""
    for text, _ in item.cells:
        if classify(text)[0] != "text" or not _label_like(text) or match_t3_group(text):
            continue
        match = match_t3_row(text, group)
        if any(k != key for k in ((match.key,) if match else t3_candidates(text))):
            return True
    return False


def _values_after(cells: list[Cell], position: int) -> int:
    return sum(1 for text, _ in cells[position + 1:] if classify(text)[0] != "text")


def _labels_line(parts: list[Cell], group: str | None) -> bool:
    """A line of several row labels and no header words: labels a conversion tore from their values."""
    if any(match_t3_header(text) for text, _ in parts):
        return False
    return sum(1 for text, _ in parts if _label_like(text) and match_t3_row(text, group)) >= 2


def _place_runs(records: list[RowRecord], issues: list[ParseIssue]) -> list[Open]:
    """Runs of two or more full rows of values printed without labels (a conversion printed the labels
    apart). The table keeps the template's row order and the values their printed order, so the run
    fills the rows that lie between the rows read before and after it: when they are as many as the
    run, that is the one placement (P-DETACHED-LABEL); else the values stay unplaced (P-MISALIGNED):
    a placement that leaves some of those rows unread cannot be judged by the identities over them, so
    the checksum is not asked to choose. Settled runs leave ``records``."""
    opens: list[Open] = []
    dropped: set[int] = set()  # records settled here or labels standing apart from settled values
    for start, stop in _orphan_runs(records):
        run = records[start:stop]
        slots = _slots(records, start, stop)
        if len(slots) == len(run):
            for record, key in zip(run, slots, strict=True):
                record.key, record.label, record.score = key, LABELS[TableKey.T3][key], 0.7
                issues.append(ParseIssue(
                    "P-DETACHED-LABEL", Severity.INFO, TableKey.T3, key, "",
                    f"表三 {len(run)}行数值与其行标签分开印出；按表中行序，其间恰有{len(run)}行可归入，"
                    f"此行归入“{LABELS['table3'][key]}”",
                    record.prov,
                ))
            continue
        rows = [placements(r.values, len(T3_COL_KEYS))[0] for r in run]
        unplaced = _unplaced(TableKey.T3, [cell for row in rows for cell in row])
        misaligned = ParseIssue(
            "P-MISALIGNED", Severity.WARNING, TableKey.T3, "", "",
            f"表三：{len(run)}行数值与其行标签分开印出，按表中行序可归入的行有{len(slots)}行，"
            f"无法确定各行数值所属，未作推断（第一行：{'、'.join(raw for raw, _ in rows[0])}）",
            run[0].prov,
        )
        opens.append(Open("表三 标签与数值分离的各行", [], unplaced, misaligned, ""))
        dropped.update(id(r) for r in run)
        # The rows' labels stood apart from these values: printed without values they are not blank rows.
        dropped.update(id(r) for r in records if r.key in slots and not r.values)
    # Removed only now: the runs' positions were found in the list as it was.
    records[:] = [r for r in records if id(r) not in dropped]
    return opens


def _orphan_runs(records: list[RowRecord]) -> list[tuple[int, int]]:
    """(start, stop) of each run of two or more consecutive label-less full rows, last run first."""
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(records):
        stop = index
        while stop < len(records) and not records[stop].key and \
                len(placements(records[stop].values, len(T3_COL_KEYS))) == 1:
            stop += 1
        if stop - index >= 2:
            runs.append((index, stop))
        index = max(stop, index + 1)
    return runs[::-1]  # settled from the end, so that earlier indices stay valid


def _slots(records: list[RowRecord], start: int, stop: int) -> list[str]:
    """The rows, in template order, strictly between the rows read (with values) before and after
    records[start:stop] that no record fills."""
    def order(record: RowRecord) -> int | None:
        return _T3_ORDER.get(record.key) if record.values and len(record.candidates) <= 1 else None

    before = [o for r in records[:start] if (o := order(r)) is not None]
    after = [o for r in records[stop:] if (o := order(r)) is not None]
    low, high = max(before, default=-1), min(after, default=len(T3_ROWS))
    keys = {r.key for r in records}
    valued = {r.key for r in records if r.values}
    skip = {"other_handling"} if keys & set(OTHER_ROWS) or "other_handling" not in keys else set(OTHER_ROWS)
    return [row.key for row in T3_ROWS
            if low < _T3_ORDER[row.key] < high and row.key not in valued and row.key not in skip]


def _place_by_order(records: list[RowRecord], issues: list[ParseIssue]) -> None:
    """Settle rows whose label alone cannot: a fragment that fits several rows, and a full row of
    values printed without its label (a conversion detached the label, which stands elsewhere).

    Only the official row order decides, and only when it leaves one possibility: the next row
    after the last one read, still without values, and — for unlabelled values — whose label
    does appear in the table.
    """
    valued = {r.key for r in records if r.key and r.values and len(r.candidates) <= 1}
    labelled = {r.key for r in records if r.key}
    last = -1
    for record in records:
        if len(record.candidates) > 1:
            options = [k for k in record.candidates if _T3_ORDER[k] > last and k not in valued]
            if options:
                record.key = min(options, key=_T3_ORDER.__getitem__)
                record.score = min(record.score, 0.7)
                issues.append(ParseIssue(
                    "D11", Severity.INFO, TableKey.T3, record.key, "",
                    f"表三 行标签“{record.label}”不完整，可对应多行，按表中行序读作“{LABELS['table3'][record.key]}”",
                    record.prov,
                ))
        elif not record.key and _fits(record.values, len(T3_COL_KEYS)):
            nxt = next((r.key for r in T3_ROWS if _T3_ORDER[r.key] > last and r.key != "other_handling"), None)
            if nxt and nxt not in valued and nxt in labelled:
                record.key, record.label, record.score = nxt, LABELS[TableKey.T3][nxt], 0.7
                issues.append(ParseIssue(
                    "P-DETACHED-LABEL", Severity.INFO, TableKey.T3, nxt, "",
                    f"表三 一行数值前没有行标签；其标签“{LABELS['table3'][nxt]}”印在表中别处，按表中行序归入该行",
                    record.prov,
                ))
        if record.key in _T3_ORDER and record.values:
            valued.add(record.key)
            last = max(last, _T3_ORDER[record.key])


def _one_per_row(records: list[RowRecord], issues: list[ParseIssue]) -> tuple[list[RowRecord], list[RowRecord]]:
    """One record per row key: a label repeated without values, or with blanks only (a heading over
    its own table, a group printed as a row, the upper half of a row a page break cut) yields to the
    occurrence that prints values. Also returns the occurrences that lost to another with values of
    its own (P-DUPLICATE-ROW): their numbers are kept, unplaced."""
    def prints(record: RowRecord) -> bool:
        return any(t.strip() for t, _ in record.values)

    by_key: dict[str, RowRecord] = {}
    duplicates: list[RowRecord] = []
    for record in records:
        kept = by_key.get(record.key)
        if kept is None or (not prints(kept) and prints(record)):
            by_key[record.key] = record
        elif prints(kept) and prints(record):
            duplicates.append(record)
            issues.append(
                ParseIssue(
                    "P-DUPLICATE-ROW", Severity.WARNING, TableKey.T3, record.key, "",
                    f"表三 {LABELS['table3'].get(record.key, record.label)}：该行出现两次，采用第一次出现的数值；"
                    f"另一次为（{'、'.join(t for t, _ in record.values)}）",
                    record.prov,
                )
            )
    has_other_rows = any(k in by_key for k in OTHER_ROWS)
    other = by_key.get("other_handling")
    if other is not None and has_other_rows and not any(t.strip() for t, _ in other.values):
        del by_key["other_handling"]  # only the group heading over its three rows
    order = [r.key for r in records]
    return sorted(by_key.values(), key=lambda r: order.index(r.key)), duplicates


# --- 表二 -----------------------------------------------------------------------------------

_T2_HEADERS = tuple((squash(text), key) for text, key, _ in T2_COLUMNS)


def _t2_column(text: str) -> str | None:
    core = squash(text)
    for pattern, key in _T2_HEADERS:
        if pattern in core:
            return key
    return None


def _t2_row(text: str) -> str | None:
    core = squash(text)
    if len(core) > 14:
        return None
    for row in T2_ROWS:
        if any(k in core for k in row.keywords):
            return row.key
    return None


def parse_table2(items: list[Item], template: str | None) -> tuple[list[ParsedCell], list[ParseIssue], set[str]]:
    cells: list[ParsedCell] = []
    issues: list[ParseIssue] = []
    blocks: list[tuple[list[str], list[RowRecord]]] = []
    columns: list[str] = []
    rows: list[RowRecord] = []
    current: RowRecord | None = None
    collecting_header = False
    orphans: list[Cell] = []

    def close_block() -> None:
        nonlocal columns, rows, current
        if rows:
            blocks.append((columns, rows))
        columns, rows, current = [], [], None

    for item in items:
        if item.may_continue and current is not None and not any(
            (key := _t2_row(text)) is not None and key != current.key
            for text, _ in item.cells if classify(text)[0] == "text"
        ):
            _hold_below(current, item)
            continue
        label_here = False
        for text, prov in item.cells:
            kind, _ = classify(text)
            if kind != "text":
                limit = max(len(columns), 1)
                if current is not None and (label_here or len(current.values) < limit):
                    current.values.append((text, prov))
                elif kind == "number" and rows:
                    orphans.append((text, prov))  # a number inside the table that no row takes: kept
                continue
            core = squash(text)
            if "第二十条" in core:
                close_block()
                continue
            if core.startswith("信息内容"):
                if rows:
                    close_block()
                columns, collecting_header = [], True
                continue
            column = _t2_column(text)
            if column and (collecting_header or not rows):
                if current is None:
                    columns.append(column)
                continue
            if not _label_like(text) or PAGE_FOOTER.match(text):
                continue
            key = _t2_row(text)
            if key is None:
                if len(core) <= 14 and (columns or rows):
                    key = "x_" + core  # a row the template does not have (D11), kept
                else:
                    continue
            collecting_header = False
            current = RowRecord(key, text, 1.0 if not key.startswith("x_") else 0.0, prov)
            rows.append(current)
            label_here = True
    close_block()

    found: set[str] = set()
    open_rows: list[Open] = []
    for block_columns, block_rows in blocks:
        for record in block_rows:
            if record.key.startswith("x_") and not record.values:
                continue  # a stray word, not a row
            cols = tuple(block_columns)
            if not cols or (not _fits(record.values, len(cols)) and record.values):
                default = T2_DEFAULT_COLUMNS.get(template or "", {}).get(record.key)
                if default and _fits(record.values, len(default)):
                    cols = default
            if not cols:
                cols = T2_DEFAULT_COLUMNS.get(template or "2021", {}).get(record.key, ())
            if not cols:
                if any(raw.strip() for raw, _ in record.values):
                    # A row no template has, under no printed header (a header's fragment such as 制作, a
                    # label a break cut): its numbers have no column to go to, but they are kept and said.
                    cells.extend(_unplaced(TableKey.T2, record.values, record.key, record.label))
                    present = [raw for raw, _ in record.values if raw.strip()]
                    issues.append(ParseIssue(
                        "P-UNMATCHED", Severity.WARNING, TableKey.T2, record.key, "",
                        f"表二 “{record.label}”一行未能对应标准行，也没有印出的表头可定其各列，"
                        f"其数值（{'、'.join(present[:10])}）未归入任何列，已按原样保留",
                        record.prov,
                    ))
                continue
            found.add(record.key)
            label = LABELS[TableKey.T2].get(record.key, record.label)
            if record.below:
                _emit_page_split(TableKey.T2, record, cells, issues, f"表二 {label}")
                continue
            emitted = len(cells)
            _emit_row(TableKey.T2, record, cols, cells, issues, f"表二 {label}", open_rows)
            if cols != tuple(block_columns):
                for cell in cells[emitted:]:
                    cell.printed_column = False  # a template's default columns, not a printed header
            if record.key.startswith("x_"):
                issues.append(
                    ParseIssue(
                        "D11", Severity.INFO, TableKey.T2, record.key, "",
                        f"表二 出现模板以外的行“{record.label}”，已按原样保留",
                        record.prov,
                    )
                )
    settle(TableKey.T2, cells, open_rows, issues)
    if orphans:
        cells.extend(_unplaced(TableKey.T2, orphans, score=1.0))
        issues.append(_orphan_issue(TableKey.T2, orphans, orphans[0][1]))
    return cells, issues, found


# --- 表四 -----------------------------------------------------------------------------------

T4_ROW_KEYS = tuple(key for key, _ in T4_ROWS)
T4_COLS = tuple(key for key, _ in T4_COLUMNS)


def _t4_context(text: str) -> str | None:
    core = squash(text)
    if "未经复议" in core or "直接起诉" in core:
        return "litigation_direct"
    if "复议后起诉" in core:
        return "litigation_after_review"
    if core.startswith("行政复议") and "诉讼" not in core:
        return "review"
    return None


def parse_table4(items: list[Item]) -> tuple[list[ParsedCell], list[ParseIssue], set[str]]:
    values: list[tuple[str, Provenance, str | None]] = []
    context: str | None = None
    header_seen = False
    first_prov: Provenance | None = None
    for item in items:
        lone_context = None
        # The empty cells of a header line are its layout, not blank values: only a line that prints
        # a value (a number, dash or word) contributes its empty cells.
        valued = any(classify(text)[0] not in ("text", "blank") for text, _ in item.cells)
        row_label = _t4_context(item.cells[0][0]) if item.cells else None
        if row_label and len(item.cells) > 1 and all(classify(t)[0] != "text" for t, _ in item.cells[1:]):
            # One row per case type, its label first (a transposed 表四); a row printed blank is a row too.
            valued, context = True, row_label
        for text, prov in item.cells:
            kind, _ = classify(text)
            if kind != "text":
                if header_seen and (valued or kind != "blank"):
                    values.append((text, prov, context))
                continue
            core = squash(text)
            if any(w in core for w in ("结果维持", "维持", "尚未审结", "行政复议", "行政诉讼")) and _label_like(text):
                header_seen = True
                first_prov = first_prov or prov
            found = _t4_context(text)
            if found and len(item.cells) == 1:
                lone_context = found
        if lone_context:
            context = lone_context
    cells: list[ParsedCell] = []
    issues: list[ParseIssue] = []
    if not header_seen:
        return cells, issues, set()
    slots = [(r, c) for r in T4_ROW_KEYS for c in T4_COLS]
    options = [
        [ParsedCell(TableKey.T4, row, col, raw, prov, LABELS[TableKey.T4][row]) for (row, col), (raw, prov) in zip(slots, option)]
        for option in placements([(t, p) for t, p, _ in values], 15)
    ]
    if len(options) == 1:
        cells.extend(options[0])
        return cells, issues, set(T4_ROW_KEYS)
    if not any(t.strip() for t, _, _ in values):
        prov = first_prov or Provenance()
        for row in T4_ROW_KEYS:
            for col in T4_COLS:
                cells.append(ParsedCell(TableKey.T4, row, col, "", prov, LABELS[TableKey.T4][row]))
        return cells, issues, set(T4_ROW_KEYS)
    # Printed as three small tables, each under its own heading.
    groups: dict[str, list[Cell]] = {}
    for text, prov, ctx in values:
        if ctx:
            groups.setdefault(ctx, []).append((text, prov))
    stray = [t for t, _, ctx in values if ctx is None and t.strip()]
    fitted_groups = {row: placements(group, 5) for row, group in groups.items()}
    if groups and not stray and any(len(f) == 1 for f in fitted_groups.values()):
        # Each case type's row is read on its own: one that cannot be placed leaves the others exact.
        open_rows: list[Open] = []
        for row, group in groups.items():
            record = RowRecord(row, LABELS[TableKey.T4][row], 1.0, group[0][1], values=group)
            _emit_row(TableKey.T4, record, T4_COLS, cells, issues, f"表四 {LABELS[TableKey.T4][row]}", open_rows)
        settle(TableKey.T4, cells, open_rows, issues)
        return cells, issues, set(groups)
    present = [(t, p) for t, p, _ in values if t.strip()]
    unplaced = _unplaced(TableKey.T4, present, score=1.0)
    misaligned = ParseIssue(
        "P-MISALIGNED", Severity.WARNING, TableKey.T4, "", "",
        f"表四：读到{len(present)}个数值，应为15个（复议、直接起诉、复议后起诉各5列），"
        f"无法确定各数值所在位置，未作推断",
        present[0][1] if present else first_prov,
    )
    settle(TableKey.T4, cells, [Open("表四", options, unplaced, misaligned, SURPLUS_BLANKS)] if options else [], issues)
    if not options:
        cells.extend(unplaced)
        issues.append(misaligned)
        return cells, issues, set()
    return cells, issues, {c.row_key for c in cells if c.row_key}
