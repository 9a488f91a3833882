"""PDF pages without a usable text layer, read by OCR into the blocks the PDF reader makes.

Each page is rendered, turned upright from its rules, its ruled tables read cell by cell (the
recogniser alone, on each cell's ink) and the rest of the page by detection and recognition, line
by line in reading order. A table that runs on to the next page is one grid, as in the PDF reader.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from xxgk.ingest.document import Block, Grid, GridCell, Paragraph, Provenance
from xxgk.ingest.ocr import LOW_CONFIDENCE, cells, grid, page
from xxgk.ingest.ocr.engine import Engine, TextBox, engine
from xxgk.ingest.ocr.page import PageImage
from xxgk.ingest.pdf import clean_cell, tidy

Note = tuple[str, str]
# Rules are this many pixels wide after scanning (at 200 dpi): a cell's ink starts inside them.
INSET = 4
# Page numbers and running heads: this share of the page height at the top and bottom.
MARGIN_BAND = 0.1


@dataclass
class _Table:
    page: int
    image: PageImage
    table: grid.RuledTable
    readings: list[cells.Reading]


@dataclass
class OcrPages:
    """What OCR read: each page's blocks with the top they are placed by (points)."""

    pages: tuple[int, ...]
    blocks: dict[int, list[tuple[float, Block]]] = field(default_factory=dict)

    def merge(self, blocks: list[Block]) -> list[Block]:
        """The reader's blocks with these pages' blocks in page order (a page read by OCR keeps only these)."""
        ordered: list[tuple[int, int, float, Block]] = []
        read = set(self.pages)
        for index, block in enumerate(blocks):
            number = block.prov.page or 0
            if number not in read:
                ordered.append((number, 0, index, block))
        for number, placed in self.blocks.items():
            ordered.extend((number, 1, top, block) for top, block in sorted(placed, key=lambda item: item[0]))
        ordered.sort(key=lambda item: (item[0], item[1], item[2]))
        return [block for *_, block in ordered]

    def read_any(self) -> bool:
        return any(self.blocks.values())

    def metadata(self) -> dict[str, str]:
        return {"ocr_pages": _ranges(self.pages)}


def read_pages(
    data: bytes, numbers: Sequence[int], first_table: int, lock: threading.Lock | None = None
) -> OcrPages:
    """OCR the given pages (1-based) of a PDF; grids are numbered from ``first_table``."""
    ocr = engine()
    result = OcrPages(tuple(numbers))
    tables: list[_Table] = []
    for number in numbers:
        tables.extend(_read_page(data, number, ocr, lock, result))
    grids: list[list[_Table]] = []
    for table in tables:
        if grids and _continues(grids[-1][-1], table, result):
            grids[-1].append(table)
        else:
            grids.append([table])
    for index, parts in enumerate(grids):
        first = parts[0]
        built = _grid(parts, first_table + index)
        result.blocks.setdefault(first.page, []).append((first.image.to_points(first.table.box)[1], built))
    return result


def _read_page(data: bytes, number: int, ocr: Engine, lock: threading.Lock | None, result: OcrPages) -> list[_Table]:
    image, size = page.render(data, number, page.DPI, lock)
    upright = page.upright(image, size, page.DPI)
    binary = page.ink(upright.image)
    found = grid.find_tables(binary, upright.dpi)
    boxes = [[cells.lines_of(upright.image, binary, cell.box, INSET) for cell in table.cells] for table in found]
    readings = cells.read(ocr, [lines for table in boxes for lines in table])
    low = [index for index, reading in enumerate(readings) if reading.confidence is not None and reading.confidence < LOW_CONFIDENCE]
    if low:
        readings = _reread(data, number, upright, found, readings, low, ocr, lock)
    tables, start = [], 0
    for table in found:
        tables.append(_Table(number, upright, table, readings[start:start + len(table.cells)]))
        start += len(table.cells)
    # The rest of the page: headings, paragraphs, page numbers.
    rest = upright.image.copy()
    for table in found:
        x0, y0, x1, y1 = table.box
        rest[y0:y1, x0:x1] = 255
    lines = _text_lines(ocr.detect_and_read(rest)) if page.ink(rest).any() else []
    placed = result.blocks.setdefault(number, [])
    for box, text, confidence in lines:
        bbox = upright.to_points(box)
        prov = Provenance(page=number, bbox=bbox, ocr=True, confidence=confidence)
        placed.append((bbox[1], Paragraph(text=text, prov=prov)))
    return tables


