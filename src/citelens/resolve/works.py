"""Turn Crossref messages and PubMed records into Work records, and merge the two."""

from __future__ import annotations

import html
import re
from typing import Any

from citelens.records import Author, Work

_TAG_RE = re.compile(r"<[^>]{1,200}>")
_SPACE_RE = re.compile(r"\s+")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def strip_markup(text: str | None) -> str | None:
    if text is None:
        return None
    text = html.unescape(_TAG_RE.sub(" ", text))
    text = _SPACE_RE.sub(" ", text).strip()
    return re.sub(r"\s+([,.;:)])", r"\1", text).replace("( ", "(") or None


def jats_abstract(jats: str | None) -> str | None:
    """A JATS abstract as plain text; structured sections become 'LABEL: text' paragraphs."""
    if not jats:
        return None
    parts: list[str] = []
    sections = re.findall(r"<jats:sec[^>]*>(.*?)</jats:sec>", jats, flags=re.S)
    if sections:
        for sec in sections:
            title = re.search(r"<jats:title[^>]*>(.*?)</jats:title>", sec, flags=re.S)
            paras = re.findall(r"<jats:p[^>]*>(.*?)</jats:p>", sec, flags=re.S)
            body = " ".join(strip_markup(p) or "" for p in paras).strip()
            label = strip_markup(title.group(1)) if title else None
            parts.append(f"{label.upper()}: {body}" if label and body else body)
        return "\n".join(p for p in parts if p) or None
    jats = re.sub(r"<jats:title[^>]*>\s*Abstract\s*</jats:title>", "", jats, flags=re.S | re.I)
    paras = re.findall(r"<jats:p[^>]*>(.*?)</jats:p>", jats, flags=re.S)
    if paras:
        return "\n".join(p for p in (strip_markup(x) for x in paras) if p) or None
    return strip_markup(jats)


def _first(values: Any) -> str | None:
    if isinstance(values, list):
        return strip_markup(values[0]) if values and values[0] else None
    return strip_markup(values) if values else None


def _month(date: Any) -> int | None:
    try:
        parts = date["date-parts"][0]
    except (KeyError, IndexError, TypeError):
        return None
    month = parts[1] if len(parts) > 1 else None
    return int(month) if isinstance(month, int) and 1 <= month <= 12 else None


def _year(date: Any) -> int | None:
    try:
        year = date["date-parts"][0][0]
    except (KeyError, IndexError, TypeError):
        return None
    return int(year) if isinstance(year, int) or (isinstance(year, str) and year.isdigit()) else None


def from_crossref(msg: dict[str, Any]) -> Work:
    """A Crossref `work` message (single lookup or search item) as a Work."""
    authors = []
    for a in msg.get("author") or []:
        if a.get("family"):
            authors.append(Author(a["family"], a.get("given") or ""))
        elif a.get("name"):
            authors.append(Author(a["name"], ""))
    years = [y for y in (_year(msg.get(k)) for k in (
        "published-print", "journal-issue", "issued", "published-online", "published")) if y]
    issue_print = _year((msg.get("journal-issue") or {}).get("published-print"))
    if issue_print:
        years.insert(0, issue_print)
    year = years[0] if years else None
    month = next((m for m in (_month(msg.get(k)) for k in ("published-print", "issued", "published-online"))
                  if m), None)
    retracted = any(
        (u.get("type") or "").lower() in ("retraction", "withdrawal", "removal")
        for u in (msg.get("updated-by") or [])
    ) or msg.get("type") == "retraction"
    title = _first(msg.get("title"))
    subtitle = _first(msg.get("subtitle"))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    container = _first(msg.get("container-title"))
    abbrev = _first(msg.get("short-container-title"))
    return Work(
        doi=(msg.get("DOI") or "").lower() or None, title=title, authors=authors, container_title=container,
        container_abbrev=abbrev, volume=msg.get("volume"), issue=msg.get("issue"),
        pages=(msg.get("page") or msg.get("article-number") or None), year=year, month=month,
        other_years=sorted(set(years) - {year}) if year else [], abstract=jats_abstract(msg.get("abstract")),
        type=msg.get("type"), retracted=retracted, sources=["crossref"],
    )


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


def _pubmed_month(pubdate: dict[str, Any]) -> int | None:
    month = _text(pubdate.get("Month")).strip().lower()
    if month.isdigit():
        return int(month) if 1 <= int(month) <= 12 else None
    return _MONTHS.get(month[:3])


