"""Export an article's references as a bibliography: BibTeX, CSL-JSON or RIS.

Each entry is built from the resolved record (`resolution.match`, as Crossref or PubMed
describe the work), not from the string the article printed: the real title, every author,
the journal, volume, issue, pages, year and identifiers. By default only the references
whose status is in `DEFAULT_STATUSES` are written; with `include_unresolved=True` the others
follow, built from their parsed fields and carrying a note that says their status.

Conventions
- Keys: an entry read from the user's `.bib` or `.ris` keeps the user's key (`chen2011`), so
  every `\\cite` still works. Other keys are the first author's family name folded to ASCII
  lower case, the year, and the first significant word of the title (`chen2011common`); a key
  already taken gets a, b, ..., z, aa, ... (`chen2011commona`). Keys depend only on the records
  and their order.
- The same work (same DOI, or same PMID) cited twice is written once, under its first key; so
  is a reference that did not resolve (same cited DOI, or same first author, year and title).
- BibTeX is pure ASCII: LaTeX specials are escaped (`\\&`, `\\%`, `\\$`, `\\#`, `\\_`, `\\{`,
  `\\}`), accented letters become `{\\'a}`-style macros, dashes and double quotes become TeX
  ligatures, and title words with inner capitals (`OXTR`, `mRNA`) are braced so that styles
  do not lower-case them. DOI, URL and identifier fields are written verbatim. Pages use an
  en dash (`19937--19942`). PubMed ids go in `pmid` and `pmcid` (JabRef's field names),
  the journal abbreviation in biblatex's `shortjournal`.
- CSL-JSON follows the CSL 1.0.2 input schema: `PMID`, `PMCID`, `DOI`, `URL`,
  `container-title-short` and `journalAbbreviation`, `issued: {"date-parts": [[year]]}`.
- RIS follows the 2011 RIS tags: `T2` for the journal or book, `J2` for the journal
  abbreviation, `DO` for the DOI, and EndNote's PubMed convention for the ids: the PMID in
  `AN` (accession number) and the PMCID in `C2`. Notes go in `N1`.
- Given names that are bare PubMed initials (`DH`) are written as `D. H.` in every format,
  so that BibTeX and citation processors read two initials, not one name.
- The month is written where the record gives one (BibTeX `month = {12}`, CSL-JSON
  `date-parts: [[2011, 12]]`, RIS `DA  - 2011/12//`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import bibtexparser
import rispy
from bibtexparser.middlewares import default_unparse_stack
from bibtexparser.model import Entry, Field
from pylatexenc.latexencode import UnicodeToLatexEncoder

from citelens.errors import InputError
from citelens.records import Author, ParsedReference, Work
from citelens.store import StoredArticle, StoredReference, raw_key

FORMATS = ("bibtex", "csljson", "ris")
DEFAULT_STATUSES = ("verified", "discrepant", "retracted")  # resolved references
KNOWN_STATUSES = ("verified", "discrepant", "ambiguous", "not_found", "retracted", "unresolved", "skipped",
                  "unchecked")

#: What a note says about a reference of each status.
STATUS_NOTES = {
    "verified": "the citation matches the Crossref or PubMed record",
    "discrepant": "the citation differs from the Crossref or PubMed record",
    "ambiguous": "several records match and none was chosen",
    "not_found": "no matching record in Crossref or PubMed",
    "retracted": "the work has been retracted",
    "unresolved": "the lookup failed, so the reference is unchecked",
    "skipped": "the reference was not looked up",
    "unchecked": "the article has not been checked yet",
}

STOP_WORDS = frozenset(
    "a an the of on in and or for to with at by from as is are be into onto over under about via "
    "its it this that these those do does how what why when who which whether between toward towards "
    "le la les un une des du de der die das ein eine el los las".split()
)

# --- the neutral form of one entry -------------------------------------------------------

#: Work.type (Crossref's types, and a few CSL names) -> the kind of entry.
_KINDS = {
    "journal-article": "article", "article-journal": "article", "article": "article",
    "book-chapter": "chapter", "chapter": "chapter", "book-section": "chapter", "book-part": "chapter",
    "reference-entry": "chapter",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book", "book-set": "book",
    "book-series": "book",
    "proceedings-article": "conference", "paper-conference": "conference",
    "dissertation": "thesis", "thesis": "thesis",
    "report": "report",
    "posted-content": "preprint",
    "dataset": "dataset",
}
_BIBTEX_TYPES = {"article": "article", "chapter": "incollection", "book": "book", "conference": "inproceedings",
                 "thesis": "phdthesis", "report": "techreport"}
_BIBTEX_CONTAINER = {"article": "journal", "chapter": "booktitle", "conference": "booktitle", "book": "series"}
_CSL_TYPES = {"article": "article-journal", "chapter": "chapter", "book": "book", "conference": "paper-conference",
              "thesis": "thesis", "report": "report", "preprint": "article", "dataset": "dataset"}
_RIS_TYPES = {"article": "JOUR", "chapter": "CHAP", "book": "BOOK", "conference": "CONF", "thesis": "THES",
              "report": "RPRT", "dataset": "DATA"}


@dataclass
class _Item:
    key: str
    kind: str
    authors: list[Author] = field(default_factory=list)
    et_al: bool = False
    title: str | None = None
    container: str | None = None
    container_abbrev: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None
    month: int | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    abstract: str | None = None
    note: str | None = None


def _clean(text: Any) -> str | None:
    """One line of text, or None for nothing."""
    if text is None:
        return None
    value = " ".join(str(text).split())
    return value or None


def _given(given: str) -> str:
    """Bare PubMed initials ("DH") as "D. H."; any other given name unchanged."""
    given = " ".join(given.split())
    if re.fullmatch(r"[A-Z]{2,3}", given):
        return " ".join(f"{c}." for c in given)
    return given


def _authors(authors: Iterable[Author]) -> list[Author]:
    out = []
    for a in authors:
        family = _clean(a.family)
        if family:
            out.append(Author(family, _given(a.given or "")))
    return out


def _doi_url(doi: str | None, pmid: str | None = None) -> str | None:
    if doi:
        return f"https://doi.org/{doi}"
    if pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return None


def _kind(work_type: str | None, container: str | None) -> str:
    if work_type and work_type in _KINDS:
        return _KINDS[work_type]
    return "article" if container else "other"


def _from_work(work: Work, note: str | None, abstracts: bool) -> _Item:
    container = _clean(work.container_title)
    doi = _clean(work.doi)
    pmid = _clean(work.pmid)
    return _Item(
        key="", kind=_kind(work.type, container), authors=_authors(work.authors), title=_clean(work.title),
        container=container, container_abbrev=_clean(work.container_abbrev), volume=_clean(work.volume),
        issue=_clean(work.issue), pages=_clean(work.pages), year=work.year, month=work.month, doi=doi, pmid=pmid,
        pmcid=_clean(work.pmcid), url=_doi_url(doi, pmid), abstract=_clean(work.abstract) if abstracts else None,
        note=note,
    )


def _from_parsed(parsed: ParsedReference, note: str) -> _Item:
    container = _clean(parsed.container_title)
    doi = _clean(parsed.doi)
    pmid = _clean(parsed.pmid)
    return _Item(
        key="", kind="article" if container else "other", authors=_authors(parsed.authors), et_al=parsed.et_al,
        title=_clean(parsed.title), container=container, volume=_clean(parsed.volume), issue=_clean(parsed.issue),
        pages=_clean(parsed.pages), year=parsed.year, doi=doi, pmid=pmid, pmcid=_clean(parsed.pmcid),
        url=_clean(parsed.url) or _doi_url(doi, pmid), note=note,
    )


def status_note(status: str) -> str:
    """The note an exported entry carries about its status: `citelens: not_found — ...`."""
    return f"citelens: {status} — {STATUS_NOTES.get(status, 'status ' + status)}"


# --- keys --------------------------------------------------------------------------------

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ł": "l",
                       "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "Þ": "th", "ı": "i"})


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits of `text`, accents dropped: "Oláh" -> "olah"."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode().lower()


def base_key(family: str | None, year: int | None, title: str | None) -> str:
    """`chen2011common`: first author's family name, year, first significant title word."""
    name = re.sub(r"[^a-z0-9]", "", ascii_fold(family or "")) or "anon"
    words = re.findall(r"[a-z0-9]+", ascii_fold(title or ""))
    word = next((w for w in words if len(w) > 1 and w not in STOP_WORDS), "")
    return f"{name}{year if year else 'nd'}{word}"


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa, ..."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _unique(base: str, used: set[str]) -> str:
    key, n = base, 0
    while key in used:
        n += 1
        key = base + _suffix(n)
    used.add(key)
    return key


