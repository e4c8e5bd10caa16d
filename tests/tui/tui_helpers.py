"""Shared by the TUI tests: paths, a database copier, and ways to read what the app shows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "references" / "oxytocin-sensitivity.txt"
GG_CLAIM = "Among individuals with the GG genotype"


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of an SQLite database in WAL mode (the backup API, not a file copy)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


def text_of(app: App, selector: str) -> str:
    """The plain text of a Static on the current screen."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, Content):
        return content.plain
    return str(content)


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def search(pilot: Pilot, text: str) -> None:
    """`/`, the text, Enter: the list keeps only the matching claims."""
    await pilot.press("slash")
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()