def _reread(
    data: bytes, number: int, first: PageImage, found: list[grid.RuledTable], readings: list[cells.Reading],
    low: list[int], ocr: Engine, lock: threading.Lock | None,
) -> list[cells.Reading]:
    """Cells read below the threshold, read once more from the page rendered at a higher resolution;
    the reading with the higher confidence stands (what it says is never chosen by what it should say)."""
    image, size = page.render(data, number, page.RE_READ_DPI, lock)
    sharp = page.upright(image, size, page.RE_READ_DPI, angle=first.angle)
    binary = page.ink(sharp.image)
    factor = page.RE_READ_DPI / first.dpi
    every = [cell for table in found for cell in table.cells]
    boxes = [_scaled(every[index].box, factor) for index in low]
    again = cells.read(ocr, [cells.lines_of(sharp.image, binary, box, int(INSET * factor)) for box in boxes])
    readings = list(readings)
    for index, reading in zip(low, again):
        old = readings[index].confidence or 0.0
        if reading.confidence is not None and reading.confidence > old:
            readings[index] = reading
    return readings


def _scaled(box: grid.Box, factor: float) -> grid.Box:
    return (int(box[0] * factor), int(box[1] * factor), int(box[2] * factor), int(box[3] * factor))


def _text_lines(boxes: list[TextBox]) -> list[tuple[tuple[float, float, float, float], str, float]]:
    """Detected boxes joined into lines (boxes whose heights overlap by half), top to bottom, left to right."""
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: (b.box[1] + b.box[3]) / 2):
        if lines:
            last = lines[-1]
            top, bottom = min(b.box[1] for b in last), max(b.box[3] for b in last)
            overlap = min(bottom, box.box[3]) - max(top, box.box[1])
            if overlap > 0.5 * min(bottom - top, box.box[3] - box.box[1]):
                last.append(box)
                continue
        lines.append([box])
    joined = []
    for line in lines:
        line.sort(key=lambda b: b.box[0])
        text = tidy(" ".join(b.text for b in line))
        if text:
            bbox = (min(b.box[0] for b in line), min(b.box[1] for b in line), max(b.box[2] for b in line), max(b.box[3] for b in line))
            joined.append((bbox, text, min(b.confidence for b in line)))
    return joined


def _continues(last: _Table, table: _Table, result: OcrPages) -> bool:
    """A table ending at the foot of a page goes on in one opening the next with the same columns."""
    if table.page != last.page + 1 or table.table.n_cols != last.table.n_cols:
        return False
    height = last.image.image.shape[0]
    below = last.image.to_points((0, last.table.box[3], 0, int(height * (1 - MARGIN_BAND))))
    above = table.image.to_points((0, int(table.image.image.shape[0] * MARGIN_BAND), 0, table.table.box[1]))
    if _text_between(result, last.page, below) or _text_between(result, table.page, above):
        return False
    width = last.image.image.shape[1]
    return bool(np.allclose(last.table.columns, table.table.columns, atol=0.015 * width))


def _text_between(result: OcrPages, number: int, band: tuple[float, float, float, float]) -> bool:
    tops = [block.prov.bbox[1] for _, block in result.blocks.get(number, []) if isinstance(block, Paragraph) and block.prov.bbox]
    return any(band[1] < top < band[3] for top in tops)


def _grid(parts: list[_Table], index: int) -> Grid:
    """One table's parts as a grid: merged cells repeated in every slot they cover, ``merged`` on the copies."""
    rows: list[tuple[GridCell, ...]] = []
    may_continue: list[int] = []
    for part in parts:
        if rows:
            may_continue.append(len(rows))
        top = len(rows)
        slots: list[list[GridCell | None]] = [[None] * part.table.n_cols for _ in range(part.table.n_rows)]
        for cell, reading in zip(part.table.cells, part.readings):
            text, bbox = clean_cell(reading.text), part.image.to_points(cell.box)
            for r in range(cell.row, cell.row + cell.rows):
                for c in range(cell.col, cell.col + cell.cols):
                    prov = Provenance(
                        page=part.page, bbox=bbox, table=index, row=top + r, col=c, ocr=True, confidence=reading.confidence
                    )
                    slots[r][c] = GridCell(text=text, prov=prov, merged=(r, c) != (cell.row, cell.col))
        for r, slot_row in enumerate(slots):
            rows.append(tuple(
                cell or GridCell(text="", prov=Provenance(page=part.page, table=index, row=top + r, col=c, ocr=True))
                for c, cell in enumerate(slot_row)
            ))
    first = parts[0]
    prov = Provenance(page=first.page, bbox=first.image.to_points(first.table.box), table=index, ocr=True)
    return Grid(rows=tuple(rows), prov=prov, may_continue=tuple(may_continue))


def _ranges(numbers: Sequence[int]) -> str:
    """1,2,3,5 → "1-3,5"."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)

