"""Matching from the printed string: end to end against the stand-in, and the string look-ups themselves."""

from __future__ import annotations

import pytest

from citelens.pipeline import build_resolver
from citelens.read import parse_reference
from citelens.records import Author, ParsedReference, Work
from citelens.resolve.matching import compare, container_in, find_in_string, printed, split_pages, title_in
from citelens.resolve.resolver import bibliographic_query, skip_reason
from citelens.settings import Settings

# A real work (Becke 1993) as a stand-in record, for the title-less physics style.
BECKE = {
    "doi": "10.1063/1.464913", "pmid": None, "pmcid": None,
    "title": "Density-functional thermochemistry. III. The role of exact exchange",
    "authors": [{"family": "Becke", "given": "Axel D."}],
    "container_title": "The Journal of Chemical Physics", "container_abbrev": "J. Chem. Phys.",
    "issn": None, "publisher": "AIP Publishing", "type": "journal-article", "volume": "98", "issue": "7",
    "pages": "5648-5652", "year": 1993, "published": "1993-04-01", "epub": None, "abstract": None,
    "publication_types": ["Journal Article"], "keywords": [], "retracted": False, "sources": [],
}

CHEN_TITLE = ("Common oxytocin receptor gene (OXTR) polymorphism and social support interact to reduce stress "
              "in humans")


@pytest.fixture
def resolve(standin, tmp_path):
    standin.add_records([BECKE])
    settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, mailto="t@example.org",
                        cache_dir=tmp_path / "cache", crossref_rps=200, eutils_rps=200)
    resolver, _ = build_resolver(settings)

    def run(raw: str):
        return resolver.resolve_all([(raw, parse_reference(raw))])[0]
    return run


def test_title_less_physics_reference_is_verified(resolve):
    r = resolve("A. D. Becke, J. Chem. Phys. 98, 5648 (1993).")
    assert r.status == "verified", r.notes
    assert r.match.doi == "10.1063/1.464913"


def test_lower_cased_degraded_string_is_verified(resolve):
    r = resolve("chen fs kumsta r von dawans b monakhov m ebstein rp heinrichs m common oxytocin receptor gene "
                "oxtr poly- morphism and social support interact to reduce stress in humans proc natl acad sci "
                "usa 2011 108 50 19937 42")
    assert r.status == "verified", (r.notes, r.discrepancies)
    assert r.match.doi == "10.1073/pnas.1113079108"


def test_truncated_author_list_is_not_a_discrepancy(resolve):
    r = resolve(f"Chen FS, Kumsta R. {CHEN_TITLE}. Proc Natl Acad Sci U S A. 2011;108(50):19937-42.")
    assert r.status == "verified", r.discrepancies


def test_a_real_wrong_year_is_still_discrepant(resolve):
    r = resolve(f"Chen FS, Kumsta R, von Dawans B, et al. {CHEN_TITLE}. Proc Natl Acad Sci U S A. "
                "2013;108(50):19937-42.")
    assert r.status == "discrepant"
    assert [(d.field, d.cited, d.actual) for d in r.discrepancies] == [("year", 2013, 2011)]


def test_arxiv_only_and_datacite_references_are_skipped(resolve):
    r = resolve("Vaswani A, Shazeer N, Parmar N, et al. Attention is all you need. arXiv:1706.03762 (2017).")
    assert r.status == "skipped" and "arXiv" in r.notes[0]
    r = resolve("Smith J. Replication data for oxytocin and trust. Zenodo; 2020. doi:10.5281/zenodo.1234567")
    assert r.status == "skipped" and "DataCite" in r.notes[0]


def test_fabricated_reference_is_not_found(resolve):
    r = resolve("Lindqvist A, Petrov B. Oxytocin receptor methylation predicts trust in strangers. "
                "J Soc Neuroendocr. 2015;12(3):45-52.")
    assert r.status == "not_found"


# --- unit tests ----------------------------------------------------------------------------------

def _work(**kw) -> Work:
    base = dict(doi="10.1/x", title=CHEN_TITLE, authors=[Author("Chen", "Frances S"), Author("Kumsta", "Robert")],
                container_title="Proceedings of the National Academy of Sciences of the United States of America",
                container_abbrev="Proc Natl Acad Sci U S A", volume="108", issue="50", pages="19937-19942",
                year=2011)
    base.update(kw)
    return Work(**base)


