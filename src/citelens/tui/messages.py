"""App-wide messages: what the background check reports to the app (posted from its thread)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class CheckProgress(Message):
    """The checker reached `stage`: `done` of `total` steps."""

    stage: str
    done: int
    total: int | None


@dataclass
class CheckFinished(Message):
    """The check is done and its results are in the store; `only` is what was re-checked (None: all)."""

    only: set[int] | None
