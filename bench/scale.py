#!/usr/bin/env python3
"""Batch throughput on every core, the resumed re-run, and peak memory against the number of reports.

    python bench/scale.py [--n 1000] [--compare-n 5000] [--jobs 2] [--repeat 3]

Generates N synthetic reports in a temporary folder — text variants of the corpus's text reports
(../shared/corpus, else fixtures/) with their numbers perturbed so every report differs, plus about
5 % HTML and 2 % DOCX renderings of the same (paragraphs and <table>/Word tables), and with ``--pdf P``
P % copies of the corpus's PDF reports, each made a different file by a comment after its end (a
text report takes a hundredth of the time a PDF does: the default mix is the one where the fixed
cost of starting weighs most) — then runs ``xxgk parse`` on them in a fresh process:

- ``--jobs 1`` and ``--jobs J`` (default: every CPU) into fresh output folders, ``--repeat`` times
  (the ratios reported are the medians of the rounds: a shared machine is noisy);
- the same command again into the ``--jobs J`` folder: the resumed run, which should parse nothing;
- in each round, the machine's own baseline: a fixed piece of pure-Python work, alone and J at once —
  what any parallel program could gain on this machine at that moment;
- with ``--compare-n``: ``--jobs 1`` and ``--jobs J`` on that many reports, to show that peak memory
  does not grow with N, and the speed-up once the fixed cost of starting (loading the parser and
  jieba's dictionary, about a second, before any file is parsed) weighs less.

``--text`` makes every report a text one (issue 15's batch); ``--repeat 5`` gives five alternating
pairs. Two proxies for the speed-up that do not need a quiet machine: the CPU seconds the ``xxgk
parse`` process itself uses per report (it stores what the workers send and writes the files) as a
share of what a worker spends on one (measured in one process), and the serial start-up (when the
first report was stored).

Each run reports wall time, reports per second, when the last report was stored (the rest is writing
the output files), the machine's busy CPU seconds during the run and the cores they come to (on a
shared virtual machine the same work can take a quarter more CPU time from one run to the next), and
the peak memory of the whole process tree (the CLI, the forkserver, its workers and export processes),
two ways: ``peak MB``, the most the tree held at once, sampled every 250 ms, each page shared between
processes (the workers fork from one that has loaded the parser and jieba) counted once (PSS); and
``hwm MB``, the sum of each process's own peak resident memory, which misses no spike between samples
but counts a shared page in every process that maps it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
# The real reports: ../shared/corpus beside the checkout, or wherever XXGK_CORPUS points (as for the tests).
CORPUS = Path(os.environ.get("XXGK_CORPUS") or ROOT.parent / "shared" / "corpus")
_NUMBER = re.compile(r"(?<![\d.])\d{1,5}(?![\d.])")


def seeds() -> list[str]:
    paths = sorted(CORPUS.glob("*/source.txt")) or sorted(ROOT.glob("fixtures/**/source.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def variant(text: str, rng: random.Random, n: int) -> str:
    """The report with about a fifth of its numbers changed a little, and a unique last line."""
    changed = _NUMBER.sub(lambda m: str(int(m.group()) + rng.choice((0, 0, 0, 0, 1, 2))), text)
    return f"{changed}\n\n编号 {n}\n"


def blocks(text: str) -> list[str | list[list[str]]]:
    """Paragraphs and tables (runs of tab-separated lines) of a text report."""
    found: list[str | list[list[str]]] = []
    table: list[list[str]] = []
    for line in text.splitlines():
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table:
            found.append(table)
            table = []
        if line.strip():
            found.append(line.strip().lstrip("#").strip())
    if table:
        found.append(table)
    return found


def as_html(text: str) -> str:
    parts = ['<html><head><meta charset="utf-8"></head><body>']
    for block in blocks(text):
        if isinstance(block, str):
            parts.append(f"<p>{block}</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in block)
            parts.append(f'<table border="1">{rows}</table>')
    return "".join(parts) + "</body></html>"


def write_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for block in blocks(text):
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            width = max(len(row) for row in block)
            table = document.add_table(rows=len(block), cols=width)
            for r, row in enumerate(block):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    document.save(str(path))


def pdfs() -> list[bytes]:
    paths = sorted(CORPUS.glob("*/source.pdf")) or sorted(ROOT.glob("fixtures/**/source.pdf"))
    return [p.read_bytes() for p in paths]


def generate(folder: Path, n: int, pdf_percent: float = 0.0, text_only: bool = False) -> dict[str, int]:
    folder.mkdir(parents=True)
    texts, rng, kinds = seeds(), random.Random(n), {"txt": 0, "html": 0, "docx": 0, "pdf": 0}
    originals = pdfs() if pdf_percent else []
    every = round(100 / pdf_percent) if originals else 0
    for i in range(n):
        text = variant(texts[i % len(texts)], rng, i)
        kind = ("pdf" if every and i % every == every // 2 else "txt" if text_only else "html" if i % 20 == 7
                else "docx" if i % 50 == 13 else "txt")
        path = folder / f"{i // 1000:03d}" / f"report_{i:06d}.{kind}"
        path.parent.mkdir(exist_ok=True)
        if kind == "pdf":
            path.write_bytes(originals[i % len(originals)] + f"\n%xxgk-bench {i}\n".encode())
        elif kind == "txt":
            path.write_text(text, encoding="utf-8")
        elif kind == "html":
            path.write_text(as_html(text), encoding="utf-8")
        else:
            write_docx(text, path)
        kinds[kind] += 1
    return kinds


class Sampler(threading.Thread):
    """Peak memory of a process tree and the time its run stored its last report, polled every 250 ms.

    Two peaks: the largest sum of the processes' proportional set sizes seen at a poll (shared pages
    divided among the processes sharing them), and the sum of each process's own peak resident size
    (VmHWM, kept by the kernel, so no spike between polls is missed, but shared pages are counted in
    every process). Polling reads /proc only: the sampler must not take CPU from the run it measures.
    """

    def __init__(self, pid: int, store: Path, n: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.store, self.n = pid, store, n
        self.peaks: dict[int, int] = {}
        self.pss = 0
        self.stored_at: float | None = None
        self.first_at: float | None = None  # when the first report was stored: the serial start-up
        self.parent_parse_cpu: float | None = None  # the parse process's own CPU seconds then
        self.stored_cpu: float | None = None  # the machine's busy CPU seconds then
        self.start_time, self.start_cpu = time.perf_counter(), cpu_seconds()
        self.stop = threading.Event()

    @property
    def hwm(self) -> int:
        return sum(self.peaks.values())

    def run(self) -> None:
        while not self.stop.wait(0.25):
            tree = tree_peaks(self.pid)
            for pid, hwm in tree.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)
            self.pss = max(self.pss, sum(map(proportional_size, tree)))
            count = stored(self.store) if self.stored_at is None else self.n
            if self.first_at is None and count:
                self.first_at = time.perf_counter() - self.start_time
            if self.stored_at is None and count >= self.n:
                self.stored_at = time.perf_counter() - self.start_time
                self.parent_parse_cpu = process_cpu(self.pid)
                self.stored_cpu = cpu_seconds() - self.start_cpu


def tree_peaks(pid: int) -> dict[int, int]:
    """Peak resident bytes so far of a process and each of its descendants (read from the tree's own
    /proc entries: scanning every process on the machine four times a second cost 2 % of a core)."""
    found, todo = {}, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path("/proc", str(current), "status").read_text()
        except OSError:
            continue  # gone
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                found[current] = int(line.split()[1]) * 1024
        todo.extend(children(current))
    return found


def children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found = []
    for task in tasks:
        try:
            found.extend(int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except OSError:
            continue
    return found


def proportional_size(pid: int) -> int:
    """A process's resident bytes now, each page it shares with n processes counted as 1/n (0 when gone)."""
    try:
        rollup = Path("/proc", str(pid), "smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else 0


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user and system) one process has used so far; None when it is gone."""
    try:
        fields = Path("/proc", str(pid), "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> float:
    """CPU time the whole machine has spent busy (user, nice, system, irq, softirq), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def stored(store: Path) -> int:
    try:
        db = sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT count(*) FROM run_inputs WHERE run_id = (SELECT max(run_id) FROM runs)").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return 0
    return int(row[0])


