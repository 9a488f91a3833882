"""A batch killed with SIGKILL mid-run resumes to exactly what an uninterrupted run gives."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from test_scale import exported, make_reports

pytestmark = pytest.mark.slow  # a CLI batch in a subprocess, killed and resumed

N = 150  # enough to be killed mid-run; every run also writes the batch-wide research files


def cli(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-c", "from xxgk.cli import run; run()", "parse", str(folder), "-o", str(out), "-j", "2", "-q"]


def stored(out: Path) -> int:
    try:
        with sqlite3.connect(f"{(out / 'xxgk.sqlite').as_uri()}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM reports").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def content(out: Path) -> tuple[set[tuple[str, str, str, str]], dict[str, bytes]]:
    """The store's reports and every exported file."""
    db = sqlite3.connect(out / "xxgk.sqlite")
    try:
        reports = set(db.execute("SELECT report_id, parser_version, status, json FROM reports"))
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()
    return reports, exported(out)


def test_a_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path, corpus: Path) -> None:
    seed = (corpus / "s01_xigong_hrss_2023" / "source.txt").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    make_reports(folder, seed, N)
    out = tmp_path / "out"

    run = subprocess.Popen(cli(folder, out))
    deadline = time.monotonic() + 30
    while stored(out) < 20:
        assert run.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    workers = psutil.Process(run.pid).children(recursive=True)
    run.send_signal(signal.SIGKILL)
    run.wait()
    at_kill = stored(out)
    assert 20 <= at_kill < N
    # orphaned workers notice that their parent is gone and exit on their own
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive

    assert subprocess.run(cli(folder, out)).returncode == 0
    assert subprocess.run(cli(folder, tmp_path / "whole")).returncode == 0
    resumed, whole = content(out), content(tmp_path / "whole")
    assert len(resumed[0]) == N
    assert resumed == whole
