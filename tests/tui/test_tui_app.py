"""The app driven by Pilot: navigation, panes, filters, search, verdicts and notes, re-checks,
the references screen and export. Every test works on its own copy of the checked example."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Label, ProgressBar, Select
from tui_helpers import EXAMPLE, GG_CLAIM, search, text_of, type_text

from citelens.errors import InputError
from citelens.pipeline import check_article
from citelens.read.article import load_article, parse_article
from citelens.settings import Settings
from citelens.store import Store
from citelens.tui import CitelensApp, make_app
from citelens.tui.screens.filters import FilterScreen
from citelens.tui.screens.help import HelpScreen
from citelens.tui.screens.main import MainScreen
from citelens.tui.screens.note import NoteScreen
from citelens.tui.screens.references import ReferencesScreen
from citelens.tui.services import pipeline_checker
from citelens.tui.widgets.claim_detail import ClaimDetail
from citelens.tui.widgets.claim_list import ClaimList
from citelens.tui.widgets.reference_detail import ReferenceDetail, differing_rows
from citelens.tui.widgets.reference_list import ReferenceList

pytestmark = pytest.mark.anyio

SIZE = (100, 32)


def claim_list(app: CitelensApp) -> ClaimList:
    return app.screen.query_one("#claims", ClaimList)


def shown_claim_ids(app: CitelensApp) -> list[str]:
    return [o.id for o in claim_list(app).options if o.id and not o.id.startswith("section:")]


def selected_text(app: CitelensApp) -> str:
    claim_id = claim_list(app).highlighted_claim_id
    assert claim_id is not None
    claim = app.session.claim(claim_id)
    assert claim is not None
    return claim.claim.text


async def wait_for_check(app: CitelensApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


# --- navigation ---------------------------------------------------------------------------


async def test_starts_on_the_first_claim_that_has_a_source(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, MainScreen)
        first = next(c for c in app.session.claims if c.references)
        assert first is not app.session.claims[0]  # the article opens with uncited sentences
        assert claim_list(app).highlighted_claim_id == first.claim.id
        assert "Source [" in text_of(app, "#claim-sources")
        assert text_of(app, "#claim-text") == first.claim.text
        assert app.screen.focused is claim_list(app)
        assert len(shown_claim_ids(app)) == 162


async def test_down_and_j_move_the_selection_and_the_pane_follows(store: Store) -> None:
    app = make_app(store, 1)
    claims = [c.claim for c in app.session.claims]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("home", "down")
        assert claim_list(app).highlighted_claim_id == claims[1].id
        assert text_of(app, "#claim-text") == claims[1].text
        await pilot.press("j", "j")
        assert claim_list(app).highlighted_claim_id == claims[3].id
        assert text_of(app, "#claim-text") == claims[3].text
        await pilot.press("k")
        assert text_of(app, "#claim-text") == claims[2].text
        await pilot.press("up", "up")
        assert claim_list(app).highlighted_claim_id == claims[0].id


async def test_moving_into_the_next_section_skips_its_heading(store: Store) -> None:
    app = make_app(store, 1)
    claims = [c.claim for c in app.session.claims]
    first_of_second = next(i for i, c in enumerate(claims) if c.section != claims[0].section)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("home")
        for _ in range(first_of_second):
            await pilot.press("down")
        assert claim_list(app).highlighted_claim_id == claims[first_of_second].id
        assert claims[first_of_second].section in text_of(app, "#claim-meta")


async def test_a_click_selects_a_claim(store: Store) -> None:
    app = make_app(store, 1)
    claims = [c.claim for c in app.session.claims]
    async with app.run_test(size=SIZE) as pilot:
        # row 0 is the section heading, row 1 the first claim
        await pilot.press("home", "down", "down")
        await pilot.pause()
        await pilot.click("#claims", offset=(10, 1))
        await pilot.pause()
        assert claim_list(app).highlighted_claim_id == claims[0].id
        assert text_of(app, "#claim-text") == claims[0].text


async def test_tab_moves_between_the_panes(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.focused, ClaimList)
        await pilot.press("tab")
        assert isinstance(app.focused, ClaimDetail)
        await pilot.press("tab")
        assert isinstance(app.focused, ClaimList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ClaimDetail)


async def test_the_detail_pane_shows_links_evidence_abstract_and_notes(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "GG genotype, receiving")
        assert selected_text(app).startswith(GG_CLAIM)
        assert text_of(app, "#claim-heading").startswith("Claim partial")
        links = text_of(app, "#claim-links")
        assert "[1] Chen et al. 2011" in links and "verified" in links and "context:" in links
        assert "genotype group: the claim speaks of GG" in text_of(app, "#claim-notes")
        sources = text_of(app, "#claim-sources")
        assert "Source [1]" in sources and "Evidence" in sources and "Abstract" in sources
        assert "https://doi.org/10.1073/pnas.1113079108" in sources
        assert "https://pubmed.ncbi.nlm.nih.gov/22123970/" in sources
        # the evidence sentence is highlighted inside the abstract, the matched terms are bold
        content = app.screen.query_one("#claim-sources").content
        evidence = "Only individuals with one or two copies of the G allele of rs53576"
        start = content.plain.rindex(evidence)  # the last one is inside the abstract
        spans = [(span.start, span.end, str(span.style)) for span in content.spans]
        assert any(s == start and e > start + len(evidence) and "primary-muted" in style for s, e, style in spans)
        cortisol = content.plain.index("cortisol", start)
        assert (cortisol, cortisol + len("cortisol"), "bold") in spans


# --- filters and search --------------------------------------------------------------------


async def test_f_cycles_the_status_filter(store: Store) -> None:
    app = make_app(store, 1)
    statuses = {c.claim.id: c.status for c in app.session.claims}
    async with app.run_test(size=SIZE) as pilot:
        pane = app.screen.query_one("#left-pane")
        await pilot.press("f")
        supported = sum(1 for s in statuses.values() if s == "supported")
        assert {statuses[i] for i in shown_claim_ids(app)} == {"supported"}
        assert len(shown_claim_ids(app)) == supported
        assert pane.border_title == f"Claims {supported}/162"
        await pilot.press("f")
        assert {statuses[i] for i in shown_claim_ids(app)} == {"partial"}
        assert len(shown_claim_ids(app)) == sum(1 for s in statuses.values() if s == "partial")
        assert pane.border_subtitle == "partial"
        assert app.session.claim(claim_list(app).highlighted_claim_id).status == "partial"
        for _ in range(5):  # contradicted, no_evidence, source_problem, uncited, all
            await pilot.press("f")
        assert len(shown_claim_ids(app)) == 162


async def test_filter_dialog_by_section_and_reference(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#filter-section", Select).value = "Gene-Environment Interactions a Deeper Analysis"
        app.screen.query_one("#filter-reference", Select).value = 1
        await pilot.click("#filter-apply")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        shown = [app.session.claim(i) for i in shown_claim_ids(app)]
        assert shown and all(1 in c.references for c in shown)
        assert all(c.claim.section == "Gene-Environment Interactions a Deeper Analysis" for c in shown)
        assert "ref 1" in app.screen.query_one("#left-pane").border_subtitle
        await pilot.press("x")
        assert len(shown_claim_ids(app)) == 162


async def test_search_narrows_the_list_as_you_type_and_esc_clears_it(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await type_text(pilot, "cort")
        after_cort = len(shown_claim_ids(app))
        await type_text(pilot, "isol respon")
        narrowed = shown_claim_ids(app)
        assert 0 < len(narrowed) < after_cort < 162
        assert all("cortisol" in app.session.claim(i).claim.text.lower() for i in narrowed)
        assert all("respon" in app.session.claim(i).claim.text.lower() for i in narrowed)
        await pilot.press("escape")
        assert len(shown_claim_ids(app)) == 162
        assert isinstance(app.focused, ClaimList)
        assert not app.screen.query_one("#search").display


async def test_search_with_no_match_shows_an_empty_list(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "zzzz-no-such-word")
        assert shown_claim_ids(app) == []
        assert "No claim matches" in text_of(app, "#claim-heading")
        await pilot.press("3")  # nothing selected: nothing written
        assert store.db["verdicts"].count == 0


# --- verdicts and notes ----------------------------------------------------------------------


async def _review_gg_claim(pilot) -> None:
    await search(pilot, "GG genotype, receiving")
    await pilot.press("3")
    await pilot.press("n")
    assert isinstance(pilot.app.screen, NoteScreen)
    await type_text(pilot, "the abstract says GG/AG")
    await pilot.press("enter")
    await pilot.pause()


def _gg_claim_id(store: Store) -> str:
    return next(c.claim.id for c in store.load(1).claims if c.claim.text.startswith(GG_CLAIM))


async def test_verdict_keys_write_at_once(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "GG genotype, receiving")
        claim_id = claim_list(app).highlighted_claim_id
        for key, verdict in (("1", "supported"), ("2", "partly"), ("4", "contradicted"), ("5", "unclear"),
                             ("3", "not_supported")):
            await pilot.press(key)
            row = store.db["verdicts"].get((1, claim_id))
            assert row["verdict"] == verdict
        assert " not " in claim_list(app).get_option(claim_id).prompt.plain
        assert "not supported" in text_of(app, "#claim-heading")


async def test_verdict_and_note_survive_a_restart(db_path: Path) -> None:
    app = make_app(Store(db_path), 1)
    async with app.run_test(size=SIZE) as pilot:
        await _review_gg_claim(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "the abstract says GG/AG" in text_of(app, "#claim-notes")
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None

    again = make_app(Store(db_path), 1)  # a new app, a new connection, the same file
    claim_id = _gg_claim_id(Store(db_path))
    async with again.run_test(size=SIZE) as pilot:
        assert " not " in claim_list(again).get_option(claim_id).prompt.plain
        await search(pilot, "GG genotype, receiving")
        assert "not supported" in text_of(again, "#claim-heading")
        assert "the abstract says GG/AG" in text_of(again, "#claim-notes")


async def test_a_note_alone_keeps_the_verdict_and_esc_cancels(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await _review_gg_claim(pilot)
        await pilot.press("n")
        await type_text(pilot, " and more")
        await pilot.press("escape")
        await pilot.pause()
        row = store.db["verdicts"].get((1, _gg_claim_id(store)))
        assert (row["verdict"], row["note"]) == ("not_supported", "the abstract says GG/AG")


async def test_verdict_and_note_survive_a_recheck(db_path: Path, offline_settings: Settings) -> None:
    calls: list[tuple[int, set[int] | None, str]] = []

    def checker(article_id: int, only: set[int] | None) -> None:
        calls.append((article_id, only, threading.current_thread().name))
        # runs in the worker thread, so it opens its own connection
        check_article(EXAMPLE, Store(db_path), offline_settings)

    app = make_app(Store(db_path), 1, checker=checker)
    async with app.run_test(size=SIZE) as pilot:
        await _review_gg_claim(pilot)
        revision = app.revision
        await pilot.press("r")
        await wait_for_check(app, pilot)
        assert calls and calls[0][:2] == (1, {1})
        assert calls[0][2] != threading.current_thread().name
        assert app.revision == revision + 1
        assert app.check_state is None
        claim_id = claim_list(app).highlighted_claim_id
        assert claim_id == _gg_claim_id(app.session.store)
        assert " not " in claim_list(app).get_option(claim_id).prompt.plain
        assert "the abstract says GG/AG" in text_of(app, "#claim-notes")
        assert app.session.claim(claim_id).verdict.verdict == "not_supported"


async def test_an_unchecked_article_is_checked_at_start_up(tmp_path: Path, offline_settings: Settings) -> None:
    path = tmp_path / "fresh.db"
    fresh = Store(path)
    fresh.save_article(load_article(EXAMPLE))
    progress_seen: list[tuple[str, int, int]] = []

    def checker(article_id: int, only: set[int] | None, progress=None) -> None:
        store = Store(path)
        check_article(EXAMPLE, store, offline_settings, progress=lambda *a: (progress_seen.append(a), progress(*a)))

    app = make_app(fresh, None, checker=checker)
    assert app.session.article.checked_at is None
    async with app.run_test(size=SIZE) as pilot:
        assert app.check_state is not None or app.workers  # the check started with the app
        await wait_for_check(app, pilot)
        assert progress_seen, "the checker was given a progress callback"
        assert app.check_state is None
        assert app.session.article.checked_at is not None
        assert {c.status for c in app.session.claims} >= {"supported", "partial", "uncited"}
        assert not app.screen.query_one("#check-bar").display


async def test_a_running_check_shows_its_progress(store: Store) -> None:
    release = threading.Event()

    def checker(article_id: int, only: set[int] | None, progress=None) -> None:
        progress("identifiers", 1, 6)
        release.wait(10)

    app = make_app(store, 1, checker=checker)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "GG genotype, receiving")
        await pilot.press("r")
        for _ in range(100):
            await pilot.pause(0.01)
            if app.check_state is not None and app.check_state.stage == "identifiers":
                break
        bar = app.screen.query_one("#check-bar")
        assert bar.display
        assert "checking: identifiers" in str(bar.query_one("#check-label", Label).content)
        progress_bar = bar.query_one(ProgressBar)
        assert (progress_bar.total, progress_bar.progress) == (100, 5)  # one bar over the whole lookup
        await pilot.press("3")  # the app stays usable while the check runs
        assert app.session.claim(claim_list(app).highlighted_claim_id).verdict.verdict == "not_supported"
        release.set()
        await wait_for_check(app, pilot)
        assert not bar.display


async def test_the_pipeline_checker_checks_an_unchecked_article(tmp_path: Path, offline_settings: Settings) -> None:
    path = tmp_path / "fresh.db"
    fresh = Store(path)
    fresh.save_article(load_article(EXAMPLE))
    app = make_app(fresh, None, checker=pipeline_checker(path, offline_settings))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_check(app, pilot)
        assert app.session.article.checked_at is not None
        assert app.session.reference(4).resolution.status == "discrepant"
        await pilot.press("R", "down", "down", "down", "r")  # and one reference again
        await wait_for_check(app, pilot)
        assert app.session.reference(4).resolution.status == "discrepant"
        assert any("Checked reference 4" in n.message for n in app._notifications)


async def test_a_failing_checker_becomes_a_notification(store: Store) -> None:
    def checker(article_id: int, only: set[int] | None) -> None:
        raise RuntimeError("the network is down")

    app = make_app(store, 1, checker=checker)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "GG genotype, receiving")
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert app.check_state is None
        assert any("the network is down" in n.message and n.severity == "error" for n in app._notifications)


async def test_recheck_without_a_checker_warns(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "GG genotype, receiving")
        await pilot.press("r")
        assert any("not available" in n.message for n in app._notifications)


# --- the references screen ---------------------------------------------------------------------


def reference_list(app: CitelensApp) -> ReferenceList:
    return app.screen.query_one("#references", ReferenceList)


async def test_references_screen_shows_the_discrepancies_of_reference_4(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        assert isinstance(app.screen, ReferencesScreen)
        assert reference_list(app).option_count == 12
        await pilot.press("down", "down", "down")
        assert reference_list(app).highlighted_index == 4
        assert "discrepant" in text_of(app, "#ref-heading")
        differences = text_of(app, "#ref-differences")
        for line in ("first author: cited Krol, record Oláh", "volume: cited 10, record 8",
                     "pages: cited 193, record 2156", "year: cited 2019, record 2017"):
            assert line in differences
        sr = app.session.reference(4)
        assert differing_rows(sr) == {"authors", "volume", "pages", "year"}
        ids = text_of(app, "#ref-ids")
        assert "https://doi.org/10.3389/fpsyg.2017.02156" in ids
        assert "https://pubmed.ncbi.nlm.nih.gov/29312041/" in ids
        assert "gets first_author, volume, pages, year wrong" in text_of(app, "#ref-notes")
        await pilot.press("R")
        assert isinstance(app.screen, MainScreen)


async def test_references_screen_shows_the_rejected_candidates_of_reference_12(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R", "end")
        assert reference_list(app).highlighted_index == 12
        assert "not found" in text_of(app, "#ref-heading")
        assert text_of(app, "#ref-differences") == ""
        candidates = text_of(app, "#ref-candidates")
        assert candidates.startswith("Candidates (5, 5 rejected)")
        assert "✗ rejected" in candidates and "✓ accepted" not in candidates
        assert "Mutual influences between partners’ hormones" in candidates
        assert "- title similarity 0.45" in candidates and "- pages 337-351 (cited 65-73)" in candidates
        assert "No matching record in Crossref or PubMed" in text_of(app, "#ref-notes")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_references_screen_keeps_its_selection_and_c_shows_the_citing_claims(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R", "down", "down", "down", "down")
        await pilot.press("c")
        assert isinstance(app.screen, MainScreen)
        shown = [app.session.claim(i) for i in shown_claim_ids(app)]
        citing = [c for c in app.session.claims if 5 in c.references]
        assert citing and len(shown) == len(citing) and all(5 in c.references for c in shown)
        await pilot.press("R")
        assert reference_list(app).highlighted_index == 5


async def test_r_on_the_references_screen_rechecks_that_reference(store: Store) -> None:
    calls: list[set[int] | None] = []
    app = make_app(store, 1, checker=lambda article_id, only: calls.append(only))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R", "end", "r")
        await wait_for_check(app, pilot)
        assert calls == [{12}]
        assert isinstance(app.screen.query_one("#reference-detail"), ReferenceDetail)


# --- export, links, theme, help ----------------------------------------------------------------


async def test_e_writes_the_bibtex_file(store: Store, tmp_path: Path) -> None:
    asked: list[int] = []

    def exporter(article_id: int) -> str:
        asked.append(article_id)
        return "@article{chen2011,\n  title = {Common oxytocin receptor gene},\n}\n"

    app = make_app(store, 1, exporter=exporter)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        target = tmp_path / "oxytocin-sensitivity.bib"  # named after the article
        assert asked == [1]
        assert target.read_text(encoding="utf-8").startswith("@article{chen2011,")
        assert any(str(target) in n.message for n in app._notifications)


async def test_e_without_an_exporter_warns(store: Store, tmp_path: Path) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert not (tmp_path / "oxytocin-sensitivity.bib").exists()
        assert any("not available" in n.message for n in app._notifications)


async def test_o_shows_the_doi_link(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "GG genotype, receiving")
        await pilot.press("o")
        assert any("https://doi.org/10.1073/pnas.1113079108" in n.message for n in app._notifications)
        await pilot.press("R", "down", "down", "down", "o")
        assert any("https://doi.org/10.3389/fpsyg.2017.02156" in n.message for n in app._notifications)


async def test_ctrl_t_toggles_the_light_theme(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        dark_magenta = app.stylesheet._variables["cl-no-evidence"]
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        assert app.stylesheet._variables["cl-no-evidence"] != dark_magenta
        assert app.stylesheet._variables["cl-supported"] == app.stylesheet._variables["text-success"]
        await pilot.press("R")  # the references screen redraws in the new theme
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


async def test_help_screen_lists_the_keys(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


SECOND = """# Second article

