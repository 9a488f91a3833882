"""PDF pages without a usable text layer, and tables pasted into PDF pages as images, read by OCR into
the blocks the PDF reader makes.

Each page is rendered, turned upright from its rules, its ruled tables read cell by cell (the
recogniser alone, on each cell's ink) and the rest of the page by detection and recognition, line
by line in reading order (reading.py). A page whose text layer reads but whose table is a picture
has only that picture's area read (``regions``): its tables, and the text around them inside the
picture, join the reader's blocks in their place. A table that runs on to the next page is one grid,
as in the PDF reader.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from xxgk.ingest.document import Block, Grid, GridCell, Paragraph, Provenance
from xxgk.ingest.ocr import REREAD, cell_key, cells, grid, page, reading
from xxgk.ingest.ocr.borderless import BorderlessTable
from xxgk.ingest.ocr.engine import Engine, engine
from xxgk.ingest.ocr.page import PageImage
from xxgk.ingest.pdf import clean_cell

Note = tuple[str, str]
BBox = tuple[float, float, float, float]
# Page numbers and running heads: this share of the page height at the top and bottom.
MARGIN_BAND = 0.1


@dataclass
class _Table:
    page: int | None
    image: PageImage
    table: grid.RuledTable
    readings: list[cells.Reading]
    picture: int | None = None  # the picture's number in a DOCX or HTML file


@dataclass
class OcrPages:
    """What OCR read: each page's blocks with the top they are placed by (points). On the pages in
    ``regions`` OCR read pictures only, and the reader's own blocks stay."""

    pages: tuple[int, ...]
    blocks: dict[int, list[tuple[float, Block]]] = field(default_factory=dict)
    regions: tuple[int, ...] = ()
    warnings: list[Note] = field(default_factory=list)

    def merge(self, blocks: list[Block]) -> list[Block]:
        """The reader's blocks with these pages' blocks in page order (a page read by OCR keeps only
        these; on a page where OCR read a picture, they go where the picture's top is), tables
        numbered again in document order."""
        ordered: list[tuple[int, int, float, float, Block]] = []
        whole = set(self.pages) - set(self.regions)
        for index, block in enumerate(blocks):
            number = block.prov.page or 0
            if number in whole:
                continue
            top = block.prov.bbox[1] if number in self.regions and block.prov.bbox else -1.0
            ordered.append((number, 0, top, index, block))
        for number, placed in self.blocks.items():
            ordered.extend((number, 1, top, 0, block) for top, block in placed)
        ordered.sort(key=lambda item: (item[0], item[2], item[1], item[3]) if item[0] in self.regions else item[:4])
        return numbered([block for *_, block in ordered])

    def read_any(self) -> bool:
        return any(self.blocks.values())

    def metadata(self) -> dict[str, str]:
        """The pages OCR read, whole or a picture on them."""
        read = [number for number, placed in self.blocks.items() if placed or number in self.pages]
        return {"ocr_pages": _ranges(read)} if read else {}


def numbered(blocks: list[Block]) -> list[Block]:
    """Grids numbered 0, 1, 2… in the order they come (their cells' provenance too), when they are not."""
    grids = [block for block in blocks if isinstance(block, Grid)]
    if all(block.prov.table == index for index, block in enumerate(grids)):
        return blocks
    out: list[Block] = []
    index = 0
    for block in blocks:
        if isinstance(block, Grid):
            block = block.numbered(index)
            index += 1
        out.append(block)
    return out


def read_pages(
    data: bytes, numbers: Sequence[int], first_table: int, lock: threading.Lock | None = None,
    regions: dict[int, list[BBox]] | None = None,
) -> OcrPages:
    """OCR the given pages (1-based) of a PDF, and on the pages of ``regions`` only those areas
    (points from the top-left); grids are numbered from ``first_table``."""
    ocr = engine()
    regions = regions or {}
    result = OcrPages(tuple(numbers), regions=tuple(sorted(regions)))
    tables: list[_Table] = []
    for number in sorted({*numbers, *regions}):
        tables.extend(_read_page(data, number, ocr, lock, result, regions.get(number)))
    grids: list[list[_Table]] = []
    for table in tables:
        if grids and _continues(grids[-1][-1], table, result):
            grids[-1].append(table)
        else:
            grids.append([table])
    for index, parts in enumerate(grids):
        first = parts[0]
        built = table_grid(parts, first_table + index)
        assert first.page is not None
        result.blocks.setdefault(first.page, []).append((first.image.to_points(first.table.box)[1], built))
    return result


def _read_page(
    data: bytes, number: int, ocr: Engine, lock: threading.Lock | None, result: OcrPages, areas: list[BBox] | None,
) -> list[_Table]:
    wanted = REREAD.get()

    def forced(upright: PageImage, box: grid.Box) -> bool:
        return cell_key(number, None, upright.to_points(box)) in wanted

    def sharper(upright: PageImage) -> reading.Sharper:
        def sharp() -> PageImage:
            image, size = page.render(data, number, page.RE_READ_DPI, lock)
            return page.upright(_only(image, areas, page.RE_READ_DPI), size, page.RE_READ_DPI, angle=upright.angle)

        return sharp

    def make() -> tuple[PageImage, reading.Read]:
        image, size = page.render(data, number, page.DPI, lock)
        upright = page.upright(_only(image, areas, page.DPI), size, page.DPI)
        read = reading.read_image(
            upright, ocr, sharper(upright), rules_only=areas is None, forced=lambda box: forced(upright, box)
        )
        return upright, read

    upright, read = reading.remembered(("page", number, tuple(areas or ())), make, sharper, forced, ocr)
    placed = result.blocks.setdefault(number, [])
    if areas is not None and not read.ruled and read.borderless is None:
        return []  # a picture without a table (a seal, a photograph): not the reader's text
    for box, text, confidence in read.lines:
        bbox = upright.to_points(box)
        prov = Provenance(page=number, bbox=bbox, ocr=True, confidence=confidence)
        placed.append((bbox[1], Paragraph(text=text, prov=prov)))
    if read.borderless is not None:
        built, notes = borderless_grid(read.borderless, upright, number, None, -1)
        placed.append((upright.to_points(read.borderless.box)[1], built))
        result.warnings.extend(notes)
    return [_Table(number, upright, table, readings) for table, readings in read.ruled]


