"""The store: idempotent re-ingest, articles side by side, verdicts that nothing overwrites."""

from __future__ import annotations

import sqlite_utils

from citelens.read.article import load_article, parse_article
from citelens.records import Assessment, Resolution
from citelens.store import Store

TWO_REFS = """# Second article

Social support lowers cortisol after stress [1]. Oxytocin amplified this buffering effect [2].

## References

1. Heinrichs M, Baumgartner T, Kirschbaum C, Ehlert U. Social support and oxytocin interact to suppress cortisol and subjective responses to psychosocial stress. Biol Psychiatry. 2003;54(12):1389-98.
2. Insel TR, Young LJ. The neurobiology of attachment. Nat Rev Neurosci. 2001;2(2):129-36.
"""


def _counts(store: Store) -> dict[str, int]:
    return {name: store.db[name].count for name in ("articles", "claims", "references", "verdicts")}


def test_reingest_updates_in_place(example_article):
    store = Store(db=sqlite_utils.Database(memory=True))
    article = load_article(example_article)
    first = store.save_article(article)
    ids = [r["id"] for r in store.db.query("select id from claims order by position")]
    counts = _counts(store)
    second = store.save_article(load_article(example_article))
    assert first == second
    assert _counts(store) == counts
    assert [r["id"] for r in store.db.query("select id from claims order by position")] == ids
    assert counts["references"] == 12


def test_two_articles_live_side_by_side(example_article):
    store = Store(db=sqlite_utils.Database(memory=True))
    a = store.save_article(load_article(example_article))
    b = store.save_article(parse_article(TWO_REFS, "<second>", "abc"))
    assert a != b
    assert len(store.load(a).references) == 12
    assert len(store.load(b).references) == 2
    assert [r["id"] for r in store.list_articles()] == [a, b]


def test_verdicts_survive_reingest_and_new_checks(example_article):
    store = Store(db=sqlite_utils.Database(memory=True))
    article_id = store.save_article(load_article(example_article))
    claim = store.load(article_id).claims[5].claim
    store.set_verdict(article_id, claim.id, "contradicted", "the abstract says the opposite")
    store.save_article(load_article(example_article))
    store.save_assessments(article_id, {claim.id: Assessment("supported")})
    reloaded = next(c for c in store.load(article_id).claims if c.claim.id == claim.id)
    assert reloaded.verdict.verdict == "contradicted"
    assert reloaded.verdict.note == "the abstract says the opposite"
    assert reloaded.status == "supported"
    # a note alone keeps the verdict
    store.set_verdict(article_id, claim.id, None, "second thoughts")
    again = next(c for c in store.load(article_id).claims if c.claim.id == claim.id)
    assert (again.verdict.verdict, again.verdict.note) == ("contradicted", "second thoughts")


def test_changed_reference_loses_its_old_resolution():
    store = Store(db=sqlite_utils.Database(memory=True))
    article_id = store.save_article(parse_article(TWO_REFS, "<second>", "abc"))
    store.save_resolution(article_id, 1, Resolution(status="verified", confidence=0.9))
    store.save_resolution(article_id, 2, Resolution(status="verified", confidence=0.9))
    edited = TWO_REFS.replace("2001;2(2):129-36", "2002;2(2):129-36")
    store.save_article(parse_article(edited, "<second>", "abd"))
    refs = store.load(article_id).references
    assert refs[0].resolution is not None and refs[0].resolution.status == "verified"
    assert refs[1].resolution is None


def test_database_file_on_disk_is_reopened(tmp_path, example_article):
    path = tmp_path / "x.db"
    article_id = Store(path).save_article(load_article(example_article))
    assert len(Store(path).load(article_id).claims) > 100
