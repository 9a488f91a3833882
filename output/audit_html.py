"""audit.html: one self-contained page for a supervisor — no network, no scripts, inline CSS.

Triage without a script: filters (severity, area, body) are form controls whose state CSS ``:has()``
rules read; findings are listed errors first, 提示 and reading problems collapsed; the print
stylesheet starts each body on a new page and leaves out what is collapsed.

A summary per bureau (findings by severity, a badge per failing area), the coverage of bureaus ×
years, then every report with its findings and its tables drawn like the official template, the
failing cells highlighted (class ``flag-<severity>``, attribute ``data-cell="table3.new_requests.total"``)
and numbered notes beside the table. Findings of our own reading (P- codes) are listed apart from the
report's own defects and counted apart. Rows are named by their official or printed labels, never by
internal keys. Every text that comes from a report is escaped.

Reports stream in through :meth:`AuditPage.add_report` into a temporary file; :meth:`AuditPage.finish`
writes the summary, which needs the whole batch, and then copies the reports after it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from types import TracebackType
from typing import IO

from xxgk.normalize.audit.body import Body
from xxgk.normalize.audit.codes import AREAS, CODES, code_info, is_reading
from xxgk.normalize.audit.decisions import DECISION_NAMES, Decision, decision_of, set_aside
from xxgk.normalize.audit.evidence import cell_map, involved_cells
from xxgk.normalize.audit.overview import SEVERITIES, SEVERITY_NAMES, BureauEntry, Overview
from xxgk.normalize.schema import Cell, Finding, Report
from xxgk.output import audit_crops
from xxgk.output.audit_findings import grid_words
from xxgk.parsers.cellvalue import split_note_marker
from xxgk.template import (
    COLUMN_LABELS,
    DENIED,
    DENIED_ROWS,
    LABELS,
    NOT_PROCESSED,
    NOT_PROCESSED_ROWS,
    OTHER,
    OTHER_ROWS,
    T2_DEFAULT_COLUMNS,
    T3_COL_KEYS,
    T3_COLUMNS,
    T4_COLUMNS,
    T4_ROWS,
    TABLE_NAMES,
    UNABLE,
    UNABLE_ROWS,
    column_name,
    row_name,
)
from xxgk.types import Position, TableKey

STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Serif CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
 margin:1.5em;color:#1d2329;line-height:1.5;font-size:14px}
h1{font-size:1.5em;margin:0 0 .3em} h2{font-size:1.25em;border-bottom:2px solid #c0392b;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.1em;margin:.2em 0} .muted{color:#6b7580;font-size:.9em}
table{border-collapse:collapse;margin:.4em 0} th,td{border:1px solid #9aa5b1;padding:2px 6px;vertical-align:middle}
th{background:#eef2f5;font-weight:600} td.num{text-align:right;min-width:2.5em;font-variant-numeric:tabular-nums}
table.summary td,table.summary th,table.findings td,table.findings th{text-align:left}
.badge{display:inline-block;border-radius:3px;padding:0 5px;margin:1px 2px;font-size:.85em;white-space:nowrap;border:1px solid}
.sev-error{background:#fdecea;border-color:#c0392b;color:#922b21} .sev-warning{background:#fff5e0;border-color:#d68910;color:#7e5109}
.sev-info{background:#eaf2fb;border-color:#5d8aa8;color:#2e4a62} .ok{color:#1e8449}
td.flag-error{background:#f5b7b1;outline:2px solid #c0392b;outline-offset:-2px}
td.flag-warning{background:#fad7a0;outline:2px solid #d68910;outline-offset:-2px}
td.flag-info{background:#d6eaf8}
td.blank{background:repeating-linear-gradient(45deg,#fff,#fff 4px,#f0f0f0 4px,#f0f0f0 8px)}
sup.mark{color:#922b21;font-weight:700;margin-left:2px}
span.notemark{color:#1f5fa8;background:#e8f0fb;border:1px solid #1f5fa8;border-radius:2px;padding:0 2px;margin-left:2px}
.tablewrap{display:flex;gap:1.2em;align-items:flex-start;flex-wrap:wrap;margin:.6em 0 1em}
ol.notes{margin:.4em 0;padding-left:1.6em;max-width:42em} ol.notes li{margin-bottom:.3em}
section.report{border:1px solid #d5dbe1;border-radius:4px;padding:.6em 1em;margin:1em 0}
section.report > details > summary{cursor:pointer}
td.missing{background:#fdecea;color:#922b21;text-align:center} td.present{background:#e9f7ef;text-align:center}
caption{text-align:left;font-weight:600;padding:.2em 0}
.crops{display:flex;flex-wrap:wrap;gap:1em} figure.crop{margin:.4em 0;border:1px solid #d5dbe1;padding:4px}
figure.crop img{max-width:100%;height:auto;display:block} figure.crop figcaption{font-size:.85em;color:#6b7580}
td.where{white-space:nowrap}
tr.finding.aside{color:#6b7580} tr.finding.aside td:nth-child(6){text-decoration:line-through}
.decision-confirmed{color:#922b21;font-weight:600} .decision-misread,.decision-dismissed{color:#6b7580;font-weight:600}
code.fid{font-size:.8em;color:#6b7580}
td.ocr{border-style:dashed}
span.ocrmark{font-size:.65em;color:#6c3483;border:1px solid #6c3483;border-radius:2px;padding:0 2px;margin-left:2px}
"""

