"""Broken or wrong documents of every format: one row each with a clear error, the batch finishes."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from xxgk.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _pdf(draw, **options: object) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, **options)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _text(pdf: canvas.Canvas) -> None:
    pdf.drawString(72, 720, "Annual report 2024")


def _image(pdf: canvas.Canvas) -> None:
    # a grey picture and no text: what a scanned page is
    pdf.drawImage(ImageReader(Image.new("RGB", (40, 40), "gray")), 72, 400, width=300, height=300)


@pytest.mark.slow  # the whole command line over every format
def test_every_bad_document_gets_one_clear_row(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = FIXTURES / "f01_pdf_ruled" / "source.pdf"
    shutil.copy(good, folder / "good.pdf")
    real = good.read_bytes()
    (folder / "corrupt.pdf").write_bytes(real[: len(real) // 3])
    (folder / "encrypted.pdf").write_bytes(_pdf(_text, encrypt="secret"))
    (folder / "scan.pdf").write_bytes(_pdf(_image))
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("photos/a.jpg", b"\xff\xd8not really a jpeg")
    (folder / "not-word.docx").write_bytes(zipped.getvalue())
    (folder / "news.html").write_text(
        "<html><head><meta charset='utf-8'><title>新闻</title></head><body><p>今天天气晴朗。</p></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["parse", str(folder), "-o", str(out), "-q"])
    assert result.exit_code == 1
    with open(out / "reports.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {Path(r["source"]).name: r for r in csv.DictReader(handle)}
    assert set(rows) == {"good.pdf", "corrupt.pdf", "encrypted.pdf", "scan.pdf", "not-word.docx", "news.html"}
    assert rows["good.pdf"]["status"] == "ok"
    expected = {
        "corrupt.pdf": ("failed", "CORRUPT"),
        "encrypted.pdf": ("failed", "ENCRYPTED"),
        "scan.pdf": ("failed", "NEEDS_OCR"),
        "not-word.docx": ("failed", "CORRUPT"),
        "news.html": ("skipped", "NOT_A_REPORT"),
    }
    for name, (status, code) in expected.items():
        assert (rows[name]["status"], rows[name]["error_code"]) == (status, code), rows[name]
        assert len(rows[name]["error"]) > 15  # a sentence a user can act on, not just a code
