"""The specification lives in docs/; what cites it, and what design.md says about the layout, stays true."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from xxgk.normalize.audit.codes import CODES

ROOT = Path(__file__).resolve().parent.parent
SPEC = ("report-format.md", "output-contract.md", "design.md")


def sources() -> list[Path]:
    folders = ("xxgk", "ingest", "parsers", "normalize", "output", "tests", "fixtures", "bench")
    return [ROOT / "README.md", ROOT / "Makefile", *(p for f in folders for p in sorted((ROOT / f).rglob("*.py")))]


@pytest.mark.parametrize("name", SPEC)
def test_the_spec_is_in_docs(name: str) -> None:
    assert (ROOT / "docs" / name).stat().st_size > 1000


def test_nothing_cites_the_spec_outside_the_repository() -> None:
    outside = re.compile(r"shared/spec|shared spec", re.I)
    for path in sources():
        if path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not outside.search(line), f"{path.relative_to(ROOT)}:{number} cites {line.strip()!r}; say docs/<file>"


def test_every_cited_docs_file_exists() -> None:
    cited = {m for path in sources() for m in re.findall(r"docs/([\w.-]+\.md)", path.read_text(encoding="utf-8"))}
    assert cited, "nothing cites docs/ any more"
    assert {name for name in cited if not (ROOT / "docs" / name).is_file()} == set()


def test_the_modules_design_md_and_the_readme_layout_name_exist() -> None:
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("\n## Layout\n"):]
    names = set(re.findall(r"\bxxgk(?:\.[a-z_]+)+", design + layout))
    assert {"xxgk.ingest", "xxgk.parsers", "xxgk.normalize", "xxgk.output"} <= names
    assert {name for name in names if importlib.util.find_spec(name) is None} == set()


def test_design_md_and_the_readme_say_how_the_folders_map_into_the_package() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for text in ((ROOT / "docs" / "design.md").read_text(encoding="utf-8"), (ROOT / "README.md").read_text(encoding="utf-8")):
        assert "[tool.setuptools.package-dir]" in text
        for stage in ("ingest", "parsers", "normalize", "output"):
            assert f'"xxgk.{stage}" = "{stage}"' in pyproject
            assert f"`{stage}/`" in text and f"`xxgk.{stage}`" in text


@pytest.mark.parametrize("code", sorted(CODES), ids=sorted(CODES))
def test_every_audit_code_is_in_the_readme_table_and_its_defect_in_report_format(code: str) -> None:
    """The terminal and audit.html show every code of normalize/audit/codes.py: the README explains each."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_cells = {line.split("|")[1] for line in readme.splitlines() if line.startswith("| `")}
    assert any(f"`{code}`" in cell for cell in first_cells), code
    defect = CODES[code].defect
    spec = (ROOT / "docs" / "report-format.md").read_text(encoding="utf-8")
    assert f"\n| {defect} |" in spec or (defect in ("D2", "D3", "D4", "D5") and "\n| D2–D5 |" in spec), (code, defect)
