"""The suite's own machinery: a missing corpus (tests/conftest.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

USES_CORPUS = '''
def test_reads_the_corpus(corpus):
    assert (corpus / "s01").is_dir()

def test_reads_it_too(corpus):
    assert corpus.is_dir()

def test_needs_nothing():
    pass
'''


def run_pytest(folder: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=folder,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    """A small suite with this repository's conftest.py: two tests that read the corpus, one that does not."""
    folder = tmp_path / "suite"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "conftest.py", folder / "conftest.py")
    (folder / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n", encoding="utf-8")
    (folder / "test_it.py").write_text(USES_CORPUS, encoding="utf-8")
    return folder


def environment(corpus: Path, ci: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "XXGK_CORPUS", "PYTEST_ADDOPTS")}
    env["XXGK_CORPUS"] = str(corpus)
    if ci is not None:
        env["CI"] = ci
    return env


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_a_missing_corpus_skips_loudly_outside_ci(suite: Path, tmp_path: Path, ci: str | None) -> None:
    missing = tmp_path / "no-corpus"
    result = run_pytest(suite, "-q", env=environment(missing, ci))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b1 passed, 2 skipped\b", result.stdout), result.stdout
    summary = [line for line in result.stdout.splitlines() if "because the corpus is missing" in line]
    assert summary == [f"2 tests skipped because the corpus is missing: looked for {missing}"], result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_corpus_fails_under_ci(suite: Path, tmp_path: Path, ci: str) -> None:
    missing = tmp_path / "no-corpus"
    result = run_pytest(suite, "-q", env=environment(missing, ci))
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"\b1 passed, 2 errors\b", result.stdout), result.stdout
    assert result.stdout.count(f"no corpus at {missing}") >= 2  # each corpus test says why
    assert "CI is set, so the corpus tests fail rather than skip" in result.stdout
    assert "2 tests failed (as errors) because the corpus is missing" in result.stdout
    assert "skipped" not in result.stdout


@pytest.mark.parametrize("ci", [None, "true"])
def test_a_present_corpus_is_read_and_nothing_is_said(suite: Path, tmp_path: Path, ci: str | None) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "s01").mkdir(parents=True)
    result = run_pytest(suite, "-q", env=environment(corpus, ci))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b3 passed\b", result.stdout) and "corpus is missing" not in result.stdout


def test_every_corpus_test_takes_the_corpus_fixture() -> None:
    """The corpus is found in one place only: no test builds its own path to it or skips on its own."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name in ("conftest.py", Path(__file__).name):
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""["']shared["']|XXGK_CORPUS""", text), f"{path.name} finds the corpus itself; take the corpus fixture"
        for line in text.splitlines():
            if "pytest.skip(" in line:
                assert "corpus" not in line and "sample" not in line, f"{path.name}: {line.strip()}"
