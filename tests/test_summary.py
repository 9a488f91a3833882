"""xxgk summary OUT: the batch at a glance, and its optional chart."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import xxgk.summary
from xxgk.batch import Batch, run_parse
from xxgk.cli import main
from xxgk.executors import InProcessExecutor


@pytest.fixture(scope="module")
def out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    inputs = tmp_path_factory.mktemp("in")
    for name in ("s01_xigong_hrss_2023", "r04_shuyang_county_2025", "r06_shanghai_gov_office_2025", "q03_yongjia_statistics_bureau_2015"):
        shutil.copy(corpus / name / "source.txt", inputs / f"{name}.txt")
    target = tmp_path_factory.mktemp("out")
    run_parse([inputs], target, executor=InProcessExecutor())
    return target


def test_overview_counts(out: Path) -> None:
    view = Batch(out).summary()
    assert view.reports == 4 and view.templates == {"2021": 3, "pre2019": 1}
    assert view.levels == {"county": 3, "province": 1} and view.years == {"2023": 1, "2025": 2, "2015": 1}
    t3 = pd.read_csv(out / "table3_wide.csv", dtype={"report_id": str})
    assert float(view.received) == t3["t3_new_requests__total"].sum()
    assert float(view.granted) == t3["t3_granted__total"].sum()
    assert view.problems == {"解读回应": 3, "依申请办理": 2, "机制建设": 1, "平台建设": 2}


def test_summary_prints_on_stdout(out: Path) -> None:
    result = CliRunner().invoke(main, ["summary", str(out)])
    assert result.exit_code == 0, result.output
    for text in ("reports by template", "reports by level", "reports by year", "applications received",
                 "most common findings", "解读回应"):
        assert text in result.output


def test_summary_chart(out: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    chart = tmp_path / "batch.png"
    result = CliRunner().invoke(main, ["summary", str(out), "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_chart_without_matplotlib_is_a_usage_error(out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def without(name: str, package: str | None = None):  # type: ignore[no-untyped-def]
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(xxgk.summary.importlib, "import_module", without)
    result = CliRunner().invoke(main, ["summary", str(out), "--chart", str(tmp_path / "c.png")])
    assert result.exit_code == 2 and "pip install 'xxgk[chart]'" in result.output


def test_summary_of_a_folder_without_a_batch(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["summary", str(tmp_path)])
    assert result.exit_code == 2 and "xxgk parse" in result.output
