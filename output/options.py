"""What a batch is asked to write besides the contract files, and how to tell whether its files are
still what that would write — without importing the writers (a resumed run that writes nothing
does without them)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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
        from xxgk.normalize.overrides import OverrideError
        from xxgk.output import wide

        try:
            if self.parquet:
                wide.require("parquet")
            if self.xlsx:
                wide.require("xlsx")
            self.overrides()
        except (wide.MissingExtra, OverrideError) as exc:
            raise OptionsError(str(exc)) from exc

    def overrides(self) -> MetaOverrides | None:
        from xxgk.normalize.overrides import MetaOverrides

        return MetaOverrides.load(self.meta) if self.meta else None

    def fingerprint(self) -> bytes:
        """What, beyond the reports, decides these files: the options, the overrides and this code."""
        digest = hashlib.sha256(f"{self.parquet}\0{self.xlsx}\0".encode())
        if self.meta:
            digest.update(Path(self.meta).read_bytes())
        for module in ("xxgk.output.coverage", "xxgk.output.dictionary", "xxgk.output.narrative", "xxgk.output.wide"):
            digest.update(module_source(module))
        return digest.digest()


def module_source(name: str) -> bytes:
    """The source of a module, found without importing it."""
    spec = find_spec(name)
    if spec is None or spec.origin is None:
        raise OptionsError(f"module {name} not found")
    return Path(spec.origin).read_bytes()
