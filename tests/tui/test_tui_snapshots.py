"""SVG snapshots of every screen at 80x24 and 120x40 (pytest-textual-snapshot).

Regenerate after an intended change with `pytest tests/tui --snapshot-update` and look at
the SVGs in __snapshots__/ before committing them. The app has no clock and no blinking
cursor, and every test starts from the same checked database, so the pictures are stable.
Below 100 columns the panes stack (the list above, the detail below).
"""

from __future__ import annotations

import pytest
from tui_helpers import ROOT, search

from citelens.read import load_input
from citelens.store import Store
from citelens.tui import make_app

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
size = pytest.mark.parametrize("size", list(SIZES))  # every screen at both sizes
small = pytest.mark.parametrize("size", ["80x24"])  # further states of a screen: the size that is harder
large = pytest.mark.parametrize("size", ["120x40"])
BIBLIOGRAPHY = ROOT / "tests" / "data" / "batch" / "my-bibliography.bib"


class TestMainScreen:
    @size
    def test_first_claim_with_a_source(self, snap_compare, store: Store, size: str) -> None:
        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size])

    @large
    def test_partial_claim_with_its_source(self, snap_compare, store: Store, size: str) -> None:
        async def run_before(pilot) -> None:
            await search(pilot, "GG genotype, receiving")

        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], run_before=run_before)

    @small
    def test_detail_pane_scrolled(self, snap_compare, store: Store, size: str) -> None:
        async def run_before(pilot) -> None:
            await search(pilot, "GG genotype, receiving")
            await pilot.press("tab", "pagedown")

        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], run_before=run_before)

    @small
    def test_status_filter_and_verdict(self, snap_compare, store: Store, size: str) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("f", "f", "down", "3")

        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], run_before=run_before)

    @large
    def test_light_theme(self, snap_compare, store: Store, size: str) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("ctrl+t", "f")

        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], run_before=run_before)

    @small
    def test_search_box_open(self, snap_compare, store: Store, size: str) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("slash", *"oxytocin")

        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], run_before=run_before)


class TestReferencesScreen:
    @size
    def test_discrepant_reference(self, snap_compare, store: Store, size: str) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("R", "down", "down", "down")

        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], run_before=run_before)

    @large
    def test_rejected_candidates(self, snap_compare, store: Store, size: str) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("R", "end", "tab", "end")

        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], run_before=run_before)

    @size
    def test_a_bibliography_opens_on_its_references(self, snap_compare, store: Store, size: str) -> None:
        article_id = store.save_article(load_input(BIBLIOGRAPHY).article)
        assert snap_compare(make_app(store, article_id), terminal_size=SIZES[size])


@size
class TestDialogs:
    def test_help(self, snap_compare, store: Store, size: str) -> None:
        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], press=["question_mark"])

    def test_note_dialog(self, snap_compare, store: Store, size: str) -> None:
        async def run_before(pilot) -> None:
            await search(pilot, "GG genotype, receiving")
            await pilot.press("n", *"GG only")

        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], run_before=run_before)

    def test_filter_dialog(self, snap_compare, store: Store, size: str) -> None:
        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], press=["F"])

    def test_articles_dialog(self, snap_compare, store: Store, size: str) -> None:
        store.save_article(load_input(BIBLIOGRAPHY).article)
        assert snap_compare(make_app(store, 1), terminal_size=SIZES[size], press=["a"])