# --- choosing the entries ----------------------------------------------------------------


def _statuses(statuses: Iterable[str] | str) -> set[str]:
    if isinstance(statuses, str):
        statuses = statuses.split(",")
    chosen = {s.strip() for s in statuses if s and s.strip()}
    unknown = sorted(chosen - set(KNOWN_STATUSES))
    if unknown:
        raise InputError(f"unknown reference status {unknown[0]!r}: use any of {', '.join(KNOWN_STATUSES)}")
    return chosen


def _items(articles: list[StoredArticle], statuses: set[str], include_unresolved: bool,
           abstracts: bool) -> list[_Item]:
    chosen: list[tuple[_Item, str | None]] = []
    seen: dict[str, int] = {}
    for article in articles:
        for stored in article.references:
            item, identities = _item(stored, statuses, include_unresolved, abstracts)
            if item is None:
                continue
            user_key = stored.reference.parsed.key
            earlier = next((seen[i] for i in identities if i in seen), None)
            if earlier is not None:  # written once; under the user's key when any citation of it has one
                if user_key and not chosen[earlier][1]:
                    chosen[earlier] = (chosen[earlier][0], user_key)
                continue
            seen.update((i, len(chosen)) for i in identities)
            chosen.append((item, user_key))
    # the user's own keys (from a .bib or .ris) first, so that every \cite in their paper still works
    used: set[str] = set()
    for item, user_key in chosen:
        if user_key and user_key not in used:
            item.key = user_key
            used.add(user_key)
    for item, _ in chosen:
        if not item.key:
            first = item.authors[0].family if item.authors else None
            item.key = _unique(base_key(first, item.year, item.title), used)
    return [item for item, _ in chosen]


