"""The suite's own machinery: a missing corpus (tests/conftest.py), the slow marker and `make test-fast`."""

from __future__ import annotations

import importlib
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


# --- the slow marker ------------------------------------------------------------------------------

SLOW = {
    "tests/test_kill.py::test_a_killed_run_resumes_without_loss_or_duplicates",
    "tests/test_dask.py::test_dask_run_matches_a_local_run",
    "tests/test_dask.py::test_a_hung_file_on_dask_times_out_and_the_batch_finishes",
    "tests/test_dask.py::test_an_unreachable_scheduler_is_an_error_not_a_hang",
    "tests/test_audit_browser.py::test_audit_page_renders_highlighted_cells_and_messages",
    "tests/test_audit_browser.py::test_audit_page_filters_and_prints_one_body_per_page",
    "tests/test_reader_docx.py::test_legacy_doc_is_converted",
    "tests/test_scale.py::test_parallel_export_is_byte_identical_to_sequential",
    "tests/test_scale.py::test_a_hung_file_times_out_and_is_retried_on_rerun",
    "tests/test_scale.py::test_the_journal_is_copied_into_the_database_while_the_run_goes_on",
    "tests/test_hostile.py::test_hostile_inputs_each_end_as_a_row",
    "tests/test_bad_documents.py::test_every_bad_document_gets_one_clear_row",
    "tests/test_package.py::test_the_wheel_installs_only_under_xxgk",
    "tests/test_ocr.py::test_scanned_corpus_report_reads_to_its_truth",
}


def marked_slow() -> set[str]:
    """Every test function of tests/ that carries the slow marker, itself or through its module."""
    found = set()
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        module = importlib.import_module(path.stem)  # as pytest imports it (tests/ is on sys.path)
        module_marks = getattr(module, "pytestmark", [])
        module_marks = module_marks if isinstance(module_marks, list) else [module_marks]
        for name, function in vars(module).items():
            if name.startswith("test_") and callable(function) and function.__module__ == module.__name__:
                if any(mark.name == "slow" for mark in [*module_marks, *getattr(function, "pytestmark", [])]):
                    found.add(f"tests/{path.name}::{name}")
    return found


def test_the_slow_system_tests_are_marked_and_only_they() -> None:
    assert marked_slow() == SLOW


def test_an_unregistered_marker_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "test_typo.py").write_text("import pytest\n\n@pytest.mark.slwo\ndef test_x():\n    pass\n",
                                           encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    result = run_pytest(tmp_path, "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), "-q",
                        str(tmp_path / "test_typo.py"), env=env)
    assert result.returncode != 0 and "'slwo' not found in `markers`" in result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_fast_leaves_out_the_slow_tests_and_make_test_runs_all() -> None:
    def recipe(target: str) -> list[str]:
        result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True)
        return [line for line in result.stdout.splitlines() if "-m pytest" in line]

    assert recipe("test-fast") == ['.venv/bin/python -m pytest -m "not slow"']
    assert recipe("test") == [".venv/bin/python -m pytest"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = set(re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split())  # type: ignore[union-attr]
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    assert {"test", "test-fast"} <= phony and phony <= targets
