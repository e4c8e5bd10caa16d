"""Render records as NCBI E-utilities bodies: EFetch PubmedArticleSet XML, ESearch, ECitMatch.

The EFetch layout copies the current (DTD ``pubmed_250101``) responses recorded in
``/work/shared/formats/pubmed``: XML declaration, DOCTYPE and ``<PubmedArticleSet>`` on their own
lines, then each ``<PubmedArticle>`` as one compact run, non-ASCII characters written as hex
character references (``&#xe0;``), and no trailing newline.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .crossref_render import abstract_sections
from .records import DateParts, initials, medline_pages, online_date, parse_date, print_date, split_pages
from .search import pubmed_publication_types

EFETCH_PROLOG = (
    '<?xml version="1.0" ?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
ESEARCH_PROLOG = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
EFETCH_ERROR_PROLOG = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eFetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
)

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# MeSH publication-type descriptor UIs (PublicationType/@UI is #REQUIRED in the DTD)
PUBLICATION_TYPE_UI = {
    "Journal Article": "D016428",
    "Review": "D016454",
    "Systematic Review": "D000078182",
    "Meta-Analysis": "D017418",
    "Retracted Publication": "D016441",
    "Retraction of Publication": "D016440",
    "Published Erratum": "D016425",
    "Comment": "D016420",
    "Editorial": "D016421",
    "Letter": "D016422",
    "English Abstract": "D004740",
    "Comparative Study": "D003160",
    "Clinical Trial": "D016430",
    "Randomized Controlled Trial": "D016449",
    "Research Support, Non-U.S. Gov't": "D013485",
    "Research Support, U.S. Gov't, Non-P.H.S.": "D013486",
    "Research Support, U.S. Gov't, P.H.S.": "D013487",
    "Research Support, N.I.H., Extramural": "D052061",
    "Research Support, N.I.H., Intramural": "D052060",
}

_NLM_CATEGORY = {
    "background": "BACKGROUND",
    "introduction": "BACKGROUND",
    "context": "BACKGROUND",
    "objective": "OBJECTIVE",
    "objectives": "OBJECTIVE",
    "aim": "OBJECTIVE",
    "aims": "OBJECTIVE",
    "purpose": "OBJECTIVE",
    "methods": "METHODS",
    "method": "METHODS",
    "design": "METHODS",
    "materials and methods": "METHODS",
    "results": "RESULTS",
    "findings": "RESULTS",
    "conclusions": "CONCLUSIONS",
    "conclusion": "CONCLUSIONS",
    "interpretation": "CONCLUSIONS",
}


def xml_text(text: str) -> str:
    """Escape for XML character data; non-ASCII as ``&#x..;`` like current EFetch output."""
    out = []
    for ch in text:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ord(ch) > 127:
            out.append(f"&#x{ord(ch):x};")
        else:
            out.append(ch)
    return "".join(out)


def xml_attr(text: str) -> str:
    return xml_text(text).replace('"', "&quot;")


def _el(tag: str, text: str, **attrs: str) -> str:
    a = "".join(f' {k}="{xml_attr(v)}"' for k, v in attrs.items())
    return f"<{tag}{a}>{xml_text(text)}</{tag}>"


def _pubdate(parts: DateParts | None) -> str:
    if not parts:
        return "<PubDate><MedlineDate>n.d.</MedlineDate></PubDate>"
    s = f"<Year>{parts[0]}</Year>"
    if len(parts) > 1:
        s += f"<Month>{MONTHS[parts[1] - 1]}</Month>"
        if len(parts) > 2:
            s += f"<Day>{parts[2]:02d}</Day>"
    return f"<PubDate>{s}</PubDate>"


def pubmed_title(title: str) -> str:
    """PubMed ends an ``ArticleTitle`` with a period."""
    t = title.strip()
    return t if t.endswith((".", "?", "!")) else t + "."


def _abstract(rec: Mapping[str, Any]) -> str:
    sections = abstract_sections(rec.get("abstract"))
    if not sections:
        return ""
    texts = []
    labelled = any(label for label, _ in sections)
    for label, text in sections:
        if label:
            cat = _NLM_CATEGORY.get(label.lower(), "UNASSIGNED")
            texts.append(_el("AbstractText", text, Label=label.upper(), NlmCategory=cat))
        elif labelled:
            texts.append(_el("AbstractText", text, Label="UNLABELLED", NlmCategory="UNASSIGNED"))
        else:
            texts.append(_el("AbstractText", text))
    return "<Abstract>" + "".join(texts) + "</Abstract>"


def _author(a: Mapping[str, Any]) -> str:
    s = _el("LastName", a.get("family") or "")
    given = a.get("given")
    if given:
        s += _el("ForeName", given) + _el("Initials", initials(given))
    return f'<Author ValidYN="Y">{s}</Author>'


def _pagination(rec: Mapping[str, Any]) -> str:
    first, last = split_pages(rec.get("pages"))
    if not first:
        return "" if rec.get("doi") else "<Pagination><MedlinePgn></MedlinePgn></Pagination>"
    s = _el("StartPage", first)
    if last:
        s += _el("EndPage", last)
    s += _el("MedlinePgn", medline_pages(rec.get("pages")))
    return f"<Pagination>{s}</Pagination>"


