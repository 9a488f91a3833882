"""Reading what a cell holds: its ink cropped into text lines, each line through the recogniser.

A cell without ink is blank (never a zero). A cell whose only ink is one flat stroke is a dash,
whatever character the recogniser takes it for (一, _, -).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from xxgk.ingest.ocr.engine import Engine

Box = tuple[int, int, int, int]

# Specks smaller than this many pixels (at 200 dpi) are scan noise, not ink.
MIN_SPECK = 6
# Rows of ink closer than this are one text line (the parts of 三 or 二 are not lines of their own).
LINE_GAP_SHARE = 0.35
# White margin around a line crop: the recogniser was trained on lines with some paper around them.
PAD = 6
DASH = "—"
# Runs of ink joined into one line are at most this many times the tallest run high.
LINE_SLACK = 1.3


@dataclass(frozen=True)
class Reading:
    """What a cell or text line reads: its text lines joined by newlines, and the lowest confidence
    among them (None for a blank: nothing was read)."""

    text: str
    confidence: float | None


@dataclass(frozen=True)
class _Line:
    crop: np.ndarray
    flat: bool  # one flat stroke: a dash


def lines_of(image: np.ndarray, binary: np.ndarray, box: Box, inset: int) -> list[_Line]:
    """The text lines inside ``box`` (rules kept out by ``inset`` pixels), each cropped to its ink."""
    x0, y0, x1, y1 = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    if x1 - x0 < 3 or y1 - y0 < 3:
        return []
    cell = binary[y0:y1, x0:x1]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cell, connectivity=8)
    keep = [label for label in range(1, count) if stats[label][4] >= MIN_SPECK and not _touches_edge(stats[label], cell.shape)]
    if not keep:
        return []
    parts = sorted((int(stats[k][1]), int(stats[k][1] + stats[k][3]), k) for k in keep)
    # Runs of rows with ink: a line of text, or a stroke of a character with gaps (三, 二, 、).
    runs: list[list[tuple[int, int, int]]] = []
    for part in parts:
        if runs and part[0] < max(p[1] for p in runs[-1]):
            runs[-1].append(part)
        else:
            runs.append([part])
    tallest = max(_height(run) for run in runs)
    # Runs close together make one line while it stays about one character high: two lines of a
    # wrapped label, or the characters of a column printed one under the other, stay apart.
    groups: list[list[tuple[int, int, int]]] = []
    for run in runs:
        near = bool(groups) and run[0][0] - _bottom(groups[-1]) <= max(2, tallest * LINE_GAP_SHARE)
        if near and _height(groups[-1] + run) <= LINE_SLACK * tallest:
            groups[-1].extend(run)
        else:
            groups.append(list(run))
    lines = []
    for group in groups:
        labels_in = [k for _, _, k in group]
        left = min(int(stats[k][0]) for k in labels_in)
        right = max(int(stats[k][0] + stats[k][2]) for k in labels_in)
        top = min(p[0] for p in group)
        bottom = max(p[1] for p in group)
        crop = image[y0 + top:y0 + bottom, x0 + left:x0 + right]
        crop = cv2.copyMakeBorder(crop, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)
        # A dash stands alone in its cell: one stroke at least three times as wide as it is high.
        flat = len(groups) == 1 and len(group) == 1 and (bottom - top) * 3 <= (right - left)
        lines.append(_Line(crop, flat))
    return lines


def _bottom(parts: list[tuple[int, int, int]]) -> int:
    return max(p[1] for p in parts)


def _height(parts: list[tuple[int, int, int]]) -> int:
    return _bottom(parts) - min(p[0] for p in parts)


def _touches_edge(stat: np.ndarray, shape: tuple[int, ...]) -> bool:
    # The remains of a rule that the inset did not clear run along the cell's edge.
    w, h = int(stat[2]), int(stat[3])
    long_flat = w > shape[1] * 0.8 and h <= 4
    long_tall = h > shape[0] * 0.8 and w <= 4
    return long_flat or long_tall


def read(engine: Engine, cells: Sequence[list[_Line]]) -> list[Reading]:
    """Each cell's reading, the recogniser run once over every line of every cell."""
    crops = [line.crop for lines in cells for line in lines if not line.flat]
    results = iter(engine.recognise(crops))
    readings = []
    for lines in cells:
        if not lines:
            readings.append(Reading("", None))
            continue
        texts, scores = [], []
        for line in lines:
            text, score = (DASH, 1.0) if line.flat else next(results)
            texts.append(text)
            scores.append(score)
        readings.append(Reading("\n".join(texts), min(scores)))
    return readings