def _only(image: np.ndarray, areas: list[BBox] | None, dpi: int) -> np.ndarray:
    """The page image with everything outside ``areas`` (points) painted white."""
    if areas is None:
        return image
    scale = dpi / 72
    kept = np.full_like(image, 255)
    for x0, y0, x1, y1 in areas:
        a, b, c, d = int(x0 * scale), int(y0 * scale), int(x1 * scale) + 1, int(y1 * scale) + 1
        kept[b:d, a:c] = image[b:d, a:c]
    return kept


def _continues(last: _Table, table: _Table, result: OcrPages) -> bool:
    """A table ending at the foot of a page goes on in one opening the next with the same columns."""
    if last.page is None or table.page != last.page + 1 or table.table.n_cols != last.table.n_cols:
        return False
    height = last.image.image.shape[0]
    below = last.image.to_points((0, last.table.box[3], 0, int(height * (1 - MARGIN_BAND))))
    above = table.image.to_points((0, int(table.image.image.shape[0] * MARGIN_BAND), 0, table.table.box[1]))
    if _text_between(result, last.page, below) or _text_between(result, last.page + 1, above):
        return False
    width = last.image.image.shape[1]
    return bool(np.allclose(last.table.columns, table.table.columns, atol=0.015 * width))


def _text_between(result: OcrPages, number: int, band: tuple[float, float, float, float]) -> bool:
    tops = [block.prov.bbox[1] for _, block in result.blocks.get(number, []) if isinstance(block, Paragraph) and block.prov.bbox]
    return any(band[1] < top < band[3] for top in tops)


def table_grid(parts: list[_Table], index: int) -> Grid:
    """One table's parts as a grid: merged cells repeated in every slot they cover, ``merged`` on the copies."""
    rows: list[tuple[GridCell, ...]] = []
    may_continue: list[int] = []
    for part in parts:
        if rows:
            may_continue.append(len(rows))
        top = len(rows)
        slots: list[list[GridCell | None]] = [[None] * part.table.n_cols for _ in range(part.table.n_rows)]
        for cell, read in zip(part.table.cells, part.readings):
            text, bbox = clean_cell(read.text), part.image.to_points(cell.box)
            for r in range(cell.row, cell.row + cell.rows):
                for c in range(cell.col, cell.col + cell.cols):
                    prov = Provenance(
                        page=part.page, image=part.picture, bbox=bbox, table=index, row=top + r, col=c, ocr=True,
                        confidence=read.confidence,
                    )
                    slots[r][c] = GridCell(text=text, prov=prov, merged=(r, c) != (cell.row, cell.col))
        for r, slot_row in enumerate(slots):
            rows.append(tuple(
                cell or GridCell(text="", prov=Provenance(page=part.page, image=part.picture, table=index, row=top + r, col=c, ocr=True))
                for c, cell in enumerate(slot_row)
            ))
    first = parts[0]
    prov = Provenance(page=first.page, image=first.picture, bbox=first.image.to_points(first.table.box), table=index, ocr=True)
    return Grid(rows=tuple(rows), prov=prov, may_continue=tuple(may_continue))


def borderless_grid(
    table: BorderlessTable, image: PageImage, number: int | None, picture: int | None, index: int
) -> tuple[Grid, list[Note]]:
    """A table without rules as a grid (text across columns repeated in each, as a merged cell), and
    a P-OCR-UNPLACED note for the text that has no cell."""
    slots: dict[tuple[int, int], GridCell] = {}
    for cell in table.cells:
        text = clean_cell(" ".join(box.text for box in cell.boxes))
        bbox = image.to_points((
            min(b.box[0] for b in cell.boxes), min(b.box[1] for b in cell.boxes),
            max(b.box[2] for b in cell.boxes), max(b.box[3] for b in cell.boxes),
        ))
        confidence = min(box.confidence for box in cell.boxes)
        for c in range(cell.col, cell.col + cell.cols):
            prov = Provenance(
                page=number, image=picture, bbox=bbox, table=index, row=cell.row, col=c, ocr=True, confidence=confidence
            )
            slots[cell.row, c] = GridCell(text=text, prov=prov, merged=c != cell.col)
    rows = tuple(
        tuple(
            slots.get((r, c)) or GridCell(text="", prov=Provenance(page=number, image=picture, table=index, row=r, col=c, ocr=True))
            for c in range(table.n_cols)
        )
        for r in range(table.n_rows)
    )
    where = f"page {number}" if number is not None else f"picture {picture}"
    notes = [
        ("P-OCR-UNPLACED", f"{where}: text read by OCR in a table without rules has no cell of its own "
                           f"(it lies between or across columns): “{box.text}” ({box.confidence:.2f}); check it against the original")
        for box in table.unplaced
    ]
    prov = Provenance(page=number, image=picture, bbox=image.to_points(table.box), table=index, ocr=True)
    return Grid(rows=rows, prov=prov), notes


def _ranges(numbers: Sequence[int]) -> str:
    """1,2,3,5 → "1-3,5"."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)