_T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_T3_RESULTS = "三、本年度办理结果"
_T2_BLOCKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("第二十条第（一）项", ("regulations", "normative_docs")),
        ("第二十条第（五）项", ("licensing",)),
        ("第二十条第（六）项", ("penalty", "coercion")),
        ("第二十条第（八）项", ("admin_fees",)),
    ),
    "2019": (
        ("第二十条第（一）项", ("regulations", "normative_docs")),
        ("第二十条第（五）项", ("licensing", "other_admin_services")),
        ("第二十条第（六）项", ("penalty", "coercion")),
        ("第二十条第（八）项", ("admin_fees",)),
        ("第二十条第（九）项", ("central_procurement",)),
    ),
}
_T2_LABEL_2019 = {"normative_docs": "规范性文件"}
# The 2021 template heads 第二十条第（五）（六）项 with 本年处理决定数量, the 2019 one with 处理决定数量.
_T2_HEADER_2021 = {"decisions": "本年处理决定数量"}


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _badge(text: str, severity: str, title: str = "") -> str:
    tip = f' title="{e(title)}"' if title else ""
    return f'<span class="badge sev-{e(severity)}"{tip}>{e(text)}</span>'


def _defect_badge(code: str, severity: str) -> str:
    info = code_info(code)
    label = f"{info.defect} {info.area}" if info.defect else info.area
    return _badge(label, severity, info.title)


class _Marks:
    """Numbered notes of one report's table findings and the cells they mark."""

    def __init__(self, findings: list[Finding], cells: dict[str, Cell]) -> None:
        self.notes: dict[str, list[tuple[int, Finding]]] = {}
        self.by_cell: dict[str, list[tuple[int, Finding]]] = {}
        self.by_label: dict[tuple[str, str], list[tuple[int, Finding]]] = {}
        number = 0
        for finding in findings:
            if not finding.table:
                continue
            number += 1
            self.notes.setdefault(finding.table, []).append((number, finding))
            for key in involved_cells(finding, cells):
                self.by_cell.setdefault(key, []).append((number, finding))
            if finding.code == "D11" and finding.row_key:
                self.by_label.setdefault((finding.table, finding.row_key), []).append((number, finding))

    def cell(self, key: str, cell: Cell | None, colspan: int = 1) -> str:
        marks = self.by_cell.get(key, [])
        classes = ["num"]
        if cell is None or cell.kind != "number":
            classes.append("blank")
        if flagging := [f for _, f in marks if not set_aside(f)]:  # decided misread/dismissed: noted, not flagged
            classes.append(f"flag-{_worst(flagging)}")
        span = _colspan(colspan)
        tips = [f.message for _, f in marks]
        ocr = ""
        if cell is not None and cell.provenance.ocr:
            # read from a picture of the page: its digits are the recogniser's, with its confidence
            classes.append("ocr")
            confidence = cell.provenance.confidence
            tips.append(f"OCR识别，置信度{confidence:.2f}" if confidence is not None else "OCR识别")
            ocr = '<span class="ocrmark">OCR</span>'
        tip = f' title="{e("；".join(tips))}"' if tips else ""
        text = _cell_text(cell.raw) if cell is not None else ""
        sups = "".join(f'<sup class="mark">{n}</sup>' for n, _ in marks)
        return f'<td class="{" ".join(classes)}" data-cell="{e(key)}"{span}{tip}>{text}{ocr}{sups}</td>'

    def label(self, table: str, row: str, text: str, attrs: str = "") -> str:
        marks = self.by_label.get((table, row), [])
        cls = ' class="flag-info"' if marks else ""
        sups = "".join(f'<sup class="mark">{n}</sup>' for n, _ in marks)
        return f"<td{cls}{attrs}>{e(text)}{sups}</td>"


