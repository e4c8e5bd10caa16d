"""The main screen: claims by section on the left, the selected claim and its sources on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input

from citelens.store import StoredReference

from ..filters import ClaimFilter
from ..session import Session
from ..styling import VERDICT_KEYS, cited_as, reference_urls, words
from ..widgets.check_bar import CheckBar, UncheckedBanner
from ..widgets.claim_detail import ClaimDetail
from ..widgets.claim_list import ClaimList
from ..widgets.search_bar import SearchBar
from .base import CitelensScreen
from .filters import FilterScreen
from .note import NoteScreen

if TYPE_CHECKING:
    pass

class MainScreen(CitelensScreen):
    CSS_PATH = "main.tcss"
    AUTO_FOCUS = "#claims"
    BINDINGS = [
        Binding("tab", "app.focus_next", "Pane", show=False),
        Binding("shift+tab", "app.focus_previous", "Pane", show=False),
        Binding("slash", "search", "Search"),
        Binding("f", "cycle_status", "Status"),
        Binding("F", "filters", "Filters", show=False),
        Binding("x", "clear_filters", "Clear filters", show=False),
        *(Binding(key, f"verdict('{verdict}')", "Verdict" if key == "1" else words(verdict), show=key == "1",
                  key_display="1-5" if key == "1" else None)
          for key, verdict in VERDICT_KEYS.items()),
        Binding("n", "note", "Note"),
        Binding("r", "recheck", "Check"),
        Binding("ctrl+r", "recheck(True)", "Refetch", show=False),
        Binding("R", "app.references", "Refs"),
        Binding("o", "link", "DOI", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.claim_filter = ClaimFilter()
        self.refs: dict[int, StoredReference] = {}
        self._current: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="§")
        with Horizontal(id="panes"):
            with Vertical(id="left-pane"):
                yield ClaimList(id="claims")
                yield SearchBar(id="search")
            yield ClaimDetail(id="detail")
        yield UncheckedBanner(id="unchecked-banner")
        yield CheckBar(id="check-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search", SearchBar).display = False
        self.watch(self.app, "revision", self._reload, init=False)
        self._reload()

    # --- showing --------------------------------------------------------------------

    def _reload(self, _revision: int = 0) -> None:
        self.refs = {sr.reference.index: sr for sr in self.session.references}
        self.apply_filter()

    def apply_filter(self) -> None:
        claims_list = self.query_one("#claims", ClaimList)
        shown = [sc for sc in self.session.claims if self.claim_filter.matches(sc)]
        claims_list.show_claims(shown, keep=claims_list.highlighted_claim_id or self._current)
        pane = self.query_one("#left-pane")
        pane.border_title = f"Claims {len(shown)}/{len(self.session.claims)}"
        pane.border_subtitle = self.claim_filter.describe() if self.claim_filter.active else ""

    def set_filter(self, claim_filter: ClaimFilter) -> None:
        self.claim_filter = claim_filter
        self.apply_filter()

    @on(ClaimList.ClaimHighlighted)
    def _show_claim(self, event: ClaimList.ClaimHighlighted) -> None:
        self._current = event.claim_id
        claim = self.session.claim(event.claim_id) if event.claim_id else None
        self.query_one("#detail", ClaimDetail).show(claim, self.refs, self.session.article.path)

    def _selected(self) -> str | None:
        claim_id = self.query_one("#claims", ClaimList).highlighted_claim_id
        if claim_id is None:
            self.app.bell()
        return claim_id

    def _redraw(self, claim_id: str) -> None:
        claim = self.session.claim(claim_id)
        if claim is not None:
            self.query_one("#claims", ClaimList).refresh_claim(claim)
            self.query_one("#detail", ClaimDetail).show(claim, self.refs, self.session.article.path)

    # --- search and filters -----------------------------------------------------------

    def action_search(self) -> None:
        bar = self.query_one("#search", SearchBar)
        bar.display = True
        bar.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.set_filter(self.claim_filter.with_text(event.value))

    @on(Input.Submitted, "#search")
    def _search_done(self, event: Input.Submitted) -> None:
        # the filter stays (the pane's border shows it); `/` brings the text back
        self.query_one("#search", SearchBar).display = False
        self.query_one("#claims", ClaimList).focus()

    @on(SearchBar.Closed)
    def _search_closed(self, event: SearchBar.Closed) -> None:
        event.search_bar.display = False
        self.set_filter(self.claim_filter.with_text(""))
        self.query_one("#claims", ClaimList).focus()

    def action_cycle_status(self) -> None:
        self.set_filter(self.claim_filter.next_status())

    def action_clear_filters(self) -> None:
        bar = self.query_one("#search", SearchBar)
        with bar.prevent(Input.Changed):
            bar.value = ""
        bar.display = False
        self.set_filter(ClaimFilter())

    def action_filters(self) -> None:
        references = [(sr.reference.index, cited_as(sr.reference.parsed)) for sr in self.session.references]

        def chosen(result: ClaimFilter | None) -> None:
            if result is not None:
                self.set_filter(result)

        self.app.push_screen(FilterScreen(self.claim_filter, self.session.sections(), references), chosen)

    def show_citing(self, index: int) -> None:
        """Only the claims that cite reference `index` (from the references screen)."""
        self.set_filter(ClaimFilter(reference=index))
        bar = self.query_one("#search", SearchBar)
        with bar.prevent(Input.Changed):
            bar.value = ""
        bar.display = False

    # --- the reviewer's verdicts and notes ---------------------------------------------

    def action_verdict(self, verdict: str) -> None:
        claim_id = self._selected()
        if claim_id is not None:
            self.session.set_verdict(claim_id, verdict)
            self._redraw(claim_id)

    def action_note(self) -> None:
        claim_id = self._selected()
        claim = self.session.claim(claim_id) if claim_id else None
        if claim_id is None or claim is None:
            return

        def save(note: str | None) -> None:
            if note is not None:
                self.session.set_note(claim_id, note)
                self._redraw(claim_id)

        current = claim.verdict.note if claim.verdict else ""
        self.app.push_screen(NoteScreen(claim.claim.text, current), save)

    # --- sources ------------------------------------------------------------------------

    def action_recheck(self, refresh: bool = False) -> None:
        claim_id = self._selected()
        claim = self.session.claim(claim_id) if claim_id else None
        if claim is None:
            return
        if not claim.references:
            self.notify("This claim cites no reference.", severity="warning")
            return
        self.citelens.start_check(set(claim.references), refresh=refresh)

    def action_link(self) -> None:
        claim_id = self._selected()
        claim = self.session.claim(claim_id) if claim_id else None
        if claim is None:
            return
        urls = [url for i in claim.references if i in self.refs for url in reference_urls(self.refs[i])]
        self.citelens.show_url(urls)
