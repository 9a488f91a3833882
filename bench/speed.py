"""How fast the PDF reader is, against plain pdfplumber text and table extraction of every page;
and how many DOCX and HTML reports the whole pipeline parses per second.

    python bench/speed.py [PDF or DIR ...] [--repeat N]

Without arguments: the PDFs of ../shared/corpus and fixtures/**/*.pdf. Contenders: the baseline,
the reader (PDFium engine, the default), the reader with its reference engine (pdfplumber for the
pages with tables), and the whole pipeline. Each file is read once to
warm caches (pdfminer's CMaps, imports), then timed N times per contender, taking turns; the best
time counts, as the least disturbed by other processes. Ratios below 1.0 mean the reader is faster than the
baseline. When the whole pipeline (xxgk.parse_file) is importable it is timed too.
"""

from __future__ import annotations

import argparse
import gc
import io
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xxgk.ingest.pdf import READER, PdfReader  # noqa: E402  (needs the checkout on sys.path)

CORPUS = ROOT.parent / "shared" / "corpus"

Runner = Callable[[Path, bytes], object]


def baseline(path: Path, data: bytes) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()


def reader(path: Path, data: bytes) -> None:
    READER.read(path, data, str(path))


PLUMBER_READER = PdfReader("pdfplumber")


def plumber_reader(path: Path, data: bytes) -> None:
    """The reader with its reference engine: pdfplumber reads every page with tables."""
    PLUMBER_READER.read(path, data, str(path))


def pipeline_runner() -> Runner | None:
    """The lead's whole pipeline, when it exists in this checkout."""
    try:
        from xxgk import parse_file  # type: ignore[attr-defined]
    except ImportError:
        return None
    return lambda path, data: parse_file(path)


def warms_up(name: str, run: Runner, path: Path, data: bytes) -> bool:
    try:
        run(path, data)
    except Exception as exc:  # a benchmark reports a failing file and goes on
        print(f"  {path.name}: {name} failed: {type(exc).__name__}: {exc}")
        return False
    return True


def best_times(contenders: dict[str, Runner], path: Path, data: bytes, repeat: int) -> dict[str, float | None]:
    """Best of `repeat` runs per contender after one warm-up each (None when it fails). Runs take
    turns, each round led by another contender, so neither load elsewhere on the machine nor the
    garbage of the previous run always hits the same one."""
    names = [name for name, run in contenders.items() if warms_up(name, run, path, data)]
    best = dict.fromkeys(names, math.inf)
    for turn in range(repeat if names else 0):
        shift = turn % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            start = time.perf_counter()
            contenders[name](path, data)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: best.get(name) for name in contenders}


def pdf_files(arguments: list[str]) -> list[Path]:
    if not arguments:
        found = sorted(CORPUS.glob("*/*.pdf")) + sorted((ROOT / "fixtures").glob("**/*.pdf"))
        return found
    files: list[Path] = []
    for argument in map(Path, arguments):
        files.extend(sorted(argument.glob("**/*.pdf")) if argument.is_dir() else [argument])
    return files


def label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def ratio(ours: float | None, base: float | None) -> str:
    return f"{ours / base:.2f}" if ours is not None and base else "-"


def ms(seconds: float | None) -> str:
    return f"{seconds * 1000:.0f}" if seconds is not None else "-"


def table_row(name: str, times: dict[str, float | None], width: int) -> str:
    cells = [f"{name:<{width}}", *(f"{ms(value):>12}" for value in times.values())]
    cells.append(f"{ratio(times['reader'], times['baseline']):>11}")
    if "pipeline" in times:
        cells.append(f"{ratio(times['pipeline'], times['baseline']):>9}")
    return "  ".join(cells)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="PDF files or directories")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per file and contender")
    options = parser.parse_args()
    files = pdf_files(options.paths)
    if not files:
        print("no PDF files found")
        return 0
    contenders: dict[str, Runner] = {"baseline": baseline, "reader": reader, "plumber-eng": plumber_reader}
    pipeline = pipeline_runner()
    if pipeline is None:
        print("xxgk.parse_file is not importable: timing the reader only")
    else:
        contenders["pipeline"] = pipeline

    width = max(len(label(path)) for path in files)
    header = [f"{'file':<{width}}", *(f"{name + ' ms':>12}" for name in contenders), f"{'reader/base':>11}"]
    print("  ".join(header + ([f"{'pipe/base':>9}"] if pipeline else [])))
    totals: dict[str, float | None] = dict.fromkeys(contenders, 0.0)
    for path in files:
        times = best_times(contenders, path, path.read_bytes(), options.repeat)
        print(table_row(label(path), times, width))
        if all(value is not None for value in times.values()):  # totals compare like with like
            totals = {name: (totals[name] or 0.0) + (times[name] or 0.0) for name in contenders}
    print(table_row("TOTAL", totals, width))
    print("target (issue 15): pipe/base <= 0.35 (aim 0.25); plumber-eng is the reader with its reference engine")
    if pipeline is not None:
        print()
        for suffix in (".docx", ".html"):
            rate = reports_per_second(suffix, options.repeat)
            print(f"{suffix} reports per second (whole pipeline, one core): {rate}")
    return 0


def reports_per_second(suffix: str, repeat: int) -> str:
    """Whole-pipeline rate over the fixtures and corpus files of one format."""
    from xxgk import parse_file

    files = sorted((ROOT / "fixtures").glob(f"**/*{suffix}")) + sorted(CORPUS.glob(f"*/*{suffix}"))
    if not files:
        return "no files"
    for path in files:
        parse_file(path)
    start = time.perf_counter()
    for _ in range(repeat):
        for path in files:
            parse_file(path)
    elapsed = time.perf_counter() - start
    return f"{repeat * len(files) / elapsed:.1f} ({len(files)} files x {repeat})"


if __name__ == "__main__":
    sys.exit(main())
