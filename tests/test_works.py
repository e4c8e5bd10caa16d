"""Response parsers on the genuine recorded samples (tests/data/formats, copied byte for byte from ../shared/formats)."""

from __future__ import annotations

import json
from pathlib import Path

from Bio import Entrez

from citelens.resolve.works import from_crossref, from_pubmed, jats_abstract

FORMATS = Path(__file__).parent / "data" / "formats"  # the genuine samples, copied from ../shared/formats


def _crossref(name: str) -> dict:
    return json.loads((FORMATS / "crossref" / name).read_text(encoding="utf-8"))["message"]


def _pubmed(name: str) -> list[dict]:
    with open(FORMATS / "pubmed" / name, "rb") as fh:
        return list(Entrez.read(fh)["PubmedArticle"])


def test_crossref_structured_jats_abstract_and_print_year():
    work = from_crossref(_crossref("works_10.1136_jclinpath-2020-206745.json"))
    assert work.doi == "10.1136/jclinpath-2020-206745"
    assert work.title.startswith("Construction of a reference material panel for detecting KRAS / NRAS")
    assert "\n" not in work.title and "<i>" not in work.title
    assert work.year == 2021 and 2020 in work.other_years  # printed 2021-05, online 2020-08
    assert work.abstract.startswith("BACKGROUND: The absence of high-quality")
    assert "\nMETHODS:" in work.abstract or "\nMETHOD" in work.abstract
    assert (work.volume, work.issue, work.pages) == ("74", "5", "314-320")
    assert work.container_abbrev == "J Clin Pathol"


def test_crossref_article_number_and_minimal_records():
    assert from_crossref(_crossref("works_10.1038_srep16696.json")).pages == "16696"
    minimal = from_crossref(_crossref("works_10.3892_ijo_00000353.json"))
    assert (minimal.volume, minimal.pages, minimal.abstract) == (None, None, None)
    chapter = from_crossref(_crossref("works_10.4018_978-1-4666-9588-7.les2_book-chapter.json"))
    assert chapter.type == "book-chapter" and chapter.year is None


def test_crossref_update_relations_are_not_retractions():
    assert not from_crossref(_crossref("works_10.1371_journal.pone.0033693.json")).retracted  # a correction
    item = json.loads((FORMATS / "crossref" / "works-item_10.1371_journal.ppat.1006930_update-to-self-new_version.json")
                      .read_text(encoding="utf-8"))
    assert not from_crossref(item).retracted


def test_crossref_search_items_without_title():
    data = json.loads((FORMATS / "crossref" / "search_query-renear-ontologies_2022.json").read_text(encoding="utf-8"))
    works = [from_crossref(item) for item in data["message"]["items"]]
    assert any(w.title is None for w in works)
    assert all(w.doi for w in works)


def test_pubmed_structured_abstract_labels_and_ids():
    (work,) = _pubmed("efetch_pubmed_html-escaping_nlmcategory_28775130.xml")
    parsed = from_pubmed(work)
    assert parsed.pmid == "28775130" and parsed.doi == "10.1136/oemed-2017-104431" and parsed.pmcid == "PMC5771820"
    assert parsed.abstract.startswith("OBJECTIVES: Animal studies suggest")
    assert parsed.container_abbrev == "Occup Environ Med"
    assert (parsed.volume, parsed.issue, parsed.pages, parsed.year) == ("75", "2", "79-89", 2018)


def test_pubmed_retracted_publication_and_notice():
    (retracted,) = _pubmed("baseline-excerpt_retracted-publication_8655018.xml")
    assert from_pubmed(retracted).retracted
    (notice,) = _pubmed("baseline-excerpt_retraction-of-publication_9634358.xml")
    assert not from_pubmed(notice).retracted


def test_pubmed_medline_dates_and_seasons():
    years = [from_pubmed(r).year for r in _pubmed("baseline-excerpt_medlinedate-variants.xml")]
    assert years == [1998, 1947, 2018, 2008]
    first, second = _pubmed("efetch_pubmed_season-no-abstract_12091962_9997.xml")
    assert from_pubmed(first).abstract is None and from_pubmed(first).year == 1990
    assert from_pubmed(second).pages == "179-91"


def test_jats_abstract_plain_paragraphs():
    assert jats_abstract("<jats:title>Abstract</jats:title><jats:p>One <i>two</i>.</jats:p>") == "One two."