@dataclass
class Run:
    label: str
    n: int
    seconds: float
    stored_at: float | None
    peak: int  # the most the tree held at once (PSS), 0 when it ended before the first poll
    hwm: int  # the sum of its processes' own peaks (shared pages counted in each)
    cpu: float  # busy CPU seconds of the machine during the run: the work done, whatever the wall time
    stored_cpu: float | None  # … until the last report was stored
    first_at: float | None  # when the first report was stored (polled every 250 ms)
    parent_cpu: float  # CPU seconds of the xxgk parse process itself (not its workers)
    parent_parse_cpu: float | None  # … until the last report was stored (polled)

    def row(self) -> str:
        stored_at = f"{self.stored_at:7.1f}" if self.stored_at is not None else "      -"
        stored_cpu = f"{self.stored_cpu:8.1f}" if self.stored_cpu is not None else "       -"
        first_at = f"{self.first_at:7.2f}" if self.first_at is not None else "      -"
        return (f"{self.label:<24} {self.n:>6} {self.seconds:8.1f} {self.n / self.seconds:9.1f} "
                f"{stored_at} {self.cpu:7.1f} {stored_cpu} {self.cpu / self.seconds:6.2f} "
                + "".join(f"{x / 2**20:9.0f}" if x else "        -" for x in (self.peak, self.hwm))
                + f" {first_at} {self.parent_cpu:9.2f}")


