"""How a library run reports progress without printing: the caller passes an observer (the command
line passes bars on stderr, output/terminal.py); by default nothing is shown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol


class ProgressSink(Protocol):
    def phase(self, name: str, total: int) -> Callable[[], None]:
        """A new phase of ``total`` steps; returns the function to call after each step."""
        ...

    def warn(self, message: str) -> None:
        """Something the user should know that does not stop the run."""
        ...


class Silent:
    """Reports nothing (the library default); warnings go to the log."""

    def phase(self, name: str, total: int) -> Callable[[], None]:
        return _nothing

    def warn(self, message: str) -> None:
        logging.getLogger("xxgk").warning(message)


def _nothing() -> None:
    pass
