"""Claim links and claim statuses: the labelled set, and the example article's passages."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from bench.scoring.link_eval import LinkScore, load_labels, score_article
from citelens.pipeline import check_article
from citelens.settings import Settings
from citelens.store import Store

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "claim_links.jsonl"


@pytest.fixture(scope="module")
def checked(standin, tmp_path_factory):
    """Every labelled article checked once against the stand-in: (store, {path: article id})."""
    tmp = tmp_path_factory.mktemp("links")
    settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, mailto="t@example.org",
                        cache_dir=tmp / "cache", crossref_rps=200, eutils_rps=200)
    store = Store(tmp / "links.db")
    ids = {}
    for article in sorted({label["article"] for label in load_labels(LABELS)}):
        ids[article] = check_article(ROOT / article, store, settings).article_id
    return store, ids


@pytest.fixture(scope="module")
def score(checked) -> LinkScore:
    store, ids = checked
    by_article = defaultdict(list)
    for label in load_labels(LABELS):
        by_article[label["article"]].append(label)
    total = LinkScore()
    for article, labels in by_article.items():
        total.add(score_article(store.load(ids[article]), labels))
    return total


def test_every_labelled_claim_is_found_by_the_splitter(score):
    assert score.missing_claims == []
    assert score.labelled >= 150


def test_link_precision_and_recall_meet_targets(score):
    assert score.precision >= 0.9, score.errors
    assert score.recall >= 0.8, score.errors


def test_status_accuracy(score):
    assert score.status_accuracy >= 0.75, score.confusion


def _example(checked):
    store, ids = checked
    return store.load(ids["references/oxytocin-sensitivity.txt"])


def test_chen_passage_links_to_chen_with_evidence_and_flags_overreach(checked):
    stored = _example(checked)
    claims = {c.claim.text: c for c in stored.claims}
    landmark = claims["A landmark study published in the Proceedings of the National Academy of Sciences by Chen et al. "
                      "elegantly demonstrated this principle."]
    assert landmark.references == [1]
    assert "author Chen" in landmark.links[0]["reason"]
    gg = next(c for t, c in claims.items() if t.startswith("Among individuals with the GG genotype"))
    assert gg.references == [1]
    assert gg.status == "partial"
    assert any("genotype group" in n for n in gg.notes)
    assert any("G allele of rs53576" in e.sentence for e in gg.evidence)
    buffer = next(c for t, c in claims.items() if t.startswith("This provides powerful evidence"))
    assert buffer.status == "supported"
    assert buffer.evidence[0].sentence.startswith("These results indicate that genetic variation")


def test_nutrition_claims_are_uncited(checked):
    stored = _example(checked)
    nutrition = [c for c in stored.claims if any(w in c.claim.text for w in ("Magnesium", "magnesium", "Vitamin C",
                                                                              "Vitamin D"))]
    assert len(nutrition) >= 5
    assert {c.status for c in nutrition} == {"uncited"}
    assert all(c.references == [] for c in nutrition)


def test_rs53576_table_rows_link_only_where_a_reference_backs_them(checked):
    stored = _example(checked)
    rows = {c.claim.cells[0]: c for c in stored.claims if c.claim.kind == "table_row"}
    assert rows["Stress Reactivity"].references == [1]
    assert rows["Stress Reactivity"].status == "partial"  # the row groups AG with AA; Chen found G carriers
    assert rows["Social Perception"].references == [5]
    for name in ("Prosocial Behavior", "Mental Health", "Brain Structure"):
        assert rows[name].references == [] and rows[name].status == "uncited"


def test_reviewer_verdict_survives_a_recheck(checked, standin, tmp_path):
    store, ids = checked
    article_id = ids["references/oxytocin-sensitivity.txt"]
    claim = next(c for c in store.load(article_id).claims if c.references)
    store.set_verdict(article_id, claim.claim.id, "not_supported", "overstated")
    settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, cache_dir=tmp_path,
                        crossref_rps=200, eutils_rps=200, refresh=True)
    check_article(ROOT / "references/oxytocin-sensitivity.txt", store, settings)
    again = next(c for c in store.load(article_id).claims if c.claim.id == claim.claim.id)
    assert (again.verdict.verdict, again.verdict.note) == ("not_supported", "overstated")
    assert again.status == claim.status


def test_no_claim_is_supported_by_background_or_methods(checked):
    store, ids = checked
    for article_id in ids.values():
        for c in store.load(article_id).claims:
            if c.status == "supported":
                assert c.evidence and c.evidence[0].part in ("results", "conclusions"), c.claim.text
            if c.status in ("partial", "contradicted"):
                assert c.notes, c.claim.text  # the reason is always given


def test_generic_topic_sentences_get_no_content_link(checked):
    store, ids = checked
    claims = {c.claim.text: c for c in store.load(ids["references/oxytocin-sensitivity.txt"]).claims}
    chromosome = next(c for t, c in claims.items() if "chromosome 3p25" in t)
    case_study = next(c for t, c in claims.items() if "compelling case study" in t)
    assert chromosome.status == "uncited" and chromosome.links == []
    assert case_study.status == "uncited"


def test_a_paraphrase_of_a_cited_review_keeps_its_content_link(checked):
    store, ids = checked
    claims = {c.claim.text: c for c in store.load(ids["tests/data/articles/vasopressin-anxiety.txt"]).claims}
    seshadri = next(c for t, c in claims.items() if t.startswith("Seshadri describes"))
    assert seshadri.references == [8] and seshadri.status == "supported"


def test_an_author_year_cue_finds_a_year_printed_in_an_unusual_place():
    """'Lee and Park (2014)' cites the work whose string gives 2014 only as its online date."""
    from citelens.claims.links import Linker, printed_years
    from citelens.read.article import parse_article
    from citelens.records import Resolution, StoredArticle, StoredClaim, StoredReference

    text = (
        "Trust\n\nLee and Park (2014) found a link between oxytocin and trust.\n\nReferences\n"
        "Lee K, Park S. Oxytocin and trust in young adults. Psychoneuroendocrinology 51:1-10 (2015). "
        "Epub 2014 Sep 16.\n"
        "Lee K, Park S. Oxytocin and trust in older adults. Psychoneuroendocrinology 60:20-30 (2016).\n"
    )
    article = parse_article(text, "trust.txt", "0" * 64)
    refs = [StoredReference(r, Resolution("not_found", 0.9)) for r in article.references]
    stored = StoredArticle(1, "trust.txt", article.title, article.sha256, "", None,
                           [StoredClaim(c) for c in article.claims], refs)
    (links,) = [v for v in Linker(stored).link_all().values() if v]
    assert [link["reference"] for link in links] == [1]
    assert "year 2014" in links[0]["reason"]
    # pages, volume:page, DOIs and URLs are not years
    assert printed_years("PNAS 111(5):1987-1992 (2014). doi:10.1038/2012.1999") == {2014}
    assert printed_years("Smith J (2003a) Title. J Neurosci 2004 Dec 12;24:100-9.") == {2003, 2004}
