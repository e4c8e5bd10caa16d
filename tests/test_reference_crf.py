"""The learned reference parser: real strings of many styles, the shipped model, odd input, determinism."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelens.read.references import parse_reference
from citelens.read.references.tagger import LEXICON_NAME, MODEL_NAME, NAMES_MODEL_NAME, model_path
from citelens.read.references.tokens import tokenize


def fields(raw: str) -> tuple:
    p = parse_reference(raw)
    return ([a.family for a in p.authors], p.title, p.container_title, p.volume, p.issue, p.pages, p.year)


def test_chicago_biomedical_volume_issue_year_pages():
    p = parse_reference("Heinrichs, Markus, Thomas Baumgartner, Clemens Kirschbaum, and Ulrike Ehlert. 2003. "
                        "“Social Support and Oxytocin Interact to Suppress Cortisol and Subjective Responses to "
                        "Psychosocial Stress.” Biological Psychiatry 54, no. 12 (2003): 1389–98.")
    assert (p.container_title, p.volume, p.issue, p.year, p.pages) == ("Biological Psychiatry", "54", "12", 2003,
                                                                        "1389-1398")
    assert [a.family for a in p.authors] == ["Heinrichs", "Baumgartner", "Kirschbaum", "Ehlert"]


def test_chicago_notes_form_without_year_after_authors():
    p = parse_reference("Heinrichs M, Baumgartner T, Kirschbaum C, Ehlert U. “Social Support and Oxytocin Interact "
                        "to Suppress Cortisol.” Biological Psychiatry 54, no. 12 (2003): 1187–93.")
    assert (p.container_title, p.volume, p.issue, p.year, p.pages) == ("Biological Psychiatry", "54", "12", 2003,
                                                                        "1187-1193")


def test_vancouver():
    assert fields("Chen FS, Kumsta R, von Dawans B, Monakhov M, Ebstein RP, Heinrichs M. Common oxytocin receptor "
                  "gene (OXTR) polymorphism and social support interact to reduce stress in humans. Proc Natl Acad "
                  "Sci U S A. 2011;108(50):19937-42.") == (
        ["Chen", "Kumsta", "von Dawans", "Monakhov", "Ebstein", "Heinrichs"],
        "Common oxytocin receptor gene (OXTR) polymorphism and social support interact to reduce stress in humans",
        "Proc Natl Acad Sci U S A", "108", "50", "19937-19942", 2011)


def test_apa():
    assert fields("Feldman, R., Gordon, I., & Zagoory-Sharon, O. (2011). Maternal and paternal plasma, salivary, and "
                  "urinary oxytocin and parent-infant synchrony. Developmental Science, 14(4), 752-761.") == (
        ["Feldman", "Gordon", "Zagoory-Sharon"],
        "Maternal and paternal plasma, salivary, and urinary oxytocin and parent-infant synchrony",
        "Developmental Science", "14", "4", "752-761", 2011)


def test_title_less_physics():
    p = parse_reference("S. Weinberg, Phys. Rev. D 54, 1234 (1996).")
    assert ([a.family for a in p.authors], p.title, p.volume, p.pages, p.year) == (["Weinberg"], None, "54", "1234",
                                                                                    1996)
    assert p.container_title in ("Phys. Rev. D", "Phys. Rev.")
    p = parse_reference("J. Smith and K. Jones, J. Chem. Phys. 98, 5648 (1993).")
    assert ([a.family for a in p.authors], p.title, p.container_title, p.volume, p.pages, p.year) == (
        ["Smith", "Jones"], None, "J. Chem. Phys.", "98", "5648", 1993)


def test_abnt_upper_case_family_names():
    p = parse_reference("SILVA, J. A.; SOUZA, M. B. Avaliação da qualidade da água em rios urbanos. "
                        "Revista Brasileira de Recursos Hídricos, v. 12, n. 3, p. 45-56, 2007.")
    assert [(a.family, a.given) for a in p.authors] == [("SILVA", "J. A."), ("SOUZA", "M. B.")]
    assert (p.title, p.volume, p.issue, p.pages, p.year) == (
        "Avaliação da qualidade da água em rios urbanos", "12", "3", "45-56", 2007)
    assert p.container_title == "Revista Brasileira de Recursos Hídricos"


def test_editors_are_not_authors():
    p = parse_reference("Kendrick, K. M. (2018). Overview of human oxytocin research. In R. Hurlemann & V. Grinevich "
                        "(Eds.), Behavioral Pharmacology of Neuropeptides: Oxytocin (pp. 321-348). Springer.")
    assert [a.family for a in p.authors] == ["Kendrick"]
    assert p.pages == "321-348" and p.year == 2018
    assert any(label == "editor" for label, _, _ in p.spans)


def test_non_english():
    p = parse_reference("Müller, H.; Schmidt, K. (2015): Die Rolle des Oxytocins im Sozialverhalten. "
                        "Zeitschrift für Psychologie 223 (2), S. 101–110.")
    assert [a.family for a in p.authors] == ["Müller", "Schmidt"]
    assert (p.volume, p.issue, p.year) == ("223", "2", 2015)
    assert p.pages == "101-110"


def test_spans_are_in_order_inside_the_string_and_serialised():
    raw = "Insel TR. The challenge of translation in social neuroscience. Neuron. 2010;65(6):768-79."
    p = parse_reference(raw)
    assert p.spans
    last = 0
    for label, start, end in p.spans:
        assert 0 <= last <= start < end <= len(raw) and label
        last = end
    data = p.to_dict()
    assert data["spans"][0] == {"label": p.spans[0][0], "start": p.spans[0][1], "end": p.spans[0][2]}
    assert type(p).from_dict(json.loads(json.dumps(data))).spans == p.spans


def test_the_model_files_ship_in_the_package():
    for name in (MODEL_NAME, NAMES_MODEL_NAME, LEXICON_NAME):
        path = model_path(name)
        assert path.is_file() and 0 < path.stat().st_size < 8_000_000
        assert "citelens" in path.parts


def test_tokens_keep_their_offsets():
    raw = "Smith, J. (2020). “Title.” J. Test. 1(2):3–4. doi:10.1000/xyz."
    for tok in tokenize(raw):
        assert raw[tok.start: tok.end] == tok.text
    assert "10.1000/xyz" in [t.text for t in tokenize(raw)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_never_crashes_and_spans_stay_inside(text):
    p = parse_reference(text)
    for label, start, end in p.spans:
        assert 0 <= start < end <= len(text) and label
    assert p.year is None or 1500 <= p.year <= 2099


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["Chen FS, ", "SILVA, J. A.; ", "“", "”", "(2011). ", "et al. ", "Title. ", "vol. 3, ",
                                 "54, no. 12 (2003): ", "doi:10.1/x ", ". ", "In: ", "(Eds.) ", "pp. 4-5", "Phys. Rev. "]),
                max_size=60))
def test_never_crashes_on_citation_fragments(parts):
    raw = "".join(parts)
    for _label, start, end in parse_reference(raw).spans:
        assert 0 <= start < end <= len(raw)


@pytest.mark.parametrize("odd", ["A. " * 20000, "(" * 50000, "10.1000/" + "x" * 50000, "Chen, F. S., " * 4000])
def test_long_odd_strings_take_bounded_time(odd):
    start = time.perf_counter()
    parse_reference(odd)
    assert time.perf_counter() - start < 10


def test_training_is_deterministic_on_a_tiny_subset(tmp_path):
    from citelens.read.references.train import train

    records = [json.loads(line) for line in (Path(__file__).parent / "data" / "crf_tiny.jsonl").read_text(
        encoding="utf-8").splitlines()]
    params = {"c1": 0.05, "c2": 0.01, "max_iterations": 20, "feature.possible_transitions": True}
    a, b = tmp_path / "a" / "m.crfsuite", tmp_path / "b" / "m.crfsuite"
    train(records, a, params, names_out=a.with_name("n.crfsuite"))
    train(records, b, params, names_out=b.with_name("n.crfsuite"))
    assert a.read_bytes() == b.read_bytes()
    assert a.with_name("n.crfsuite").read_bytes() == b.with_name("n.crfsuite").read_bytes()
    assert a.with_name(LEXICON_NAME).read_bytes() == b.with_name(LEXICON_NAME).read_bytes()


def _persons(raw: str, labels: list[str]) -> list[tuple[str, str]]:
    from citelens.read.references.names import persons_from

    tokens = tokenize(raw)
    assert len(tokens) == len(labels)
    return [(a.family, a.given) for a in persons_from(raw, tokens, labels)[0]]


def test_names_read_in_pieces_are_put_together():
    # "Carter, C. Sue": an inverting comma, so the first family run is the family name
    assert _persons("Carter, C. Sue", ["FB", "O", "G", "G", "F"]) == [("Carter", "C. Sue")]
    # "Jenny M. Bosten" without an inverting comma: the last run is the family name
    assert _persons("Jenny M. Bosten", ["FB", "G", "G", "F"]) == [("Bosten", "Jenny M.")]
    # given names only: a family name and its initials, or initials and a family name
    assert _persons("Ioannidis JPA", ["GB", "G"]) == [("Ioannidis", "JPA")]
    assert _persons("J. Smith", ["GB", "G", "G"]) == [("Smith", "J.")]
    assert _persons("Smith, J. A.", ["FB", "O", "G", "G", "G", "G"]) == [("Smith", "J. A.")]


def _filled(raw: str, spans: list[tuple[str, str]]):
    from citelens.read.references.fields import fill
    from citelens.records import ParsedReference

    located = []
    pos = 0
    for label, text in spans:
        at = raw.index(text, pos)
        located.append((label, at, at + len(text)))
        pos = at + len(text)
    return fill(ParsedReference(), raw, located, tokenize(raw))


def test_numbers_checked_against_the_string():
    raw = "Olah K. Gaze following. Front Psychol. 2017;8:2156."
    p = _filled(raw, [("author", "Olah K"), ("title", "Gaze following"), ("container_title", "Front Psychol"),
                      ("date", "2017"), ("volume", "8"), ("issue", "2156")])
    assert (p.volume, p.issue, p.pages) == ("8", None, "2156")
    raw = "C. S. Carter, \"Sex,\" Neurosci. Biobehav. Rev., vol. 143, no. 2, Art. no. 104948, 2022."
    p = _filled(raw, [("author", "C. S. Carter"), ("title", "Sex"), ("container_title", "Neurosci. Biobehav. Rev"),
                      ("volume", "vol. 143, no. 2"), ("issue", "no. 104948"), ("date", "2022")])
    assert (p.volume, p.issue, p.pages) == ("143", "2", "104948")
    raw = "Turcsan B. (2017). Context. Frontiers in Psychology, 8, Article 2232."
    p = _filled(raw, [("author", "Turcsan B."), ("date", "2017"), ("title", "Context"),
                      ("container_title", "Frontiers in Psychology"), ("volume", "8")])
    assert p.pages == "2232"
    # a real issue keeps its place: "(2)" and "no. 4" are issues
    raw = "Smith J. Title. J Biol. 2001;12(3):45-67."
    p = _filled(raw, [("author", "Smith J"), ("title", "Title"), ("container_title", "J Biol"), ("date", "2001"),
                      ("volume", "12"), ("issue", "3"), ("pages", "45-67")])
    assert (p.volume, p.issue, p.pages) == ("12", "3", "45-67")


def test_group_author_and_book_after_in():
    raw = "World Health Organization. WHO guidelines on hand hygiene. Geneva: WHO; 2009."
    p = _filled(raw, [("author", "World Health Organization"), ("title", "WHO guidelines on hand hygiene"),
                      ("location", "Geneva"), ("publisher", "WHO"), ("date", "2009")])
    assert [(a.family, a.given) for a in p.authors] == [("World Health Organization", "")]
    raw = "Carter CS. Oxytocin and evolution. In: Current topics in behavioral neurosciences. Vol. 35. 2018."
    p = _filled(raw, [("author", "Carter CS"), ("title", "Oxytocin and evolution"),
                      ("title", "Current topics in behavioral neurosciences"), ("volume", "Vol. 35"),
                      ("date", "2018")])
    assert (p.title, p.container_title) == ("Oxytocin and evolution", "Current topics in behavioral neurosciences")


def test_persons_assembled_from_imperfect_labels():
    # one person printed "Family, Given Given", read as two persons
    assert _persons("Hendry, George Stuart", ["FB", "S", "GB", "F"]) == [("Hendry", "George Stuart")]
    assert _persons("De Felice, Renzo", ["FB", "F", "S", "FB"]) == [("De Felice", "Renzo")]
    # two persons stay two
    assert _persons("Smith, J., Jones, K.", ["FB", "O", "G", "G", "S", "FB", "O", "G", "G"]) == [
        ("Smith", "J."), ("Jones", "K.")]
    # Vancouver initials read as part of the name: "Gao S." (given-only labels) and "Zhong D" (family labels)
    assert _persons("Wu D, Gao S.", ["FB", "G", "S", "GB", "G", "G"]) == [("Wu", "D"), ("Gao", "S")]
    assert _persons("Zhong D, Wu H", ["FB", "F", "S", "FB", "G"]) == [("Zhong", "D"), ("Wu", "H")]
    # capitals that are a family name, and Roman numerals, are not initials
    assert _persons("VAN DER HEIJDE", ["FB", "F", "F"]) == [("VAN DER HEIJDE", "")]
    assert _persons("Smith III", ["FB", "F"]) == [("Smith III", "")]


def test_an_arxiv_number_is_no_year_and_a_glued_volume_keyword_is_dropped():
    raw = "N. Guay, H. Nakajima, Coproduct for Yangians, arXiv:1701.05288."
    p = _filled(raw, [("author", "N. Guay, H. Nakajima"), ("title", "Coproduct for Yangians"),
                      ("other", "arXiv:1701.05288")])
    assert p.year is None
    raw = "Kim J, 2005, Title, Journal, Vol43, No.1."
    p = _filled(raw, [("author", "Kim J"), ("date", "2005"), ("title", "Title"), ("container_title", "Journal"),
                      ("volume", "Vol43"), ("issue", "No.1")])
    assert (p.volume, p.issue) == ("43", "1")


def test_initials_read_as_a_person_stay_initials():
    # "SILVA, J. A." read as two persons: the initials "J. A." are SILVA's given names, never split themselves
    assert _persons("SILVA, J. A.; SOUZA, M. B.", ["FB", "S", "GB", "G", "G", "G", "S", "FB", "O", "G", "G", "G", "G"]
                    ) == [("SILVA", "J. A."), ("SOUZA", "M. B.")]
