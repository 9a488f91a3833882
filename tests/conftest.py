from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# The real reports: ../shared/corpus beside the checkout, or wherever XXGK_CORPUS points.
CORPUS = Path(os.environ.get("XXGK_CORPUS") or ROOT.parent / "shared" / "corpus").resolve()
# Every skip or failure for a missing corpus carries this tag; the summary counts them by it.
MISSING = "[corpus missing]"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The corpus folder. Every test that reads the corpus takes it through this fixture: without the
    corpus such a test fails under CI (CI=true) and elsewhere is skipped, counted in one summary line."""
    if not CORPUS.is_dir():
        message = f"{MISSING} no corpus at {CORPUS} (../shared/corpus beside the checkout, or set XXGK_CORPUS)"
        if in_ci():
            pytest.fail(f"{message}; CI is set, so the corpus tests fail rather than skip", pytrace=False)
        pytest.skip(message)
    return CORPUS


_missing: dict[str, int] = {"skipped": 0, "failed (as errors)": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "setup" and (report.skipped or report.failed) and MISSING in str(report.longrepr):
        _missing["skipped" if report.skipped else "failed (as errors)"] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for outcome, count in _missing.items():
        if count:
            line = f"{count} test{'s' if count > 1 else ''} {outcome} because the corpus is missing: looked for {CORPUS}"
            terminalreporter.write_line(line, yellow=outcome == "skipped", red=outcome != "skipped", bold=True)
