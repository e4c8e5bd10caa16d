"""The TUI's plain parts: filters, highlighting, the session's writes, and import hygiene."""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual.content import Content
from tui_helpers import GG_CLAIM

from citelens.records import Verdict
from citelens.store import Store
from citelens.tui.filters import STATUS_CYCLE, ClaimFilter
from citelens.tui.session import Session
from citelens.tui.styling import (
    cited_as,
    claim_prompt,
    highlight_abstract,
    mark_terms,
    reference_urls,
    usable_terms,
)
from citelens.tui.widgets.reference_detail import differing_rows, format_authors


def _gg(session: Session):
    return next(c for c in session.claims if c.claim.text.startswith(GG_CLAIM))


def test_filter_matches_status_section_reference_and_words(store: Store) -> None:
    session = Session.open(store, 1)
    gg = _gg(session)
    assert ClaimFilter().matches(gg) and not ClaimFilter().active
    assert ClaimFilter(status="partial").matches(gg)
    assert not ClaimFilter(status="supported").matches(gg)
    assert ClaimFilter(section=gg.claim.section, reference=1).matches(gg)
    assert not ClaimFilter(reference=4).matches(gg)
    assert ClaimFilter(text="gg CORTISOL").matches(gg)  # every word, any case, any order
    assert not ClaimFilter(text="gg dopamine").matches(gg)


def test_filter_text_also_finds_the_reviewers_note(store: Store) -> None:
    session = Session.open(store, 1)
    gg = _gg(session)
    session.set_note(gg.claim.id, "check the supplement")
    assert ClaimFilter(text="supplement").matches(gg)


def test_status_cycle_goes_round() -> None:
    f = ClaimFilter(text="x")
    seen = []
    for _ in range(len(STATUS_CYCLE)):
        f = f.next_status()
        seen.append(f.status)
    assert seen == [*STATUS_CYCLE[1:], None]
    assert f.text == "x"


def test_filter_describe() -> None:
    assert ClaimFilter().describe() == "all"
    assert ClaimFilter(status="no_evidence", reference=3, text=" gg ").describe() == 'no evidence · ref 3 · "gg"'


def test_highlight_abstract_marks_evidence_and_terms() -> None:
    abstract = "Background. Social support reduced cortisol in GG carriers. Nothing else."
    content = highlight_abstract(abstract, ["Social support reduced cortisol in GG carriers."],
                                 ["support", "cortisol", "gt_gg"])
    spans = [(s.start, s.end, str(s.style)) for s in content.spans]
    start = abstract.index("Social")
    assert (start, abstract.index(" Nothing"), "on $primary-muted") in spans
    assert (abstract.index("support"), abstract.index("support") + 7, "bold") in spans
    assert (abstract.index("cortisol"), abstract.index("cortisol") + 8, "bold") in spans
    assert not any(content.plain[s:e] == "GG" for s, e, _ in spans)  # 'gt_gg' marks nothing


def test_highlight_finds_a_sentence_across_different_spacing() -> None:
    content = highlight_abstract("One.  Two\nwords here.", ["Two words here."], [])
    assert [(s.start, s.end) for s in content.spans] == [(6, 21)]


def test_terms_are_stems_matched_at_word_start() -> None:
    content = mark_terms(Content("Receiving received deceive"), ["receiv"])
    marked = [content.plain[s.start:s.end] for s in content.spans]
    assert marked == ["Receiving", "received"]
    assert usable_terms(["Receiv", "gt_gg", "a", "rs53576"]) == ["receiv", "rs53576"]


def test_claim_prompt_shows_badges(store: Store) -> None:
    session = Session.open(store, 1)
    gg = _gg(session)
    assert claim_prompt(gg).plain.startswith("part Among individuals")
    gg.verdict = Verdict("contradicted")
    assert claim_prompt(gg).plain.startswith("part  contra  Among")


def test_reference_helpers(store: Store) -> None:
    session = Session.open(store, 1)
    krol = session.reference(4)
    assert cited_as(krol.reference.parsed) == "Krol et al. 2019"
    assert reference_urls(krol) == ["https://doi.org/10.3389/fpsyg.2017.02156",
                                    "https://pubmed.ncbi.nlm.nih.gov/29312041/"]
    assert differing_rows(krol) == {"authors", "volume", "pages", "year"}
    assert differing_rows(session.reference(1)) == set()
    assert format_authors(krol.resolution.match.authors) == "Oláh K., Topál J., Kovács K. … (7 authors)"
    assert reference_urls(session.reference(12)) == []


def test_session_writes_verdicts_and_notes_at_once(db_path) -> None:
    session = Session.open(Store(db_path), 1)
    gg = _gg(session)
    session.set_verdict(gg.claim.id, "partly")
    session.set_note(gg.claim.id, "only GG/AG in the abstract")
    assert gg.verdict.verdict == "partly" and gg.verdict.note == "only GG/AG in the abstract"
    other = _gg(Session.open(Store(db_path), 1))  # another connection sees it at once
    assert (other.verdict.verdict, other.verdict.note) == ("partly", "only GG/AG in the abstract")
    with pytest.raises(ValueError):
        session.set_verdict(gg.claim.id, "maybe")


def test_sections_keep_article_order(store: Store) -> None:
    sections = Session.open(store, 1).sections()
    assert sections[0] == "Fundamentals" and len(sections) == len(set(sections)) == 11


HEADLESS = ["citelens.store", "citelens.pipeline", "citelens.output", "citelens.records", "citelens.claims",
            "citelens.resolve", "citelens.read", "citelens.output.export", "citelens.claims.links", "citelens.settings"]




def test_the_headless_core_never_imports_textual() -> None:
    code = ("import sys\n" + "".join(f"import {m}\n" for m in HEADLESS)
            + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            + "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
