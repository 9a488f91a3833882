"""The rectification lists: what each body must put right, with the evidence, ready to send.

- ``problems.xlsx`` (the ``xlsx`` extra): one sheet, a row per defect, the body in its first columns;
- ``整改通知/<body>.docx`` (python-docx): one document per body listing its defects, report by report.

Listed are the report's own defects (table identities T3-/T4-, cross-report X-, catalogue D-codes) of
severity error or warning, and 提示 a supervisor confirmed — never one decided ``misread`` or
``dismissed``. Problems of our reading (P- codes, reader warnings) are not listed: they are not the
body's to put right; findings.csv and audit.html show them. Each defect comes with where it is (table,
row and column as printed; page or line), the printed values of the cells involved (OCR'd ones said
so) and, for a PDF, the picture of the printed table around them (output/audit_crops.py). A body's
defects come report by report (by year), each report's in the order they stand in it (page, line),
those without a place last; then the years it did not report (X-MISSING).

File names are the body's name with every character that could leave the folder or upset a file
system replaced (two bodies whose names agree that way are told apart by ``-2``).
"""

from __future__ import annotations

import base64
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.normalize.audit.body import Body
from xxgk.normalize.audit.codes import code_info, is_reading
from xxgk.normalize.audit.decisions import DECISION_NAMES, decision_of, set_aside
from xxgk.normalize.audit.evidence import cell_map
from xxgk.normalize.audit.overview import SEVERITY_NAMES
from xxgk.normalize.schema import Cell, Finding, Report
from xxgk.output import audit_crops
from xxgk.output.audit_findings import grid_words, ocr_mark
from xxgk.template import TABLE_NAMES, column_name, row_name

FOLDER = "整改通知"
WORKBOOK = "problems.xlsx"
SHEET_COLUMNS = ("机关", "机关标识", "年度", "序号", "严重程度", "代码", "缺陷编号", "类别", "问题", "位置", "页/行",
                 "原文数值", "说明", "来源文件", "finding_id", "处理决定", "处理备注")
_UNSAFE = re.compile(r"[^\w\u3400-\u9fff（）()·\-]+")


def listed(finding: Finding) -> bool:
    """A defect for the rectification list."""
    if is_reading(finding.code) or set_aside(finding):
        return False
    return finding.severity in ("error", "warning") or decision_of(finding) == "confirmed"


def safe_name(name: str) -> str:
    """A file name from a body's name: no separator, no dot, nothing a file system refuses."""
    return _UNSAFE.sub("_", name).strip("_")[:80] or "机关名称未识别"


@dataclass
class Defect:
    year: int | None
    source: str
    finding: Finding
    location: str
    where: str
    values: list[str]
    order: tuple[float, float]
    picture: Path | None = None  # the crop of the printed table, when the report is a PDF
    picture_shared: bool = False  # the same picture as a defect above it in the list


@dataclass
class BodyList:
    key: str
    name: str
    defects: list[Defect] = field(default_factory=list)


class Rectification:
    """Collects each body's defects while the audit streams its reports, then writes the lists."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.bodies: dict[str, BodyList] = {}
        self._pictures = tempfile.TemporaryDirectory(prefix="xxgk-crops-")
        self._count = 0

    def __enter__(self) -> Rectification:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pictures.cleanup()

    def add(self, report: Report, body: Body, findings: list[Finding]) -> None:
        chosen = [f for f in findings if listed(f)]
        if not chosen or report.status in ("failed", "skipped"):
            return
        key = body.key or f"?{report.source}"
        entry = self.bodies.setdefault(key, BodyList(key, body.shown))
        cells = cell_map(report)
        pictures = self._crops(report, chosen, cells)
        defects = []
        for number, finding in enumerate(chosen, start=1):
            places = finding.evidence.get("places") or []
            defects.append(Defect(
                report.year, report.source, finding, _location(finding, cells), _where(places),
                [_value(p, cells) for p in places if p.get("cell") in cells], _order(places), pictures.get(number),
            ))
        defects.sort(key=lambda d: d.order)
        shown: set[Path] = set()
        for defect in defects:
            if defect.picture is not None:
                defect.picture_shared = defect.picture in shown
                shown.add(defect.picture)
        entry.defects.extend(defects)

    def add_unreported(self, key: str, name: str, year: int, finding: Finding) -> None:
        if listed(finding):
            entry = self.bodies.setdefault(key, BodyList(key, name))
            entry.defects.append(Defect(year, "", finding, "", "", [], (float("inf"), float("inf"))))

    def _crops(self, report: Report, findings: list[Finding], cells: dict[str, Cell]) -> dict[int, Path]:
        """Finding number → the picture of the table around its cells (PDF only)."""
        numbered = list(enumerate(findings, start=1))
        found: dict[int, Path] = {}
        for crop in audit_crops.render(report.source, audit_crops.plan(numbered, cells), cells):
            self._count += 1
            path = Path(self._pictures.name) / f"{self._count}.png"
            path.write_bytes(base64.b64decode(crop.uri.split(",", 1)[1]))
            for number in crop.numbers:
                found.setdefault(number, path)
        return found

    def ordered(self) -> list[BodyList]:
        """Bodies by name; each body's reports by year, as the lists print them."""
        for entry in self.bodies.values():
            entry.defects.sort(key=lambda d: (d.year is None, d.year or 0, d.source == "", d.source))
        return sorted(self.bodies.values(), key=lambda b: (b.key.startswith("?"), b.name))

    def write(self) -> list[str]:
        """Writes the lists; returns notes (a list not written and why)."""
        bodies = self.ordered()
        notes = []
        try:
            import openpyxl
        except ImportError:
            notes.append(f"{WORKBOOK} not written: it needs openpyxl: pip install 'xxgk[xlsx]'")
        else:
            _workbook(openpyxl, bodies, self.out / WORKBOOK)
        folder = self.out / FOLDER
        if folder.exists():
            shutil.rmtree(folder)  # an earlier run's notices: a body without defects now must not keep one
        folder.mkdir(parents=True)
        used: set[str] = set()
        for entry in bodies:
            stem = base = safe_name(entry.name)
            number = 1
            while stem in used:
                number += 1
                stem = f"{base}-{number}"
            used.add(stem)
            _notice(entry, folder / f"{stem}.docx")
        return notes


