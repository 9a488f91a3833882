"""The stages install only inside xxgk (README, Layout).

The top-level folders ingest/, parsers/, normalize/ and output/ are mapped in pyproject.toml to
xxgk.ingest, xxgk.parsers, xxgk.normalize and xxgk.output. So a user's own folder of one of those
names, first on sys.path (a notebook's working directory), cannot shadow a stage, and the wheel puts
nothing outside xxgk/ into site-packages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xxgk import parse_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "t01_tabs_2021" / "source.txt"
STAGES = ("ingest", "parsers", "normalize", "output")

# Run with the user's folder as working directory and first on sys.path, as a notebook would.
PARSE = """
import json, os, sys
sys.path.insert(0, os.getcwd())
import xxgk
report = xxgk.parse_file(sys.argv[1])
import xxgk.ingest, xxgk.parsers, xxgk.normalize, xxgk.output
print(json.dumps({
    "status": report.status,
    "cells": [[f"{c.table}.{c.row_key}.{c.col_key}", c.model_dump(mode="json")["value"], c.raw] for c in report.cells],
    "stages": [sys.modules["xxgk." + stage].__file__ for stage in ("ingest", "parsers", "normalize", "output")],
}))
"""


def cells(report: object) -> list[list[object]]:
    return [[f"{c.table}.{c.row_key}.{c.col_key}", c.model_dump(mode="json")["value"], c.raw]
            for c in report.cells]  # type: ignore[attr-defined]


@pytest.mark.parametrize("with_init", [True, False], ids=["packages", "namespace-folders"])
def test_a_users_own_stage_folders_do_not_shadow_the_stages(tmp_path: Path, with_init: bool) -> None:
    # With the stages as top-level packages (before 05a17e5) the "packages" case fails: `import normalize`
    # finds the user's empty folder first. Folders without __init__.py are namespace portions, which a
    # regular package later on sys.path beats even then; they are here so that neither kind ever shadows.
    work = tmp_path / "notebook"
    for stage in STAGES:
        (work / stage).mkdir(parents=True)
        if with_init:
            (work / stage / "__init__.py").write_text("", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PARSE, str(FIXTURE)], cwd=work, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    shadowed = json.loads(result.stdout)

    normal = parse_file(FIXTURE)
    assert normal.status == "ok" and len(normal.cells) > 50
    assert shadowed["status"] == "ok"
    assert shadowed["cells"] == cells(normal)
    for stage, file in zip(STAGES, shadowed["stages"]):
        assert not Path(file).resolve().is_relative_to(work.resolve()), f"xxgk.{stage} came from {file}"


# --- the wheel ------------------------------------------------------------------------------------

IGNORED = shutil.ignore_patterns(".venv", ".git", "build", "dist", "out", "*.egg-info", "__pycache__", ".pytest_cache")


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=600, check=False)


def build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "src"  # a copy: building in place would leave build/ and *.egg-info in the checkout
    shutil.copytree(ROOT, source, ignore=IGNORED)
    dist = tmp_path / "dist"
    wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source]
    result = run(*wheel, cwd=tmp_path)
    if result.returncode != 0:  # the build environment could not fetch setuptools: use this one's
        result = run(*wheel[:4], "--no-build-isolation", *wheel[4:], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = dist.glob("xxgk-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_installs_only_under_xxgk(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)

    names = zipfile.ZipFile(wheel).namelist()
    info = re.sub(r"-py3.*", ".dist-info", wheel.name)
    assert {name.split("/")[0] for name in names} == {"xxgk", info}
    assert zipfile.ZipFile(wheel).read(f"{info}/top_level.txt").decode().split() == ["xxgk"]
    for stage in STAGES:
        assert f"xxgk/{stage}/__init__.py" in names
    assert "xxgk/normalize/audit/__init__.py" in names
    data = {f"xxgk/parsers/data/{p.name}" for pattern in ("*.csv", "*.txt") for p in (ROOT / "parsers" / "data").glob(pattern)}
    assert {"xxgk/parsers/data/divisions.csv", "xxgk/parsers/data/xxgk_dict.txt", "xxgk/parsers/data/stopwords.txt"} <= data
    assert data <= set(names), sorted(data - set(names))

    venv = tmp_path / "venv"
    result = run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    python = venv / "bin" / "python"
    result = run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

    # Not editable and without its dependencies: the package __init__ files need nothing but the standard library.
    code = ("import importlib.resources, xxgk.parsers, xxgk.normalize, xxgk.ingest, xxgk.output; "
            "print(xxgk.parsers.__file__); "
            "print((importlib.resources.files('xxgk.parsers') / 'data' / 'divisions.csv').is_file())")
    result = run(python, "-I", "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    where, data_found = result.stdout.split()
    assert Path(where).resolve().is_relative_to(venv.resolve()) and data_found == "True"

    result = run(python, "-m", "pip", "show", "-f", "xxgk", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = [line.strip() for line in result.stdout.split("\nFiles:\n", 1)[1].splitlines() if line.strip()]
    assert "xxgk/parsers/__init__.py" in files and "xxgk/parsers/data/divisions.csv" in files
    outside = [f for f in files if not f.startswith(("xxgk/", "xxgk-")) and f != "../../../bin/xxgk"]
    assert outside == []
    assert not [f for f in files if f.split("/")[0] in STAGES]
