"""Tables without rules (a screenshot of a table): the grid from the geometry of the detected text.

Rows are bands of text whose heights overlap; columns are the stretches of the x axis that the text
of the fullest rows covers, with gaps between them. Words across several columns (a heading over a
group) are a merged cell; a number that falls between columns, or across columns in a row of cells,
has no place and is returned unplaced (the reader reports it) rather than guessed into one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xxgk.ingest.ocr.engine import TextBox

# A table has at least this many rows holding two cells or more, and two columns.
MIN_ROWS = 3
MIN_COLS = 2
# Rows with at least this share of the fullest row's cells give the columns.
FULL_SHARE = 0.6
# Text overlapping a column by less than this share of its width does not reach into it.
REACH = 0.2
# Text at least this share of whose width lies in no column falls between columns.
INSIDE = 0.5
# Boxes of one row whose heights overlap by more than this share of the smaller.
ROW_OVERLAP = 0.5


@dataclass(frozen=True)
class Placed:
    boxes: tuple[TextBox, ...]  # the text of one cell, left to right
    row: int
    col: int
    cols: int  # columns spanned


@dataclass(frozen=True)
class BorderlessTable:
    box: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    cells: tuple[Placed, ...]
    unplaced: tuple[TextBox, ...]


def bands(boxes: Sequence[TextBox]) -> list[list[TextBox]]:
    """Boxes grouped into lines (heights overlapping by half), top to bottom, each left to right."""
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: (b.box[1] + b.box[3]) / 2):
        if lines:
            last = lines[-1]
            top, bottom = min(b.box[1] for b in last), max(b.box[3] for b in last)
            overlap = min(bottom, box.box[3]) - max(top, box.box[1])
            if overlap > ROW_OVERLAP * min(bottom - top, box.box[3] - box.box[1]):
                last.append(box)
                continue
        lines.append([box])
    for line in lines:
        line.sort(key=lambda b: b.box[0])
    return lines


def find(boxes: Sequence[TextBox]) -> tuple[BorderlessTable | None, list[list[TextBox]], list[list[TextBox]]]:
    """The table the boxes make, if any, with the lines above it and below it."""
    lines = bands(boxes)
    multi = [index for index, line in enumerate(lines) if len(line) >= 2]
    if len(multi) < MIN_ROWS:
        return None, lines, []
    first, last = multi[0], multi[-1]
    rows = lines[first:last + 1]
    fullest = max(len(line) for line in rows)
    columns = _columns([box for line in rows if len(line) >= max(2, FULL_SHARE * fullest) for box in line])
    if len(columns) < MIN_COLS:
        return None, lines, []
    cells: list[Placed] = []
    unplaced: list[TextBox] = []
    for r, line in enumerate(rows):
        by_slot: dict[tuple[int, int], list[TextBox]] = {}
        for box in line:
            reached = _reached(box, columns, alone=len(line) == 1)
            if not reached:
                unplaced.append(box)
                continue
            by_slot.setdefault((reached[0], len(reached)), []).append(box)
        taken: set[int] = set()
        for (col, span), found in sorted(by_slot.items()):
            if taken & set(range(col, col + span)):
                unplaced.extend(found)
                continue
            taken.update(range(col, col + span))
            cells.append(Placed(tuple(found), r, col, span))
    every = [box for line in rows for box in line]
    extent = (min(b.box[0] for b in every), min(b.box[1] for b in every), max(b.box[2] for b in every), max(b.box[3] for b in every))
    table = BorderlessTable(extent, len(rows), len(columns), tuple(cells), tuple(unplaced))
    return table, lines[:first], lines[last + 1:]


def _columns(boxes: list[TextBox]) -> list[tuple[float, float]]:
    """The stretches of x the boxes cover, left to right (overlapping boxes make one stretch)."""
    spans: list[list[float]] = []
    for box in sorted(boxes, key=lambda b: b.box[0]):
        if spans and box.box[0] <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], box.box[2])
        else:
            spans.append([box.box[0], box.box[2]])
    return [(a, b) for a, b in spans]


def _reached(box: TextBox, columns: list[tuple[float, float]], alone: bool) -> list[int]:
    """The columns a box's text belongs to, left to right; none when it has no place. Words without a
    digit (a heading, a merged label) span every column they touch; a number belongs to the one column
    it lies in, or across several only as the one text of its row; a number mostly between columns
    belongs to none."""
    width = max(1.0, box.box[2] - box.box[0])
    overlaps = [(index, min(b, box.box[2]) - max(a, box.box[0]), b - a) for index, (a, b) in enumerate(columns)]
    if not any(ch.isdigit() for ch in box.text):
        return [index for index, overlap, _ in overlaps if overlap > 0]
    reached = [(index, overlap) for index, overlap, span in overlaps if overlap > REACH * min(width, span)]
    if sum(overlap for _, overlap in reached) < INSIDE * width or (len(reached) > 1 and not alone):
        return []
    return [index for index, _ in reached]
