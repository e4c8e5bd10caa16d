"""The incremental search box under the claim list: typing filters, Enter keeps, Esc clears."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    BINDINGS = [Binding("escape", "close", "Close search")]

    class Closed(Message):
        """Esc: the search is cleared and the box hidden."""

        def __init__(self, search_bar: SearchBar) -> None:
            super().__init__()
            self.search_bar = search_bar

        @property
        def control(self) -> SearchBar:
            return self.search_bar

    def __init__(self, *, id: str | None = None) -> None:
        # no blinking cursor: the screen stays still (and snapshots stable)
        super().__init__(placeholder="search claims…", id=id)
        self.cursor_blink = False

    def action_close(self) -> None:
        self.value = ""
        self.post_message(self.Closed(self))
