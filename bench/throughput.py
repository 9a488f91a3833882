#!/usr/bin/env python3
"""Text-report throughput, peak memory against the number of reports, and the start of one file.

    python bench/throughput.py [--copies 1500] [SOURCE ...]

Copies the text sources (default: every .txt/.md report under fixtures/ and the corpus,
../shared/corpus or $XXGK_CORPUS) N times into a temporary folder, each copy made unique so every
report is really parsed, then runs the whole `xxgk parse` pipeline (reading, parsing, checks, the
store, writing every output file) in a fresh process on one core, twice: with N/5 and with N copies.
It prints reports per second and the peak resident memory of each run; memory that does not grow
with N shows that reports stream. Then the figures issue 15 asks for, in the same run:

- `xxgk parse --jobs 1` on the N copies as a user runs it (one worker; the parent beside it);
- `xxgk parse one-report.txt -o out`, wall time, median of five;
- `import xxgk`, as -X importtime counts it, median of five;
- the parse-only rate (no output files), in this process.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import os, resource, sys, time
os.sched_setaffinity(0, {0})
from xxgk.batch import run_parse
start = time.perf_counter()
run_parse([sys.argv[1]], sys.argv[2])
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def sources(given: list[str]) -> list[Path]:
    if given:
        return [Path(p) for p in given]
    found = sorted(ROOT.glob("fixtures/**/source.txt")) + sorted(ROOT.glob("fixtures/**/source.md"))
    corpus = Path(os.environ.get("XXGK_CORPUS") or ROOT.parent / "shared" / "corpus")
    found += sorted(corpus.glob("*/source.txt"))
    return found


def make_copies(texts: list[tuple[str, str]], n: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        name, text = texts[i % len(texts)]
        # A trailing line makes each copy's content (and so its report_id) unique.
        (folder / f"{i:06d}_{name}").write_text(f"{text}\n\n编号 {i}\n", encoding="utf-8")


def run(folder: Path, out: Path) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(out)], capture_output=True, text=True, env=env, check=True
    )
    elapsed, rss_kb = result.stdout.split()
    return float(elapsed), int(rss_kb)


def cli_jobs1(folder: Path, out: Path) -> float:
    """Seconds of `xxgk parse FOLDER -o OUT --jobs 1` in a fresh process, as a user runs it."""
    command = [sys.executable, "-c", "from xxgk.cli import run; run()", "parse", str(folder), "-o", str(out), "-q", "--jobs", "1"]
    start = time.perf_counter()
    subprocess.run(command, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    return time.perf_counter() - start


def one_file(source: Path, tmp: Path, runs: int = 5) -> float:
    """Median wall seconds of `xxgk parse SOURCE -o OUT` into a fresh OUT (nothing resumed)."""
    times = []
    for n in range(runs + 1):
        command = [sys.executable, "-c", "from xxgk.cli import run; run()", "parse", str(source), "-o", str(tmp / f"one{n}"), "-q"]
        start = time.perf_counter()
        subprocess.run(command, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])  # the first warms the disk cache


def import_seconds(runs: int = 5) -> float:
    """Median seconds `import xxgk` takes, as python -X importtime counts it (cumulative, microseconds)."""
    found = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import xxgk"], capture_output=True, text=True,
                                check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
        line = next(line for line in result.stderr.splitlines() if re.search(r"\|\s*xxgk$", line))
        found.append(int(line.split("|")[1]) / 1e6)
    return statistics.median(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="*")
    parser.add_argument("--copies", type=int, default=1500)
    args = parser.parse_args()
    paths = sources(args.sources)
    if not paths:
        print("no text sources found", file=sys.stderr)
        return 2
    texts = [(p.parent.name + p.suffix, p.read_text(encoding="utf-8", errors="replace")) for p in paths]
    print(f"{len(texts)} distinct text reports, copied to {args.copies} files")

    from xxgk import parse_file

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        small, large = max(1, args.copies // 5), args.copies
        make_copies(texts, small, tmp_path / "small")
        make_copies(texts, large, tmp_path / "large")

        files = sorted((tmp_path / "small").iterdir())
        parse_file(files[0])  # imports and caches warm, as in a long batch
        start = time.perf_counter()
        for path in files:
            parse_file(path)
        parse_rate = len(files) / (time.perf_counter() - start)

        small_time, small_rss = run(tmp_path / "small", tmp_path / "out-small")
        large_time, large_rss = run(tmp_path / "large", tmp_path / "out-large")
        jobs1_time = cli_jobs1(tmp_path / "large", tmp_path / "out-jobs1")
        one_time = one_file([p for p in paths if p.suffix == ".txt"][-1], tmp_path)  # a real report, when there are
    import_time = import_seconds()

    print(f"parse only (no output), this process:  {parse_rate:8.1f} reports/s")
    print(f"xxgk parse, one core, {small:>6} reports: {small / small_time:8.1f} reports/s, peak RSS {small_rss / 1024:7.1f} MB")
    print(f"xxgk parse, one core, {large:>6} reports: {large / large_time:8.1f} reports/s, peak RSS {large_rss / 1024:7.1f} MB")
    print(f"peak memory ratio {large}/{small} reports: {large_rss / small_rss:.2f} (1.0 = flat)")
    print(f"xxgk parse --jobs 1, {large:>6} reports:  {large / jobs1_time:8.1f} reports/s")
    print(f"xxgk parse one-report.txt -o out:      {one_time:8.2f} s wall (median of 5)")
    print(f"import xxgk (-X importtime):           {import_time:8.3f} s (median of 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