def test_printed_string_is_normalised():
    p = printed("[3] Müller, J. Eﬃcient oxy-\ntocin ﬁndings. J. Neurosci. 2001")
    assert "efficient" in p.tokens and "findings" in p.tokens and "muller" in p.tokens
    assert "oxytocin" in p.joined_tokens
    assert p.tokens[0] == "muller"  # the list marker is not part of the reference


@pytest.mark.parametrize("printed_name", ["Proc. Natl. Acad. Sci. USA", "PROCEEDINGS OF THE NATIONAL ACADEMY OF "
                                          "SCIENCES", "Proc Natl Acad Sci U S A"])
def test_container_found_full_or_abbreviated(printed_name):
    w = _work()
    assert container_in((w.container_title, w.container_abbrev), tuple(printed(printed_name).tokens))


def test_container_not_found_in_another_journal():
    w = _work(container_title="Journal of Chemical Physics", container_abbrev="J Chem Phys")
    assert not container_in((w.container_title, w.container_abbrev), printed("J. Phys. Chem. 98, 5648").tokens)


def test_title_found_despite_ocr_errors_but_not_a_short_title_by_chance():
    assert title_in(CHEN_TITLE, printed("Chen F. Comm0n oxytocin recept0r gene (OXTR) polym0rphism and social "
                                        "support interact to reduce stress in humans. PNAS"))[0] >= 0.9
    assert title_in("Oxytocin", printed("Smith J. Oxytocin and trust. Nature 2005"))[0] < 0.9


def test_roman_page_ranges_agree():
    assert split_pages("xv--xvii") == ("xv", "xvii")
    w = _work(pages="xv-xvii", volume="3", title="Preface to the third edition of the handbook")
    raw = "Chen F. Preface to the third edition of the handbook. Proc Natl Acad Sci U S A 3, xv--xvii (2011)."
    c = compare(parse_reference(raw), w, raw)
    assert c.accepted and not c.discrepancies


def test_a_field_the_string_does_not_give_is_no_discrepancy():
    raw = f"Chen FS et al. {CHEN_TITLE}. PNAS 2011."
    c = compare(parse_reference(raw), _work(), raw)
    assert c.accepted and not c.discrepancies


def test_author_list_misread_as_title_is_no_title_discrepancy():
    raw = "A. D. Becke, J. Chem. Phys. 98, 5648 (1993)."
    misread = ParsedReference(title="A. D. Becke", container_title="J. Chem. Phys.", volume="98",
                              first_page="5648", year=1993)
    w = _work(title=BECKE["title"], authors=[Author("Becke", "Axel D.")], container_title=BECKE["container_title"],
              container_abbrev="J. Chem. Phys.", volume="98", issue="7", pages="5648-5652", year=1993)
    c = compare(misread, w, raw)
    assert c.accepted and not c.discrepancies


def test_value_printed_elsewhere_is_not_a_discrepancy_even_if_misparsed():
    raw = f"Chen FS, et al. {CHEN_TITLE}. Proc Natl Acad Sci U S A 108 19937-42 (2011)."
    wrong = ParsedReference(authors=[Author("Chen", "FS")], et_al=True, title=CHEN_TITLE,
                            container_title="Proc Natl Acad Sci U S A 108 19937-42", volume="19937", year=2011)
    c = compare(wrong, _work(), raw)
    assert c.accepted and not c.discrepancies
    assert find_in_string(_work(), printed(raw)).container


def test_query_is_the_printed_string_and_skip_reasons():
    assert bibliographic_query("12. Becke AD.  J Chem\nPhys 98, 5648 (1993)") == "Becke AD. J Chem Phys 98, 5648 (1993)"
    arxiv_with_journal = "Becke AD. J Chem Phys 98, 5648 (1993). arXiv:chem-ph/9301001"
    assert skip_reason(parse_reference(arxiv_with_journal), arxiv_with_journal) is None
    figshare = "Doe J. Data. figshare 2019. https://doi.org/10.6084/m9.figshare.123"
    assert "figshare" in (skip_reason(parse_reference(figshare), figshare) or "")


def test_numbers_fused_by_lost_punctuation_are_found():
    w = _work(year=2018, volume="98", issue=None, pages="1805-1908")
    f = find_in_string(w, printed("jurek b neumann id the oxytocin receptor physiol rev 2018981805-1908"))
    assert f.year and f.volume and f.first_page
