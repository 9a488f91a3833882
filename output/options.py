"""What a batch is asked to write besides the contract files, and how to tell whether its files are
still what that would write — without importing the writers (a resumed run that writes nothing
does without them)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from xxgk.errors import OptionsError

if TYPE_CHECKING:
    from xxgk.normalize.overrides import MetaOverrides


@dataclass(frozen=True, slots=True)
class ResearchOptions:
    parquet: bool = False  # wide tables also as .parquet (xxgk[parquet])
    xlsx: bool = False  # wide tables also as wide.xlsx (xxgk[xlsx])
    meta: str | None = None  # CSV of metadata corrections (normalize/overrides.py)

    def check(self) -> None:
        """Fail before any work when an extra is missing or the overrides file is unusable."""
        if not (self.parquet or self.xlsx or self.meta):
            return
        from xxgk.output import wide

        # Each raises its own UsageError (MissingExtra, OverrideError) saying what to do.
        if self.parquet:
            wide.require("parquet")
        if self.xlsx:
            wide.require("xlsx")
        self.overrides()

    def overrides(self) -> MetaOverrides | None:
        from xxgk.normalize.overrides import MetaOverrides

        return MetaOverrides.load(self.meta) if self.meta else None

    def fingerprint(self) -> bytes:
        """What, beyond the reports and the code, decides these files: the options and the overrides."""
        digest = hashlib.sha256(f"{self.parquet}\0{self.xlsx}\0".encode())
        if self.meta:
            digest.update(Path(self.meta).read_bytes())
        return digest.digest()


# Every package whose code or data can shape an exported file.
_PACKAGES = ("xxgk", "xxgk.ingest", "xxgk.parsers", "xxgk.normalize", "xxgk.normalize.audit", "xxgk.output")


@cache
def code_fingerprint() -> bytes:
    """The digest of every module and data file of xxgk, found without importing them: exported
    files are written again after any change of the code, not only of modules someone listed."""
    digest = hashlib.sha256()
    for package in _PACKAGES:
        spec = find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise OptionsError(f"package {package} not found")
        for folder in spec.submodule_search_locations:
            for path in sorted(Path(folder).glob("*.py")) + sorted(Path(folder).glob("data/*")):
                digest.update(f"{package}/{path.name}\0".encode())
                digest.update(path.read_bytes())
    return digest.digest()
