"""Offline OCR of scanned pages and table images (the optional ``xxgk[ocr]`` extra).

RapidOCR's PP-OCR models (ONNX files inside the ``rapidocr`` wheel) run on onnxruntime; OpenCV does
the image work. Nothing is downloaded at run time. The modules: ``engine`` (the models), ``page``
(rendering, binarising, deskewing), ``grid`` (ruled tables found by their lines), ``cells`` (reading
cells and text lines, with confidence) and ``pdfpages`` (a PDF page to blocks).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from contextvars import ContextVar
from importlib.util import find_spec
from typing import Any, Literal

from xxgk.errors import NeedsOcrError

OcrMode = Literal["auto", "never", "always"]
INSTALL_HINT = "install the OCR extra: pip install 'xxgk[ocr]'"
# A cell or line read below this confidence is re-read once at a higher resolution; still below, its
# row gets P-OCR-LOW.
LOW_CONFIDENCE = 0.9
# When the readers run OCR (``xxgk parse --ocr``), set around one file's reading by xxgk.api.parse_file:
# the readers' interface stays (path, data, source) for every format.
MODE: ContextVar[OcrMode] = ContextVar("xxgk_ocr_mode", default="auto")
# A cell read by OCR: its page (PDF) or picture (DOCX, HTML) and its box, rounded (cell_key).
CellKey = tuple[int | None, int | None, tuple[float, ...]]
# Cells an identity failed on, read again at the higher resolution whatever their confidence (set by
# xxgk.api.parse_file around the second reading of the file; the identity never picks the reading).
REREAD: ContextVar[frozenset[CellKey]] = ContextVar("xxgk_ocr_reread", default=frozenset())


# One file's images as OCR read them the first time (a page, a picture: reading.remembered), kept while
# xxgk.api.parse_file may read the file again for an identity's cells: the second reading reads only
# those cells, at the higher resolution, instead of every image again. None: nothing is kept.
READS: ContextVar[dict[Hashable, Any] | None] = ContextVar("xxgk_ocr_reads", default=None)


def cell_key(page: int | None, image: int | None, bbox: Sequence[float]) -> CellKey:
    return (page, image, tuple(round(v, 1) for v in bbox))


def available() -> bool:
    """The extra is installed (its imports are found; nothing is loaded)."""
    return all(find_spec(name) is not None for name in ("rapidocr", "onnxruntime", "cv2", "numpy"))


def pages_to_read(mode: OcrMode, unreadable: Sequence[int], every: Sequence[int]) -> list[int]:
    """The pages OCR reads: none (``never``), those without a usable text layer (``auto``), or all."""
    if mode == "never" or (mode == "auto" and not unreadable):
        return []
    if not available():
        if mode == "always":
            raise NeedsOcrError(f"--ocr always but OCR is not installed: {INSTALL_HINT}")
        return []
    return list(every if mode == "always" else unreadable)


def read_pictures() -> bool:
    """Pictures in DOCX and HTML files are read (``--ocr auto`` or ``always``, the extra installed)."""
    return MODE.get() != "never" and available()


def pictures_not_read(count: int) -> list[tuple[str, str]]:
    """The reader's note for a document whose ``count`` pictures were not read (none when it has none)."""
    if not count:
        return []
    why = " (--ocr never)" if MODE.get() == "never" else f"; {INSTALL_HINT}"
    return [("NEEDS_OCR", f"{count} picture(s) not read: a table pasted as an image needs OCR{why}")]