def _location(finding: Finding, cells: dict[str, Cell]) -> str:
    if not finding.table:
        return ""
    printed = next((c.label for c in cells.values() if c.table == finding.table and c.row_key == finding.row_key and c.label), "")
    parts = [TABLE_NAMES.get(finding.table, finding.table)]
    if finding.row_key:
        parts.append(row_name(finding.table, finding.row_key, printed))
    if finding.col_key:
        parts.append(column_name(finding.table, finding.col_key))
    return " ".join(parts)


def _where(places: list[dict[str, Any]]) -> str:
    pages = sorted({int(p["page"]) for p in places if p.get("page")})
    if pages:
        return f"第{'、'.join(map(str, pages))}页"
    lines = sorted({int(p["line"]) for p in places if p.get("line")})
    return f"第{'、'.join(map(str, lines))}行" if lines else grid_words(places)


def _order(places: list[dict[str, Any]]) -> tuple[float, float]:
    """(page, height on it) in a PDF, (0, line) in a text; after everything when it has no place."""
    if not places:
        return (float("inf"), float("inf"))
    first = places[0]
    if first.get("page"):
        return (float(first["page"]), float((first.get("bbox") or [0, 0])[1]))
    if first.get("grid"):  # a DOCX cell: by table, then row
        return (0.0, float(first["grid"][0] * 10_000 + first["grid"][1]))
    return (0.0, float(first.get("line") or float("inf")))


def _value(place: dict[str, Any], cells: dict[str, Cell]) -> str:
    cell = cells[place["cell"]]
    name = f"{row_name(cell.table, cell.row_key, cell.label)} {column_name(cell.table, cell.col_key)}"
    return f"{name}：{cell.raw or '（空白）'}{ocr_mark(place)}"


def _workbook(openpyxl: Any, bodies: list[BodyList], path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("问题清单")
    sheet.append(list(SHEET_COLUMNS))
    for entry in bodies:
        for number, d in enumerate(entry.defects, start=1):
            f, info = d.finding, code_info(d.finding.code)
            decision = decision_of(f)
            sheet.append([
                entry.name, "" if entry.key.startswith("?") else entry.key, d.year, number, SEVERITY_NAMES[f.severity], f.code,
                info.defect, info.area, info.title, d.location, d.where, "；".join(d.values), f.message,
                Path(d.source).name if d.source else "", f.evidence.get("finding_id", ""),
                DECISION_NAMES[decision] if decision else "", f.evidence.get("decision_note", ""),
            ])
    book.save(path)


def _notice(entry: BodyList, path: Path) -> None:
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    document.core_properties.title = f"{entry.name}政府信息公开工作年度报告问题清单"
    document.add_heading(f"{entry.name}\n政府信息公开工作年度报告问题清单（整改通知）", level=1)
    years = sorted({d.year for d in entry.defects if d.year is not None})
    document.add_paragraph(
        f"经审查，{entry.name}{'、'.join(map(str, years))}年度政府信息公开工作年度报告存在以下{len(entry.defects)}个问题，"
        "请对照原文逐项核实并整改。"
    )
    current: tuple[int | None, str] | None = None
    for number, d in enumerate(entry.defects, start=1):
        if (d.year, d.source) != current:
            current = (d.year, d.source)
            title = f"{d.year}年度报告（{Path(d.source).name}）" if d.source else "应报未报"
            document.add_heading(title, level=2)
        f, info = d.finding, code_info(d.finding.code)
        head = document.add_paragraph()
        head.add_run(f"{number}. 【{SEVERITY_NAMES[f.severity]}·{info.defect or f.code} {info.area}】{info.title}").bold = True
        document.add_paragraph(f.message)
        if d.location or d.where:
            document.add_paragraph(f"位置：{' '.join(p for p in (d.location, d.where) if p)}")
        if d.values:
            document.add_paragraph(f"原文数值：{'；'.join(d.values)}")
        decision = decision_of(f)
        if decision:
            note = f.evidence.get("decision_note")
            document.add_paragraph(f"审查意见：{DECISION_NAMES[decision]}{'，' + str(note) if note else ''}")
        if d.picture is not None and not d.picture_shared:
            document.add_picture(str(d.picture), width=Cm(15))
            document.add_paragraph(f"原文截图（{d.where}）")
        elif d.picture is not None:
            document.add_paragraph("原文截图见上")
        tag = document.add_paragraph(f"编号 {f.evidence.get('finding_id', '')} · 代码 {f.code}")
        for run in tag.runs:
            run.font.size = Pt(8)
    document.save(str(path))
