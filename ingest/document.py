"""The document model every reader returns, whatever the input format.

Readers never know what a 政府信息公开年度报告 is: they only turn a file into ordered blocks
(paragraphs and fully expanded cell grids), each carrying where it came from.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


class Provenance(BaseModel):
    """Where a piece of text sits in its source file.

    Text: 1-based ``line`` (and ``line_end`` when it spans lines). PDF: ``page`` (1-based) and
    ``bbox`` (x0, top, x1, bottom in PDF points). DOCX/HTML/PDF tables: ``table`` (0-based index
    in document order) and the grid ``row``/``col`` after merges are expanded. Text read by OCR
    (a scanned page, a table image): ``ocr`` and the recogniser's ``confidence`` (0-1; None for a
    cell without ink, which is blank). A picture inside a DOCX or HTML file: ``image`` (1-based, in
    document order) and ``bbox`` in the picture's pixels.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int | None = None
    line_end: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    ocr: bool = False
    confidence: float | None = None
    image: int | None = None

    @model_serializer(mode="wrap")
    def _without_ocr_defaults(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Text not read by OCR serialises as before these fields existed (reports.jsonl, the store).
        data: dict[str, Any] = handler(self)
        if not self.ocr:
            data.pop("ocr", None)
            data.pop("confidence", None)
        if self.image is None:
            data.pop("image", None)
        return data


class GridCell(BaseModel):
    """One cell of an expanded grid. A merged cell is repeated in every slot it covers,
    with ``merged`` set on the copies, so a label applies to every row it spans."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    prov: Provenance
    merged: bool = False


class Paragraph(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["paragraph"] = "paragraph"
    text: str
    prov: Provenance


class Grid(BaseModel):
    """A table as a full rectangle of cells (every row has the same number of columns)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["grid"] = "grid"
    rows: tuple[tuple[GridCell, ...], ...]
    prov: Provenance
    # Rows that open a page and may be the rest of the row above them, split by the page break,
    # where the layout cannot say (PDF): the parser decides by the labels.
    may_continue: tuple[int, ...] = ()

    def numbered(self, table: int) -> Grid:
        """The grid as table ``table`` of its document (readers that place OCR'd grids among their own)."""
        rows = tuple(
            tuple(cell.model_copy(update={"prov": cell.prov.model_copy(update={"table": table})}) for cell in row)
            for row in self.rows
        )
        return self.model_copy(update={"rows": rows, "prov": self.prov.model_copy(update={"table": table})})


Block = Paragraph | Grid


class Document(BaseModel):
    """What any reader produces."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    report_id: str
    format: Literal["text", "html", "docx", "pdf"]
    encoding: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    blocks: tuple[Block, ...] = ()
    # Problems the reader met but survived (e.g. pages without a text layer), as (code, message).
    warnings: tuple[tuple[str, str], ...] = ()