# The command line, telling at its exit the CPU seconds its own process used (not its workers').
CLI = """
import atexit, os, resource
def _cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["XXGK_BENCH_CPU"], "w") as handle:
        handle.write(str(usage.ru_utime + usage.ru_stime))
atexit.register(_cpu)
from xxgk.cli import main
main()
"""


def run(label: str, folder: Path, out: Path, n: int, jobs: int) -> Run:
    command = [sys.executable, "-c", CLI, "parse", str(folder), "-o", str(out), "-q", "--jobs", str(jobs)]
    cpu_file = out.parent / f"{out.name}.cpu"
    start, busy = time.perf_counter(), cpu_seconds()
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT), "XXGK_BENCH_CPU": str(cpu_file)})
    sampler = Sampler(process.pid, out / "xxgk.sqlite", n)  # its clocks start a moment after ours
    sampler.start()
    code = process.wait()
    seconds, busy = time.perf_counter() - start, cpu_seconds() - busy
    sampler.stop.set()
    sampler.join()
    if code not in (0, 1):
        raise SystemExit(f"{label}: xxgk parse exited with {code}")
    parent_cpu = float(cpu_file.read_text())
    cpu_file.unlink()
    return Run(label, n, seconds, sampler.stored_at, sampler.pss, sampler.hwm, busy, sampler.stored_cpu, sampler.first_at,
               parent_cpu, sampler.parent_parse_cpu)


def spin(_: int = 0) -> float:
    """A fixed piece of pure-Python work (dicts, strings, JSON, arithmetic) — no I/O, nothing shared."""
    start = time.perf_counter()
    table = {str(i): i * 2 for i in range(400_000)}
    json.loads(json.dumps(table))
    total = 0
    for i in range(2_000_000):
        total += i % 7
    return time.perf_counter() - start


def machine_speedup(jobs: int) -> float:
    """How much more of :func:`spin` this machine does with ``jobs`` processes at once than with one:
    the most any parallel program can gain here now (a shared virtual machine gives less than ``jobs``)."""
    alone = spin()
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pool.map(spin, range(jobs))  # the processes started and warm
        start = time.perf_counter()
        pool.map(spin, range(jobs), chunksize=1)
        together = time.perf_counter() - start
    return jobs * alone / together


PROBE = 200