def _ref_source(rec: Mapping[str, Any], when: DateParts | None) -> str:
    journal = rec.get("container_abbrev") or rec.get("container_title") or ""
    if when:
        date = str(when[0]) + (f" {MONTHS[when[1] - 1]}" if len(when) > 1 else "")
        return f"{journal}. {date}"
    return journal


def _comments_corrections(rec: Mapping[str, Any]) -> str:
    items = []
    if rec.get("retracted"):
        when = parse_date(rec.get("retraction_date"))
        source = rec.get("retraction_notice_source") or _ref_source(rec, when)
        inner = _el("RefSource", source)
        if rec.get("retraction_notice_pmid"):
            inner += _el("PMID", str(rec["retraction_notice_pmid"]), Version="1")
        items.append(f'<CommentsCorrections RefType="RetractionIn">{inner}</CommentsCorrections>')
    if rec.get("retraction_of") or rec.get("retraction_of_pmid"):
        source = rec.get("retraction_of_source") or _ref_source(rec, None)
        inner = _el("RefSource", source)
        if rec.get("retraction_of_pmid"):
            inner += _el("PMID", str(rec["retraction_of_pmid"]), Version="1")
        items.append(f'<CommentsCorrections RefType="RetractionOf">{inner}</CommentsCorrections>')
    if not items:
        return ""
    return "<CommentsCorrectionsList>" + "".join(items) + "</CommentsCorrectionsList>"


def render_article(rec: Mapping[str, Any]) -> str:
    """One ``<PubmedArticle>`` element for a record with a PMID."""
    pprint = print_date(rec) or online_date(rec)
    epub = parse_date(rec.get("epub"))
    journal_abbrev = rec.get("container_abbrev") or rec.get("container_title") or ""

    issue = ""
    if rec.get("volume"):
        issue += _el("Volume", str(rec["volume"]))
    if rec.get("issue"):
        issue += _el("Issue", str(rec["issue"]))
    issue += _pubdate(pprint)
    cited = "Internet" if epub else "Print"
    journal = f'<Journal><JournalIssue CitedMedium="{cited}">{issue}</JournalIssue>'
    if rec.get("container_title"):
        journal += _el("Title", rec["container_title"])
    if journal_abbrev:
        journal += _el("ISOAbbreviation", journal_abbrev)
    journal += "</Journal>"

    article = journal + _el("ArticleTitle", pubmed_title(rec.get("title") or ""))
    article += _pagination(rec)
    if rec.get("doi"):
        article += _el("ELocationID", rec["doi"], EIdType="doi", ValidYN="Y")
    article += _abstract(rec)
    authors = rec.get("authors") or []
    if authors:
        article += '<AuthorList CompleteYN="Y">' + "".join(_author(a) for a in authors) + "</AuthorList>"
    article += "<Language>eng</Language>"
    ptypes = pubmed_publication_types(rec) or ["Journal Article"]
    article += (
        "<PublicationTypeList>"
        + "".join(_el("PublicationType", p, UI=PUBLICATION_TYPE_UI.get(p, "")) for p in ptypes)
        + "</PublicationTypeList>"
    )
    if epub and len(epub) == 3:
        article += (
            f'<ArticleDate DateType="Electronic"><Year>{epub[0]}</Year>'
            f"<Month>{epub[1]:02d}</Month><Day>{epub[2]:02d}</Day></ArticleDate>"
        )
    model = "Print-Electronic" if epub else "Print"

    citation = f'<MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{xml_text(rec["pmid"])}</PMID>'
    citation += f'<Article PubModel="{model}">{article}</Article>'
    citation += f"<MedlineJournalInfo>{_el('MedlineTA', journal_abbrev)}</MedlineJournalInfo>"
    citation += _comments_corrections(rec)
    keywords = [k for k in rec.get("keywords") or [] if k]
    if keywords:
        citation += (
            '<KeywordList Owner="NOTNLM">'
            + "".join(_el("Keyword", k, MajorTopicYN="N") for k in keywords)
            + "</KeywordList>"
        )
    citation += "</MedlineCitation>"

    ids = _el("ArticleId", rec["pmid"], IdType="pubmed")
    if rec.get("doi"):
        ids += _el("ArticleId", rec["doi"], IdType="doi")
    if rec.get("pmcid"):
        ids += _el("ArticleId", rec["pmcid"], IdType="pmc")
    status = "ppublish" if rec.get("published") or rec.get("year") else "epublish"
    data = (
        f"<PubmedData><PublicationStatus>{status}</PublicationStatus><ArticleIdList>{ids}</ArticleIdList></PubmedData>"
    )
    return f"<PubmedArticle>{citation}{data}</PubmedArticle>"


def efetch_xml(records: Iterable[Mapping[str, Any]]) -> str:
    return EFETCH_PROLOG + "<PubmedArticleSet>\n" + "".join(render_article(r) for r in records) + "</PubmedArticleSet>"


def efetch_error_xml(message: str) -> str:
    return EFETCH_ERROR_PROLOG + f"<eFetchResult>\n\t<ERROR>{xml_text(message)}</ERROR>\n</eFetchResult>\n"


