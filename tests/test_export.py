"""Bibliography export: BibTeX, CSL-JSON and RIS, built from the resolved records.

The example article is checked offline against a copy of the committed cache; the escaping
and key cases use records built by hand. Every format is read back by a real reader
(bibtexparser, jsonschema against the CSL-JSON schema, rispy) and compared field by field.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from citelens.errors import InputError
from citelens.output.export import DEFAULT_STATUSES, FORMATS, base_key, export_references
from citelens.pipeline import check_article
from citelens.records import Author, ParsedReference, Reference, Resolution, Work
from citelens.settings import Settings
from citelens.store import Store, StoredArticle, StoredReference

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "data" / "csl-data.schema.json").read_text(encoding="utf-8"))
NOT_FOUND_NOTE = "citelens: not_found — no matching record in Crossref or PubMed"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> StoredArticle:
    """The example article, checked offline against a tmp copy of the committed cache."""
    tmp = tmp_path_factory.mktemp("export")
    shutil.copytree(ROOT / "cache", tmp / "cache")
    settings = Settings(cache_dir=tmp / "cache", offline=True)
    store = Store(tmp / "x.db")
    result = check_article(ROOT / "references" / "oxytocin-sensitivity.txt", store, settings)
    stored = store.load(result.article_id)
    statuses = [r.resolution.status for r in stored.references]
    assert statuses.count("verified") == 7 and statuses.count("discrepant") == 1
    assert statuses.count("not_found") == 4
    return stored


def resolved(stored: StoredArticle, statuses=DEFAULT_STATUSES) -> list[Work]:
    return [r.resolution.match for r in stored.references if r.resolution.status in statuses]


def article_of(*works: Work, status: str = "verified") -> StoredArticle:
    refs = [StoredReference(Reference(i, f"reference {i}: {w.title}", ParsedReference()), Resolution(status, 1.0, w))
            for i, w in enumerate(works, start=1)]
    return StoredArticle(id=1, path="<test>", title="test", sha256="", ingested_at="", checked_at=None, claims=[],
                         references=refs)


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    return library


def parse_bibtex_raw(text: str):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return library


def initials(given: str) -> str:
    """Given names compared without the dots and spaces that the export adds to bare initials."""
    return re.sub(r"[.\s]", "", given)


def names(field_value: str) -> list[tuple[str, str]]:
    out = []
    for name in field_value.split(" and "):
        family, _, given = name.partition(", ")
        out.append((family, initials(given)))
    return out


# --- BibTeX ----------------------------------------------------------------------------------


def test_bibtex_of_the_example_round_trips_with_every_field(example):
    text = export_references(example, "bibtex")
    assert text.isascii()
    library = parse_bibtex(text)
    raw = {e.key: e for e in parse_bibtex_raw(text).entries}
    works = resolved(example)
    assert len(library.entries) == len(works) == 8
    keys = [e.key for e in library.entries]
    assert keys == ["chen2011common", "gimpl2001oxytocin", "olah2017gaze", "skuse2014common",
                    "insel2010challenge", "weisman2012oxytocin", "heinrichs2009oxytocin", "crespi2016oxytocin"]
    for entry, work in zip(library.entries, works, strict=True):
        assert entry.entry_type == "article"
        assert entry["title"] == work.title
        assert names(entry["author"]) == [(a.family, initials(a.given)) for a in work.authors]
        assert entry["journal"] == work.container_title
        assert entry["shortjournal"] == work.container_abbrev
        assert entry["year"] == str(work.year)
        assert entry["doi"] == work.doi
        assert entry["url"] == f"https://doi.org/{work.doi}"
        assert entry.fields_dict.get("volume") is None or entry["volume"] == work.volume
        assert entry.fields_dict.get("number") is None or entry["number"] == work.issue
        assert ("pmid" in entry.fields_dict) == bool(work.pmid)
        if work.pmid:
            assert entry["pmid"] == work.pmid
        if work.pages:
            assert raw[entry.key]["pages"] == work.pages.replace("-", "--")
        assert "abstract" not in entry.fields_dict and "note" not in entry.fields_dict
        # nothing lost or invented: the fields are exactly those the record fills
        expected = {"author", "title", "journal", "shortjournal", "year", "doi", "url"}
        expected |= {name for name, value in (("volume", work.volume), ("number", work.issue), ("pages", work.pages),
                                              ("pmid", work.pmid), ("pmcid", work.pmcid), ("month", work.month))
                     if value}
        assert set(entry.fields_dict) == expected
        if work.month:
            assert entry["month"] == str(work.month)


def test_chen_entry_is_built_from_the_record_not_the_cited_string(example):
    entry = parse_bibtex_raw(export_references(example, "bibtex")).entries_dict["chen2011common"]
    assert entry["author"] == ("Chen, Frances S and Kumsta, Robert and von Dawans, Bernadette and Monakhov, Mikhail"
                               " and Ebstein, Richard P and Heinrichs, Markus")
    assert entry["title"] == ("Common oxytocin receptor gene ({OXTR}) polymorphism and social support interact to "
                              "reduce stress in humans")
    assert entry["journal"] == "Proceedings of the National Academy of Sciences of the United States of America"
    assert entry["pages"] == "19937--19942"
    assert entry["doi"] == "10.1073/pnas.1113079108"
    assert entry["pmid"] == "22123970"
    # the discrepant reference (cited as Krol 2019) is exported as the real record: Oláh 2017
    olah = parse_bibtex_raw(export_references(example, "bibtex")).entries_dict["olah2017gaze"]
    assert olah["author"].startswith(r"Ol{\'a}h, Katalin and Top{\'a}l, J{\'o}zsef")
    assert olah["pmcid"] == "PMC5732940"
    assert olah["year"] == "2017" and olah["volume"] == "8" and olah["pages"] == "2156"


SPECIAL_TITLE = "Cats & dogs: 50% of {braced} $5 #1 under_score ~ ^ \\ in OXTR, mRNA and H1N1 – a “test”"


def test_bibtex_escapes_accents_and_latex_specials_and_round_trips():
    work = Work(doi="10.1000/test_1%2", pmid="123", title=SPECIAL_TITLE,
                authors=[Author("Oláh", "Katalin"), Author("Müller", "Jürgen"), Author("Ørsted", "Søren"),
                         Author("García Márquez", "Gabriel")],
                container_title="Journal of R&D — 100% {special}", volume="3", issue="2", pages="e33693", year=2020,
                type="journal-article")
    text = export_references(article_of(work), "bibtex")
    assert text.isascii()
    entry = parse_bibtex_raw(text).entries[0]
    assert entry.key == "olah2020cats"
    assert entry["author"] == (r"Ol{\'a}h, Katalin and M{\"u}ller, J{\"u}rgen and {\O}rsted, S{\o}ren"
                               r" and Garc{\'\i}a M{\'a}rquez, Gabriel")
    title = entry["title"]
    for escaped in (r"\&", r"50\%", r"\{braced\}", r"\$5", r"\#1", r"under\_score", "{OXTR}", "{mRNA}", "{H1N1}",
                    " -- ", "``test''"):
        assert escaped in title
    assert not re.search(r"(?<!\\)[&%$#_]", title)
    assert not re.search(r"(?<!\\)[&%$#_]", entry["journal"])
    assert entry["pages"] == "e33693"
    assert entry["doi"] == "10.1000/test_1%2"  # identifiers are verbatim
    decoded = parse_bibtex(text).entries[0]
    assert decoded["title"] == SPECIAL_TITLE.replace("^", "ˆ")  # pylatexenc reads \textasciicircum as U+02C6
    assert names(decoded["author"]) == [("Oláh", "Katalin"), ("Müller", "Jürgen"), ("Ørsted", "Søren"),
                                        ("García Márquez", "Gabriel")]
    assert decoded["journal"] == "Journal of R&D — 100% {special}"


def test_bibtex_entry_types_and_names_that_need_braces():
    chapter = Work(doi="10.1/ch", title="Oxytocin and human evolution", authors=[Author("Carter", "C. Sue")],
                   container_title="Behavioral Pharmacology of Neuropeptides", pages="291-319", year=2018,
                   type="book-chapter")
    book = Work(doi="10.1/bk", title="The Book", authors=[Author("World Health Organization")], year=2019,
                type="book", container_title="Technical Report Series")
    paper = Work(doi="10.1/cf", title="A Conference Paper", authors=[Author("Smith and Sons", "Ann")], year=2021,
                 type="proceedings-article", container_title="Proceedings of Things")
    library = parse_bibtex_raw(export_references(article_of(chapter, book, paper), "bibtex"))
    ch, bk, cf = library.entries
    assert (ch.entry_type, bk.entry_type, cf.entry_type) == ("incollection", "book", "inproceedings")
    assert ch["booktitle"] == "Behavioral Pharmacology of Neuropeptides" and ch["pages"] == "291--319"
    assert bk["series"] == "Technical Report Series"
    assert bk["author"] == "{World Health Organization}"  # an organisation stays one name
    assert cf["author"] == "{Smith and Sons}, Ann"  # "and" inside a name does not split it
    assert bk.key == "worldhealthorganization2019book"


# --- keys ------------------------------------------------------------------------------------


def test_keys_are_readable_unique_and_deterministic(example):
    assert base_key("Chen", 2011, "Common oxytocin receptor gene (OXTR) polymorphism") == "chen2011common"
    assert base_key("von Dawans", 2009, "The role of a thing") == "vondawans2009role"
    assert base_key("Oláh", 2017, "Gaze-Following") == "olah2017gaze"
    assert base_key(None, None, None) == "anonnd"
    same = [Work(doi=f"10.1/{i}", title=f"Common variant number {i}", authors=[Author("Chen", "F")], year=2011)
            for i in range(3)]
    other = Work(doi="10.1/x", title="Common ground", authors=[Author("Chén", "G")], year=2011)
    keys = [e.key for e in parse_bibtex_raw(export_references(article_of(*same, other), "bibtex")).entries]
    assert keys == ["chen2011common", "chen2011commona", "chen2011commonb", "chen2011commonc"]
    assert export_references(example, "bibtex") == export_references(example, "bibtex")
    csl_ids = [item["id"] for item in json.loads(export_references(article_of(*same), "csljson"))]
    ris_ids = [ref["id"] for ref in rispy.loads(export_references(article_of(*same), "ris"))]
    assert csl_ids == ris_ids == ["chen2011common", "chen2011commona", "chen2011commonb"]


def test_a_work_cited_twice_is_written_once(example):
    text = export_references([example, example], "bibtex")
    assert len(parse_bibtex_raw(text).entries) == 8


# --- CSL-JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize("options", [{}, {"abstracts": True}, {"include_unresolved": True},
                                     {"statuses": ("verified",)}])
def test_csljson_validates_against_the_csl_schema(example, options):
    items = json.loads(export_references(example, "csljson", **options))
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator(SCHEMA).validate(items)
    assert items


def test_csljson_fields(example):
    items = {item["id"]: item for item in json.loads(export_references(example, "csljson"))}
    assert len(items) == 8
    chen = items["chen2011common"]
    assert chen["type"] == "article-journal"
    assert chen["author"][0] == {"family": "Chen", "given": "Frances S"} and len(chen["author"]) == 6
    assert chen["issued"] == {"date-parts": [[2011, 12]]}  # the issue of 13 December 2011
    assert chen["container-title"] == "Proceedings of the National Academy of Sciences of the United States of America"
    assert chen["container-title-short"] == chen["journalAbbreviation"] == "Proc Natl Acad Sci U S A"
    assert (chen["volume"], chen["issue"], chen["page"]) == ("108", "50", "19937-19942")
    assert chen["DOI"] == "10.1073/pnas.1113079108" and chen["PMID"] == "22123970"
    assert chen["URL"] == "https://doi.org/10.1073/pnas.1113079108"
    assert "abstract" not in chen and "note" not in chen
    assert items["olah2017gaze"]["PMCID"] == "PMC5732940"
    assert items["olah2017gaze"]["author"][0] == {"family": "Oláh", "given": "Katalin"}


def test_csljson_entry_types():
    kinds = ["journal-article", "book-chapter", "book", "proceedings-article", None]
    works = [Work(doi=f"10.1/{i}", title=f"Title {i}", year=2000, type=t, container_title="C" if t else None)
             for i, t in enumerate(kinds)]
    items = json.loads(export_references(article_of(*works), "csljson"))
    jsonschema.Draft7Validator(SCHEMA).validate(items)
    assert [i["type"] for i in items] == ["article-journal", "chapter", "book", "paper-conference", "document"]
    assert items[2]["collection-title"] == "C" and "container-title" not in items[2]


# --- RIS -------------------------------------------------------------------------------------


def test_ris_reads_back_with_the_same_titles_authors_and_dois(example):
    text = export_references(example, "ris")
    refs = rispy.loads(text)
    works = resolved(example)
    assert len(refs) == len(works) == 8
    for ref, work in zip(refs, works, strict=True):
        assert ref["type_of_reference"] == "JOUR"
        assert ref["title"] == work.title
        assert [(f, initials(g)) for f, g in (a.split(", ", 1) for a in ref["authors"])] == [
            (a.family, initials(a.given)) for a in work.authors]
        assert ref["doi"] == work.doi
        assert ref["secondary_title"] == work.container_title
        assert ref["year"] == str(work.year)
        assert ref.get("accession_number") == work.pmid
        assert ref["urls"] == [f"https://doi.org/{work.doi}"]
    chen = refs[0]
    assert (chen["id"], chen["start_page"], chen["end_page"], chen["alternate_title1"]) == (
        "chen2011common", "19937", "19942", "Proc Natl Acad Sci U S A")
    assert refs[2]["custom2"] == "PMC5732940"
    assert text.startswith("TY  - JOUR\n") and text.endswith("ER  - \n")
    assert re.search(r"^\d+\.$", text, flags=re.M) is None  # no rispy "1." counters


def test_ris_entry_types():
    kinds = ["journal-article", "book-chapter", "book", "proceedings-article"]
    works = [Work(doi=f"10.1/{i}", title=f"Title {i}", year=2000, type=t) for i, t in enumerate(kinds)]
    refs = rispy.loads(export_references(article_of(*works), "ris"))
    assert [r["type_of_reference"] for r in refs] == ["JOUR", "CHAP", "BOOK", "CONF"]


# --- which references, notes, abstracts, errors ------------------------------------------------


def test_include_unresolved_adds_the_not_found_references_with_a_note(example):
    not_found = [r.reference for r in example.references if r.resolution.status == "not_found"]
    assert len(not_found) == 4
    library = parse_bibtex(export_references(example, "bibtex", include_unresolved=True))
    assert len(library.entries) == 12
    noted = [e for e in library.entries if "note" in e.fields_dict]
    assert [e["note"] for e in noted] == [NOT_FOUND_NOTE] * 4
    assert [e["title"] for e in noted] == [r.parsed.title for r in not_found]  # built from the parsed fields
    carter = noted[0]
    assert carter.key == "carter2017oxytocin" and carter["author"] == "Carter, C. S." and carter["year"] == "2017"
    assert parse_bibtex_raw(export_references(example, "bibtex", include_unresolved=True)).entries_dict[
        "quintana2018role"]["author"] == "Quintana, D. S. and others"  # "et al." as BibTeX writes it

    items = json.loads(export_references(example, "csljson", include_unresolved=True))
    assert len(items) == 12
    assert sum(1 for i in items if i.get("note", "").startswith(NOT_FOUND_NOTE)) == 4
    refs = rispy.loads(export_references(example, "ris", include_unresolved=True))
    assert len(refs) == 12
    assert sum(1 for r in refs if NOT_FOUND_NOTE in r.get("notes", [])) == 4


def test_statuses_choose_the_references(example):
    for fmt, count in (("bibtex", lambda t: len(parse_bibtex_raw(t).entries)),
                       ("csljson", lambda t: len(json.loads(t))), ("ris", lambda t: len(rispy.loads(t)))):
        assert count(export_references(example, fmt, statuses=("verified",))) == 7
        assert count(export_references(example, fmt)) == 8
    assert len(json.loads(export_references(example, "csljson", statuses="verified,discrepant"))) == 8
    only_missing = json.loads(export_references(example, "csljson", statuses=("not_found",)))
    assert len(only_missing) == 4 and all(i["note"].startswith(NOT_FOUND_NOTE) for i in only_missing)


def test_abstracts_only_on_request(example):
    work = next(w for w in resolved(example) if w.abstract)
    plain = parse_bibtex(export_references(example, "bibtex"))
    assert not any("abstract" in e.fields_dict for e in plain.entries)
    with_abstracts = parse_bibtex(export_references(example, "bibtex", abstracts=True))
    assert any(e.fields_dict.get("abstract") and e["abstract"] == " ".join(work.abstract.split())
               for e in with_abstracts.entries)
    items = json.loads(export_references(example, "csljson", abstracts=True))
    assert any(i.get("abstract") == " ".join(work.abstract.split()) for i in items)
    refs = rispy.loads(export_references(example, "ris", abstracts=True))
    assert any(r.get("abstract") == " ".join(work.abstract.split()) for r in refs)


def test_retracted_works_say_so():
    work = Work(doi="10.1/r", title="Withdrawn findings", authors=[Author("Doe", "Jane")], year=2010,
                container_title="J", retracted=True)
    entry = parse_bibtex(export_references(article_of(work, status="retracted"), "bibtex")).entries[0]
    assert entry["note"] == "citelens: retracted — the work has been retracted"


def test_unknown_format_or_status_is_an_input_error(example):
    with pytest.raises(InputError, match="unknown export format 'endnote'"):
        export_references(example, "endnote")
    with pytest.raises(InputError, match="unknown reference status 'fine'"):
        export_references(example, "bibtex", statuses=("verified", "fine"))
    assert FORMATS == ("bibtex", "csljson", "ris")


def test_nothing_to_export_gives_empty_documents():
    empty = article_of()
    assert export_references(empty, "bibtex") == ""
    assert json.loads(export_references(empty, "csljson")) == []
    assert export_references(empty, "ris") == ""
