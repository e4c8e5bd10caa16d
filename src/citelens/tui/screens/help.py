"""The help screen (`?`): every key, and what the badges mean."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..styling import CLAIM_BADGES, CLAIM_STATUS_STYLES, HEADING_STYLE, VERDICT_BADGES, VERDICT_KEYS, verdict_chip

KEYS: tuple[tuple[str, str], ...] = (
    ("↑ ↓  j k", "move in the list, or scroll the detail pane"),
    ("tab  shift+tab", "switch between the list and the detail pane"),
    ("/", "search the claims as you type (enter keeps it, esc clears it)"),
    ("f", "cycle the status filter: all, supported, partial, contradicted, no evidence, source problem, uncited"),
    ("F", "filter by status, section and reference"),
    ("x", "clear every filter"),
    ("1 2 3 4 5", "your verdict: " + ", ".join(f"{k} {v.replace('_', ' ')}" for k, v in VERDICT_KEYS.items())),
    ("n", "add or edit your note on the claim"),
    ("r", "re-check the claim's references from the cache (on the references screen: the selected one)"),
    ("ctrl+r", "re-check them fetching every answer again (a failed lookup keeps the stored verdict)"),
    ("R", "references screen (R or esc: back)"),
    ("c", "references screen: show the claims that cite the selected reference"),
    ("o", "show the DOI / PubMed link (copied to the clipboard)"),
    ("e", "export the references as BibTeX to <article>.bib in the working directory"),
    ("a", "switch to another article of the database"),
    ("ctrl+t", "switch between the dark and the light theme"),
    ("?", "this help"),
    ("q", "quit (verdicts and notes are already saved)"),
)


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1)
    for key, text in KEYS:
        table.add_row(key, text)
    return table


def legend_content() -> Content:
    lines: list[Content | str] = [Content.styled("Claim status", HEADING_STYLE)]
    lines += [Content.assemble(Content.styled(badge, f"bold {CLAIM_STATUS_STYLES[status]}"), "  ",
                               status.replace("_", " ")) for status, badge in CLAIM_BADGES.items()]
    lines += ["", Content.styled("Your verdict", HEADING_STYLE)]
    lines += [Content.assemble(verdict_chip(verdict), " " * (9 - len(badge)), verdict.replace("_", " "))
              for verdict, badge in VERDICT_BADGES.items()]
    return Content("\n").join(Content(line) if isinstance(line, str) else line for line in lines)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "citelens help"
            box.border_subtitle = "esc to close"
            yield Static(Content.styled("Keys", HEADING_STYLE))
            yield Static(keys_table(), id="help-keys")
            yield Static(legend_content(), id="help-legend")