def _cell_text(raw: str) -> str:
    """The printed text; a note marker glued to a number (P-NOTE-MARK) set apart, so that it is never
    read as digits of the number."""
    number, marker = split_note_marker(raw)
    if not marker:
        return e(raw)
    return f'{e(number)}<span class="notemark" title="注释标记，不计入数值">{e(marker)}</span>'


def _colspan(n: int) -> str:
    return f' colspan="{n}"' if n > 1 else ""


def _worst(findings: Iterable[Finding]) -> str:
    severities = {f.severity for f in findings}
    return next(s for s in SEVERITIES if s in severities)


# --- the three tables ---------------------------------------------------------------------------


def _printed_label(table: str, row: str, cells: dict[str, Cell]) -> str:
    return row_name(table, row, next((c.label for k, c in cells.items() if k.startswith(f"{table}.{row}.") and c.label), ""))


def _table2(cells: dict[str, Cell], marks: _Marks, template: str) -> str:
    if template not in _T2_BLOCKS:
        template = "2019" if any(k.split(".")[2] in ("new_made", "prev_items") for k in cells if k.startswith("table2.")) else "2021"
    rows = ['<table class="t2" data-table="table2"><caption>表二 主动公开政府信息情况</caption>']
    shown: set[str] = set()
    for heading, block in _T2_BLOCKS[template]:
        columns = T2_DEFAULT_COLUMNS[template][block[0]]
        rows.append(f'<tr><th colspan="4">{e(heading)}</th></tr>')
        span = 4 - len(columns)  # the last column fills the 4-column width, as printed
        head = "".join(
            f"<th{_colspan(span + 1 if i == len(columns) - 1 else 1)}>{e(_t2_header(template, c))}</th>"
            for i, c in enumerate(columns)
        )
        rows.append(f"<tr><th>信息内容</th>{head}</tr>")
        for row in block:
            shown.add(row)
            label = _T2_LABEL_2019.get(row, LABELS[TableKey.T2][row]) if template == "2019" else LABELS[TableKey.T2][row]
            tds = "".join(
                marks.cell(f"table2.{row}.{c}", cells.get(f"table2.{row}.{c}"), span + 1 if i == len(columns) - 1 else 1)
                for i, c in enumerate(T2_DEFAULT_COLUMNS[template][row])
            )
            rows.append(f"<tr>{marks.label('table2', row, label)}{tds}</tr>")
    extra = sorted({k.split(".")[1] for k in cells if k.startswith("table2.")} - shown)
    if extra:
        rows.append('<tr><th colspan="4">表外或非标准行</th></tr>')
        for row in extra:
            row_cells = [(k, c) for k, c in cells.items() if k.startswith(f"table2.{row}.")]
            tds = "".join(marks.cell(k, c) for k, c in row_cells[:3])
            rows.append(f"<tr>{marks.label('table2', row, _printed_label('table2', row, cells))}{tds}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _t2_header(template: str, col: str) -> str:
    return (_T2_HEADER_2021.get(col) if template == "2021" else None) or COLUMN_LABELS[TableKey.T2][col]


def _t3_layout(cells: dict[str, Cell]) -> list[tuple[str, str, str, int]]:
    """表三 rows as (row key, merged group cells before the label, label, label colspan), with the
    template's merged label cells: 三、本年度办理结果 and the groups span their rows."""
    rows_present = {k.split(".")[1] for k in cells if k.startswith("table3.")}
    single_other = "other_handling" in rows_present and not rows_present & set(OTHER_ROWS)
    groups: list[tuple[str | None, tuple[str, ...]]] = [
        (None, ("granted", "partially_granted")),
        (DENIED, DENIED_ROWS),
        (UNABLE, UNABLE_ROWS),
        (NOT_PROCESSED, NOT_PROCESSED_ROWS),
        (None, ("other_handling",)) if single_other else (OTHER, OTHER_ROWS),
        (None, ("total_processed",)),
    ]
    result_rows = sum(len(rows) for _, rows in groups)
    layout = [("new_requests", "", LABELS[TableKey.T3]["new_requests"], 3), ("carried_over", "", LABELS[TableKey.T3]["carried_over"], 3)]
    first = True
    for group, rows in groups:
        for i, row in enumerate(rows):
            merged = ""
            if first:
                merged += f'<td rowspan="{result_rows}">{e(_T3_RESULTS)}</td>'
                first = False
            if group is not None and i == 0:
                merged += f'<td rowspan="{len(rows)}">{e(group)}</td>'
            layout.append((row, merged, LABELS[TableKey.T3][row], 2 if group is None else 1))
    layout.append(("carried_forward", "", LABELS[TableKey.T3]["carried_forward"], 3))
    standard = {row for row, *_ in layout} | {"other_handling", *OTHER_ROWS}
    for row in sorted(rows_present - standard):
        layout.append((row, "", _printed_label(TableKey.T3, row, cells), 3))
    return layout


def _table3(cells: dict[str, Cell], marks: _Marks) -> str:
    cols = list(T3_COL_KEYS)
    names = dict(T3_COLUMNS)
    rows = [
        '<table class="t3" data-table="table3"><caption>表三 收到和处理政府信息公开申请情况</caption>',
        f'<tr><th colspan="3" rowspan="3">{e(_T3_CORNER)}</th><th colspan="7">申请人情况</th></tr>',
        f'<tr><th rowspan="2">{e(names["natural_person"])}</th><th colspan="5">法人或其他组织</th>'
        f'<th rowspan="2">{e(names["total"])}</th></tr>',
        "<tr>" + "".join(f"<th>{e(names[c])}</th>" for c in cols[1:6]) + "</tr>",
    ]
    for row, merged, label, span in _t3_layout(cells):
        values = "".join(marks.cell(f"table3.{row}.{c}", cells.get(f"table3.{row}.{c}")) for c in cols)
        rows.append(f'<tr data-row="{e(row)}">{merged}{marks.label(TableKey.T3, row, label, _colspan(span))}{values}</tr>')
    rows.append("</table>")
    return "".join(rows)


def _table4(cells: dict[str, Cell], marks: _Marks) -> str:
    cols = [key for key, _ in T4_COLUMNS]
    names = dict(T4_COLUMNS)
    rows = [
        '<table class="t4" data-table="table4"><caption>表四 政府信息公开行政复议、行政诉讼情况</caption>',
        '<tr><th colspan="5">行政复议</th><th colspan="10">行政诉讼</th></tr>',
        "<tr>" + "".join(f'<th rowspan="2">{e(names[c])}</th>' for c in cols)
        + '<th colspan="5">未经复议直接起诉</th><th colspan="5">复议后起诉</th></tr>',
        "<tr>" + "".join(f"<th>{e(names[c])}</th>" for c in cols) * 2 + "</tr>",
        "<tr>" + "".join(marks.cell(f"table4.{r}.{c}", cells.get(f"table4.{r}.{c}")) for r, _ in T4_ROWS for c in cols) + "</tr>",
        "</table>",
    ]
    return "".join(rows)


def _other_table(table: str, cells: dict[str, Cell], marks: _Marks) -> str:
    """Tables outside the 2019/2021 template (pre-2019 统计表): label and value."""
    rows = [f'<table data-table="{e(table)}"><caption>{e(TABLE_NAMES.get(table, "统计表"))}</caption>']
    for key, cell in cells.items():
        if key.startswith(f"{table}."):
            rows.append(f"<tr><td>{e(row_name(table, cell.row_key, cell.label))}</td>{marks.cell(key, cell)}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _notes(marks: _Marks, table: str) -> str:
    notes = marks.notes.get(table, [])
    if not notes:
        return ""
    items = "".join(
        f'<li value="{n}" class="note" data-code="{e(f.code)}" data-severity="{e(f.severity)}">{_badge(f.code, f.severity)} {e(f.message)}'
        f'{_decided(f)}'
        f'{" <span class=muted>（" + e(where(f)) + "）</span>" if where(f) else ""}</li>' for n, f in notes
    )
    return f'<ol class="notes">{items}</ol>'


# --- the page -----------------------------------------------------------------------------------


class AuditPage:
    """The page, reports grouped by body (worst body first, its reports by year) so that the print
    stylesheet can put each body on its own pages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._body: IO[bytes] | None = None
        self._chunks: dict[int, tuple[int, int]] = {}  # report index → (offset, length) in the temporary file

    def __enter__(self) -> AuditPage:
        self._body = tempfile.TemporaryFile("w+b")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._body is not None:
            self._body.close()

    def add_report(self, index: int, report: Report, body: Body, findings: list[Finding]) -> None:
        assert self._body is not None, "use AuditPage as a context manager"
        data = render_report(index, report, body, findings).encode("utf-8")
        self._chunks[index] = (self._body.tell(), len(data))
        self._body.write(data)

    def finish(self, overview: Overview, outside_links: Sequence[tuple[str, str]] = (), stale: Sequence[Decision] = (),
               title: str = "政府信息公开工作年度报告 合规审查") -> None:
        assert self._body is not None, "use AuditPage as a context manager"
        bureaus = overview.bureaus()
        with open(self.path, "w", encoding="utf-8", newline="\n") as page:
            page.write(
                '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{e(title)}</title><style>{STYLE}{PRINT_STYLE}{filter_style(len(bureaus))}</style></head><body>"
            )
            page.write(_filters(bureaus))
            page.write(_header(overview, title))
            page.write(_bureau_summary(overview))
            page.write(_coverage(overview))
            page.write(_unread(overview))
            page.write(_outside_links(outside_links))
            page.write(_stale(stale))
            page.write(_legend())
            page.write('<h2 id="reports">逐份报告</h2>')
            for number, bureau in enumerate(bureaus):
                page.write(f'<section class="bureau" data-bureau-index="{number}">'
                           f'<h2 class="bureau-name">机关：{e(bureau.name)}</h2>')
                for entry in sorted(bureau.reports, key=lambda r: (r.year or 0, r.index)):
                    if entry.index in self._chunks:
                        offset, length = self._chunks[entry.index]
                        self._body.seek(offset)
                        page.write(self._body.read(length).decode("utf-8"))
                page.write("</section>")
            page.write("</body></html>\n")


# Filters without a script (the page runs none): checkboxes and selects at the top, and rules that
# hide what they exclude through :has(). A browser without :has() shows everything.
PRINT_STYLE = """
@media print{
 body{margin:0;font-size:11px} .filters{display:none} details:not([open]){display:none}
 section.bureau{break-before:page} section.report{border:0;padding:0}
 h2.bureau-name,summary{break-after:avoid} table,figure.crop,li.note{break-inside:avoid}
}
.filters{position:sticky;top:0;background:#fff;border-bottom:1px solid #d5dbe1;padding:.3em 0;z-index:1}
.filters label{margin-right:.8em;white-space:nowrap} .filters select{margin-right:.8em}
h2.bureau-name{border-bottom:3px double #1d2329}
"""


def filter_style(bureaus: int) -> str:
    rules = [
        f"body:has(#show-{s}:not(:checked)) :is(tr.finding,li.note)[data-severity={s}]{{display:none}}" for s in SEVERITIES
    ]
    rules.append("body:has(#show-info:not(:checked)) details.infos{display:none}")
    rules.append("body:has(#show-reading:not(:checked)) details.reading{display:none}")
    rules += [
        f'body:has(#area-{i}:checked) tr.finding:not([data-area="{i}"]){{display:none}}' for i in range(len(AREAS))
    ]
    shown = ":is(section.bureau,table.summary tr[data-bureau-index])"
    rules += [
        f'body:has(#bureau-{i}:checked) {shown}:not([data-bureau-index="{i}"]){{display:none}}' for i in range(bureaus)
    ]
    return "\n".join(rules)


def _filters(bureaus: list[BureauEntry]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" id="show-{s}" checked> {e(SEVERITY_NAMES[s])}</label>' for s in SEVERITIES
    )
    boxes += '<label><input type="checkbox" id="show-reading" checked> 读取问题</label>'
    areas = "".join(f'<option id="area-{i}">{e(area)}</option>' for i, area in enumerate(AREAS))
    names = "".join(f'<option id="bureau-{i}">{e(b.name)}</option>' for i, b in enumerate(bureaus))
    return (
        f'<div class="filters" role="search" aria-label="筛选">显示：{boxes}'
        f'<select id="area-filter" aria-label="方面"><option selected>全部方面</option>{areas}</select>'
        f'<select id="bureau-filter" aria-label="机关"><option selected>全部机关</option>{names}</select></div>'
    )


def _header(overview: Overview, title: str) -> str:
    total = overview.severities
    counts = " ".join(_badge(f"{SEVERITY_NAMES[s]} {total.get(s, 0)}", s) for s in SEVERITIES)
    counts += " " + _badge(f"读取问题 {overview.reading}", "info", "文件或解析所限，不是报告本身的问题")
    bureaus = sum(1 for b in overview.bureaus() if b.known)
    return (
        f"<h1>{e(title)}</h1>"
        f'<p class="muted">{overview.report_count}份报告，{bureaus}个机关，{len(overview.unread)}个文件未能审查 · '
        f"生成于{dt.date.today().isoformat()} · "
        f"xxgk audit</p><p>{counts}</p>"
    )


def _bureau_summary(overview: Overview) -> str:
    rows = [
        '<h2 id="summary">各机关概况</h2><table class="summary"><tr><th>机关</th><th>机关键</th><th>年度</th>'
        "<th>报告</th><th>错误</th><th>警告</th><th>提示</th><th>存在问题的方面</th><th>读取问题</th></tr>"
    ]
    for number, bureau in enumerate(overview.bureaus()):
        links = " ".join(
            f'<a href="#r{r.index}">{e(r.year or "?")}</a>' for r in sorted(bureau.reports, key=lambda r: (r.year or 0, r.index))
        )
        badges = " ".join(_badge(f"{area} {'·'.join(defects)}", worst, "、".join(defects)) for area, defects, worst in bureau.areas())
        rows.append(
            f'<tr data-bureau="{e(bureau.key)}" data-bureau-index="{number}">'
            f"<td>{e(bureau.name)}</td><td>{e(bureau.key)}</td><td>{links}</td>"
            f"<td>{len(bureau.reports)}</td><td>{bureau.severities.get('error', 0)}</td>"
            f"<td>{bureau.severities.get('warning', 0)}</td><td>{bureau.severities.get('info', 0)}</td>"
            f'<td>{badges or "<span class=ok>未发现问题</span>"}</td><td>{bureau.reading}</td></tr>'
        )
    rows.append("</table>")
    return "".join(rows)


def _coverage(overview: Overview) -> str:
    years = overview.year_span()
    known = [b for b in overview.bureaus() if b.known]
    if not years or not known:
        return '<h2 id="coverage">年度覆盖</h2><p class="muted">没有可识别机关和年度的报告。</p>'
    rows = [
        '<h2 id="coverage">年度覆盖</h2><p class="muted">✓ 批次中有该年度报告；缺 = 该机关首末年度之间缺少的年度。</p>'
        '<table class="coverage"><tr><th>机关</th>' + "".join(f"<th>{y}</th>" for y in years) + "</tr>"
    ]
    gaps: list[str] = []
    for bureau in sorted(known, key=lambda b: b.name):
        by_year = {r.year: r for r in bureau.reports if r.year is not None}
        missing = set(bureau.missing_years)
        tds = []
        for year in years:
            if year in by_year:
                tds.append(f'<td class="present" data-year="{year}"><a href="#r{by_year[year].index}">✓</a></td>')
            elif year in missing:
                tds.append(f'<td class="missing" data-year="{year}">缺</td>')
            else:
                tds.append(f'<td data-year="{year}"></td>')
        rows.append(f'<tr data-bureau="{e(bureau.key)}"><td>{e(bureau.name)}</td>{"".join(tds)}</tr>')
        if missing:
            gaps.append(f"<li>{e(bureau.name)}：缺少{'、'.join(f'{y}年' for y in sorted(missing))}报告</li>")
    rows.append("</table>")
    if gaps:
        rows.append(f'<ul class="gaps">{"".join(gaps)}</ul>')
    return "".join(rows)


def _unread(overview: Overview) -> str:
    if not overview.unread:
        return ""
    items = "".join(
        f'<li data-status="{e(r.status)}">{e(r.source)}：{e("读取失败" if r.status == "failed" else "不是年度报告")}'
        f"{'（' + e(r.error) + '）' if r.error else ''}</li>"
        for r in overview.unread
    )
    return f'<h2 id="unread">未能审查的文件（{len(overview.unread)}）</h2><ul class="unread">{items}</ul>'


def _outside_links(links: Sequence[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = "".join(f"<li>{e(source)} → {e(target)}</li>" for source, target in links)
    return f'<h2 id="links">指向输入文件夹以外的链接（{len(links)}，已读取）</h2><ul class="links">{items}</ul>'


def _stale(stale: Sequence[Decision]) -> str:
    """Decisions given whose finding this run no longer produces: said, never dropped."""
    if not stale:
        return ""
    items = "".join(f'<li data-finding-id="{e(d.finding_id)}"><code>{e(d.finding_id)}</code> {e(DECISION_NAMES[d.status])}'
                    f"{'：' + e(d.note) if d.note else ''}</li>" for d in stale)
    return (f'<h2 id="stale">已失效的处理决定（{len(stale)}）</h2><p class="muted">本次审查不再产生这些问题（报告或程序已改变）；'
            f'决定仍保留在 decisions.csv 中。</p><ul class="stale">{items}</ul>')


def _legend() -> str:
    by_area: dict[str, list[str]] = {area: [] for area in AREAS}
    for code, info in CODES.items():
        by_area[info.area].append(f"{info.defect} {code}：{info.title}" if info.defect != code else f"{code}：{info.title}")
    items = "".join(f"<li><b>{e(area)}</b>：{e('；'.join(codes))}</li>" for area, codes in by_area.items() if codes)
    return (
        '<h2 id="legend">问题类别说明</h2><ul class="legend">'
        f"{items}<li><b>读取</b>：P-开头的代码为文件或解析的读取问题，不是报告本身的问题</li></ul>"
        '<p class="muted">表格勾稽代码（T3-BAL 等）与解析结果一致，徽标中另注缺陷编号（D2–D5）。</p>'
    )


def _location(finding: Finding, printed: dict[tuple[str, str], str]) -> str:
    """Where a finding is, in the report's words: table, row label (as printed for rows the template
    does not have), column label."""
    if not finding.table:
        return ""
    parts = [TABLE_NAMES.get(finding.table, finding.table)]
    if finding.row_key:
        parts.append(row_name(finding.table, finding.row_key, printed.get((finding.table, finding.row_key), "")))
    if finding.col_key:
        parts.append(column_name(finding.table, finding.col_key))
    return " ".join(parts)


def _finding_row(f: Finding, printed: dict[tuple[str, str], str]) -> str:
    info = code_info(f.code)
    area = AREAS.index(info.area) if info.area in AREAS else len(AREAS) - 1
    decision = decision_of(f)
    aside = " aside" if set_aside(f) else ""
    return (
        f'<tr class="finding{aside}" data-code="{e(f.code)}" data-severity="{e(f.severity)}" data-area="{area}" '
        f'data-finding-id="{e(f.evidence.get("finding_id", ""))}" data-decision="{e(decision)}">'
        f"<td>{_badge(SEVERITY_NAMES[f.severity], f.severity)}</td>"
        f"<td>{e(f.code)}</td><td>{_defect_badge(f.code, f.severity)}</td><td>{e(_location(f, printed))}</td>"
        f'<td class="where">{e(where(f))}</td><td>{e(f.message)}</td>{_decision_cell(f)}</tr>'
    )


def _decided(f: Finding) -> str:
    decision = decision_of(f)
    return f' <span class="decision decision-{e(decision)}">（{e(DECISION_NAMES[decision])}）</span>' if decision else ""


def _decision_cell(f: Finding) -> str:
    """The supervisor's decision and note; the finding's id to decide it by (OUT/decisions.csv)."""
    decision = decision_of(f)
    shown = (f'<span class="decision decision-{e(decision)}">{e(DECISION_NAMES[decision])}</span>'
             if decision else '<span class="muted">未处理</span>')
    note = f" {e(f.evidence.get('decision_note'))}" if f.evidence.get("decision_note") else ""
    return f'<td class="decision">{shown}{note}<br><code class="fid">{e(f.evidence.get("finding_id", ""))}</code></td>'


_HEAD = "<tr><th>严重程度</th><th>代码</th><th>类别</th><th>位置</th><th>页/行</th><th>说明</th><th>处理</th></tr>"


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then 提示; the report's order within each."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def _findings_table(findings: list[Finding], printed: dict[tuple[str, str], str], kind: str, caption: str) -> str:
    """Errors and warnings in a table; 提示 under it, collapsed (they swamp the rest otherwise)."""
    ordered = by_severity(findings)
    serious = [f for f in ordered if f.severity != "info"]
    infos = [f for f in ordered if f.severity == "info"]
    parts = []
    if serious:
        rows = "".join(_finding_row(f, printed) for f in serious)
        parts.append(f'<table class="findings {kind}"><caption>{e(caption)}</caption>{_HEAD}{rows}</table>')
    if infos:
        rows = "".join(_finding_row(f, printed) for f in infos)
        title = f"{caption}：提示{len(infos)}条（点击展开）"
        parts.append(f'<details class="infos {kind}"><summary>{e(title)}</summary>'
                     f'<table class="findings {kind}">{_HEAD}{rows}</table></details>')
    return "".join(parts)


def where(finding: Finding) -> str:
    """第4页 / 第12、13行: the pages or lines of the finding's evidence, in the report's order; cells read
    by OCR said with their lowest confidence (第4页，OCR识别，置信度0.87)."""
    places = finding.evidence.get("places") or []
    pages = sorted({int(p["page"]) for p in places if p.get("page")})
    lines = sorted({int(p["line"]) for p in places if p.get("line") and not p.get("page")})
    if pages:
        return f"第{'、'.join(map(str, pages))}页" + ("起" if all(p.get("section") for p in places) else "") + _ocr_said(places)
    if lines:
        return f"第{'、'.join(map(str, lines))}行"
    return grid_words(places)


def _ocr_said(places: list[dict[str, object]]) -> str:
    read = [p for p in places if p.get("ocr")]
    if not read:
        return ""
    confidences = [float(c) for p in read if isinstance(c := p.get("confidence"), int | float)]
    return f"，OCR识别，置信度{min(confidences):.2f}" if confidences else "，OCR识别"


def _pictures(report: Report, marks: _Marks, cells: dict[str, Cell]) -> str:
    """Crops of the printed PDF around the marked cells (output/audit_crops.py)."""
    numbered = [pair for notes in marks.notes.values() for pair in notes]
    crops = audit_crops.render(report.source, audit_crops.plan(numbered, cells), cells)
    figures = "".join(
        f'<figure class="crop" data-page="{c.page}" data-table="{e(c.table)}"><img alt="第{c.page}页原文截图" src="{c.uri}">'
        f"<figcaption>原文第{c.page}页 {e(TABLE_NAMES.get(c.table, c.table))}（注{'、'.join(map(str, c.numbers))}）</figcaption></figure>"
        for c in crops
    )
    return f'<div class="crops">{figures}</div>' if figures else ""


def render_report(index: int, report: Report, body: Body, findings: list[Finding]) -> str:
    cells = cell_map(report)
    unplaced = [c for c in report.cells if c.position != Position.EXACT or not c.col_key]
    marks = _Marks(findings, cells)
    serious = any(f.severity in ("error", "warning") and not set_aside(f) for f in findings)
    counts = " ".join(
        _badge(f"{SEVERITY_NAMES[s]} {n}", s) for s in SEVERITIES
        if (n := sum(1 for f in findings if f.severity == s and not is_reading(f.code) and not set_aside(f)))
    )
    if (n_reading := sum(1 for f in findings if is_reading(f.code))):
        counts += " " + _badge(f"读取问题 {n_reading}", "info", "文件或解析所限，不是报告本身的问题")
    head = (
        f'<section class="report" id="r{index}" data-report-id="{e(report.report_id)}" data-bureau="{e(body.key)}">'
        f"<details{' open' if serious else ''}><summary><h3 style=\"display:inline\">{e(body.shown)} "
        f"{e(report.year or '')}年</h3> {counts or '<span class=ok>未发现问题</span>'}</summary>"
        f'<p class="muted">{e(report.source)} · 状态 {e(report.status)} · 格式 {e(report.template)} · '
        f"机关标识 {e(body.key or '—')} · report_id {e(report.report_id)}</p>"
    )
    parts = [head]
    if report.error is not None:
        parts.append(f"<p>{_badge(report.error.code, 'error')} {e(report.error.message)}</p>")
    printed: dict[tuple[str, str], str] = {(str(c.table), c.row_key): c.label for c in report.cells if c.label}
    own = [f for f in findings if not is_reading(f.code)]
    reading = [f for f in findings if is_reading(f.code)]
    if own:
        parts.append(_findings_table(own, printed, "defects", "报告本身的问题"))
    if reading:
        parts.append(f'<details class="reading"><summary>读取问题{len(reading)}个（文件或解析所限，不是报告本身的问题；点击展开）</summary>'
                     f'{_findings_table(reading, printed, "reading", "读取问题")}</details>')
    tables = {k.split(".")[0] for k in cells}
    if TableKey.T2 in tables:
        parts.append(f'<div class="tablewrap">{_table2(cells, marks, report.template)}{_notes(marks, TableKey.T2)}</div>')
    if TableKey.T3 in tables:
        parts.append(f'<div class="tablewrap">{_table3(cells, marks)}{_notes(marks, TableKey.T3)}</div>')
    if TableKey.T4 in tables:
        parts.append(f'<div class="tablewrap">{_table4(cells, marks)}{_notes(marks, TableKey.T4)}</div>')
    for table in sorted(tables - {TableKey.T2, TableKey.T3, TableKey.T4}):
        parts.append(f'<div class="tablewrap">{_other_table(table, cells, marks)}{_notes(marks, table)}</div>')
    parts.append(_pictures(report, marks, cells))
    if unplaced:
        listed = "、".join(f"{TABLE_NAMES.get(c.table, c.table)} {row_name(c.table, c.row_key, c.label)}“{c.raw}”" for c in unplaced)
        parts.append(f'<p class="muted">位置不明的数字（未放入表格）：{e(listed)}</p>')
    if not tables and report.status not in ("failed", "skipped"):
        parts.append('<p class="muted">未发现统计表格。</p>')
    parts.append("</details></section>")
    return "".join(parts)
