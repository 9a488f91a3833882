"""Plain text and markdown reports (.txt, .md): decoding and lines as paragraphs.

Table layouts inside the text (tabs, pipes, one cell per line, markdown) are left to the parsers,
which turn lines into cell rows in one place for every format. A .txt whose content is an HTML page (as
saved, or in a JSON/JavaScript string) is read as HTML: ingest/embedded.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from xxgk.errors import NotTextError
from xxgk.ingest.document import Document, Paragraph, Provenance
from xxgk.ingest.reader import report_id

# Plain text files whose content may be an HTML page (ingest/embedded.py); markdown may hold HTML tables
# among its own lines, so it stays markdown.
SNIFFED = (".txt", ".text")
# Tried strictly in this order; the first that decodes the whole file wins. GB18030 is a superset
# of GBK, so GBK is tried first only to record the narrower name when it suffices.
CANDIDATES = ("utf-8-sig", "gbk", "gb18030")


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding used). Raises NotTextError for binary data."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotTextError("file holds binary data (NUL bytes), not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for name in CANDIDATES:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "utf-8-sig":
            name = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        if _looks_binary(text):
            break
        return text, name
    raise NotTextError("file is not text in UTF-8, GBK or GB18030")


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    return len(_CONTROL.findall(sample)) > max(4, len(sample) // 100)


@lru_cache(maxsize=65536)
def _line(number: int) -> Provenance:
    """Line ``number``'s provenance: the same in every file, and frozen, so made once (a text file has a
    paragraph per line: its provenance was half of reading one)."""
    return Provenance(line=number)


class TextReader:
    format = "text"
    extensions = (".txt", ".md", ".markdown", ".text")

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, data: bytes, source: str) -> Document:
        text, encoding = decode(data)
        if path.suffix.lower() in SNIFFED:
            from xxgk.ingest import embedded  # which imports this module

            found = embedded.find_html(text, path.suffix.lower())
            if found is not None:  # an HTML page saved as text, or carried in a string
                return embedded.document(found, path, data, source, encoding)
        blocks = tuple(
            Paragraph(text=line, prov=_line(number))
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        )
        return Document(
            source=source,
            report_id=report_id(data),
            format="text",
            encoding=encoding,
            metadata={"filename": path.name},
            blocks=blocks,
        )


READER = TextReader()
