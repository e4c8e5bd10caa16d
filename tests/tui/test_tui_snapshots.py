"""SVG snapshots of each screen at fixed terminal sizes (pytest-textual-snapshot).

Regenerate after an intended change with `pytest tests/tui --snapshot-update` and look at
the SVGs in __snapshots__/ before committing them. The app has no clock and no blinking
cursor, and every test starts from the same checked database, so the pictures are stable.
"""

from __future__ import annotations

from tui_helpers import search

from citelens.store import Store
from citelens.tui import make_app

LARGE = (100, 32)
SMALL = (80, 24)


class TestMainScreen:
    def test_partial_claim_with_its_source(self, snap_compare, store: Store) -> None:
        async def run_before(pilot) -> None:
            await search(pilot, "GG genotype, receiving")

        assert snap_compare(make_app(store, 1), terminal_size=LARGE, run_before=run_before)

    def test_status_filter_and_verdict_at_80x24(self, snap_compare, store: Store) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("f", "f", "down", "3")

        assert snap_compare(make_app(store, 1), terminal_size=SMALL, run_before=run_before)

    def test_first_claim_at_80x24(self, snap_compare, store: Store) -> None:
        assert snap_compare(make_app(store, 1), terminal_size=SMALL)

    def test_light_theme(self, snap_compare, store: Store) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("ctrl+t", "f")

        assert snap_compare(make_app(store, 1), terminal_size=LARGE, run_before=run_before)

    def test_search_box_open(self, snap_compare, store: Store) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("slash", *"oxytocin")

        assert snap_compare(make_app(store, 1), terminal_size=SMALL, run_before=run_before)


class TestReferencesScreen:
    def test_discrepant_reference(self, snap_compare, store: Store) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("R", "down", "down", "down")

        assert snap_compare(make_app(store, 1), terminal_size=LARGE, run_before=run_before)

    def test_rejected_candidates(self, snap_compare, store: Store) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("R", "end", "tab", "end")

        assert snap_compare(make_app(store, 1), terminal_size=LARGE, run_before=run_before)

    def test_discrepant_reference_at_80x24(self, snap_compare, store: Store) -> None:
        async def run_before(pilot) -> None:
            await pilot.press("R", "down", "down", "down")

        assert snap_compare(make_app(store, 1), terminal_size=SMALL, run_before=run_before)


class TestDialogs:
    def test_help_at_80x24(self, snap_compare, store: Store) -> None:
        assert snap_compare(make_app(store, 1), terminal_size=SMALL, press=["question_mark"])

    def test_note_dialog(self, snap_compare, store: Store) -> None:
        async def run_before(pilot) -> None:
            await search(pilot, "GG genotype, receiving")
            await pilot.press("n", *"GG only")

        assert snap_compare(make_app(store, 1), terminal_size=LARGE, run_before=run_before)

    def test_filter_dialog(self, snap_compare, store: Store) -> None:
        assert snap_compare(make_app(store, 1), terminal_size=LARGE, press=["F"])
