#!/usr/bin/env python3
"""The PDF reports as a user runs them: whole-process `xxgk parse --jobs 1` against a plain pdfplumber
pass (extract_text() and extract_tables() on every page) over the same files, also as a whole process.

    python bench/pdfprocess.py [PDF or DIR ...] [--rounds 5]

Without arguments: the PDFs of the corpus (../shared/corpus or $XXGK_CORPUS) and of fixtures/, but
the scanned ones (fixtures/ocr: their text is OCR's, which pdfplumber does not do). Each round runs
both commands, taking turns which goes first, each xxgk run into a fresh OUT (its removal not timed);
after one warm-up round (disk cache, .pyc files). The ratio of each round is xxgk's wall time over
the baseline's; the median is reported (issue 15: at most 0.35, aim 0.25). Everything a user waits
for counts: the interpreter's start, imports, the worker, writing every output file.
bench/speed.py times the reader and the pipeline inside one process instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("XXGK_CORPUS") or ROOT.parent / "shared" / "corpus")

BASELINE = """
import sys
import pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()
"""


def pdf_files(arguments: list[str]) -> list[Path]:
    if not arguments:
        found = sorted(CORPUS.glob("*/*.pdf")) + sorted(CORPUS.glob("*.pdf"))
        return found + sorted(p for p in (ROOT / "fixtures").glob("**/*.pdf") if "ocr" not in p.parts)
    files: list[Path] = []
    for argument in map(Path, arguments):
        files.extend(sorted(argument.glob("**/*.pdf")) if argument.is_dir() else [argument])
    return files


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="PDF files or directories")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (one run of each command)")
    args = parser.parse_args()
    files = [str(p) for p in pdf_files(args.paths)]
    if not files:
        print("no PDF files found", file=sys.stderr)
        return 2
    baseline = [sys.executable, "-c", BASELINE, *files]
    with tempfile.TemporaryDirectory(prefix="xxgk-pdfprocess-") as tmp:
        out = Path(tmp) / "out"

        def xxgk() -> float:
            shutil.rmtree(out, ignore_errors=True)
            return timed([sys.executable, "-c", "from xxgk.cli import run; run()", "parse", *files, "-o", str(out),
                          "-q", "--jobs", "1"])

        xxgk(), timed(baseline)  # warm-up
        ours, base = [], []
        for turn in range(args.rounds):
            if turn % 2:
                base.append(timed(baseline))
                ours.append(xxgk())
            else:
                ours.append(xxgk())
                base.append(timed(baseline))
    ratios = [o / b for o, b in zip(ours, base)]
    print(f"{len(files)} PDFs, {args.rounds} rounds, whole processes")
    print(f"plain pdfplumber pass:   median {statistics.median(base):6.2f} s  (" + ", ".join(f"{t:.2f}" for t in base) + ")")
    print(f"xxgk parse --jobs 1:     median {statistics.median(ours):6.2f} s  (" + ", ".join(f"{t:.2f}" for t in ours) + ")")
    print(f"xxgk / pdfplumber:       median {statistics.median(ratios):6.2f}    (" + ", ".join(f"{r:.2f}" for r in ratios)
          + ")  target (issue 15): <= 0.35, aim 0.25")
    return 0


if __name__ == "__main__":
    sys.exit(main())
