"""The article reader and claim splitter on the example article and on other layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from citelens.errors import ArticleError
from citelens.read.article import load_article, parse_article
from citelens.read.sentences import find_cues, split_sentences


@pytest.fixture(scope="module")
def example():
    return load_article(Path(__file__).resolve().parents[1] / "references" / "oxytocin-sensitivity.txt")


def test_example_has_exactly_twelve_references_in_order(example):
    assert len(example.references) == 12
    assert [r.index for r in example.references] == list(range(1, 13))
    assert example.references[0].raw.startswith("Chen, F. S. et al.")
    assert example.references[-1].raw.startswith("Schneiderman, I. et al.")


def test_every_section_contributes_claims(example):
    sections_with_claims = {c.section for c in example.claims}
    expected = {
        "Fundamentals", "The Physiology of Connection", "Nourishing the System from Within", "Intermediate",
        "How Do Hormones Regulate Oxytocin Receptors?", "The Impact of Stress on Oxytocin Signaling",
        "Therapeutic Protocols and Their Rationale", "Academic",
        "What Is the Functional Significance of OXTR Polymorphisms?",
        "Gene-Environment Interactions a Deeper Analysis", "Reflection",
    }
    assert expected <= sections_with_claims


def test_table_rows_are_claims_with_their_headers(example):
    rows = [c for c in example.claims if c.kind == "table_row"]
    assert len(rows) == 9  # 4 hormone rows + 5 rs53576 rows
    stress = next(c for c in rows if c.cells[0] == "Stress Reactivity")
    assert stress.table_headers[0] == "Phenotypic Area"
    assert stress.cells[-1] == "Only G-allele carriers showed lower cortisol after social support."
    assert "Only G-allele carriers showed lower cortisol after social support." in stress.text
    assert stress.section == "Gene-Environment Interactions a Deeper Analysis"
    assert {c.cells[0] for c in rows} >= {"Estrogen", "Testosterone", "Cortisol", "Progesterone"}


def test_glossary_headings_questions_and_references_are_not_claims(example):
    texts = [c.text for c in example.claims]
    assert not any(t in ("oxytocin receptors", "hpa axis", "ipamorelin", "Glossary") for t in texts)
    assert not any(t.endswith("?") for t in texts)
    assert not any("Proceedings of the National Academy of Sciences, vol. 108" in t for t in texts)
    assert "The Physiology of Connection" not in texts
    assert all(c.section != "Glossary" for c in example.claims)


def test_sentences_are_split_at_their_ends_only(example):
    landmark = [c for c in example.claims if "landmark study" in c.text]
    assert len(landmark) == 1
    assert landmark[0].text == (
        "A landmark study published in the Proceedings of the National Academy of Sciences by Chen et al. "
        "elegantly demonstrated this principle."
    )
    kinds = {cue.kind: cue.value for cue in landmark[0].cues}
    assert kinds["author"] == "Chen"
    assert kinds["journal"] == "Proceedings of the National Academy of Sciences"


def test_claim_ids_are_stable_and_unique(example):
    again = load_article(Path(example.path))
    assert [c.id for c in example.claims] == [c.id for c in again.claims]
    assert len({c.id for c in example.claims}) == len(example.claims)


def test_markdown_numbered_list_with_bracketed_markers():
    text = """# Oxytocin and stress

## Background

Social support lowers cortisol after stress [1]. Oxytocin amplified this buffering effect [1,2].
Is that all? No.

## References

1. Heinrichs M, Baumgartner T, Kirschbaum C, Ehlert U. Social support and oxytocin interact to suppress
   cortisol and subjective responses to psychosocial stress. Biol Psychiatry. 2003;54(12):1389-98.
2. Insel TR, Young LJ. The neurobiology of attachment. Nat Rev Neurosci. 2001;2(2):129-36.
"""
    article = parse_article(text, "<md>", "0")
    assert article.title == "Oxytocin and stress"
    assert len(article.references) == 2
    first = article.references[0].parsed
    assert first.title.endswith("psychosocial stress")
    assert first.container_title == "Biol Psychiatry"
    assert first.pages == "1389-1398"
    assert [c.text for c in article.claims] == [
        "Social support lowers cortisol after stress [1].",
        "Oxytocin amplified this buffering effect [1,2].",
    ]
    markers = [cue.value for cue in article.claims[1].cues if cue.kind == "marker"]
    assert markers == ["1,2"]


def test_trailing_run_of_citations_without_heading():
    text = """Vasopressin and anxiety

Vasopressin is linked to anxiety in rodents, as Neumann and Landgraf reviewed.
It also shapes social behaviour.

Neumann, I. D. & Landgraf, R. Balance of brain oxytocin and vasopressin: implications for anxiety, depression, and social behaviors. Trends Neurosci. 35, 649–659 (2012).
Insel, T. R. & Young, L. J. The neurobiology of attachment. Nat. Rev. Neurosci. 2, 129–136 (2001).
"""
    article = parse_article(text, "<txt>", "0")
    assert len(article.references) == 2
    assert article.references[0].parsed.year == 2012
    assert article.references[1].parsed.authors[0].family == "Insel"
    assert len(article.claims) == 2


def test_article_without_reference_list_is_refused():
    with pytest.raises(ArticleError, match="no reference list"):
        parse_article("A title\n\nOxytocin is a hormone that does many things.\n", "<x>", "0")


def test_split_sentences_keeps_abbreviations_and_initials():
    text = ("Chen et al. showed this in 2011, e.g. in men. The U.S. sample was small. "
            "Dr. Smith agreed. It rained.")
    assert split_sentences(text) == [
        "Chen et al. showed this in 2011, e.g. in men.", "The U.S. sample was small.", "Dr. Smith agreed.",
        "It rained.",
    ]


def test_cues_find_parenthetical_citations_and_study_mentions():
    cues = find_cues("Fathers given oxytocin touched more (Weisman et al., 2012), a study found.")
    assert ("author", "Weisman") in {(c.kind, c.value) for c in cues}
    assert ("year", "2012") in {(c.kind, c.value) for c in cues}
    assert any(c.kind == "study" for c in cues)
