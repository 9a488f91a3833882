"""Pictures inside DOCX and HTML files (a table pasted as an image): read by OCR into the blocks the
reader makes where the picture stands, numbered by the picture's place among the document's pictures.

A picture is worked on as a page at 200 dpi would be: one whose text is small (a screenshot) is
enlarged first. Its ruled tables are read cell by cell, or its text makes a table without rules; a
picture without a table (a logo, a seal, a photograph) gives nothing.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from xxgk.ingest.document import Block, Paragraph, Provenance
from xxgk.ingest.ocr import REREAD, cell_key, grid, page, reading
from xxgk.ingest.ocr.engine import engine
from xxgk.ingest.ocr.page import PageImage
from xxgk.ingest.ocr.pdfpages import _Table, borderless_grid, table_grid

Note = tuple[str, str]
# Smaller pictures (pixels) are icons and bullets, not tables.
MIN_SIDE = 60
MIN_AREA = 200 * 120
# A picture narrower than this (pixels) is enlarged to it: a screenshot's 12-pixel text becomes
# about as tall as a 200-dpi scan's, which the recogniser reads best.
WORK_WIDTH = 1400
MAX_ENLARGE = 3.0
# Larger pictures are not decoded (a hostile file's 100-megapixel image).
MAX_PIXELS = 40_000_000


def read_picture(data: bytes, number: int) -> tuple[list[Block], list[Note]]:
    """The tables (and the text around them) in picture ``number`` of the document, with notes."""
    decoded = _decode(data)
    if decoded is None:
        return [], []
    height, width = decoded.shape
    if min(height, width) < MIN_SIDE or height * width < MIN_AREA:
        return [], []
    factor = min(MAX_ENLARGE, max(1.0, WORK_WIDTH / width))
    wanted = REREAD.get()

    def forced(upright: PageImage, box: grid.Box) -> bool:
        return cell_key(None, number, upright.to_points(box)) in wanted

    def sharper(upright: PageImage) -> reading.Sharper:
        def sharp() -> PageImage:
            image = reading.resized(decoded, factor * page.RE_READ_DPI / page.DPI)
            return page.upright(image, upright.size, page.RE_READ_DPI, angle=upright.angle, unit=page.DPI / page.RE_READ_DPI / factor)

        return sharp

    def make() -> tuple[PageImage, reading.Read]:
        upright = page.upright(reading.resized(decoded, factor), (float(width), float(height)), page.DPI, unit=1 / factor)
        return upright, reading.read_image(upright, engine(), sharper(upright), forced=lambda box: forced(upright, box))

    upright, read = reading.remembered(("picture", number, len(data)), make, sharper, forced, engine())
    if not read.ruled and read.borderless is None:
        return [], []
    placed: list[tuple[float, Block]] = []
    notes: list[Note] = []
    for box, text, confidence in read.lines:
        bbox = upright.to_points(box)
        placed.append((bbox[1], Paragraph(text=text, prov=Provenance(image=number, bbox=bbox, ocr=True, confidence=confidence))))
    for table, readings in read.ruled:
        built = table_grid([_Table(None, upright, table, readings, picture=number)], -1)
        placed.append((upright.to_points(table.box)[1], built))
    if read.borderless is not None:
        grid, notes = borderless_grid(read.borderless, upright, None, number, -1)
        placed.append((upright.to_points(read.borderless.box)[1], grid))
    return [block for _, block in sorted(placed, key=lambda item: item[0])], notes


def _decode(data: bytes) -> np.ndarray | None:
    """The picture in greyscale (transparent parts as paper), or None when it is not an image OpenCV
    reads or is too large (its size read from its header first: Pillow comes with pdfplumber)."""
    try:
        with Image.open(io.BytesIO(data)) as header:
            if header.width * header.height > MAX_PIXELS:
                return None
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        return None
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(1, int(image.max())))
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / 255
        image = (image[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
