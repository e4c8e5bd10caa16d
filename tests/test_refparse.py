"""The reference parser: the labelled set (field accuracy) and real strings of every style."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scoring.parse_eval import load_labelled, score
from citelens.read.references import expand_pages, parse_reference

DATA = Path(__file__).parent / "data"
LABELLED = [DATA / "references_labelled.jsonl", DATA / "references_handwritten.jsonl"]


@pytest.fixture(scope="module")
def labelled_score():
    return score(load_labelled(LABELLED))


def test_labelled_set_field_accuracy_meets_target(labelled_score):
    assert labelled_score.accuracy >= 0.98, labelled_score.field_accuracy()


def test_no_field_falls_far_behind(labelled_score):
    assert min(labelled_score.field_accuracy().values()) >= 0.9, labelled_score.field_accuracy()


def test_every_style_parses_well(labelled_score):
    for style, accuracy in labelled_score.style_accuracy().items():
        assert accuracy >= 0.95, (style, accuracy)


def test_example_references_parse_exactly(example_article):
    from citelens.read.article import load_article

    refs = load_article(example_article).references
    magon = refs[8].parsed
    assert [(a.family, a.given) for a in magon.authors] == [("Magon", "N."), ("Kalra", "S.")]
    assert (magon.volume, magon.issue, magon.pages, magon.year) == ("15", "Suppl 3", "S156-S161", 2011)
    krol = refs[3].parsed
    assert (krol.container_title, krol.volume, krol.issue, krol.pages) == ("Frontiers in Psychology", "10", None, "193")
    assert refs[1].parsed.title == "The Oxytocin Receptor System ∞ Structure, Function, and Regulation"


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("19937", "42", ("19937", "19942")), ("S156", "61", ("S156", "S161")), ("113", "25", ("113", "125")),
    ("E5434", "E5442", ("E5434", "E5442")), ("629", "683", ("629", "683")), ("193", None, ("193", None)),
])
def test_abbreviated_page_ranges_are_expanded(first, last, expected):
    assert expand_pages(first, last) == expected


def test_doi_forms_and_trailing_punctuation():
    for raw in (
        "Heinrichs M. Social support. Biol Psychiatry. 2003;54(12):1389-98. doi:10.1016/s0006-3223(03)00465-7.",
        "Heinrichs M. Social support. Biol Psychiatry. 2003;54(12):1389-98. https://doi.org/10.1016/S0006-3223(03)00465-7",
        "Heinrichs M. Social support. Biol Psychiatry. 2003;54(12):1389-98. DOI: 10.1016/s0006-3223(03)00465-7",
    ):
        assert parse_reference(raw).doi == "10.1016/s0006-3223(03)00465-7"


def test_pmid_and_pmcid():
    parsed = parse_reference(
        "Chen FS, Kumsta R, von Dawans B, Monakhov M, Ebstein RP, Heinrichs M. Common oxytocin receptor gene (OXTR) "
        "polymorphism and social support interact to reduce stress in humans. Proc Natl Acad Sci U S A. "
        "2011;108(50):19937-42. PMID: 22123970; PMCID: PMC3250137."
    )
    assert (parsed.pmid, parsed.pmcid, parsed.style) == ("22123970", "PMC3250137", "vancouver")
    assert parsed.authors[2].family == "von Dawans"
    assert parsed.pages == "19937-19942"


def test_never_raises_on_odd_strings():
    for raw in ("", "   ", "(", "“", "10.1000/x", "et al.", "2011;", "Smith J.", "vol. no. pp.", "‘’‘’" * 50):
        parse_reference(raw)
