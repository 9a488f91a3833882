"""What the forkserver's preload leaves every worker forked from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_preload_freezes_what_it_loaded_and_collects_young_objects_less_often() -> None:
    code = (
        "import gc, xxgk.preload as preload;"
        " print(gc.get_freeze_count() > 0, gc.get_threshold()[0] == preload.YOUNG_COLLECTION > 700)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "True"]
