"""Blocks → items: every text layout becomes rows of cells here, in one place.

Text lines are split on tabs, on pipes (' | ' rows, markdown tables, one cell per line ending in
'|'), or kept whole. Grid rows keep their cells, with horizontally merged copies dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from xxgk.ingest.document import Block, Grid, Paragraph, Provenance
from xxgk.parsers.model import Item

# "行政许可 0", "规章 0 0 0": a label and its numbers on one line, separated by spaces only
# (PDF-to-text conversions). Narrative never ends in a bare run of numbers like this.
_LABEL_NUMBERS = re.compile(r"^(?P<label>[^\d\s][^\d。]{0,29}?)\s+(?P<nums>[+\-]?\d+(?:\.\d+)?(?:\s+[+\-]?\d+(?:\.\d+)?)*)$")
# A page number printed between lines ("— 5 —", "- 3 -", "第 2 页"): layout, not content.
PAGE_FOOTER = re.compile(r"^[—\-–－\s]*\d{1,3}[—\-–－\s]*$|^第\s*\d+\s*页")
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def split_line(line: str) -> list[str] | None:
    """Cells of one text line; None for a line that is only structure (separators, padding)."""
    stripped = line.strip()
    if "\t" in line:
        # Every cell is kept, trailing empty ones too: where the delimiters survive they say which
        # columns a row's values stand in ('规章\t22\t\t': 22, blank, blank). A separator that only
        # ends the row is a surplus blank the table parsers drop.
        return [p.strip() for p in line.rstrip("\r\n").split("\t")]
    if "|" not in stripped:
        match = _LABEL_NUMBERS.match(stripped)
        if match and not match["label"].rstrip().endswith(("第", "共", "计", "约", "为", "有")):
            return [match["label"].strip(), *match["nums"].split()]
        return [stripped]
    if _MD_SEPARATOR.match(stripped):
        return None
    if set(stripped) <= {"|", " "}:
        # A lone '|' closes one empty cell; a run of them pads merged cells and holds no cell.
        return [""] if stripped.count("|") == 1 else None
    parts = stripped.split("|")
    if stripped.startswith("|"):
        parts.pop(0)
    if stripped.endswith("|"):
        parts.pop()
    return [p.strip() for p in parts]


def items_from_blocks(blocks: Iterable[Block]) -> list[Item]:
    items: list[Item] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            for offset, line in enumerate(block.text.splitlines()):
                texts = split_line(line)
                if texts is None:
                    continue
                prov = block.prov
                if offset and prov.line is not None:
                    prov = prov.model_copy(update={"line": prov.line + offset})
                items.append(Item([(c, prov) for c in texts], prov))
        elif isinstance(block, Grid):
            for index, row in enumerate(block.rows):
                cells: list[tuple[str, Provenance]] = []
                previous = None
                continues = index in block.may_continue
                for cell in row:
                    # A merged copy beside its original repeats a label across columns: keep one.
                    # A row that may continue the row above keeps only its own cells (not the group
                    # labels merged down onto it), so that its text is only what it prints itself.
                    if cell.merged and (continues or (previous is not None and previous.text == cell.text)):
                        continue
                    cells.append((cell.text, cell.prov))
                    previous = cell
                if row:
                    items.append(Item(cells, row[0].prov, from_grid=True, may_continue=continues))
    return items