def cited_identity(parsed: ParsedReference) -> str:
    """What makes two cited references the same work when neither resolved: the cited DOI or PMID,
    else the first author, the year and the folded title."""
    if parsed.doi:
        return f"doi:{parsed.doi.lower()}"
    if parsed.pmid:
        return f"pmid:{parsed.pmid}"
    family = ascii_fold(parsed.authors[0].family) if parsed.authors else ""
    title = " ".join(re.findall(r"[a-z0-9]+", ascii_fold(parsed.title or "")))
    return f"cited:{family}|{parsed.year or ''}|{title}"


def _item(stored: StoredReference, statuses: set[str], include_unresolved: bool,
          abstracts: bool) -> tuple[_Item | None, list[str]]:
    """The entry of one reference, and the identities that make a later one a duplicate of it."""
    resolution = stored.resolution
    status = resolution.status if resolution else "unchecked"
    match = resolution.match if resolution else None
    raw = f"raw:{raw_key(stored.reference.raw)}"
    if status in statuses and match is not None:
        retracted = status == "retracted" or match.retracted
        item = _from_work(match, status_note("retracted") if retracted else None, abstracts)
        identities = [raw]
        if item.doi:
            identities.append(f"doi:{item.doi.lower()}")
        if item.pmid:
            identities.append(f"pmid:{item.pmid}")
        return item, identities
    if status in statuses or include_unresolved:
        parsed = stored.reference.parsed
        note = status_note(status)
        identities = [raw, cited_identity(parsed)] if parsed.title or parsed.doi or parsed.pmid else [raw]
        return _from_parsed(parsed, note), identities
    return None, []


# --- BibTeX --------------------------------------------------------------------------------

_LATEX_ASCII = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_LATEX_LIGATURES = {"\u2013": "--", "\u2014": "---", "\u201c": "``", "\u201d": "''", "\u00a0": "~"}
_ENCODER = UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy="keep")
_WORD = re.compile(r"[^\W_]+")