def _pubmed_year(pubdate: dict[str, Any]) -> int | None:
    if pubdate.get("Year"):
        return int(pubdate["Year"])
    m = re.match(r"\s*(\d{4})", _text(pubdate.get("MedlineDate")))
    return int(m.group(1)) if m else None


def from_pubmed(record: dict[str, Any]) -> Work:
    """A Bio.Entrez PubmedArticle record as a Work."""
    citation = record["MedlineCitation"]
    article = citation["Article"]
    journal = article.get("Journal", {})
    issue = journal.get("JournalIssue", {})
    authors = []
    for a in article.get("AuthorList", []):
        if a.get("LastName"):
            authors.append(Author(_text(a["LastName"]), _text(a.get("ForeName") or a.get("Initials") or "")))
        elif a.get("CollectiveName"):
            authors.append(Author(_text(a["CollectiveName"]), ""))
    abstract_parts = []
    for part in article.get("Abstract", {}).get("AbstractText", []):
        label = getattr(part, "attributes", {}).get("Label")
        text = strip_markup(_text(part)) or ""
        abstract_parts.append(f"{label}: {text}" if label else text)
    ids = {getattr(i, "attributes", {}).get("IdType"): _text(i)
           for i in record.get("PubmedData", {}).get("ArticleIdList", [])}
    doi = ids.get("doi") or next((_text(e) for e in article.get("ELocationID", [])
                                  if getattr(e, "attributes", {}).get("EIdType") == "doi"), None)
    pub_types = [_text(t) for t in article.get("PublicationTypeList", [])]
    retracted = "Retracted Publication" in pub_types or any(
        getattr(c, "attributes", {}).get("RefType") == "RetractionIn"
        for c in citation.get("CommentsCorrectionsList", [])
    )
    year = _pubmed_year(issue.get("PubDate", {}))
    other = []
    for d in article.get("ArticleDate", []):
        if d.get("Year") and int(d["Year"]) != year:
            other.append(int(d["Year"]))
    title = strip_markup(_text(article.get("ArticleTitle")))
    if title and title.startswith("[") and title.endswith("]."):
        title = title[1:-2]  # a translated title
    pages = _text(article.get("Pagination", {}).get("MedlinePgn")) or None
    if pages is None:
        pages = next((_text(e) for e in article.get("ELocationID", [])
                      if getattr(e, "attributes", {}).get("EIdType") == "pii"), None)
    return Work(
        doi=doi.lower() if doi else None, pmid=_text(citation.get("PMID")) or None, pmcid=ids.get("pmc"),
        title=title.rstrip(".") if title else None, authors=authors,
        container_title=strip_markup(_text(journal.get("Title"))) or None,
        container_abbrev=_text(journal.get("ISOAbbreviation")) or _text(
            citation.get("MedlineJournalInfo", {}).get("MedlineTA")) or None,
        volume=_text(issue.get("Volume")) or None, issue=_text(issue.get("Issue")) or None,
        pages=pages, year=year, month=_pubmed_month(issue.get("PubDate", {})), other_years=sorted(set(other)),
        abstract="\n".join(p for p in abstract_parts if p) or None,
        type="journal-article", retracted=retracted, sources=["pubmed"],
    )


def merge(primary: Work, other: Work) -> Work:
    """One work from its Crossref and PubMed records: identifiers from both, gaps filled, abstract kept."""
    merged = Work(**{**primary.__dict__})
    for name in ("doi", "pmid", "pmcid", "title", "container_title", "container_abbrev", "volume", "issue",
                 "pages", "year", "month", "abstract", "type"):
        if getattr(merged, name) in (None, "") and getattr(other, name) not in (None, ""):
            setattr(merged, name, getattr(other, name))
    if not merged.authors:
        merged.authors = list(other.authors)
    merged.other_years = sorted(set(primary.other_years) | set(other.other_years) | (
        {other.year} if other.year and other.year != merged.year else set()))
    merged.retracted = primary.retracted or other.retracted
    merged.sources = sorted(set(primary.sources) | set(other.sources))
    # PubMed's abstract is plain text with labels; prefer it when Crossref has none or a shorter one
    if other.abstract and (not primary.abstract or len(other.abstract) > len(primary.abstract)):
        merged.abstract = other.abstract
    return merged
