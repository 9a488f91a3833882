"""The reader table: readers asked in order, each imported only when a file could be its."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xxgk.ingest.reader import READERS, candidates, known_extensions, reader, reader_modules

ROOT = Path(__file__).resolve().parent.parent
HEADS = (b"%PDF-1.7\n", b"<!DOCTYPE html><html>", b"PK\x03\x04", "二〇二一年".encode(), b"\xd0\xcf\x11\xe0")


@pytest.mark.parametrize(("name", "extensions", "sniffs"), READERS)
def test_the_table_says_what_each_reader_takes(name: str, extensions: tuple[str, ...], sniffs: bool) -> None:
    module = reader(name)
    assert tuple(module.extensions) == extensions
    others = sorted(known_extensions() - set(extensions)) + [".xyz"]
    taken = {(ext, head) for ext in others for head in HEADS if module.accepts(Path(f"report{ext}"), head)}
    if sniffs:
        assert taken  # it does look at the first bytes
    else:
        assert not taken  # its extensions only: never asked about another's files


@pytest.mark.parametrize(("suffix", "asked"), [
    (".txt", ("text",)),
    (".html", ("html",)),
    (".json", ("html", "embedded")),
    (".docx", ("html", "docx")),
    (".pdf", ("html", "pdf")),
    (".doc", ("html", "pdf", "legacy")),
    (".xyz", ("html", "pdf")),
])
def test_candidates_are_the_sniffing_readers_up_to_the_owner(suffix: str, asked: tuple[str, ...]) -> None:
    assert candidates(suffix) == asked


def test_a_batch_preloads_the_readers_of_its_extensions() -> None:
    assert reader_modules([".txt", ".TXT"]) == ["xxgk.ingest.text"]
    assert reader_modules([".txt", ".docx"]) == ["xxgk.ingest.text", "xxgk.ingest.html", "xxgk.ingest.docx"]


def test_a_text_report_loads_no_other_reader_nor_jieba(corpus: Path) -> None:
    source = next(corpus.glob("*/source.txt"))
    code = (
        "import sys; from xxgk import parse_file; from xxgk.tasks import parse_task; parse_task(sys.argv[1], sys.argv[1]);"
        " print(' '.join(m for m in ('pdfplumber', 'pypdfium2', 'docx', 'lxml', 'jieba') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(source)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