def latex_escape(text: str) -> str:
    """Plain text as LaTeX: specials escaped, non-ASCII as `{\\'a}`-style macros."""
    out = []
    for ch in text:
        if ch in _LATEX_ASCII:
            out.append(_LATEX_ASCII[ch])
        elif ch in _LATEX_LIGATURES:
            out.append(_LATEX_LIGATURES[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(_ENCODER.unicode_to_latex(ch))
    return "".join(out)


def _needs_case_protection(word: str) -> bool:
    """OXTR, mRNA, iPhone, H1N1: words a style must not lower-case."""
    upper = sum(1 for c in word if c.isupper())
    if upper >= 2:
        return True
    return upper == 1 and (not word[0].isupper() or any(c.isdigit() for c in word))


def latex_title(title: str) -> str:
    """A title as LaTeX, with acronyms and other inner capitals braced: `{OXTR}`."""
    out, pos = [], 0
    for m in _WORD.finditer(title):
        out.append(latex_escape(title[pos:m.start()]))
        word = latex_escape(m.group())
        out.append(f"{{{word}}}" if _needs_case_protection(m.group()) else word)
        pos = m.end()
    out.append(latex_escape(title[pos:]))
    return "".join(out)


def _bibtex_name(author: Author) -> str:
    family = latex_escape(author.family)
    if not author.given:  # an organisation, or a name printed without given names: keep it whole
        return f"{{{family}}}"
    if re.search(r"\sand\s|,", author.family, flags=re.I):
        family = f"{{{family}}}"
    given = latex_escape(author.given)
    if re.search(r"\sand\s|,", author.given, flags=re.I):
        given = f"{{{given}}}"
    return f"{family}, {given}"


def bibtex_pages(pages: str) -> str:
    """`19937-19942` -> `19937--19942`; single pages and article numbers unchanged."""
    return re.sub(r"\s*[-\u2010\u2011\u2012\u2013\u2014]+\s*", "--", pages)


def _verbatim(value: str) -> str:
    """DOIs and URLs are written as they are; braces would unbalance the field, so they are %-encoded."""
    return value.replace("{", "%7B").replace("}", "%7D")


def _bibtex_entry(item: _Item) -> Entry:
    fields: list[tuple[str, str | None]] = []
    if item.authors:
        names = [_bibtex_name(a) for a in item.authors]
        if item.et_al:
            names.append("others")
        fields.append(("author", " and ".join(names)))
    fields.append(("title", latex_title(item.title) if item.title else None))
    if item.container:
        fields.append((_BIBTEX_CONTAINER.get(item.kind, "howpublished"), latex_escape(item.container)))
        if item.kind == "article" and item.container_abbrev:
            fields.append(("shortjournal", latex_escape(item.container_abbrev)))
    fields += [
        ("year", str(item.year) if item.year else None),
        ("month", str(item.month) if item.month and item.year else None),
        ("volume", latex_escape(item.volume) if item.volume else None),
        ("number", latex_escape(item.issue) if item.issue else None),
        ("pages", latex_escape(bibtex_pages(item.pages)) if item.pages else None),
        ("doi", _verbatim(item.doi) if item.doi else None),
        ("pmid", item.pmid),
        ("pmcid", item.pmcid),
        ("url", _verbatim(item.url) if item.url else None),
        ("abstract", latex_escape(item.abstract) if item.abstract else None),
        ("note", latex_escape(item.note) if item.note else None),
    ]
    return Entry(_BIBTEX_TYPES.get(item.kind, "misc"), item.key,
                 [Field(key, value) for key, value in fields if value])


def _bibtex(items: list[_Item]) -> str:
    if not items:
        return ""
    library = bibtexparser.Library([_bibtex_entry(item) for item in items])
    layout = bibtexparser.BibtexFormat()
    layout.indent = "  "
    layout.value_column = "auto"
    layout.block_separator = "\n"
    text = bibtexparser.write_string(
        library, unparse_stack=default_unparse_stack(allow_inplace_modification=True), bibtex_format=layout,
    )
    return text.strip("\n") + "\n"


# --- CSL-JSON ------------------------------------------------------------------------------


def _csl_item(item: _Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.key, "type": _CSL_TYPES.get(item.kind, "document")}
    if item.title:
        data["title"] = item.title
    if item.authors:
        data["author"] = [{"family": a.family, "given": a.given} if a.given else {"family": a.family}
                          for a in item.authors]
    if item.container:
        data["collection-title" if item.kind == "book" else "container-title"] = item.container
    if item.container_abbrev and item.kind != "book":
        data["container-title-short"] = item.container_abbrev
        data["journalAbbreviation"] = item.container_abbrev
    for key, value in (("volume", item.volume), ("issue", item.issue), ("page", item.pages)):
        if value:
            data[key] = value
    if item.year:
        data["issued"] = {"date-parts": [[item.year, item.month] if item.month else [item.year]]}
    for key, value in (("DOI", item.doi), ("PMID", item.pmid), ("PMCID", item.pmcid), ("URL", item.url),
                       ("abstract", item.abstract)):
        if value:
            data[key] = value
    note = item.note
    if item.et_al:
        note = f"{note}; the citation lists only the first authors (et al.)" if note else "et al."
    if note:
        data["note"] = note
    return data


def _csljson(items: list[_Item]) -> str:
    return json.dumps([_csl_item(item) for item in items], ensure_ascii=False, indent=2) + "\n"


# --- RIS -----------------------------------------------------------------------------------


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1.", "2." lines between references (not part of RIS)."""

    def set_header(self, count: int) -> str:
        return ""


def _page_range(pages: str) -> tuple[str, str | None]:
    m = re.fullmatch(r"\s*([^\s\u2010-\u2014-]+)\s*[-\u2010-\u2014]+\s*([^\s\u2010-\u2014-]+)\s*", pages)
    if m:
        return m.group(1), m.group(2)
    return pages, None


def _ris_ref(item: _Item) -> dict[str, Any]:
    ref: dict[str, Any] = {"type_of_reference": _RIS_TYPES.get(item.kind, "GEN"), "id": item.key}
    if item.authors:
        ref["authors"] = [f"{a.family}, {a.given}" if a.given else a.family for a in item.authors]
    optional: list[tuple[str, str | None]] = [
        ("title", item.title),
        ("secondary_title", item.container),
        ("alternate_title1", item.container_abbrev if item.kind != "book" else None),
        ("year", str(item.year) if item.year else None),
        ("date", f"{item.year}/{item.month:02d}//" if item.year and item.month else None),
        ("volume", item.volume),
        ("number", item.issue),
    ]
    if item.pages:
        start, end = _page_range(item.pages)
        optional += [("start_page", start), ("end_page", end)]
    optional += [
        ("doi", item.doi),
        ("accession_number", item.pmid),
        ("custom2", item.pmcid),
        ("abstract", item.abstract),
    ]
    ref.update((key, value) for key, value in optional if value)
    if item.url:
        ref["urls"] = [item.url]
    notes = [item.note] if item.note else []
    if item.et_al:
        notes.append("the citation lists only the first authors (et al.)")
    if notes:
        ref["notes"] = notes
    return ref


def _ris(items: list[_Item]) -> str:
    if not items:
        return ""
    return rispy.dumps([_ris_ref(item) for item in items], implementation=_RisWriter)


# --- the entry point -------------------------------------------------------------------------


def export_references(stored: StoredArticle | list[StoredArticle], fmt: str, *,
                      statuses: Iterable[str] = DEFAULT_STATUSES, include_unresolved: bool = False,
                      abstracts: bool = False) -> str:
    """The references of one or more checked articles as a BibTeX, CSL-JSON or RIS document.

    `statuses` picks the references written from their resolved records (a comma-separated
    string works too); with `include_unresolved` every other reference follows, built from
    its parsed fields, with a note giving its status. `abstracts` adds the records' abstracts.
    An unknown format or status raises InputError.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    chosen = _statuses(statuses)
    articles = stored if isinstance(stored, list) else [stored]
    items = _items(articles, chosen, include_unresolved, abstracts)
    if fmt == "bibtex":
        return _bibtex(items)
    if fmt == "csljson":
        return _csljson(items)
    return _ris(items)
