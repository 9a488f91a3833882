"""OUT/run.json: what an audit was run on and how, so that it can be run again and give the same result.

It holds the tool and parser versions, when the run started and ended (UTC), the command line and its
parameters (``invocation``, when run from it), the library's options as given, the SHA-256 of every
input file the audit read (its path relative to the input it was found under, so the record holds
wherever the folder is moved), and of the files the options name (--published, --bodies, --decisions),
which change the findings too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from xxgk.options import AuditOptions
from xxgk.version import PARSER_VERSION


def sha256_of(path: str | os.PathLike[str]) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None  # gone since the parse: said as null, never guessed


def _plain(value: Any) -> Any:
    """The options as JSON: paths as the strings given."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def tool_version() -> str:
    try:
        return metadata.version("xxgk")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return PARSER_VERSION


class RunRecord:
    def __init__(self, inputs: Sequence[str | os.PathLike[str]], options: AuditOptions,
                 invocation: Mapping[str, Any] | None = None, decisions: str | os.PathLike[str] | None = None) -> None:
        """``decisions``: the decisions file read (OUT's own when --decisions gave none), hashed now,
        before the run writes OUT/decisions.csv again."""
        self.inputs = [os.fspath(i) for i in inputs]
        self.options = options
        self.invocation = _plain(dict(invocation or {}))
        named = {"published": options.published, "bodies": options.bodies, "decisions": decisions}
        self.option_files = {name: {"path": os.fspath(value), "sha256": sha256_of(value)}
                             for name, value in named.items() if value}
        self.started = dt.datetime.now(dt.UTC)
        self.files: list[dict[str, Any]] = []
        self._roots = [(given, os.path.abspath(given if os.path.isdir(given) else os.path.dirname(given) or "."))
                       for given in self.inputs]

    def add(self, source: str, status: str) -> None:
        """An input file the audit read (every report of the parse batch, read or not)."""
        given, relative = self._relative(source)
        self.files.append({"input": given, "path": relative, "sha256": sha256_of(source), "status": status})

    def _relative(self, source: str) -> tuple[str, str]:
        absolute = os.path.abspath(source)
        for given, root in self._roots:
            if absolute == os.path.abspath(given) or os.path.commonpath([root, absolute]) == root:
                return given, Path(os.path.relpath(absolute, root)).as_posix()
        return "", Path(source).as_posix()  # read through a link from elsewhere: as the batch named it

    def write(self, path: Path) -> None:
        options = _plain(dataclasses.asdict(self.options))
        record = {
            "tool": "xxgk", "tool_version": tool_version(), "parser_version": PARSER_VERSION,
            "python": platform.python_version(),
            "started": self.started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "invocation": self.invocation, "inputs": self.inputs, "options": options, "option_files": self.option_files,
            "files": self.files,
        }
        path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
