"""The filter dialog (`F`): claim status, section and reference at once."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select

from ...records import CLAIM_STATUSES
from ..filters import ClaimFilter
from .dialog import Dialog


class FilterScreen(Dialog[ClaimFilter]):
    """Returns the new filter (Apply or Clear) or None (Esc). The search text is kept."""

    def __init__(self, current: ClaimFilter, sections: list[str], references: list[tuple[int, str]]) -> None:
        super().__init__()
        self.current = current
        self.sections = sections
        self.references = references

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Filter the claims"
            box.border_subtitle = "esc cancel"
            yield Label("Status")
            yield Select([(s.replace("_", " "), s) for s in CLAIM_STATUSES], prompt="any status",
                         value=self.current.status or Select.NULL, id="filter-status")
            yield Label("Section")
            yield Select([(s or "(no section)", s) for s in self.sections], prompt="any section",
                         value=self.current.section if self.current.section is not None else Select.NULL,
                         id="filter-section")
            yield Label("Reference")
            yield Select([(f"[{i}] {name}", i) for i, name in self.references], prompt="any reference",
                         value=self.current.reference if self.current.reference is not None else Select.NULL,
                         id="filter-reference")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Clear", id="filter-clear")
                yield Button("Apply", variant="primary", id="filter-apply")

    def _value(self, selector: str) -> object | None:
        value = self.query_one(selector, Select).value
        return None if value == Select.NULL else value

    @on(Button.Pressed, "#filter-apply")
    def _apply(self) -> None:
        status = self._value("#filter-status")
        section = self._value("#filter-section")
        reference = self._value("#filter-reference")
        self.dismiss(replace(self.current, status=str(status) if status else None,
                             section=str(section) if section is not None else None,
                             reference=int(str(reference)) if reference is not None else None))

    @on(Button.Pressed, "#filter-clear")
    def _clear(self) -> None:
        self.dismiss(ClaimFilter(text=self.current.text))
