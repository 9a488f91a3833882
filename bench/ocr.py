#!/usr/bin/env python3
"""Seconds per scanned page and per table picture, and peak memory of OCR (the xxgk[ocr] extra), one
process, one thread.

    python bench/ocr.py fixtures/ocr/*/source.* [--corpus /work/shared/corpus]

Each page of each scanned PDF is read alone as ``--jobs 1`` reads it (render, deskew, tables cell by
cell, the rest by detection), after the models are loaded; a page with a table counts as a table
page, the others as narrative pages (a PDF page whose text layer reads is not OCR's and is left out).
Each picture of a DOCX or HTML file is read alone as its reader reads it (a table picture). With
``--corpus``, the corpus PDFs r02 and r03 are scanned as the fixtures were (fixtures/generator/scan.py,
into a temporary folder), timed the same way, and parsed whole against their truth. Prints wall and
CPU seconds (medians) for each kind, cells right against truth, and the peak resident memory of the
process (a worker's, models included).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from xxgk import parse_file  # noqa: E402
from xxgk.ingest.document import Grid  # noqa: E402
from xxgk.ingest.ocr import pdfpages, pictures  # noqa: E402
from xxgk.ingest.ocr.engine import engine  # noqa: E402

CORPUS_SCANS = ("r02_hongze_district_2024", "r03_huaian_city_2024")


def scanned_pages(data: bytes) -> list[int]:
    """The pages without text (a scan's), 1-based."""
    document = pdfium.PdfDocument(data)
    try:
        found = []
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            if not textpage.get_text_range().strip():
                found.append(index + 1)
            textpage.close()
        return found
    finally:
        document.close()


def picture_blobs(path: Path) -> list[bytes]:
    """A DOCX's pictures (word/media, in document order) or an HTML page's (data: URIs, files beside it)."""
    from xxgk.ingest import docx, html

    if path.suffix == ".docx":
        document = docx._open(path.read_bytes())
        body = document.element.body
        return [document.part.related_parts[rid].blob for p in body.iter(docx._P) for rid in docx._pictures(p)]
    text = path.read_text(encoding="utf-8")
    finder = html._Pictures(path.parent)
    root, _ = html._parse(text)
    assert root is not None
    return [data for img in root.iter("img") if (data := finder._data((img.get("src") or "").strip())) is not None]


def bench_file(path: Path, times: dict[str, list[tuple[float, float]]]) -> None:
    if path.suffix in (".docx", ".html"):
        for number, blob in enumerate(picture_blobs(path), 1):
            wall, cpu = time.perf_counter(), time.process_time()
            pictures.read_picture(blob, number)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            times.setdefault("table picture", []).append((wall, cpu))
            print(f"{path} picture {number}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
        return
    data = path.read_bytes()
    for number in scanned_pages(data):
        wall, cpu = time.perf_counter(), time.process_time()
        read = pdfpages.read_pages(data, [number], 0)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        kind = "table page" if any(isinstance(b, Grid) for _, b in read.blocks.get(number, [])) else "narrative page"
        times.setdefault(kind, []).append((wall, cpu))
        print(f"{path} page {number}: {kind} {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)


def score(report, truth: dict) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(cells as in truth, cells in truth)."""
    cells = {f"{c.table}.{c.row_key}.{c.col_key}": c for c in report.cells if c.position in ("exact", "inferred")}
    right = 0
    for key, expected in truth["cells"].items():
        cell = cells.get(key)
        got = Decimal(str(cell.value)) if cell is not None and cell.kind == "number" else None
        right += got == (None if expected is None else Decimal(str(expected)))
    return right, len(truth["cells"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--corpus", type=Path, help="scan the corpus PDFs r02 and r03 (into a temporary folder) and add them")
    args = parser.parse_args()
    engine()  # loaded once per worker, before its files' clocks start
    times: dict[str, list[tuple[float, float]]] = {}
    for path in args.files:
        bench_file(path, times)
    with tempfile.TemporaryDirectory() as tmp:
        if args.corpus:
            spec = importlib.util.spec_from_file_location("scan", ROOT / "fixtures" / "generator" / "scan.py")
            assert spec is not None and spec.loader is not None
            scan = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(scan)
            for name in CORPUS_SCANS:
                scanned = Path(tmp) / f"{name}.pdf"
                scanned.write_bytes(scan.scanned((args.corpus / name / "source.pdf").read_bytes()))
                bench_file(scanned, times)
                truth = json.loads((args.corpus / name / "truth.json").read_text(encoding="utf-8"))
                right, total = score(parse_file(scanned), truth)
                print(f"{name} scanned: {right}/{total} cells as in truth")
    for kind, found in times.items():
        print(f"{kind}s: {len(found)}, median {statistics.median(w for w, _ in found):.2f} s wall, "
              f"{statistics.median(c for _, c in found):.2f} s CPU each")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
