"""One upright image read: its ruled tables cell by cell, then the rest by detection and recognition,
where a picture's text may make a table without rules (borderless.py). The same for a scanned PDF
page, a table pasted into a PDF page as an image, and a picture inside a DOCX or HTML file.

Cells and boxes read below the confidence threshold are read once more from the image at a higher
resolution; the reading with the higher confidence stands (what it says is never chosen by what it
should say).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from xxgk.ingest.ocr import LOW_CONFIDENCE, READS, borderless, cells, grid, page
from xxgk.ingest.ocr.borderless import BorderlessTable
from xxgk.ingest.ocr.engine import Engine, TextBox
from xxgk.ingest.ocr.page import PageImage
from xxgk.ingest.pdf import tidy

# Rules are this many pixels wide after scanning (at 200 dpi): a cell's ink starts inside them.
INSET = 4
# Paper kept around a detected box read again from the sharper image (pixels at 200 dpi).
BOX_PAD = 4

Line = tuple[tuple[float, float, float, float], str, float]  # box in pixels, text, confidence
Sharper = Callable[[], PageImage]


@dataclass
class Read:
    """What one image holds: ruled tables with each cell's reading, a table without rules (pictures
    only), and the text lines outside the tables, in pixels of the image."""

    ruled: list[tuple[grid.RuledTable, list[cells.Reading]]]
    borderless: BorderlessTable | None
    lines: list[Line]


def read_image(
    upright: PageImage, ocr: Engine, sharper: Callable[[], PageImage], rules_only: bool = False,
    forced: Callable[[grid.Box], bool] = lambda box: False,
) -> Read:
    """Read ``upright``; ``sharper`` gives it at a higher resolution for re-reads. ``rules_only``: text
    outside ruled tables is lines of text (a scanned page's prose), never a table without rules.
    ``forced``: ruled cells (by their box) read again at the higher resolution whatever their confidence."""
    binary = page.ink(upright.image)
    found = grid.find_tables(binary, upright.dpi)
    boxes = [[cells.lines_of(upright.image, binary, cell.box, INSET) for cell in table.cells] for table in found]
    readings = cells.read(ocr, [lines for table in boxes for lines in table])
    every = [cell for table in found for cell in table.cells]
    low = [
        index for index, reading in enumerate(readings)
        if reading.confidence is not None and (reading.confidence < LOW_CONFIDENCE or forced(every[index].box))
    ]
    sharp: list[PageImage] = []  # rendered once, when first wanted

    def sharpened() -> PageImage:
        if not sharp:
            sharp.append(sharper())
        return sharp[0]

    if low:
        readings = _reread_cells(upright, sharpened(), found, readings, low, ocr)
    ruled, start = [], 0
    for table in found:
        ruled.append((table, readings[start:start + len(table.cells)]))
        start += len(table.cells)
    rest = upright.image.copy()
    for table in found:
        x0, y0, x1, y1 = table.box
        rest[y0:y1, x0:x1] = 255
    detected = ocr.detect_and_read(rest) if page.ink(rest).any() else []
    if rules_only or found:
        return Read(ruled, None, _joined(borderless.bands(detected)))
    unruled, above, below = borderless.find(detected)
    if unruled is not None:
        unruled = _reread_boxes(upright, sharpened, unruled, ocr)
    return Read(ruled, unruled, _joined(above) + _joined(below))


def remembered(
    key: Hashable, make: Callable[[], tuple[PageImage, Read]], sharper: Callable[[PageImage], Sharper],
    forced: Callable[[PageImage, grid.Box], bool], ocr: Engine,
) -> tuple[PageImage, Read]:
    """``make()`` (an image made upright and read), or what it gave the first time with the ruled cells
    ``forced`` names read again from ``sharper(upright)()``."""
    kept = READS.get()  # set by xxgk.api.parse_file around its readings of one file
    if kept is None:
        return make()
    if key not in kept:
        upright, read = make()
        # The image itself is not kept: a second reading only needs its size and how it was turned.
        kept[key] = (replace(upright, image=np.broadcast_to(np.uint8(255), upright.image.shape)), read)
        return upright, read
    upright, read = kept[key]
    found = [table for table, _ in read.ruled]
    every = [cell for table in found for cell in table.cells]
    readings = [reading for _, table_readings in read.ruled for reading in table_readings]
    low = [index for index, reading in enumerate(readings) if reading.confidence is not None and forced(upright, every[index].box)]
    if not low:
        return upright, read
    readings = _reread_cells(upright, sharper(upright)(), found, readings, low, ocr)
    ruled, start = [], 0
    for table in found:
        ruled.append((table, readings[start:start + len(table.cells)]))
        start += len(table.cells)
    return upright, Read(ruled, read.borderless, read.lines)


def _reread_cells(
    first: PageImage, sharp: PageImage, found: list[grid.RuledTable], readings: list[cells.Reading], low: list[int], ocr: Engine,
) -> list[cells.Reading]:
    binary = page.ink(sharp.image)
    factor = sharp.dpi / first.dpi
    every = [cell for table in found for cell in table.cells]
    boxes = [_scaled(every[index].box, factor) for index in low]
    again = cells.read(ocr, [cells.lines_of(sharp.image, binary, box, int(INSET * factor)) for box in boxes])
    readings = list(readings)
    for index, reading in zip(low, again):
        old = readings[index].confidence or 0.0
        if reading.confidence is not None and reading.confidence > old:
            readings[index] = reading
    return readings


def _reread_boxes(first: PageImage, sharpened: Callable[[], PageImage], table: BorderlessTable, ocr: Engine) -> BorderlessTable:
    """The table with its boxes read below the threshold read again from the sharper image."""
    low = [box for cell in table.cells for box in cell.boxes if box.confidence < LOW_CONFIDENCE]
    if not low:
        return table
    sharp = sharpened()
    factor = sharp.dpi / first.dpi
    height, width = sharp.image.shape
    crops = []
    for box in low:
        x0, y0, x1, y1 = (int(v * factor) for v in box.box)
        pad = int(BOX_PAD * factor)
        crop = sharp.image[max(0, y0 - pad):min(height, y1 + pad), max(0, x0 - pad):min(width, x1 + pad)]
        crops.append(crop if crop.size else np.full((8, 8), 255, dtype=np.uint8))
    better = {
        id(box): TextBox(box.box, text, score)
        for box, (text, score) in zip(low, ocr.recognise(crops)) if score > box.confidence
    }
    placed = tuple(
        borderless.Placed(tuple(better.get(id(box), box) for box in cell.boxes), cell.row, cell.col, cell.cols)
        for cell in table.cells
    )
    return BorderlessTable(table.box, table.n_rows, table.n_cols, placed, table.unplaced)


def _scaled(box: grid.Box, factor: float) -> grid.Box:
    return (int(box[0] * factor), int(box[1] * factor), int(box[2] * factor), int(box[3] * factor))


def _joined(lines: list[list[TextBox]]) -> list[Line]:
    """Each line's boxes as one line of text, with their joint box and lowest confidence."""
    joined = []
    for line in lines:
        text = tidy(" ".join(b.text for b in line))
        if text:
            bbox = (min(b.box[0] for b in line), min(b.box[1] for b in line), max(b.box[2] for b in line), max(b.box[3] for b in line))
            joined.append((bbox, text, min(b.confidence for b in line)))
    return joined


def resized(image: np.ndarray, factor: float) -> np.ndarray:
    if factor == 1:
        return image
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA)
