"""Ruled tables on an upright page image: the rules by morphology, the cells as the regions they enclose.

Every cell is a connected region of paper inside the table's rules; the rules' positions give the
columns and rows, so a merged cell spans the slots between the rules it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from xxgk.ingest.ocr.page import horizontal_rules, vertical_rules

Box = tuple[int, int, int, int]  # x0, top, x1, bottom in pixels (exclusive ends)

# Rules of one table are within this many pixels of each other at 200 dpi (line width and scan blur).
SNAP = 8
# The smallest table: two rows of cells and two columns.
MIN_TABLE_ROWS = 2
MIN_TABLE_COLS = 2
# A cell is at least this many pixels either way (smaller regions are gaps where rules cross).
MIN_CELL = 10


@dataclass(frozen=True)
class CellBox:
    box: Box
    row: int
    col: int
    rows: int  # slots spanned down
    cols: int  # slots spanned across


@dataclass(frozen=True)
class RuledTable:
    box: Box
    n_rows: int
    n_cols: int
    cells: tuple[CellBox, ...]
    columns: tuple[float, ...]  # the x of each vertical rule, left to right


def rules_mask(binary: np.ndarray, dpi: int) -> np.ndarray:
    """Horizontal and vertical rules, their joints closed."""
    # A vertical rule crosses at least one text row (about 0.2 inch); strokes of characters are shorter.
    rules = horizontal_rules(binary) | vertical_rules(binary, max(15, dpi // 5))
    return cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))


def find_tables(binary: np.ndarray, dpi: int) -> list[RuledTable]:
    """The ruled tables of a page (ink 255 on 0), top to bottom."""
    mask = rules_mask(binary, dpi)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    tables = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        if w < 4 * MIN_CELL * MIN_TABLE_COLS or h < 2 * MIN_CELL * MIN_TABLE_ROWS:
            continue
        table = _cells(mask[y:y + h, x:x + w], (int(x), int(y)))
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda table: table.box[1])


def _cells(mask: np.ndarray, origin: tuple[int, int]) -> RuledTable | None:
    h, w = mask.shape
    count, _, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_not(mask), connectivity=4)
    boxes: list[Box] = []
    for label in range(1, count):
        x, y, cw, ch, _ = stats[label]
        if x == 0 or y == 0 or x + cw == w or y + ch == h:
            continue  # paper outside the rules, reaching the table's bounding box
        if cw < MIN_CELL or ch < MIN_CELL:
            continue
        boxes.append((int(x), int(y), int(x + cw), int(y + ch)))
    if not boxes:
        return None
    xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
    cols, rows = _bounds(xs), _bounds(ys)
    if len(cols) - 1 < MIN_TABLE_COLS or len(rows) - 1 < MIN_TABLE_ROWS:
        return None
    ox, oy = origin
    cells = []
    for x0, y0, x1, y1 in boxes:
        c0, c1 = _slot(cols, x0), _slot(cols, x1)
        r0, r1 = _slot(rows, y0), _slot(rows, y1)
        if c1 <= c0 or r1 <= r0:
            continue
        cells.append(CellBox((x0 + ox, y0 + oy, x1 + ox, y1 + oy), r0, c0, r1 - r0, c1 - c0))
    return RuledTable((ox, oy, ox + w, oy + h), len(rows) - 1, len(cols) - 1, tuple(cells), tuple(x + ox for x in cols))


def _snap(values: list[int]) -> list[list[int]]:
    """Positions grouped where they lie within SNAP of the next (the two sides of one rule)."""
    groups: list[list[int]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= SNAP:
            groups[-1].append(value)
        else:
            groups.append([value])
    return groups


def _bounds(groups: list[list[int]]) -> list[float]:
    return [(group[0] + group[-1]) / 2 for group in groups]


def _slot(bounds: list[float], value: int) -> int:
    return min(range(len(bounds)), key=lambda index: abs(bounds[index] - value))
