#!/usr/bin/env python3
"""Seconds per scanned page and peak memory of OCR (the xxgk[ocr] extra), one process, one thread.

    python bench/ocr.py fixtures/ocr/*/source.pdf [more.pdf ...]

Each page of each PDF is read alone as ``--jobs 1`` reads it (render, deskew, tables cell by cell,
the rest by detection), after the models are loaded; a page with a ruled table counts as a table
page, the others as narrative pages. Prints wall and CPU seconds (medians) for each kind and the
peak resident memory of the process (a worker's, models included).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdfium2 as pdfium  # noqa: E402

from xxgk.ingest.document import Grid  # noqa: E402
from xxgk.ingest.ocr import pdfpages  # noqa: E402
from xxgk.ingest.ocr.engine import engine  # noqa: E402


def pages(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="+", type=Path)
    args = parser.parse_args()
    engine()  # loaded once per worker, before its files' clocks start
    times: dict[str, list[tuple[float, float]]] = {"table": [], "narrative": []}
    for pdf in args.pdfs:
        data = pdf.read_bytes()
        for number in range(1, pages(data) + 1):
            wall, cpu = time.perf_counter(), time.process_time()
            read = pdfpages.read_pages(data, [number], 0)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            kind = "table" if any(isinstance(b, Grid) for _, b in read.blocks.get(number, [])) else "narrative"
            times[kind].append((wall, cpu))
            print(f"{pdf} page {number}: {kind} {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
    for kind, found in times.items():
        if found:
            print(f"{kind} pages: {len(found)}, median {statistics.median(w for w, _ in found):.2f} s wall, "
                  f"{statistics.median(c for _, c in found):.2f} s CPU per page")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
