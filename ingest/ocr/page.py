"""A page as a greyscale image: rendered from the PDF, binarised, and turned upright from its rules."""

from __future__ import annotations

import math
import threading
from contextlib import nullcontext
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium

# 200 dpi holds 10-point digits at about 20 pixels, enough for the recogniser; cells it is unsure
# of are read again at RE_READ_DPI.
DPI = 200
RE_READ_DPI = 400
# A rule is at least this share of the page width long.
RULE_SHARE = 0.25
# Scans are rotated by a degree or two; beyond this the page is not a tilted scan and is left as is.
MAX_SKEW_DEGREES = 5.0


@dataclass(frozen=True)
class PageImage:
    """A page rendered upright: ``image`` greyscale (0 ink … 255 paper) at ``dpi``; ``angle`` the
    rotation (degrees) applied to straighten it; ``size`` the page in PDF points. A picture (not a PDF
    page) is worked on as if at ``dpi`` and placed in its own pixels: ``unit`` of them to one of these."""

    image: np.ndarray
    dpi: int
    angle: float
    size: tuple[float, float]
    unit: float | None = None

    def to_points(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box in this image's pixels as PDF points from the top-left of the page (a picture's pixels)."""
        scale = self.unit if self.unit is not None else 72.0 / self.dpi
        return (box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale)


def render(data: bytes, number: int, dpi: int = DPI, lock: threading.Lock | None = None) -> tuple[np.ndarray, tuple[float, float]]:
    """Page ``number`` (1-based) as a greyscale image, and its size in points."""
    with lock or nullcontext():
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[number - 1]
            size = page.get_size()
            bitmap = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=False)
            image = np.array(bitmap.to_numpy(), copy=True)
            page.close()
        finally:
            pdf.close()
    if image.ndim == 3:
        image = image[:, :, 0]
    return image, (float(size[0]), float(size[1]))


def ink(image: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: a threshold that follows the local paper tone (shadows, uneven scans)."""
    return cv2.adaptiveThreshold(image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def horizontal_rules(binary: np.ndarray, share: float = RULE_SHARE / 8) -> np.ndarray:
    """Long horizontal strokes (table rules): opening with a long flat kernel keeps only them."""
    length = max(20, int(binary.shape[1] * share))
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))


def vertical_rules(binary: np.ndarray, length: int) -> np.ndarray:
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))


def skew(binary: np.ndarray) -> float:
    """The page's tilt in degrees, from its long horizontal rules (0 when it has none)."""
    width = binary.shape[1]
    # Short kernels still follow a tilted rule (it steps one pixel every 1/tan(angle) pixels).
    rules = horizontal_rules(binary, share=0.03)
    count, _, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    angles: list[tuple[float, float]] = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        if w < width * RULE_SHARE:
            continue
        ys, xs = np.nonzero(rules[y:y + h, x:x + w])
        if len(xs) < 2:
            continue
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        angles.append((math.degrees(math.atan(slope)), float(w)))
    if not angles:
        return 0.0
    angles.sort()
    half, total = sum(w for _, w in angles) / 2, 0.0
    for angle, w in angles:  # the length-weighted median: one odd rule does not tilt the page
        total += w
        if total >= half:
            return angle if abs(angle) <= MAX_SKEW_DEGREES else 0.0
    return 0.0


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.02:
        return image
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def upright(
    image: np.ndarray, size: tuple[float, float], dpi: int, angle: float | None = None, unit: float | None = None
) -> PageImage:
    """The page turned so that its rules are level (by ``angle`` when given: a re-read at another dpi)."""
    if angle is None:
        angle = skew(ink(image))
    return PageImage(rotate(image, angle), dpi, angle, size, unit)
