"""Hostile inputs: each ends as one row with a clear error, in bounded time and memory, touching nothing but OUT.

The corpus is built here at run time (nothing large is committed): broken and encrypted PDFs, empty
and random files under every extension, a DOCX zip bomb and a billion-laughs DOCX, a sparse 200 MB
text file, 100 000 nested <div>, a named pipe, link loops, names with spaces and Chinese characters.
"""

from __future__ import annotations

import csv
import io
import os
import random
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import psutil
import pytest
from reportlab.pdfgen import canvas

MAX_MEMORY_MB = 1024


def build(folder: Path, seed: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "好 报告 seed.txt").write_bytes(seed.read_bytes())
    rnd = random.Random(7)
    pdf = io.BytesIO()
    page = canvas.Canvas(pdf)
    page.drawString(100, 750, "政府信息公开工作年度报告")
    page.showPage()
    page.save()
    (folder / "截断 truncated.pdf").write_bytes(pdf.getvalue()[: len(pdf.getvalue()) // 2])
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + rnd.randbytes(20_000))
    page = canvas.Canvas(str(folder / "encrypted.pdf"), encrypt="pw")
    page.drawString(100, 750, "secret")
    page.showPage()
    page.save()
    for ext in ("txt", "pdf", "docx", "html"):
        (folder / f"empty.{ext}").write_bytes(b"")
        (folder / f"random.{ext}").write_bytes(rnd.randbytes(50_000))

    word = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("x")
    document.save(word)
    with zipfile.ZipFile(word) as src, zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                with dst.open("word/document.xml", "w") as part:  # 300 MB of zeros, about 300 KB packed
                    zeros = bytes(1 << 20)
                    for _ in range(300):
                        part.write(zeros)
            else:
                dst.writestr(info, src.read(info.filename))
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(word) as src, zipfile.ZipFile(folder / "laughs.docx", "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, laughs if info.filename == "word/document.xml" else src.read(info.filename))

    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: 200 MB long, nothing on disk
    (folder / "nested.html").write_text("<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</body></html>")
    os.mkfifo(folder / "pipe.txt")  # reading it would wait forever for a writer
    loops = folder / "链接 loops"
    loops.mkdir()
    (loops / "back").symlink_to("..")
    (loops / "self.txt").symlink_to("self.txt")


# What each input must end as; None: failed with any code the reader chooses (its message is checked).
EXPECTED: dict[str, tuple[str, str | None]] = {
    "好 报告 seed.txt": ("ok", None),
    "截断 truncated.pdf": ("failed", None),
    "corrupt.pdf": ("failed", None),
    "encrypted.pdf": ("failed", "ENCRYPTED"),
    **{f"empty.{ext}": ("failed", "EMPTY") for ext in ("txt", "pdf", "docx", "html")},
    **{f"random.{ext}": ("failed", None) for ext in ("txt", "pdf", "docx", "html")},
    "bomb.docx": ("failed", None),
    "laughs.docx": ("failed", None),
    "huge.txt": ("failed", "TOO_LARGE"),
    "nested.html": ("skipped", None),
    "pipe.txt": ("failed", "NOT_A_FILE"),
    "链接 loops/back": ("skipped", "NOT_A_FILE"),
    "链接 loops/self.txt": ("failed", "UNREADABLE"),
}


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under root (not following links) except ``skip``: mode, size, mtime."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) != skip]
        for name in dirnames + filenames:
            info = os.lstat(Path(dirpath, name))
            seen[os.path.relpath(Path(dirpath, name), root)] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return seen


class TreeMemory(threading.Thread):
    """Peak RSS of a process and its descendants, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak_process = self.peak_total = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                total += rss
                self.peak_process = max(self.peak_process, rss)
            self.peak_total = max(self.peak_total, total)


@pytest.mark.slow
def test_hostile_inputs_each_end_as_a_row(tmp_path: Path, corpus: Path) -> None:
    folder = tmp_path / "输入 hostile"
    build(folder, corpus / "s01_xigong_hrss_2023" / "source.txt")
    out = tmp_path / "out"
    before = snapshot(tmp_path, out)

    start = time.monotonic()
    run = subprocess.Popen(
        [sys.executable, "-c", "from xxgk.cli import run; run()", "parse", str(folder), "-o", str(out),
         "-j", "2", "--timeout", "30", "--max-memory-mb", str(MAX_MEMORY_MB)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    memory = TreeMemory(run.pid)
    memory.start()
    stdout, stderr = run.communicate(timeout=120)
    memory.done.set()
    memory.join()
    elapsed = time.monotonic() - start

    assert run.returncode == 1, stderr.decode()
    assert stdout == b""  # data goes to OUT, the summary to stderr
    assert elapsed < 60
    assert memory.peak_process < MAX_MEMORY_MB * 2**20
    with open(out / "reports.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {os.path.relpath(r["source"], folder): r for r in csv.DictReader(handle)}
    assert set(rows) == set(EXPECTED)
    for name, (status, code) in EXPECTED.items():
        row = rows[name]
        assert row["status"] == status, (name, row)
        if code:
            assert row["error_code"] == code, (name, row)
        if status != "ok":
            assert row["error"], (name, row)
    # nothing but OUT was written (no temporary files beside it) and no input was touched
    assert snapshot(tmp_path, out) == before
    assert all(entry.is_file() for entry in out.iterdir())  # no staging folder left behind


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode (tests run as root in CI)")
def test_a_file_without_read_permission_is_a_failed_row(tmp_path: Path) -> None:
    from xxgk.api import parse_file

    path = tmp_path / "locked.txt"
    path.write_text("x", encoding="utf-8")
    path.chmod(0)
    try:
        report = parse_file(path)
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert report.status == "failed" and report.error and report.error.code == "UNREADABLE"
