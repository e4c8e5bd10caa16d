"""The article picker (`a`): every article of the database, with its counts; enter opens one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .dialog import Dialog


def article_prompt(row: dict[str, Any]) -> str:
    refs = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in row["references"].items()) or "no references"
    claims = sum(row["claims"].values())
    checked = "checked" if row["checked_at"] else "not checked"
    return f"{row['id']:>3}  {Path(row['path']).name}\n     {checked} · {claims} claims · {refs}"


class ArticlesScreen(Dialog[int]):
    """Returns the chosen article's id (Enter) or None (Esc)."""

    def __init__(self, rows: list[dict[str, Any]], current: int) -> None:
        super().__init__()
        self.rows = rows
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="articles-box") as box:
            box.border_title = f"Articles {len(self.rows)}"
            box.border_subtitle = "enter open · esc cancel"
            yield OptionList(*(Option(article_prompt(r), id=str(r["id"])) for r in self.rows), id="articles")

    def on_mount(self) -> None:
        articles = self.query_one("#articles", OptionList)
        articles.highlighted = next((n for n, r in enumerate(self.rows) if r["id"] == self.current), 0)
        articles.focus()

    @on(OptionList.OptionSelected, "#articles")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or self.current))
