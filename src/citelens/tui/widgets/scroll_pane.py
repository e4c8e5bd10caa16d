"""A scrollable detail pane that j/k scroll like the arrows."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll


class ScrollPane(VerticalScroll):
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]