Social support lowers cortisol after stress [1].

## References

1. Insel TR, Young LJ. The neurobiology of attachment. Nat Rev Neurosci. 2001;2(2):129-36.
"""


async def test_without_an_article_id_the_latest_article_is_shown(store: Store) -> None:
    second = store.save_article(parse_article(SECOND, "<second>", "abc"))
    app = make_app(store, None)
    assert app.article_id == second != 1
    async with app.run_test(size=SIZE):
        assert app.title == "Second article"
        assert len(shown_claim_ids(app)) == len(store.load(second).claims)
    assert make_app(store, 1).title == "Oxytocin sensitivity"


def test_an_unknown_article_is_an_input_error(store: Store) -> None:
    with pytest.raises(InputError):
        make_app(store, 99)


# --- checks that could not check (issue 15) ------------------------------------------------------


async def test_r_checks_from_the_cache_and_ctrl_r_refetches(store: Store) -> None:
    calls: list[tuple[set[int] | None, bool]] = []

    def checker(article_id: int, only: set[int] | None, progress=None, refresh: bool = False) -> None:
        calls.append((only, refresh))

    app = make_app(store, 1, checker=checker)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R", "down", "down", "down", "r")
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == [({4}, False), ({4}, True)]


async def test_an_offline_check_with_an_empty_cache_shows_a_banner(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    fresh = Store(path)
    fresh.save_article(load_article(EXAMPLE))
    settings = Settings(cache_dir=tmp_path / "empty", offline=True)
    app = make_app(fresh, None, checker=pipeline_checker(path, settings))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_check(app, pilot)
        banner = app.screen.query_one("#unchecked-banner")
        assert banner.display
        assert "12 of 12 references could not be checked (offline and not in the cache): run again without " \
               "--offline" in str(banner.content)
        assert any(n.title == "Check incomplete" and n.severity == "warning" for n in app._notifications)
        assert not any(n.title == "Check done" for n in app._notifications)
        await pilot.press("R", "down", "ctrl+r")  # a refetch offline is refused in one line, nothing is lost
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("needs the network" in n.message for n in app._notifications)


async def test_a_recheck_that_cannot_reach_the_sources_keeps_the_verdict(db_path: Path, tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "empty", crossref_url="http://127.0.0.1:9",
                        eutils_url="http://127.0.0.1:9", backoff_base=0.005)
    app = make_app(Store(db_path), 1, checker=pipeline_checker(db_path, settings))
    async with app.run_test(size=SIZE) as pilot:
        assert not app.screen.query_one("#unchecked-banner").display
        await pilot.press("R", "down", "down", "down", "ctrl+r")
        await wait_for_check(app, pilot)
        resolution = app.session.reference(4).resolution
        assert resolution.status == "discrepant" and resolution.match is not None
        assert any(n.startswith("refresh failed on ") for n in resolution.notes)


# --- everyday use: bibliographies, narrow terminals, several articles ---------------------------

BIBLIOGRAPHY = EXAMPLE.parents[1] / "tests" / "data" / "batch" / "my-bibliography.bib"


async def test_a_bibliography_opens_on_its_references_with_keys_and_lines(store: Store) -> None:
    from citelens.read import load_input

    article_id = store.save_article(load_input(BIBLIOGRAPHY).article)
    app = make_app(store, article_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReferencesScreen)
        heading = text_of(app, "#ref-heading")
        assert "key chen2011" in heading and "my-bibliography.bib:1" in heading
        await pilot.press("down")
        assert "key rimmele2009 · my-bibliography.bib:14" in text_of(app, "#ref-heading")


async def test_below_100_columns_the_panes_stack(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        left = app.screen.query_one("#left-pane").region
        detail = app.screen.query_one("#detail").region
        assert app.screen.has_class("-narrow")
        assert detail.y >= left.bottom and detail.width == left.width == 80
    app = make_app(store, 1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        left = app.screen.query_one("#left-pane").region
        detail = app.screen.query_one("#detail").region
        assert detail.x >= left.right and detail.y == left.y


async def test_claims_show_on_up_to_two_lines_of_the_width(store: Store) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        claims = claim_list(app)
        width = claims.scrollable_content_region.width - 1
        prompts = [o.prompt.plain for o in claims.options if o.id and not o.id.startswith("section:")]
        long_ones = [p for p in prompts if p.endswith("…")]
        assert long_ones and all(len(p) <= 2 * (width + 1) for p in prompts)
        assert max(len(p) for p in prompts) > width  # a second line is used, not a 22-character cut


async def test_a_switches_to_another_article(store: Store) -> None:
    from citelens.read import load_input
    from citelens.tui.screens.articles import ArticlesScreen

    other = store.save_article(load_input(BIBLIOGRAPHY).article)
    app = make_app(store, 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, ArticlesScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.article_id == other
        assert isinstance(app.screen, ReferencesScreen)
        assert "2 references" in app.sub_title
