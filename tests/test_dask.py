"""The same batch on a (loopback) Dask cluster exports exactly what a local run exports."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_scale import FILES, make_reports, rows, sleepy

from xxgk.batch import run_parse
from xxgk.cli import main
from xxgk.executors import DaskExecutor, ExecutorError

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow  # a loopback cluster of worker processes


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # any free port: the default 8787 may be taken (another run, a notebook)
    ) as cluster:
        yield cluster


def test_dask_run_matches_a_local_run(tmp_path: Path, corpus: Path, cluster: Any) -> None:
    seed = (corpus / "s01_xigong_hrss_2023" / "source.txt").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    make_reports(folder, seed, 30)
    (folder / "empty.txt").write_bytes(b"")
    local = CliRunner().invoke(main, ["parse", str(folder), "-o", str(tmp_path / "local"), "-q"])
    assert local.exit_code == 1, local.output
    remote = CliRunner().invoke(main, [
        "parse", str(folder), "-o", str(tmp_path / "dask"), "-q",
        "--executor", "dask", "--scheduler", cluster.scheduler_address,
    ])
    assert remote.exit_code == 1, remote.output
    for name in FILES:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_a_hung_file_on_dask_times_out_and_the_batch_finishes(tmp_path: Path, corpus: Path, cluster: Any) -> None:
    seed = (corpus / "s01_xigong_hrss_2023" / "source.txt").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    make_reports(folder, seed, 6)
    (folder / "hang.txt").write_text(seed, encoding="utf-8")
    start = time.monotonic()
    executor = DaskExecutor(cluster.scheduler_address, timeout=5, task=sleepy)
    summary = run_parse([folder], tmp_path / "out", executor=executor)
    assert time.monotonic() - start < 30
    by_name = {Path(r["source"]).name: r for r in rows(tmp_path / "out")}
    assert by_name["hang.txt"]["error_code"] == "TIMEOUT"
    assert summary.statuses == {"ok": 6, "failed": 1}


def test_an_unreachable_scheduler_is_an_error_not_a_hang(tmp_path: Path) -> None:
    with DaskExecutor("tcp://127.0.0.1:9", connect_timeout=1) as executor:
        with pytest.raises(ExecutorError, match="cannot reach the Dask scheduler"):
            list(executor.results([(0, str(tmp_path / "a.txt"), "a.txt")]))
