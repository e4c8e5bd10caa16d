"""Tests of the loopback Crossref / E-utilities stand-in (tests/standin).

Every request goes to 127.0.0.1: an autouse fixture refuses any other outgoing connection.
The genuine recorded responses in /work/shared/formats are the reference for the formats.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx2  # habanero's HTTP client
import pytest
from Bio import Entrez
from habanero import Crossref

try:
    from tests.standin import StandIn, load_records
    from tests.standin.records import DEFAULT_RECORDS_PATH, initials
except ImportError:  # plain `pytest` puts tests/ itself (not the repo root) on sys.path
    from standin import StandIn, load_records  # type: ignore[no-redef]
    from standin.records import DEFAULT_RECORDS_PATH, initials  # type: ignore[no-redef]

FORMATS = Path(__file__).parent / "data" / "formats"  # the genuine samples, copied from ../shared/formats
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "records" / "seed-works.jsonl"

CHEN_DOI = "10.1073/pnas.1113079108"
CHEN_PMID = "22123970"
CHEN_TITLE = "Common oxytocin receptor gene (OXTR) polymorphism and social support interact to reduce stress in humans"
CHEN_CITATION = (
    "Chen FS, Kumsta R, von Dawans B, Monakhov M, Ebstein RP, Heinrichs M. Common oxytocin receptor gene (OXTR) "
    "polymorphism and social support interact to reduce stress in humans. Proc Natl Acad Sci U S A. "
    "2011;108(50):19937-42."
)
HEINRICHS_PMID = "14675803"  # structured abstract

RETRACTED = {
    "doi": "10.5555/standin.retracted.2020",
    "pmid": "99000001",
    "pmcid": None,
    "title": "Synthetic retracted work on oxytocin and trust",
    "authors": [{"family": "Testperson", "given": "Alex B"}, {"family": "Other", "given": "C"}],
    "container_title": "Journal of Stand-in Studies",
    "container_abbrev": "J Standin Stud",
    "issn": ["0000-0001"],
    "publisher": "Stand-in Press",
    "type": "journal-article",
    "volume": "7",
    "issue": "3",
    "pages": "101-109",
    "year": 2020,
    "published": "2020-05-04",
    "epub": None,
    "abstract": "Background: Synthetic.\nResults: Retracted.",
    "publication_types": ["Journal Article"],
    "keywords": [],
    "retracted": True,
    "retraction_notice_doi": "10.5555/standin.retraction-notice.2021",
    "retraction_date": "2021-02-03",
    "retraction_notice_pmid": "99000002",
    "retraction_notice_source": "J Standin Stud. 2021 Feb;8(1):1",
    "sources": [],
}

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise AssertionError(f"test tried to reach {address!r}; only 127.0.0.1 is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    with StandIn(extra_records=[RETRACTED]) as s:
        yield s


@pytest.fixture
def fresh() -> Iterator[StandIn]:
    with StandIn() as s:
        yield s


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


def _work(s: StandIn, client: httpx.Client, doi: str) -> dict[str, Any]:
    r = client.get(f"{s.crossref_url}/works/{doi}")
    assert r.status_code == 200, r.text
    return r.json()["message"]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def _genuine_messages() -> list[dict[str, Any]]:
    out = []
    for f in sorted((FORMATS / "crossref").glob("works*.json")):
        if "_400_" in f.name:
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        out.append(data.get("message", data))
    return out


def _genuine_search_items() -> list[dict[str, Any]]:
    items = []
    for f in sorted((FORMATS / "crossref").glob("search_*.json")):
        items.extend(json.loads(f.read_text(encoding="utf-8"))["message"]["items"])
    return items


def _entrez(body: bytes) -> Any:
    return Entrez.read(io.BytesIO(body), validate=True)


# ---------------------------------------------------------------------------- setup / data


def test_seed_copy_is_identical_and_loaded_by_default(standin: StandIn) -> None:
    if SHARED_SEED.exists():  # ../shared sits beside the checkout on the project's machines and in CI
        assert DEFAULT_RECORDS_PATH.read_bytes() == SHARED_SEED.read_bytes()
    seed = load_records()
    assert len(seed) == 34
    assert len(standin.records) == 35  # + the synthetic retracted record


def test_urls_are_loopback(standin: StandIn) -> None:
    assert standin.crossref_url.startswith("http://127.0.0.1:")
    assert standin.crossref_url.endswith("/crossref")
    assert standin.eutils_url == standin.url + "/eutils"


def test_extra_record_replaces_same_doi(client: httpx.Client) -> None:
    changed = dict(next(r for r in load_records() if r["doi"] == CHEN_DOI), retracted=True)
    with StandIn(extra_records=[changed]) as s:
        assert len(s.records) == 34
        msg = _work(s, client, CHEN_DOI)
        assert msg["updated-by"][0]["type"] == "retraction"
        s.add_records([RETRACTED])
        assert _work(s, client, RETRACTED["doi"])["title"] == [RETRACTED["title"]]


def test_explicit_records_replace_seed(client: httpx.Client) -> None:
    with StandIn(records=[RETRACTED]) as s:
        assert client.get(f"{s.crossref_url}/works/{CHEN_DOI}").status_code == 404
        assert _work(s, client, RETRACTED["doi"])["DOI"] == RETRACTED["doi"]


# ---------------------------------------------------------------------------- Crossref via habanero


def test_habanero_works_by_doi(standin: StandIn) -> None:
    cr = Crossref(base_url=standin.crossref_url, mailto="test@example.org")
    res = cr.works(ids=CHEN_DOI)
    assert res["status"] == "ok" and res["message-type"] == "work"
    msg = res["message"]
    assert msg["DOI"] == CHEN_DOI
    assert msg["title"] == [CHEN_TITLE]
    assert [a["family"] for a in msg["author"]][:2] == ["Chen", "Kumsta"]
    assert msg["author"][0] == {
        "given": "Frances S",
        "family": "Chen",
        "sequence": "first",
        "affiliation": [],
        "role": [{"role": "author", "vocabulary": "crossref"}],
    }
    assert msg["author"][1]["sequence"] == "additional"
    assert msg["container-title"] == ["Proceedings of the National Academy of Sciences of the United States of America"]
    assert msg["short-container-title"] == ["Proc Natl Acad Sci U S A"]
    assert (msg["volume"], msg["issue"], msg["page"]) == ("108", "50", "19937-19942")
    assert msg["published-print"] == {"date-parts": [[2011, 12, 13]]}
    assert msg["published-online"] == {"date-parts": [[2011, 11, 28]]}
    assert msg["issued"] == msg["published"] == {"date-parts": [[2011, 11, 28]]}
    assert msg["URL"] == f"https://doi.org/{CHEN_DOI}"
    assert msg["relation"] == {}
    assert msg["abstract"].startswith("<jats:p>The neuropeptide oxytocin") and msg["abstract"].endswith("</jats:p>")
    assert msg["score"] == 1


def test_habanero_bibliographic_search_ranks_own_citation_first(standin: StandIn) -> None:
    cr = Crossref(base_url=standin.crossref_url, mailto="test@example.org")
    res = cr.works(query_bibliographic=CHEN_CITATION, limit=5)
    msg = res["message"]
    assert res["message-type"] == "work-list"
    items = msg["items"]
    assert items[0]["DOI"] == CHEN_DOI
    assert len(items) <= 5 and msg["items-per-page"] == 5
    scores = [i["score"] for i in items]
    assert all(isinstance(x, float) for x in scores)
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]
    assert msg["query"] == {"start-index": 0, "search-terms": None}
    assert msg["total-results"] >= len(items)


def test_habanero_unknown_doi_raises(standin: StandIn) -> None:
    cr = Crossref(base_url=standin.crossref_url, mailto="test@example.org")
    with pytest.raises(httpx2.HTTPStatusError) as exc:
        cr.works(ids="10.1371/notarealdoi")
    assert exc.value.response.status_code == 404


def test_habanero_field_queries_and_filters(standin: StandIn) -> None:
    cr = Crossref(base_url=standin.crossref_url, mailto="test@example.org")
    res = cr.works(
        query_author="Weisman",
        filter={"from_pub_date": "2013", "until_pub_date": "2014"},
        select=["DOI", "title", "issued"],
    )
    items = res["message"]["items"]
    assert {i["DOI"] for i in items} == {"10.1098/rsbl.2013.0828", "10.1016/j.pnpbp.2013.11.006"}
    assert all(set(i) <= {"DOI", "title", "issued"} for i in items)


@pytest.mark.parametrize("record", [r for r in load_records() if r["doi"]], ids=lambda r: r["doi"])
def test_every_work_ranks_first_for_its_own_citation(standin: StandIn, client: httpx.Client, record: dict) -> None:
    authors = ", ".join(f"{a['family']} {initials(a.get('given'))}" for a in record["authors"])
    citation = (
        f"{authors} ({record['year']}). {record['title']}. "
        f"{record['container_abbrev'] or record['container_title']}, {record['volume']}, {record['pages']}."
    )
    r = client.get(f"{standin.crossref_url}/works", params={"query.bibliographic": citation, "rows": 3})
    assert r.json()["message"]["items"][0]["DOI"] == record["doi"]


@pytest.mark.parametrize("raw, doi", [
    # title-less (Nature physics / Elsevier numbered): authors, journal abbreviation and numbers only
    ("O. Weisman, O. Zagoory-Sharon, R. Feldman, Biol Psychiatry 72 (2012) 982\u2013989.", "10.1016/j.biopsych.2012.06.011"),
    ("G. Gimpl, F. Fahrenholz, Physiol. Rev. 81, 629 (2001).", "10.1152/physrev.2001.81.2.629"),
    # degraded: lower case, punctuation lost, a line-break hyphen, an OCR-like error
    ("insel tr the chal- lenge of translation in social neur0science neuron 2010 65 768 779",
     "10.1016/j.neuron.2010.03.005"),
    # MLA with its labels ("vol.", "no.", "pp.") and a list marker
    ("12. Skuse, D. H., et al. \u201cCommon polymorphism in the oxytocin receptor gene (OXTR) is associated with "
     "human social recognition skills.\u201d PNAS, vol. 111, no. 5, 2014, pp. 1987-1992.", "10.1073/pnas.1302985111"),
])
def test_raw_printed_strings_rank_their_work_first(standin: StandIn, client: httpx.Client, raw: str, doi: str) -> None:
    """citelens sends the whole printed reference as query.bibliographic; the stand-in ranks like Crossref would."""
    r = client.get(f"{standin.crossref_url}/works", params={"query.bibliographic": raw, "rows": 5})
    assert r.json()["message"]["items"][0]["DOI"] == doi


# ---------------------------------------------------------------------------- Crossref format details


def test_crossref_404_is_plain_resource_not_found(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(f"{standin.crossref_url}/works/10.1371/notarealdoi")
    genuine = (FORMATS / "crossref" / "works_404_notarealdoi.txt").read_text()
    assert r.status_code == 404
    assert r.text == genuine == "Resource not found."


def test_crossref_400_field_query_on_doi_route_matches_genuine(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(f"{standin.crossref_url}/works/{CHEN_DOI}", params={"query.author": "chen"})
    assert r.status_code == 400
    genuine = (FORMATS / "crossref" / "works_400_query-not-allowed-with-doi.json").read_text().strip()
    assert r.text == genuine


def test_crossref_doi_case_insensitive_and_urlencoded(standin: StandIn, client: httpx.Client) -> None:
    for path in (CHEN_DOI.upper(), CHEN_DOI.replace("/", "%2F"), "10.1016%2Fs0006-3223%2803%2900465-7"):
        r = client.get(f"{standin.crossref_url}/works/{path}")
        assert r.status_code == 200, path


def test_crossref_escaping_like_genuine(standin: StandIn, client: httpx.Client) -> None:
    raw = client.get(f"{standin.crossref_url}/works/10.3389/fpsyg.2017.02156").text
    assert '"DOI":"10.3389\\/fpsyg.2017.02156"' in raw
    assert '"URL":"https:\\/\\/doi.org\\/10.3389\\/fpsyg.2017.02156"' in raw
    assert "Ol\\u00e1h" in raw  # non-ASCII as \\u escapes, like the recorded bodies
    assert raw.isascii()
    assert json.loads(raw)["message"]["author"][0]["family"] == "Oláh"
    genuine = (FORMATS / "crossref" / "works_10.1038_srep16696.json").read_text()
    assert genuine.startswith('{"status":"ok","message-type":"work","message-version":"1.0.0","message":{')
    assert raw.startswith('{"status":"ok","message-type":"work","message-version":"1.0.0","message":{')


def test_crossref_headers(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(f"{standin.crossref_url}/works/{CHEN_DOI}")
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-rate-limit-limit"] == "50"
    assert r.headers["x-rate-limit-interval"] == "1s"


def test_crossref_keys_and_types_agree_with_genuine(standin: StandIn, client: httpx.Client) -> None:
    genuine = _genuine_messages()
    union: dict[str, set[str]] = {}
    author_keys: set[str] = set()
    for m in genuine:
        for k, v in m.items():
            union.setdefault(k, set()).add(_kind(v))
        for a in m.get("author", []):
            author_keys |= set(a)
    for rec in standin.records:
        if not rec["doi"]:
            continue
        msg = _work(standin, client, rec["doi"])
        extra = set(msg) - set(union)
        assert not extra, f"{rec['doi']}: keys never seen in a genuine work: {extra}"
        for k, v in msg.items():
            assert _kind(v) in union[k], f"{rec['doi']}: {k} is {_kind(v)}, genuine {union[k]}"
        for a in msg.get("author", []):
            assert set(a) <= author_keys
    # the list items too, against genuine search items + single works
    for item in _genuine_search_items():
        for k, v in item.items():
            union.setdefault(k, set()).add(_kind(v))
    body = client.get(f"{standin.crossref_url}/works", params={"query": "oxytocin", "rows": 100}).json()
    genuine_list = json.loads((FORMATS / "crossref" / "search_query-ecology_rows-2.json").read_text())
    assert list(body) == list(genuine_list)
    assert list(body["message"]) == list(genuine_list["message"])
    assert list(body["message"]["query"]) == list(genuine_list["message"]["query"])
    for item in body["message"]["items"]:
        assert set(item) <= set(union)
        assert all(_kind(v) in union[k] for k, v in item.items())


def test_crossref_key_order_follows_genuine(standin: StandIn, client: httpx.Client) -> None:
    genuine_order: list[str] = []
    for m in _genuine_messages():
        for k in m:
            if k not in genuine_order:
                genuine_order.append(k)
    msg = _work(standin, client, CHEN_DOI)
    common = [k for k in msg if k in genuine_order]
    pone = next(m for m in _genuine_messages() if m["DOI"] == "10.1371/journal.pone.0033693")
    reference = [k for k in pone if k in msg]
    assert [k for k in common if k in reference] == reference


def test_crossref_structured_abstract_is_jats_sections(standin: StandIn, client: httpx.Client) -> None:
    msg = _work(standin, client, "10.1016/s0006-3223(03)00465-7")
    abstract = msg["abstract"]
    titles = re.findall(r"<jats:sec><jats:title>([^<]+)</jats:title><jats:p>", abstract)
    assert titles == ["Background", "Methods", "Results", "Conclusions"]
    assert abstract.count("<jats:sec>") == abstract.count("</jats:sec>") == 4
    assert "Background:" not in abstract


def test_crossref_partial_dates_keep_precision(standin: StandIn, client: httpx.Client) -> None:
    msg = _work(standin, client, "10.1152/physrev.2001.81.2.629")  # published "2001-04"
    assert msg["published-print"] == {"date-parts": [[2001, 4]]}
    assert msg["issued"] == {"date-parts": [[2001, 4]]}
    msg = _work(standin, client, "10.1016/j.tins.2012.08.004")  # year only
    assert msg["issued"] == {"date-parts": [[2012]]}
    assert "published-online" not in msg


def test_crossref_filter_doi_returns_exactly_those(standin: StandIn, client: httpx.Client) -> None:
    dois = ["10.1038/nrn3044", "10.1111/brv.12175", CHEN_DOI]
    r = client.get(f"{standin.crossref_url}/works", params={"filter": ",".join(f"doi:{d}" for d in dois)})
    items = r.json()["message"]["items"]
    assert sorted(i["DOI"] for i in items) == sorted(dois)
    assert r.json()["message"]["total-results"] == 3
    one = client.get(f"{standin.crossref_url}/works", params={"filter": "doi:10.1038/NRN3044"}).json()
    assert [i["DOI"] for i in one["message"]["items"]] == ["10.1038/nrn3044"]


def test_crossref_rows_offset_and_container_query(standin: StandIn, client: httpx.Client) -> None:
    url = f"{standin.crossref_url}/works"
    full = client.get(url, params={"query.container-title": "Biological Psychiatry", "rows": 20}).json()["message"]
    dois = [i["DOI"] for i in full["items"]]
    assert set(dois[:3]) == {
        "10.1016/s0006-3223(03)00465-7",
        "10.1016/j.biopsych.2011.09.002",
        "10.1016/j.biopsych.2012.06.011",
    }
    page = client.get(url, params={"query.container-title": "Biological Psychiatry", "rows": 1, "offset": 1}).json()
    assert [i["DOI"] for i in page["message"]["items"]] == dois[1:2]
    assert page["message"]["query"]["start-index"] == 1
    default = client.get(url).json()["message"]
    assert default["items-per-page"] == 20 and len(default["items"]) == 20


def test_crossref_does_not_serve_works_without_doi(standin: StandIn, client: httpx.Client) -> None:
    title = "The orgasmic history of oxytocin: Love, lust, and labor"
    r = client.get(f"{standin.crossref_url}/works", params={"query.bibliographic": title, "rows": 100})
    assert title not in [t for i in r.json()["message"]["items"] for t in i.get("title", [])]


def test_crossref_retraction_metadata(standin: StandIn, client: httpx.Client) -> None:
    msg = _work(standin, client, RETRACTED["doi"])
    (update,) = msg["updated-by"]
    genuine = next(m for m in _genuine_messages() if m["DOI"] == "10.1371/journal.pone.0033693")["updated-by"][0]
    assert list(update) == list(genuine)  # DOI, type, label, source, updated (2026 order)
    assert update["type"] == "retraction" and update["label"] == "Retraction"
    assert update["source"] == "retraction-watch"
    assert update["DOI"] == "10.5555/standin.retraction-notice.2021"
    assert update["updated"]["date-parts"] == [[2021, 2, 3]]
    assert set(update["updated"]) == set(genuine["updated"])
    assert "updated-by" not in _work(standin, client, CHEN_DOI)


# ---------------------------------------------------------------------------- PubMed EFetch


def test_efetch_parsed_by_bio_entrez(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(f"{standin.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": CHEN_PMID, "retmode": "xml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    (article,) = _entrez(r.content)["PubmedArticle"]
    citation = article["MedlineCitation"]
    art = citation["Article"]
    assert str(citation["PMID"]) == CHEN_PMID
    assert str(art["ArticleTitle"]) == CHEN_TITLE + "."
    authors = art["AuthorList"]
    assert [(a["LastName"], a["ForeName"], a["Initials"]) for a in authors[:2]] == [
        ("Chen", "Frances S", "FS"),
        ("Kumsta", "Robert", "R"),
    ]
    assert str(art["Abstract"]["AbstractText"][0]).startswith("The neuropeptide oxytocin has played")
    issue = art["Journal"]["JournalIssue"]
    assert (issue["Volume"], issue["Issue"]) == ("108", "50")
    assert dict(issue["PubDate"]) == {"Year": "2011", "Month": "Dec", "Day": "13"}
    assert art["Pagination"]["MedlinePgn"] == "19937-42"
    assert art["Journal"]["ISOAbbreviation"] == "Proc Natl Acad Sci U S A"
    ids = {i.attributes["IdType"]: str(i) for i in article["PubmedData"]["ArticleIdList"]}
    assert ids == {"pubmed": CHEN_PMID, "doi": CHEN_DOI}
    assert [str(e) for e in art["ELocationID"]] == [CHEN_DOI]


def test_efetch_structured_abstract_keeps_labels(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(f"{standin.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": HEINRICHS_PMID})
    (article,) = _entrez(r.content)["PubmedArticle"]
    texts = article["MedlineCitation"]["Article"]["Abstract"]["AbstractText"]
    assert [t.attributes["Label"] for t in texts] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert [t.attributes["NlmCategory"] for t in texts] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert str(texts[0]).startswith("The presence of social support")


def test_efetch_order_unknown_omitted_and_pmc(standin: StandIn, client: httpx.Client) -> None:
    ids = "22795645,99999999,22015110,22123970"
    r = client.get(f"{standin.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": ids, "retmode": "xml"})
    arts = _entrez(r.content)["PubmedArticle"]
    assert [str(a["MedlineCitation"]["PMID"]) for a in arts] == ["22795645", "22015110", "22123970"]
    idtypes = {i.attributes["IdType"]: str(i) for i in arts[1]["PubmedData"]["ArticleIdList"]}
    assert idtypes["pmc"] == "PMC3266986"


def test_efetch_post_all_records_validate_like_genuine(standin: StandIn, client: httpx.Client) -> None:
    # The genuine samples parse with DTD validation ...
    # (Bio.Entrez refuses the two 2012 files whose DOCTYPE points at a plain-http DTD URL.)
    checked = 0
    for f in sorted((FORMATS / "pubmed").glob("*.xml")):
        body = f.read_bytes()
        if f.name.startswith(("efetch_", "baseline-", "esearch_pubmed")) and b'.dtd">' in body and b'"https://' in body:
            _entrez(body)
            checked += 1
    assert checked >= 9
    # ... and so does the stand-in's PubmedArticleSet, for every PubMed record, POSTed.
    pmids = [r["pmid"] for r in standin.records if r["pmid"]]
    r = client.post(f"{standin.eutils_url}/efetch.fcgi", data={"db": "pubmed", "id": ",".join(pmids), "retmode": "xml"})
    arts = _entrez(r.content)["PubmedArticle"]
    assert [str(a["MedlineCitation"]["PMID"]) for a in arts] == pmids
    # prolog identical to the current genuine EFetch output
    genuine = (FORMATS / "pubmed" / "efetch_pubmed_erratum-in_35649368.xml").read_text()
    assert r.text.split("\n")[:3] == genuine.split("\n")[:3]
    assert r.text.endswith("</PubmedArticle></PubmedArticleSet>")


def test_efetch_elements_and_attributes_seen_in_genuine(standin: StandIn, client: httpx.Client) -> None:
    def paths(root: ET.Element) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}

        def walk(el: ET.Element, prefix: str) -> None:
            p = f"{prefix}/{el.tag}"
            out.setdefault(p, set()).update(el.attrib)
            for child in el:
                walk(child, p)

        walk(root, "")
        return out

    genuine: dict[str, set[str]] = {}
    for f in (FORMATS / "pubmed").glob("*.xml"):
        root = ET.parse(f).getroot()
        if root.tag == "PubmedArticleSet":
            for k, v in paths(root).items():
                genuine.setdefault(k, set()).update(v)
    pmids = [r["pmid"] for r in standin.records if r["pmid"]]
    body = client.post(f"{standin.eutils_url}/efetch.fcgi", data={"db": "pubmed", "id": ",".join(pmids)}).content
    for path, attrs in paths(ET.fromstring(body)).items():
        assert path in genuine, path
        assert attrs <= genuine[path], (path, attrs - genuine[path])


def test_efetch_non_ascii_as_hex_character_references(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(f"{standin.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": "29312041"})
    assert r.content.isascii()
    assert "<LastName>Ol&#xe1;h</LastName>" in r.text
    (article,) = _entrez(r.content)["PubmedArticle"]
    assert article["MedlineCitation"]["Article"]["AuthorList"][0]["LastName"] == "Oláh"


def test_pubmed_retracted_publication(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(f"{standin.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": RETRACTED["pmid"]})
    (article,) = _entrez(r.content)["PubmedArticle"]
    citation = article["MedlineCitation"]
    types = {str(p): p.attributes["UI"] for p in citation["Article"]["PublicationTypeList"]}
    assert types["Retracted Publication"] == "D016441"
    (cc,) = citation["CommentsCorrectionsList"]
    assert cc.attributes["RefType"] == "RetractionIn"
    assert str(cc["RefSource"]) == "J Standin Stud. 2021 Feb;8(1):1"
    assert str(cc["PMID"]) == "99000002"
    search = client.get(
        f"{standin.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": "retracted publication[pt]"}
    )
    assert _entrez(search.content)["IdList"] == [RETRACTED["pmid"]]


def test_only_pmid_records_are_in_pubmed(standin: StandIn, client: httpx.Client) -> None:
    # 10.1007/s00424-013-1268-2 has a DOI but no PMID in the records: Crossref has it, PubMed does not.
    doi = "10.1007/s00424-013-1268-2"
    assert client.get(f"{standin.crossref_url}/works/{doi}").status_code == 200
    r = client.get(f"{standin.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": f"{doi}[doi]"})
    assert _entrez(r.content)["Count"] == "0"


def test_efetch_medline_text(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(
        f"{standin.eutils_url}/efetch.fcgi",
        params={"db": "pubmed", "id": CHEN_PMID, "rettype": "medline", "retmode": "text"},
    )
    assert r.text.startswith(f"\nPMID- {CHEN_PMID}\n")
    assert "\nAU  - Chen FS\n" in r.text and f"\nLID - {CHEN_DOI} [doi]\n" in r.text


# ---------------------------------------------------------------------------- PubMed ESearch


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (f"{CHEN_DOI}[doi]", [CHEN_PMID]),
        (f"{CHEN_PMID}[pmid]", [CHEN_PMID]),
        (f"{CHEN_PMID}[uid]", [CHEN_PMID]),
        ("Chen FS[au] AND 2011[dp]", [CHEN_PMID]),
        ("Heinrichs M[1au] AND social support[ti]", [HEINRICHS_PMID]),
        ('"social support interact"[ti]', [CHEN_PMID]),
        ("Biol Psychiatry[ta] AND 54[vi] AND 1389[pg]", [HEINRICHS_PMID]),
        ("Biological Psychiatry[journal] AND 2003[pdat]", [HEINRICHS_PMID]),
        ("rs53576 cortisol", [CHEN_PMID]),
        ("Olah K[au]", ["29312041"]),
        ("xyzzyplugh", []),
    ],
)
def test_esearch_terms(standin: StandIn, client: httpx.Client, term: str, expected: list[str]) -> None:
    r = client.get(f"{standin.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": term})
    assert r.status_code == 200
    result = _entrez(r.content)
    assert list(result["IdList"]) == expected
    assert result["Count"] == str(len(expected))


def test_esearch_shape_retmax_and_post(standin: StandIn, client: httpx.Client) -> None:
    params = {"db": "pubmed", "term": "oxytocin[ti]", "retmax": "2"}
    got = client.get(f"{standin.eutils_url}/esearch.fcgi", params=params)
    posted = client.post(f"{standin.eutils_url}/esearch.fcgi", data=params)
    assert got.text == posted.text
    result = _entrez(got.content)
    assert int(result["Count"]) > 2 and result["RetMax"] == "2" and len(result["IdList"]) == 2
    assert result["RetStart"] == "0" and result["QueryTranslation"] == "oxytocin[Title]"
    genuine = (FORMATS / "pubmed" / "esearch_pubmed_biopython.xml").read_text()
    assert got.text.split("\n")[:2] == genuine.split("\n")[:2]
    head = r"<eSearchResult><Count>\d+</Count><RetMax>2</RetMax><RetStart>0</RetStart><IdList>\n<Id>\d+</Id>\n"
    assert re.match(head, got.text.split("\n", 2)[2])
    tail = "</IdList><TranslationSet/><QueryTranslation>oxytocin[Title]</QueryTranslation></eSearchResult>\n"
    assert got.text.endswith(tail)


def test_esearch_json(standin: StandIn, client: httpx.Client) -> None:
    r = client.get(
        f"{standin.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": f"{CHEN_DOI}[doi]", "retmode": "json"}
    )
    data = r.json()
    assert data["header"] == {"type": "esearch", "version": "0.3"}
    assert data["esearchresult"]["count"] == "1" and data["esearchresult"]["idlist"] == [CHEN_PMID]


# ---------------------------------------------------------------------------- ECitMatch


def test_ecitmatch_found_and_not_found(standin: StandIn, client: httpx.Client) -> None:
    bdata = "\r".join(
        [
            "proc natl acad sci u s a|2011|108|19937|chen fs|Art1|",
            "Biological Psychiatry|2003|54|1389|heinrichs m|Art2|",
            "nat rev neurosci|2001|2|999|insel tr|Art3|",
            "fake journal|2000|1|1||ref2|",
        ]
    )
    r = client.get(f"{standin.eutils_url}/ecitmatch.cgi", params={"db": "pubmed", "retmode": "xref", "bdata": bdata})
    assert r.status_code == 200
    assert r.text.splitlines() == [
        f"proc natl acad sci u s a|2011|108|19937|chen fs|Art1|{CHEN_PMID}",
        f"Biological Psychiatry|2003|54|1389|heinrichs m|Art2|{HEINRICHS_PMID}",
        "nat rev neurosci|2001|2|999|insel tr|Art3|NOT_FOUND",
        "fake journal|2000|1|1||ref2|NOT_FOUND;INVALID_JOURNAL",
    ]
    line_re = re.compile(r"^[^|]*\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|(\d+|NOT_FOUND(;INVALID_JOURNAL)?)$")
    genuine_lines = [
        line for f in (FORMATS / "pubmed").glob("ecitmatch_*.txt") for line in f.read_text().splitlines() if line
    ]
    assert genuine_lines and all(line_re.match(line) for line in genuine_lines)
    assert all(line_re.match(line) for line in r.text.splitlines())
    assert r.text.endswith("\n")


def test_ecitmatch_plus_encoded_request(standin: StandIn, client: httpx.Client) -> None:
    # Bio.Entrez / the pubmed-client capture send '+' for spaces; the answer echoes spaces
    bdata = "proc+natl+acad+sci+u+s+a|2011|108|19937|chen+fs|k|"
    url = f"{standin.eutils_url}/ecitmatch.cgi?db=pubmed&retmode=xref&bdata={bdata}"
    assert client.get(url).text == f"proc natl acad sci u s a|2011|108|19937|chen fs|k|{CHEN_PMID}\n"


# ---------------------------------------------------------------------------- fault switches and counting


def test_fail_429_first_n_with_retry_after(client: httpx.Client) -> None:
    with StandIn(fail_429=2, retry_after=3) as s:
        url = f"{s.crossref_url}/works/{CHEN_DOI}"
        first, second, third = (client.get(url) for _ in range(3))
        assert first.status_code == second.status_code == 429
        assert first.headers["Retry-After"] == "3"
        assert third.status_code == 200
        s.fail_429 = 1  # switched while running
        r = client.get(f"{s.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": "oxytocin"})
        assert r.status_code == 429 and r.headers["Retry-After"] == "3"
        assert r.json()["error"] == "API rate limit exceeded"  # NCBI's JSON 429 body
        assert client.get(url).status_code == 200


def test_fail_429_probability_is_seeded(client: httpx.Client) -> None:
    def run() -> list[int]:
        with StandIn(fail_429=0.5, seed=7) as s:
            return [client.get(f"{s.crossref_url}/works/{CHEN_DOI}").status_code for _ in range(16)]

    a, b = run(), run()
    assert a == b and 429 in a and 200 in a


def test_fail_5xx(fresh: StandIn, client: httpx.Client) -> None:
    fresh.fail_5xx = 3
    codes = [client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}").status_code for _ in range(4)]
    assert codes == [500, 502, 503, 200]
    fresh.fail_5xx, fresh.fail_5xx_status = True, 503
    assert client.get(f"{fresh.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": CHEN_PMID}).status_code == 503


def test_malformed_truncated_and_html(fresh: StandIn, client: httpx.Client) -> None:
    fresh.malformed = 2
    r = client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}")
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.text)
    r = client.get(f"{fresh.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": CHEN_PMID})
    assert r.status_code == 200
    with pytest.raises(Exception):  # noqa: B017 - expat / Bio.Entrez error on a truncated document
        _entrez(r.content)
    assert client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}").json()["message"]["DOI"] == CHEN_DOI
    fresh.malformed, fresh.malformed_mode = True, "html"
    r = client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.text)


def test_drop_closes_connection(fresh: StandIn, client: httpx.Client) -> None:
    fresh.drop = 1
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}")
    assert client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}").status_code == 200
    assert fresh.statuses()[None] == 1


def test_latency(fresh: StandIn, client: httpx.Client) -> None:
    fresh.latency = 0.25
    t0 = time.perf_counter()
    client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}")
    assert time.perf_counter() - t0 >= 0.25
    fresh.latency = {"eutils": 0.0}
    t0 = time.perf_counter()
    client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}")
    assert time.perf_counter() - t0 < 0.25


def test_rate_limit_enforcement(fresh: StandIn, client: httpx.Client) -> None:
    fresh.crossref_rps = 3
    codes = [client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}") for _ in range(5)]
    assert [c.status_code for c in codes][:3] == [200, 200, 200]
    assert codes[3].status_code == 429 and "Retry-After" in codes[3].headers
    # the other API is not limited
    assert client.get(f"{fresh.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": "x"}).status_code == 200
    time.sleep(1.05)
    assert client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}").status_code == 200


def test_crossref_concurrency_limit(client: httpx.Client) -> None:
    with StandIn(crossref_concurrency=1, latency=0.3) as s:
        codes: list[int] = []

        def fetch() -> None:
            codes.append(httpx.get(f"{s.crossref_url}/works/{CHEN_DOI}").status_code)

        threads = [threading.Thread(target=fetch) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(codes) == [200, 429, 429]


def test_fault_api_scope(fresh: StandIn, client: httpx.Client) -> None:
    fresh.fault_api = "eutils"
    fresh.fail_5xx = True
    assert client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}").status_code == 200
    assert client.get(f"{fresh.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": "x"}).status_code >= 500


def test_request_counting(fresh: StandIn, client: httpx.Client) -> None:
    assert fresh.count() == 0
    client.get(f"{fresh.crossref_url}/works/{CHEN_DOI}")
    client.get(f"{fresh.crossref_url}/works", params={"query.bibliographic": "oxytocin", "rows": 2})
    client.get(f"{fresh.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": "oxytocin"})
    client.post(f"{fresh.eutils_url}/efetch.fcgi", data={"db": "pubmed", "id": CHEN_PMID})
    assert fresh.count("crossref") == 2 and fresh.count("eutils") == 2
    assert fresh.counts()[("eutils", "efetch.fcgi")] == 1
    api, route, query = fresh.requests[1]
    assert (api, route, query["rows"]) == ("crossref", "/works", "2")
    assert fresh.requests[3].query["id"] == CHEN_PMID  # POST form fields are recorded too
    fresh.reset_counts()
    assert fresh.count() == 0 and fresh.requests == []


def test_counting_is_thread_safe(fresh: StandIn) -> None:
    def worker() -> None:
        with httpx.Client() as c:
            for _ in range(10):
                c.get(f"{fresh.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": "oxytocin"})

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fresh.count("eutils", "esearch.fcgi") == 80