def parse_cpu_per_report(folder: Path) -> float:
    """CPU seconds a worker spends on one report (parse, word counts, JSON), over PROBE of the batch's
    files in a fresh process after one warm-up file: what the parent's share is compared with."""
    probe = """
import sys, time
from pathlib import Path
from xxgk.tasks import parse_task
files = sorted(Path(sys.argv[1]).rglob("*.*"))[: int(sys.argv[2]) + 1]
parse_task(str(files[0]), str(files[0]))
start = time.process_time()
for path in files[1:]:
    parse_task(str(path), str(path))
print((time.process_time() - start) / (len(files) - 1))
"""
    result = subprocess.run([sys.executable, "-c", probe, str(folder), str(PROBE)], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return float(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="reports in the main runs")
    parser.add_argument("--compare-n", type=int, default=0, help="also run --jobs 1 and --jobs J on this many: peak memory vs N, speed-up")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="J: the parallel runs' workers")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the three main runs; the median ratio is reported")
    parser.add_argument("--pdf", type=float, default=0.0, metavar="P", help="P %% of the reports are copies of the corpus's PDFs")
    parser.add_argument("--text", action="store_true", help="text reports only (no HTML or Word renderings)")
    args = parser.parse_args()
    if not seeds():
        print("no text reports to copy (../shared/corpus or fixtures/)", file=sys.stderr)
        return 2
    rounds: list[tuple[Run, Run, Run]] = []
    machine: list[float] = []
    with tempfile.TemporaryDirectory(prefix="xxgk-scale-") as tmp:
        work = Path(tmp)
        kinds = generate(work / "in", args.n, args.pdf, args.text)
        worker_cpu = parse_cpu_per_report(work / "in")
        print(f"{args.n} reports: " + ", ".join(f"{count} {kind}" for kind, count in kinds.items() if count)
              + f"; {args.jobs} jobs on {os.cpu_count()} CPUs; {args.repeat} rounds")
        # Rounds alternate the runs, so that a slow minute on a shared machine does not fall on one side only.
        for r in range(args.repeat):
            one = run("--jobs 1", work / "in", work / f"out1-{r}", args.n, 1)
            many = run(f"--jobs {args.jobs}", work / "in", work / f"outJ-{r}", args.n, args.jobs)
            resumed = run(f"--jobs {args.jobs}, resumed", work / "in", work / f"outJ-{r}", args.n, args.jobs)
            rounds.append((one, many, resumed))
            machine.append(machine_speedup(args.jobs))
        big = big_one = None
        if args.compare_n:
            generate(work / "big", args.compare_n, args.pdf, args.text)
            big_one = run("--jobs 1", work / "big", work / "outBig1", args.compare_n, 1)
            big = run(f"--jobs {args.jobs}", work / "big", work / "outBig", args.compare_n, args.jobs)
    print(f"\n{'run':<24} {'files':>6} {'wall s':>8} {'files/s':>9} {'parsed s':>7} {'cpu s':>7} {'parsed cpu':>8} "
          f"{'cores':>6} {'peak MB':>9} {'hwm MB':>8} {'first s':>7} {'parent cpu':>9}")
    for runs in rounds:
        for r in runs:
            print(r.row())
    if big and big_one:
        print(big_one.row())
        print(big.row())
    speedups = [one.seconds / many.seconds for one, many, _ in rounds]
    print(f"\nspeed-up --jobs {args.jobs} over --jobs 1: median {median(speedups):.2f}× (rounds: "
          + ", ".join(f"{x:.2f}" for x in speedups) + ")")
    print(f"  the machine itself, {args.jobs} processes of pure-Python work at once over one: median "
          f"{median(machine):.2f}× (rounds: " + ", ".join(f"{x:.2f}" for x in machine) + ")")
    inflation = [many.cpu / one.cpu for one, many, _ in rounds]
    print(f"  the same files took median {median(inflation):.2f}× the CPU seconds with {args.jobs} at once (rounds: "
          + ", ".join(f"{x:.2f}" for x in inflation) + ")")
    print(f"  xxgk's speed-up as a share of the machine's: median "
          f"{median(s / m for s, m in zip(speedups, machine)):.2f}")
    if big and big_one:
        print(f"  on {big.n} reports: {big_one.seconds / big.seconds:.2f}×")
    print(f"  a worker's CPU per report (parse_task in one process, {PROBE} of the reports): {worker_cpu * 1000:.2f} ms")
    for jobs in sorted({1, args.jobs}):
        mine = [r for runs in rounds for r in runs[:2] if r.label == f"--jobs {jobs}"]
        whole = median(r.parent_cpu / r.n for r in mine)
        parsing = [r.parent_parse_cpu / r.n for r in mine if r.parent_parse_cpu is not None]
        print(f"  --jobs {jobs}: the parent's CPU per report until the last was stored: "
              + (f"median {median(parsing) * 1000:.2f} ms = {median(parsing) / worker_cpu:.2f} of a worker's" if parsing
                 else "-")
              + f"; in the whole run (start-up and export in this process included) {whole * 1000:.2f} ms;"
              f" serial start-up (first report stored) median {median(r.first_at for r in mine if r.first_at is not None):.2f} s")
    phases = [one.stored_at / many.stored_at for one, many, _ in rounds if one.stored_at and many.stored_at]
    if phases:
        print(f"  parse phase alone (until the last report was stored): median {median(phases):.2f}×")
    resumes = [many.seconds / resumed.seconds for _, many, resumed in rounds]
    print(f"resumed run: median {median(resumes):.1f}× faster than the first --jobs {args.jobs} run")
    if big:
        peak, hwm = (median(getattr(many, name) for _, many, _ in rounds) for name in ("peak", "hwm"))
        print(f"peak memory {big.n} vs {args.n} reports: {big.peak / peak:.2f} (hwm {big.hwm / hwm:.2f}; 1.0 = flat)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
