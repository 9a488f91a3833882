"""Pictures of the printed table around a finding's cells, for audit.html: a PDF's page rendered with
pypdfium2 and cropped to the table's width and the rows involved, the cells outlined, embedded as a
PNG data URI so that a finding can go into a rectification notice as it was printed.

One picture per table and page of a report, shared by its findings, few and small: at most
``MAX_CROPS`` per report, ``MAX_WIDTH`` pixels wide, a 64-colour palette. A source that cannot be
opened (moved since the parse, or not a PDF) gets no picture; the page numbers still say where.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.normalize.schema import Cell, Finding

MAX_CROPS = 6
MAX_WIDTH = 760  # pixels
MARGIN = 30.0  # points above and below the rows involved
LEFT_MARGIN = 0.08  # of the page's width: where a table's label column begins at the latest
_OUTLINE = {"error": (192, 57, 43), "warning": (214, 137, 16), "info": (93, 138, 168)}
log = logging.getLogger(__name__)


@dataclass
class Crop:
    page: int
    table: str
    boxes: list[tuple[tuple[float, float, float, float], str]] = field(default_factory=list)  # bbox, severity
    numbers: list[int] = field(default_factory=list)  # the findings (by their number on the page) it shows
    uri: str = ""


def plan(findings: Sequence[tuple[int, Finding]], cells: dict[str, Cell]) -> list[Crop]:
    """The pictures a report's findings need: per (page, table), the boxes of their cells."""
    crops: dict[tuple[int, str], Crop] = {}
    for number, finding in findings:
        for place in finding.evidence.get("places", ()):
            key, page, bbox = place.get("cell"), place.get("page"), place.get("bbox")
            if not key or not page or not bbox or key not in cells:
                continue
            table = key.split(".", 1)[0]
            if (page, table) not in crops and len(crops) >= MAX_CROPS:
                continue
            crop = crops.setdefault((page, table), Crop(page, table))
            crop.boxes.append((tuple(bbox), finding.severity))
            if number not in crop.numbers:
                crop.numbers.append(number)
    return list(crops.values())


def render(source: str, crops: list[Crop], cells: dict[str, Cell]) -> list[Crop]:
    """The crops with their pictures; [] when the source cannot be rendered."""
    if not crops or Path(source).suffix.lower() != ".pdf":
        return []
    try:
        import pypdfium2

        pdf = pypdfium2.PdfDocument(source)
    except Exception as exc:  # a moved or unreadable file: the finding keeps its page number
        log.info("no picture of %s: %s", source, exc)
        return []
    try:
        return [crop for crop in crops if _draw(pdf, crop, cells)]
    finally:
        pdf.close()


def _draw(pdf: object, crop: Crop, cells: dict[str, Cell]) -> bool:
    from PIL import ImageDraw

    try:
        page = pdf[crop.page - 1]  # type: ignore[index]
    except (IndexError, KeyError):
        return False
    width, height = page.get_size()
    table = [c.provenance.bbox for c in cells.values()
             if c.table == crop.table and c.provenance.page == crop.page and c.provenance.bbox]
    # from the page's left margin, so that the printed row labels (not cells) are in the picture
    left = max(0.0, min([b[0] for b in table] + [b[0][0] for b in crop.boxes] + [width * LEFT_MARGIN]) - 8)
    right = min(width, max([b[2] for b in table] + [b[0][2] for b in crop.boxes]) + 8)
    top = max(0.0, min(b[0][1] for b in crop.boxes) - MARGIN)
    bottom = min(height, max(b[0][3] for b in crop.boxes) + MARGIN)
    if right - left < 1 or bottom - top < 1:
        return False
    scale = min(2.0, MAX_WIDTH / (right - left))
    image = page.render(scale=scale, crop=(left, height - bottom, width - right, top)).to_pil().convert("RGB")
    draw = ImageDraw.Draw(image)
    for (x0, y0, x1, y1), severity in crop.boxes:
        draw.rectangle([(x0 - left) * scale, (y0 - top) * scale, (x1 - left) * scale, (y1 - top) * scale],
                       outline=_OUTLINE.get(severity, _OUTLINE["info"]), width=2)
    buffer = io.BytesIO()
    image.convert("P", palette=1, colors=64).save(buffer, format="PNG", optimize=True)  # 1: Image.ADAPTIVE
    crop.uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return True
