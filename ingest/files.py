"""Finding input files: folders are walked recursively, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def discover(
    inputs: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()
) -> Iterator[tuple[Path, str]]:
    """Yield (path, source) for every file under the inputs, except what lies in an ``exclude`` folder
    (an audit's own output inside its input folder is never read as a report).

    ``source`` is the input path as given, or for a file inside a walked folder that folder's path
    joined with the file's relative path. Symbolic links to folders are not followed, so a link
    loop cannot trap the walk, but they are yielded like files so that each gets its own row; a
    missing input is still yielded so that it gets its own failed row.
    """
    skip = {os.path.realpath(folder) for folder in exclude}
    for item in inputs:
        given = os.fspath(item)
        path = Path(given)
        if skip and _inside(os.path.realpath(given), skip):
            continue
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                if skip:
                    dirnames[:] = [d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) not in skip]
                dirnames.sort()
                rel = os.path.relpath(dirpath, path)
                links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
                for name in sorted(filenames + links):
                    if name.startswith(".") and name in {".DS_Store"}:
                        continue
                    sub = name if rel == "." else os.path.join(rel, name)
                    yield Path(dirpath) / name, os.path.join(given, sub)
        else:
            yield path, given


def _inside(path: str, folders: set[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)
