"""The recogniser and detector: RapidOCR's PP-OCR models, loaded once per process from its wheel.

RapidOCR downloads a model only when the one it is asked for is not on disk; we name the files its
wheel ships, so it never does (tests/test_ocr.py runs it with the network shut).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from xxgk.errors import NeedsOcrError
from xxgk.ingest.ocr import INSTALL_HINT

# Crops recognised per onnxruntime call; they are padded to the widest of the batch.
REC_BATCH = 16
# The recogniser sees lines 48 pixels high; a batch holds at most this many columns of them.
REC_HEIGHT = 48
REC_COLUMNS = 2400
# The longer side of the image the detector looks at (pixels): a 200-dpi page is scaled to half.
DETECT_SIDE = 1280


@dataclass(frozen=True, slots=True)
class TextBox:
    """A line of text the detector found: its box in image pixels, text and confidence (0-1)."""

    box: tuple[float, float, float, float]  # x0, top, x1, bottom
    text: str
    confidence: float


class Engine:
    def __init__(self) -> None:
        try:
            import rapidocr
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise NeedsOcrError(f"OCR is needed but not installed: {INSTALL_HINT}") from exc
        models = Path(rapidocr.__file__).parent / "models"
        found = {task: sorted(models.glob(f"*_{task}_*.onnx")) for task in ("det", "rec", "cls")}
        if not all(found.values()):
            raise NeedsOcrError(f"the installed rapidocr ships no models in {models}; reinstall: {INSTALL_HINT}")
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self._ocr: Any = RapidOCR(params={
            "Global.log_level": "error",
            "Global.use_cls": False,  # pages are upright after deskewing; the classifier only costs time
            "Det.model_path": str(found["det"][-1]),
            "Rec.model_path": str(found["rec"][-1]),
            "Cls.model_path": str(found["cls"][-1]),
            "Rec.rec_batch_num": REC_BATCH,
            # A batch is padded to its widest crop but never narrower than this: the default (320
            # pixels) made every one-digit cell cost as much as a line of text, eight times its own.
            "Rec.rec_img_shape": [3, 48, 48],
            # One thread a worker: a batch runs one worker per CPU, and more threads only contend.
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })

    def recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence of each crop (greyscale, one line of text each), in order."""
        read: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for chunk in _chunks(crops):
            result = self._ocr.recognize_txt([_bgr(crops[index]) for index in chunk])
            for index, text, score in zip(chunk, result.txts, result.scores):
                read[index] = (str(text), float(score))
        return read

    def detect_and_read(self, image: np.ndarray) -> list[TextBox]:
        """Every line of text on a greyscale image: detection on the image scaled down to DETECT_SIDE
        (lines stay far taller than the detector needs; a quarter of the time), then recognition of
        each line cropped from the full image (small text must not lose its strokes)."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        scale = min(1.0, DETECT_SIDE / max(image.shape))
        small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
        found = self._ocr(_bgr(small), use_cls=False, use_rec=False)
        if found.boxes is None:
            return []
        quads = [np.asarray(quad, dtype=np.float32) / scale for quad in found.boxes]
        crops = [get_rotate_crop_image(image, quad.copy()) for quad in quads]
        boxes = []
        for quad, (text, score) in zip(quads, self.recognise(crops)):
            xs, ys = quad[:, 0], quad[:, 1]
            boxes.append(TextBox((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), text, score))
        return boxes


def _chunks(crops: list[np.ndarray]) -> list[list[int]]:
    """Crops in runs of similar width whose padded batch stays within REC_COLUMNS: sixteen lines of
    text in one batch took 0.8 GB more address space than a worker may have."""
    widths = [REC_HEIGHT * crop.shape[1] / max(1, crop.shape[0]) for crop in crops]
    chunks: list[list[int]] = []
    for index in sorted(range(len(crops)), key=lambda i: widths[i]):
        if chunks and (len(chunks[-1]) + 1) * widths[index] <= REC_COLUMNS and len(chunks[-1]) < REC_BATCH:
            chunks[-1].append(index)
        else:
            chunks.append([index])
    return chunks


def _bgr(image: np.ndarray) -> np.ndarray:
    return np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image


_ENGINE: Engine | None = None
_LOCK = threading.Lock()


def engine() -> Engine:
    """The process's engine, loaded on first use (about a second; a worker keeps it)."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            _ENGINE = Engine()
        return _ENGINE