# ---------------------------------------------------------------------------
# ESearch


def esearch_xml(*, count: int, retstart: int, ids: Sequence[str], query_translation: str) -> str:
    head = f"<eSearchResult><Count>{count}</Count><RetMax>{len(ids)}</RetMax><RetStart>{retstart}</RetStart>"
    idlist = "<IdList>\n" + "".join(f"<Id>{i}</Id>\n" for i in ids) + "</IdList>" if ids else "<IdList/>"
    tail = f"<TranslationSet/><QueryTranslation>{xml_text(query_translation)}</QueryTranslation>"
    if count == 0:
        tail += "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>"
    return ESEARCH_PROLOG + head + idlist + tail + "</eSearchResult>\n"


def esearch_error_xml(message: str) -> str:
    return ESEARCH_PROLOG + f"<eSearchResult><ERROR>{xml_text(message)}</ERROR></eSearchResult>\n"


def esearch_json(*, count: int, retstart: int, ids: Sequence[str], query_translation: str) -> str:
    result: dict[str, Any] = {
        "count": str(count),
        "retmax": str(len(ids)),
        "retstart": str(retstart),
        "idlist": list(ids),
        "translationset": [],
        "querytranslation": query_translation,
    }
    if count == 0:
        result["warninglist"] = {
            "phrasesignored": [],
            "quotedphrasesnotfound": [],
            "outputmessages": ["No items found."],
        }
    return json.dumps({"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result})


# ---------------------------------------------------------------------------
# MEDLINE text (rettype=medline&retmode=text)


def _medline_field(tag: str, value: str) -> list[str]:
    lines = textwrap.wrap(
        value,
        width=82,
        initial_indent=f"{tag:<4}- ",
        subsequent_indent=" " * 6,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [f"{tag:<4}- "]


def _medline_date(parts: DateParts | None) -> str:
    if not parts:
        return ""
    s = str(parts[0])
    if len(parts) > 1:
        s += f" {MONTHS[parts[1] - 1]}"
        if len(parts) > 2:
            s += f" {parts[2]}"
    return s


def render_medline(rec: Mapping[str, Any]) -> str:
    out: list[str] = []
    add = out.extend
    add(_medline_field("PMID", rec["pmid"]))
    add(_medline_field("OWN", "NLM"))
    add(_medline_field("STAT", "MEDLINE"))
    if rec.get("volume"):
        add(_medline_field("VI", str(rec["volume"])))
    if rec.get("issue"):
        add(_medline_field("IP", str(rec["issue"])))
    add(_medline_field("DP", _medline_date(print_date(rec) or online_date(rec))))
    add(_medline_field("TI", pubmed_title(rec.get("title") or "")))
    if rec.get("pages"):
        add(_medline_field("PG", medline_pages(rec["pages"])))
    if rec.get("doi"):
        add(_medline_field("LID", f"{rec['doi']} [doi]"))
    sections = abstract_sections(rec.get("abstract"))
    if sections:
        add(_medline_field("AB", " ".join(f"{lab.upper()}: {t}" if lab else t for lab, t in sections)))
    for a in rec.get("authors") or []:
        fam, given = a.get("family") or "", a.get("given") or ""
        add(_medline_field("FAU", f"{fam}, {given}" if given else fam))
        add(_medline_field("AU", f"{fam} {initials(given)[:2]}".strip()))
    add(_medline_field("LA", "eng"))
    for p in pubmed_publication_types(rec) or ["Journal Article"]:
        add(_medline_field("PT", p))
    epub = parse_date(rec.get("epub"))
    if epub and len(epub) == 3:
        add(_medline_field("DEP", f"{epub[0]}{epub[1]:02d}{epub[2]:02d}"))
    abbrev = rec.get("container_abbrev") or rec.get("container_title") or ""
    add(_medline_field("TA", abbrev))
    if rec.get("container_title"):
        add(_medline_field("JT", rec["container_title"]))
    if rec.get("retracted"):
        source = rec.get("retraction_notice_source") or _ref_source(rec, parse_date(rec.get("retraction_date")))
        pm = f" PMID: {rec['retraction_notice_pmid']}" if rec.get("retraction_notice_pmid") else ""
        add(_medline_field("RIN", f"{source}{pm}"))
    for k in rec.get("keywords") or []:
        add(_medline_field("OT", k))
    if rec.get("pmcid"):
        add(_medline_field("PMC", rec["pmcid"]))
    if rec.get("doi"):
        add(_medline_field("AID", f"{rec['doi']} [doi]"))
    add(_medline_field("PST", "ppublish"))
    return "\n".join(out) + "\n"


def medline_text(records: Iterable[Mapping[str, Any]]) -> str:
    return "".join("\n" + render_medline(r) for r in records)


# ---------------------------------------------------------------------------
# errors


def ncbi_rate_limit_json(client: str, count: int, limit: int) -> str:
    return json.dumps(
        {"error": "API rate limit exceeded", "api-key": client, "count": str(count), "limit": str(limit)},
        separators=(",", ":"),
    )
