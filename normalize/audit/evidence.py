"""Where the evidence of a finding stands in the report: the page (PDF) or line (text) of every cell
it involves, else of the text it quotes, else of the section it is about. A DOCX has neither: its
cells are placed by their table, grid row and column (``"grid": [table, row, col]``, 0-based as the
provenance has them); its paragraphs carry no place, nor do findings about the whole document.

A supervisor turns a finding into a rectification notice by pointing at the printed report, so each
finding gets ``evidence["places"]``: a list of ``{"cell" or "section", "page", "line", "bbox"}``, the
cells first (an identity's every term), and the provenance of the first place when it had none. A cell
read by OCR adds ``"ocr": true`` and the recogniser's ``"confidence"``: its digits are a reading, not
the text layer, and a supervisor checks them against the picture.
For text found in a PDF section, the page is the one where that section begins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from xxgk.ingest.document import Provenance
from xxgk.normalize.audit.text import SECTION_ORDER
from xxgk.normalize.schema import Cell, Finding, Report, Section
from xxgk.parsers.bureau import to_simplified
from xxgk.types import Position

# The section a finding about the narrative is about, when it quotes nothing findable.
_SECTION_OF = {"D9": "overview", "D13": "other", "D15": "overview", "D19": "problems", "D1": "active_disclosure",
               "X-YEAR-T2": "active_disclosure", "X-YEAR-T3": "requests", "X-TEXT": "overview"}
_QUOTED = re.compile(r"“([^”]{2,80})”")
_CN_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def cell_map(report: Report) -> dict[str, Cell]:
    """The placed cells by "table.row.col", as the page draws them."""
    return {f"{c.table}.{c.row_key}.{c.col_key}": c for c in report.cells if c.position == Position.EXACT and c.col_key}


def involved_cells(finding: Finding, cells: dict[str, Cell]) -> list[str]:
    """The "table.row.col" keys a finding concerns: an identity's terms, a row, or one cell."""
    given = finding.evidence.get("highlight")
    if isinstance(given, list):
        return [str(key) for key in given if key in cells]
    table, row, col = finding.table, finding.row_key, finding.col_key
    if not table:
        return []
    if finding.code == "T3-BAL" and col:
        keys = [f"{table}.{r}.{col}" for r in ("new_requests", "carried_over", "total_processed", "carried_forward")]
    elif finding.code in ("T3-COLSUM", "T4-SUM", "D10") and row:
        keys = [key for key in cells if key.startswith(f"{table}.{row}.")]
        if finding.code == "D10":
            keys = [key for key in keys if cells[key].kind != "number"]
    elif row and col:
        keys = [f"{table}.{row}.{col}"]
    elif row:
        keys = [key for key in cells if key.startswith(f"{table}.{row}.")]
    else:
        keys = []
    return [key for key in keys if key in cells]


def with_places(findings: Iterable[Finding], report: Report) -> list[Finding]:
    """The findings with ``evidence["places"]`` filled (and a provenance where they had none)."""
    cells = cell_map(report)
    placed = []
    for finding in findings:
        places = _places(finding, report, cells)
        update: dict[str, Any] = {"evidence": {**finding.evidence, "places": places}}
        if finding.provenance is None and places:
            first = places[0]
            update["provenance"] = Provenance(page=first["page"], line=first["line"],
                                              bbox=tuple(first["bbox"]) if first["bbox"] else None)
        placed.append(finding.model_copy(update=update))
    return placed


def _place(what: str, name: str, where: Provenance | None, line: int | None = None) -> dict[str, Any] | None:
    if where is None:
        return None
    place: dict[str, Any] = {what: name, "page": where.page, "line": line if line is not None else where.line,
                             "bbox": list(where.bbox) if where.bbox else None}
    if place["page"] is None and place["line"] is None:
        if what != "cell" or where.table is None or where.row is None or where.col is None:
            return None
        place["grid"] = [where.table, where.row, where.col]  # a DOCX cell: no page, no line
    if where.ocr:
        place.update(ocr=True, confidence=where.confidence)
    return place


def _places(finding: Finding, report: Report, cells: dict[str, Cell]) -> list[dict[str, Any]]:
    places = [p for key in involved_cells(finding, cells) if (p := _place("cell", key, cells[key].provenance))]
    if places:
        # a sentence compared with the table stands beside the cells it is compared with
        sentence = finding.evidence.get("sentence")
        found = _find_text(report.sections, str(sentence)) if sentence else None
        return [*places, found] if found else places
    if finding.code == "D1" and cells:  # the tables of the wrong template: where they begin
        first = next(iter(cells))
        if (p := _place("cell", first, cells[first].provenance)):
            return [p]
    if finding.provenance is not None and (p := _place("cell", _key(finding), finding.provenance)):
        return [p]
    for needle in _quoted(finding):
        if (found := _find_text(report.sections, needle)) is not None:
            return [found]
    sections = {s.key: s for s in report.sections}
    key = finding.evidence.get("section") if finding.code != "D8" else None
    wanted = [key] if isinstance(key, str) else list(finding.evidence.get("sections") or [])
    if finding.code == "D8":  # missing: where it should have been, the section after it (else before)
        missing = str(finding.evidence.get("section", ""))
        order = list(SECTION_ORDER)
        at = order.index(missing) if missing in order else 0
        wanted = [*order[at + 1:], *reversed(order[:at]), "preamble"]
    elif code_section := _SECTION_OF.get(finding.code):
        wanted.append(code_section)
    wanted.append("preamble")  # the report as a whole: its title
    for name in wanted:
        if name in sections and (p := _place("section", name, sections[name].provenance)):
            return [p]
    return []


def _key(finding: Finding) -> str:
    return ".".join(part for part in (finding.table, finding.row_key, finding.col_key) if part)


def _quoted(finding: Finding) -> list[str]:
    """Texts of the report a finding quotes: its sentence, date, heading, and what its message quotes."""
    found = [str(finding.evidence[k]) for k in ("sentence", "heading") if finding.evidence.get(k)]
    date = finding.evidence.get("date")
    if isinstance(date, str):
        match = _CN_DATE.match(date)
        found.append(f"{int(match[1])}年{int(match[2])}月{int(match[3])}日" if match else date)
    found.extend(_QUOTED.findall(finding.message))
    return found


def _find_text(sections: list[Section], needle: str) -> dict[str, Any] | None:
    """The line (text) or the section's first page (PDF) where a quoted text stands, spaces and line
    breaks aside, as the checks read it."""
    target = to_simplified(re.sub(r"\s+", "", needle))
    if not target:
        return None
    for section in sections:
        if section.provenance is None:
            continue
        kept = [i for i, ch in enumerate(section.text) if not ch.isspace()]
        flat = to_simplified("".join(section.text[i] for i in kept))
        at = flat.find(target)
        if at < 0 or len(flat) != len(kept):
            continue
        line = None
        if section.provenance.line is not None:
            line = section.provenance.line + section.text.count("\n", 0, kept[at])
        return _place("section", section.key, section.provenance, line)
    return None
