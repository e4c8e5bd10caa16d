"""The note dialog (`n`): one line of text for the claim under the cursor."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from .dialog import Dialog


class NoteScreen(Dialog[str]):
    """Returns the note (Enter) or None (Esc)."""

    def __init__(self, claim_text: str, note: str = "") -> None:
        super().__init__()
        self.claim_text = claim_text
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Note on this claim"
            box.border_subtitle = "enter save · esc cancel"
            text = self.claim_text if len(self.claim_text) <= 160 else self.claim_text[:159] + "…"
            yield Label(text, classes="dialog-claim")
            note = Input(value=self.note, placeholder="your note", id="note-input")
            note.cursor_blink = False
            yield note

    @on(Input.Submitted, "#note-input")
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())
