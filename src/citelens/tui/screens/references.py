"""The references screen (`R`): every reference with its status, and the selected one in full."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header

from ..session import Session
from ..styling import reference_urls
from ..widgets.check_bar import CheckBar, UncheckedBanner
from ..widgets.reference_detail import ReferenceDetail
from ..widgets.reference_list import ReferenceList
from .base import CitelensScreen

if TYPE_CHECKING:
    pass


class ReferencesScreen(CitelensScreen):
    CSS_PATH = "references.tcss"
    AUTO_FOCUS = "#references"
    BINDINGS = [
        Binding("tab", "app.focus_next", "Pane"),
        Binding("shift+tab", "app.focus_previous", "Pane", show=False),
        Binding("R,escape", "app.references", "Claims"),
        Binding("c", "citing", "Citing"),
        Binding("r", "recheck", "Check"),
        Binding("ctrl+r", "recheck(True)", "Refetch", show=False),
        Binding("o", "link", "DOI"),
        Binding("e", "app.export", "Export"),
    ]

    def __init__(self, session: Session, selected: int | None = None) -> None:
        super().__init__(session)
        self.selected = selected

    def compose(self) -> ComposeResult:
        yield Header(icon="§")
        with Horizontal(id="panes"):
            yield ReferenceList(id="references")
            yield ReferenceDetail(id="reference-detail")
        yield UncheckedBanner(id="unchecked-banner")
        yield CheckBar(id="check-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#references").border_title = f"References {len(self.session.references)}"
        self.watch(self.app, "revision", self._reload, init=False)
        self._reload()

    def _reload(self, _revision: int = 0) -> None:
        references = self.query_one("#references", ReferenceList)
        references.show_references(self.session.references, keep=references.highlighted_index or self.selected)

    @on(ReferenceList.ReferenceHighlighted)
    def _show_reference(self, event: ReferenceList.ReferenceHighlighted) -> None:
        self.selected = event.index
        self.citelens.selected_reference = event.index
        sr = self.session.reference(event.index) if event.index is not None else None
        citing = len(self.session.citing(event.index)) if event.index is not None else 0
        self.query_one("#reference-detail", ReferenceDetail).show(sr, citing, self.session.article.path)

    def action_recheck(self, refresh: bool = False) -> None:
        if self.selected is not None:
            self.citelens.start_check({self.selected}, refresh=refresh)

    def action_link(self) -> None:
        sr = self.session.reference(self.selected) if self.selected is not None else None
        self.citelens.show_url(reference_urls(sr) if sr else [])

    def action_citing(self) -> None:
        """Back to the claims, showing only those that cite the selected reference."""
        if self.selected is None:
            return
        index = self.selected
        self.app.pop_screen()
        from .main import MainScreen

        main = self.app.screen
        if isinstance(main, MainScreen):
            main.show_citing(index)
