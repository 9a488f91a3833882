"""Golden outputs: every CSV file ``xxgk parse fixtures`` writes, digested per source, against
tests/golden/fixtures.json. A change of any output byte of any fixture fails here, named by file and
source, so a refactoring that should change nothing is shown to change nothing. After an intended
change, regenerate with ``XXGK_UPDATE_GOLDEN=1 make test`` and review the diff of fixtures.json.
(reports.jsonl is left out: it carries PDFium's text positions, which move with the fonts installed.)
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from xxgk.batch import run_parse
from xxgk.executors import InProcessExecutor

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "fixtures.json"


def digests(out: Path) -> dict[str, dict[str, str]]:
    """{file: {source: sha256 of that source's rows}}; files without a source column as one entry."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(out.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        column = header.index("source") if "source" in header else None
        groups: dict[str, list[list[str]]] = defaultdict(list)
        for row in body:
            groups[row[column] if column is not None else "*"].append(row)
        groups["(header)"] = [header]
        found[path.name] = {
            source: hashlib.sha256(json.dumps(group, ensure_ascii=False).encode()).hexdigest()[:16]
            for source, group in sorted(groups.items())
        }
    return found


def test_fixture_outputs_match_the_golden_digests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # sources as the README's `xxgk parse fixtures/` names them
    # The fixture folders, not the generator's code or the README beside them.
    folders = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "fixtures").iterdir() if p.is_dir() and p.name not in ("generator", "ocr"))
    run_parse(folders, tmp_path / "out", executor=InProcessExecutor())
    got = digests(tmp_path / "out")
    if os.environ.get("XXGK_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(
        f"{name}: {source}"
        for name in set(got) | set(want)
        for source in set(got.get(name, {})) | set(want.get(name, {}))
        if got.get(name, {}).get(source) != want.get(name, {}).get(source)
    )
    assert changed == [], "outputs changed (XXGK_UPDATE_GOLDEN=1 to accept):\n" + "\n".join(changed[:40])
