"""Parse one reference string into fields, whatever the citation style.

The parser works in three passes over a cleaned copy of the string:

1. identifiers (DOI, PMID, PMCID, URL) are taken out wherever they stand;
2. the string is split into authors / title / the rest, by the title's quotes when it has
   them (MLA, Chicago, IEEE, Harvard), by the year in brackets (APA, Harvard), or by the
   sentence structure of the style (Vancouver/AMA, Nature);
3. the rest is read for the container title, volume, issue, pages and year.

Every regular expression is anchored or bounded so that parsing is linear in the length
of the string: no input can make it backtrack for long.
"""

from __future__ import annotations

import re
import unicodedata

from citelens.records import Author, CitationStyle, ParsedReference

# --- normalisation --------------------------------------------------------------------

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH_RE = re.compile(f"[{_DASHES}]")
_SPACE_RE = re.compile(r"\s+")
_LIST_MARKER_RE = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf]\s+|\[\d{1,5}\]\s*|\(\d{1,5}\)\s+|\d{1,5}[.)]\s+)")
_QUOTE_PAIRS = (("\u201c", "\u201d"), ('"', '"'), ("\u201e", "\u201c"), ("\u2018", "\u2019"), ("'", "'"))


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():
        return _SPACE_RE.sub(" ", text).strip()
    # control and format characters vanish; other unprintable ones (line separators) become spaces
    text = "".join(ch if ch.isprintable() else ("" if unicodedata.category(ch) in ("Cc", "Cf") and ch not in
                                                 "\t\n\r" else " ") for ch in text)
    return _SPACE_RE.sub(" ", text).strip()


def strip_list_marker(text: str) -> str:
    return _LIST_MARKER_RE.sub("", text, count=1)


# --- identifiers ----------------------------------------------------------------------

_DOI_RE = re.compile(
    r"(?:https?://(?:dx\.)?doi\.org/|\bdoi\s*:\s*|\bDOI\s*:?\s*)?(10\.\d{4,9}/[^\s\"<>\u201c\u201d]+)",
    re.IGNORECASE,
)
_PMID_RE = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID_RE = re.compile(r"\b(?:PMCID\s*:?\s*)?(PMC\d{3,9})\b", re.IGNORECASE)
_URL_RE = re.compile(r"(?:(?:Available\s+(?:at|from)\s*:?\s*)|(?:URL\s*:?\s*))?<?(https?://[^\s<>]+)>?", re.I)
_ACCESSED_RE = re.compile(
    r"[\[(]?\s*(?:accessed|cited|retrieved|viewed)(?:\s+on)?\s*:?\s*[^\])]{0,40}?\d{4}\s*[\])]?\.?", re.I
)
_EPUB_RE = re.compile(r"\bEpub(?:\s+ahead\s+of\s+print)?\s*[\d\w ]{0,20}?\.", re.I)


# the next identifier's keyword glued on where a PDF lost the space: "10.1103/PhysRevD.90.014508.URL http://..."
_GLUED_KEYWORD_RE = re.compile(r"[.,;](?:URL|doi|DOI|arXiv|PMID|PMCID|ISSN|ISBN)$")


def _trim_doi(doi: str) -> str:
    doi = _GLUED_KEYWORD_RE.sub("", doi.rstrip(".,;:]"))
    doi = doi.rstrip(".,;:]")
    # a closing bracket belongs to the DOI only when the DOI opened it
    while doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1].rstrip(".,;:")
    return doi.lower()


_SOURCE_NOTE_RE = re.compile(r"[.,;]?\s*(?:Available\s+(?:at|from|online)|Published\s+online|"
                             r"Retrieved\s+from|URL|from)\s*:?\s*(?=[.;,]|$)", re.I)
_INTERNET_RE = re.compile(r"\[Internet\]")
_DOUBLE_SEP_RE = re.compile(r"([.,;:])\s+(?=[.,;:](?:\s|$))")
_TRAILING_SEPS_RE = re.compile(r"(?:\s*[;,.:]){2,}\s*$")
_SEPS = frozenset(";,.:")


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only when no case-insensitive pattern made of `words` (ASCII) can match `text`.

    A quick test before a pattern scans the whole string: on ASCII text, case-insensitive matching
    is ASCII case folding, so a word absent from the lower-cased text cannot match. Other text
    (where "\u212a" matches "k") is always scanned.
    """
    if not text.isascii():
        return True
    low = text.lower()
    return any(w in low for w in words)


def _extract_identifiers(text: str, parsed: ParsedReference) -> str:
    # each pattern is tried only when a word it needs is in the string (the outcome is the same, sooner)
    m = _DOI_RE.search(text) if "10." in text else None
    if m:
        parsed.doi = _trim_doi(m.group(1))
        end = m.start(1) + len(parsed.doi)
        text = text[: m.start()] + " " + text[end:].lstrip(".")
    m = _URL_RE.search(text) if _may_hold(text, ("http",)) else None
    if m:
        parsed.url = m.group(1).rstrip(".,;")
        text = text[: m.start()] + text[m.end():]
    m = (_PMCID_RE.search(text) if _may_hold(text, ("pmc",)) else None) or (
        _PMCID_RE.search(parsed.url) if parsed.url else None)
    if m:
        parsed.pmcid = m.group(1).upper()
        if m.string is text:
            text = text[: m.start()] + text[m.end():]
    m = _PMID_RE.search(text) if _may_hold(text, ("pmid",)) else None
    if m:
        parsed.pmid = m.group(1)
        text = text[: m.start()] + text[m.end():]
    if _may_hold(text, ("accessed", "cited", "retrieved", "viewed")):
        text = _ACCESSED_RE.sub(" ", text)
    if _may_hold(text, ("available", "published", "retrieved", "url", "from")):
        text = _SOURCE_NOTE_RE.sub(".", text)
    if _may_hold(text, ("epub",)):
        text = _EPUB_RE.sub(" ", text)
    # leftover separators of removed identifiers: "; ." ", ." "[Internet]"
    if "[Internet]" in text:
        text = _INTERNET_RE.sub("", text)
    text = _DOUBLE_SEP_RE.sub("", text.strip())
    if text.rstrip()[-1:] in _SEPS:  # the pattern ends in a separator and white space
        text = _TRAILING_SEPS_RE.sub(".", text)
    return _SPACE_RE.sub(" ", text).strip(" ;,")


# --- authors --------------------------------------------------------------------------

_NAME = r"[A-Z\u00c0-\u024f][\w\u00c0-\u024f'\u2019-]*"
_INITIALS_RE = re.compile(r"^(?:[A-Z\u00c0-\u024f](?:[a-z]?\.|\b)[\s-]?){1,4}$")
_VANCOUVER_NAME_RE = re.compile(r"^(?P<family>.+?)\s+(?P<given>[A-Z\u00c0-\u024f]{1,4})$")
_INITIALS_FIRST_RE = re.compile(r"^(?P<given>(?:[A-Z\u00c0-\u024f][a-z]?\.[\s-]?)+)\s*(?P<family>\S.*)$")
_ET_AL_RE = re.compile(r",?\s*(?:et\s*al\b\.?|and\s+others\b|and\s+colleagues\b)", re.I)
_ELLIPSIS_RE = re.compile(r",?\s*(?:\.\s?\.\s?\.|\u2026)\s*")
_GROUP_AUTHOR_RE = re.compile(
    r"^(?:[A-Z][\w&.'-]*\s+){0,6}(?:Organi[sz]ation|Association|Institute|Society|Committee|Council|Agency|"
    r"Foundation|Centers?|Department|Collaboration|Consortium|College|Board|Office|Group|Network|"
    r"Administration|Commission|Ministry|Service)s?\b[\w\s&,.'-]{0,80}$"
)
_PARTICLES = {"von", "van", "de", "der", "den", "da", "di", "del", "della", "la", "le", "du", "dos", "ter", "ten"}


def _is_initials(token: str) -> bool:
    return bool(_INITIALS_RE.match(token.strip()))


def _is_given_like(token: str) -> bool:
    """A given name as printed after an inverted family name: 'Gerald', 'Frances S.', 'F. S.'."""
    words = token.split()
    if not words or len(words) > 3:
        return False
    if _is_initials(token):
        return True
    if _INITIALS_FIRST_RE.match(token) and len(words) <= 3:
        return True  # "C. Sue"
    return all(re.match(r"^[A-Z\u00c0-\u024f][\w\u00c0-\u024f'\u2019.-]*$", w) for w in words) and (
        len(words) == 1 or _is_initials(words[-1])
    )


def _split_given_first(token: str) -> Author:
    """'Markus Heinrichs' / 'Bernadette von Dawans' / 'F. S. Chen' -> Author."""
    m = _INITIALS_FIRST_RE.match(token)
    if m:
        return Author(m.group("family").strip(), m.group("given").strip())
    words = token.split()
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return Author(" ".join(words[cut:]), " ".join(words[:cut]))


def parse_authors(text: str) -> tuple[list[Author], bool]:
    """Parse an author list in any of the usual orders; return the authors and the et-al flag."""
    text = text.strip().rstrip(",;")
    et_al = False
    m = _ET_AL_RE.search(text)
    if m:
        et_al = True
        text = text[: m.start()]
    if _ELLIPSIS_RE.search(text):
        et_al = True
        text = _ELLIPSIS_RE.sub(", ", text)
    text = text.strip().rstrip(",;").strip()
    # The final period is the sentence's, unless it closes an initial ("Chen, F. S.").
    if text.endswith(".") and not re.search(r"(?:^|[\s.,-])[A-Z\u00c0-\u024f][a-z]?\.$", text):
        text = text[:-1].rstrip(",; ")
    if not text:
        return [], et_al
    if _GROUP_AUTHOR_RE.search(text) or (
        not re.search(r"[,&;]|\sand\s", text) and len(text.split()) >= 3
        and not any(_is_initials(w) for w in text.split())
    ):
        return [Author(text, "")], et_al  # an organisation: "World Health Organization"
    if ";" in text:
        tokens = [t.strip() for t in text.split(";")]
    else:
        tokens = [t.strip() for t in re.split(r",\s*(?:&\s*|and\s+)?|\s+(?:&|and)\s+", text)]
    tokens = [t for t in tokens if t]
    authors: list[Author] = []
    i = 0
    inverted_seen = False
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if ";" in text and "," in token:
            family, _, given = token.partition(",")
            authors.append(Author(family.strip(), given.strip()))
            i += 1
            continue
        vancouver = _VANCOUVER_NAME_RE.match(token)
        if nxt is not None and _is_initials(nxt) and not _INITIALS_FIRST_RE.match(token) and not (
            vancouver and not _is_initials(vancouver.group("family").split()[-1])
            and len(tokens) > 1 and all(_VANCOUVER_NAME_RE.match(t) for t in tokens[: i + 2])
            and not nxt.endswith(".")
        ):
            authors.append(Author(token, nxt.strip()))
            inverted_seen = True
            i += 2
            continue
        if vancouver and not _INITIALS_FIRST_RE.match(token):
            authors.append(Author(vancouver.group("family"), vancouver.group("given")))
            i += 1
            continue
        if _INITIALS_FIRST_RE.match(token) and len(token.split()) > 1:
            authors.append(_split_given_first(token))
            i += 1
            continue
        first_inverted = i == 0 and (" " not in token or token.split()[0].lower() in _PARTICLES
                                     or _is_initials(nxt or "") or len(tokens) == 2)
        if nxt is not None and (first_inverted or (inverted_seen and " " not in token)) \
                and _is_given_like(nxt) and (i == 0 or not _INITIALS_FIRST_RE.match(nxt)):
            authors.append(Author(token, nxt.strip()))
            inverted_seen = True
            i += 2
            continue
        if " " in token:
            authors.append(_split_given_first(token))
        else:
            authors.append(Author(token, ""))
        i += 1
    # Vancouver lists print initials without periods: the last one's period is the sentence's.
    if len(authors) > 1 and re.fullmatch(r"[A-Z\u00c0-\u024f]{1,4}\.", authors[-1].given) \
            and all("." not in a.given for a in authors[:-1]):
        authors[-1] = Author(authors[-1].family, authors[-1].given[:-1])
    return authors, et_al


# --- pages, volume, issue, year -------------------------------------------------------

_YEAR = r"(?:1[5-9]\d{2}|20\d{2})"
_YEAR_RE = re.compile(rf"(?<![\d/.-]){_YEAR}(?![\d])")
_PAGE = r"[A-Za-z]{0,2}\d{1,8}[A-Za-z]?"
_PAGES_RE = re.compile(rf"^(?P<first>{_PAGE})(?:\s*-\s*(?P<last>{_PAGE}))?$")


def expand_pages(first: str, last: str | None) -> tuple[str, str | None]:
    """Expand an abbreviated last page: 19937-42 -> 19937-19942, S156-61 -> S156-S161."""
    if not last:
        return first, None
    fm = re.match(r"^([A-Za-z]*)(\d+)([A-Za-z]?)$", first)
    lm = re.match(r"^([A-Za-z]*)(\d+)([A-Za-z]?)$", last)
    if fm and lm:
        prefix, fdigits = fm.group(1), fm.group(2)
        lprefix, ldigits = lm.group(1), lm.group(2)
        if len(ldigits) < len(fdigits):
            ldigits = fdigits[: len(fdigits) - len(ldigits)] + ldigits
        last = (lprefix or prefix) + ldigits + lm.group(3)
    return first, last


def _set_pages(parsed: ParsedReference, text: str) -> bool:
    text = text.strip().strip(".,;").replace(" ", "")
    m = _PAGES_RE.match(text)
    if not m:
        return False
    parsed.first_page, parsed.last_page = expand_pages(m.group("first"), m.group("last"))
    return True


# MLA / IEEE labelled details: "vol. 108, no. 50, 2011, pp. 19937-19942"
_VOL_LABEL_RE = re.compile(r"\b(?:vol|volume)\.?\s*([\w.-]+)", re.I)
_NO_LABEL_RE = re.compile(r"\b(?:no|issue|iss|nr)\.\s*([\w/-]+)|\bissue\s+([\w/-]+)", re.I)
_SUPPL_RE = re.compile(r"\b((?:Suppl(?:ement)?|Spec(?:ial)?\s+Iss(?:ue)?)\.?\s*[\w-]*)", re.I)
_PP_LABEL_RE = re.compile(rf"\b(?:pp?|pages?)\.?\s*({_PAGE}(?:\s*-\s*{_PAGE})?)", re.I)
_ART_LABEL_RE = re.compile(r"\b(?:Art(?:icle)?\.?\s*(?:no\.?|number)?|e-?location)\s*:?\s*([A-Za-z]{0,3}\d+)", re.I)
# "108(50):19937-42" / "108 (50): 19937-42" / "108:19937-42" / "108(50), 19937-19942" / "15 Suppl 3:S156-61"
_VIP_RE = re.compile(
    rf"(?P<vol>[A-Za-z]?\d+[A-Za-z]?(?:\s+Suppl(?:ement)?\.?\s*\w*)?)\s*"
    rf"(?:\((?P<iss>[^()]{{1,30}})\))?\s*(?P<sep>[:,])\s*(?:pp?\.\s*|Article\s+|Art\.\s*no\.\s*)?"
    rf"(?P<pages>{_PAGE}(?:\s*-\s*{_PAGE})?)(?![\w])"
)
# Nature: "Journal 108, 19937-19942 (2011)"
_NATURE_TAIL_RE = re.compile(
    rf"^(?P<container>.+?)\s+(?P<vol>[A-Za-z]?\d+[A-Za-z]?)(?:\s*\((?P<iss>[^()]{{1,20}})\))?,\s*"
    rf"(?P<pages>{_PAGE}(?:\s*-\s*{_PAGE})?)\s*\((?P<year>{_YEAR})\)\.?$"
)


def _read_details(parsed: ParsedReference, text: str) -> str:
    """Read volume, issue, pages and year out of the part after the title; return what is left."""
    text = _DASH_RE.sub("-", text)
    article_no = None
    m = _ART_LABEL_RE.search(text)
    if m:
        article_no = m.group(1)
        text = text[: m.start()] + "\x00" + text[m.end():]
    m = _VOL_LABEL_RE.search(text)
    if m:
        parsed.volume = m.group(1).rstrip(".,")
        text = text[: m.start()] + "\x00" + text[m.end():]
        m = _NO_LABEL_RE.search(text)
        if m:
            parsed.issue = (m.group(1) or m.group(2)).rstrip(".,")
            text = text[: m.start()] + "\x00" + text[m.end():]
        else:
            m = _SUPPL_RE.search(text)
            if m:
                parsed.issue = m.group(1).strip().rstrip(".,")
                text = text[: m.start()] + "\x00" + text[m.end():]
        m = _PP_LABEL_RE.search(text)
        if m and _set_pages(parsed, m.group(1)):
            text = text[: m.start()] + "\x00" + text[m.end():]
        else:
            m = re.search(rf"{_YEAR}\s*:\s*({_PAGE}(?:\s*-\s*{_PAGE})?)", text)  # AMA: "Springer; 2018:291-319"
            if article_no:
                parsed.first_page = article_no
            elif m and _set_pages(parsed, m.group(1)):
                text = text[: m.start(1)] + "\x00" + text[m.end():]
            else:
                m = re.search(rf"(?:^|\x00)[\s,]*({_PAGE}\s*-\s*{_PAGE})\b|,\s*({_PAGE}\s*-\s*{_PAGE})\s*\.?$", text)
                if m:
                    _set_pages(parsed, m.group(1) or m.group(2))
                    text = text[: m.start()] + "\x00" + text[m.end():]
                else:
                    m = re.search(r"\x00[\s,]*\b([A-Za-z]{0,2}\d{1,7})\.?\s*$", text)
                    if m and not _YEAR_RE.fullmatch(m.group(1)):
                        parsed.first_page = m.group(1)
                        text = text[: m.start()] + "\x00" + text[m.end():]
    else:
        m = _VIP_RE.search(text)
        if m and not (m.group("sep") == "," and not m.group("iss") and _YEAR_RE.fullmatch(m.group("vol"))):
            vol = m.group("vol")
            sm = re.match(r"^(\S+)\s+(Suppl.*)$", vol)
            if sm:
                parsed.volume, parsed.issue = sm.group(1), sm.group(2).strip()
            else:
                parsed.volume = vol
            if m.group("iss"):
                parsed.issue = m.group("iss").strip()
            _set_pages(parsed, m.group("pages"))
            text = text[: m.start()] + "\x00" + text[m.end():]
        else:
            m = re.search(r"(?<![\w(])(?P<vol>\d{1,5})\s*\((?P<iss>[^()]{1,20})\)", text)
            if m:
                parsed.volume, parsed.issue = m.group("vol"), m.group("iss").strip()
                text = text[: m.start()] + "\x00" + text[m.end():]
            m = _PP_LABEL_RE.search(text)
            if m and _set_pages(parsed, m.group(1)):
                text = text[: m.start()] + "\x00" + text[m.end():]
            elif article_no:
                parsed.first_page = article_no
                m = re.search(r",\s*(\d{1,5})\s*,?\s*\x00", text)  # "Journal, 143, Article 104948"
                if m and parsed.volume is None:
                    parsed.volume = m.group(1)
                    text = text[: m.start()] + "\x00" + text[m.end():]
    if parsed.year is None:
        years = list(_YEAR_RE.finditer(text))
        if years:
            parsed.year = int(years[-1].group(0))
            y = years[-1]
            text = text[: y.start()] + "\x00" + text[y.end():]
    return text


def _container_from(text: str) -> str | None:
    """The container title is what is left before the first detail that was taken out."""
    head = text.split("\x00", 1)[0]
    head = head.lstrip(" ,.;:?!\u2019\u201d'\"")
    head = re.sub(r"^\s*(?:In\s*:?\s+)", "", head, flags=re.I)
    # a chapter's book: drop the editors ("Hurlemann R, Grinevich V, editors." / "R. Hurlemann (Eds.),")
    head = re.sub(r"^[^()]{2,200}?,?\s*(?:\((?:eds?|editors?)\.?\)|\b(?:eds?|editors?)\.)\s*[,.]?\s*", "", head,
                  flags=re.I)
    head = re.sub(r"\.\s+[A-Z][\w .-]{1,40}:\s*[^.:]{2,60}$", "", head)  # ". Cham: Springer" after a book title
    head = re.sub(r"\s*\((?:pp?\.|vol\.)[^)]*\)?\s*$", "", head, flags=re.I)
    head = re.sub(r"[\s,]\s*(?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
                  r"(?:\s+\d{1,2})?[\s,.;:]*$", ", ", head)
    head = head.lstrip(" ,.;:?!\u2019\u201d'\"")
    core = head.rstrip(" ,;:.(")
    trailing = head[len(core):]
    # "Pflugers Arch., vol." / "Semin. Reprod. Med. 25": that period belongs to the abbreviation
    if trailing.startswith(".") and (trailing.strip() != "." or re.search(r"\w\.\s", core)):
        core += "."
    return core or None


# --- the parser -----------------------------------------------------------------------

_APA_YEAR_RE = re.compile(rf"^(?P<authors>.+?)\s*\((?P<year>{_YEAR})[a-z]?(?:,\s*[^)]*)?\)\.?\s+(?P<rest>.+)$")
_APA_NODATE_RE = re.compile(r"^(?P<authors>.+?)\s*\((?:n\.\s?d\.|in press|forthcoming)\)\.?\s+(?P<rest>.+)$", re.I)
_CHICAGO_YEAR_RE = re.compile(rf"^(?P<authors>.+?)\.\s+(?P<year>{_YEAR})[a-z]?\.\s+(?P<rest>.+)$")
_VANCOUVER_TAIL_RE = re.compile(
    rf"\.\s*(?P<year>{_YEAR})(?:\s+[A-Z][a-z]{{2,8}}\.?(?:[\s-]+[A-Z]?[a-z]{{0,8}}\.?)?(?:\s+\d{{1,2}})?)?\s*;"
)
_PARTICLE = "(?:" + "|".join(sorted(_PARTICLES)) + ")"
_FAMILY = rf"(?:{_PARTICLE}\s+)*{_NAME}(?:[\s-](?:{_PARTICLE}\s+)*{_NAME})*?"
# one Vancouver author: "Chen FS", "von Dawans B", followed by "," or "."
_V_AUTHOR_RE = re.compile(rf"\s*{_FAMILY}\s+[A-Z\u00c0-\u024f]{{1,4}}(?=[,.])")
# one Nature author: "Chen, F. S.", "von Dawans, B."
_N_AUTHOR_RE = re.compile(rf"\s*{_FAMILY},\s+(?:[A-Z\u00c0-\u024f][a-z]?\.(?:\s|-(?=[A-Z]))?)+")
_AUTHOR_SEP_RE = re.compile(r"\s*(?:,\s*&|,\s*and|,|&|and)\s+|,(?=\S)")
_ET_AL_AT_RE = re.compile(r"\s*,?\s*et\s*al\b\.?")
_PUBLISHER_RE = re.compile(
    r"^[A-Z][\w .,-]{1,40}:\s*\S|\b(?:Press|Publish\w*|Books|Springer|Wiley|Elsevier|Holt|McGraw|Norton|"
    r"Routledge|Macmillan|Penguin|Random House|University|Organization|\d+(?:st|nd|rd|th)\s+ed)\b"
)
_SENTENCE_CUT_RE = re.compile(
    r"(?<=[a-z0-9\u00e0-\u024f)\]'\u2019\u201d\"])([.?!])\s+(?=[A-Z\u00c0-\u024f0-9(\[])"
)


_TITLE_QUOTE_CONTEXT_RE = re.compile(r"(?:^|[.,:;)\]]\s*|\d{4}[a-z]?\s+)$")


def _quoted_title(text: str) -> tuple[str, str, str] | None:
    """Find a quoted title: return (before, title, after).

    A title's opening quote follows the authors or the year ("Chen, F. S. “Title.”",
    "(2007) 'Title'"); a quote inside an unquoted title ("have a “theory of mind”?") does not.
    """
    best: tuple[int, int] | None = None
    for open_q, close_q in _QUOTE_PAIRS:
        start = text.find(open_q)
        while start != -1:
            if best is not None and start > best[0]:
                break
            if open_q in "'\u2018" and start > 0 and text[start - 1].isalnum():
                start = text.find(open_q, start + 1)
                continue
            if not _TITLE_QUOTE_CONTEXT_RE.search(text[max(0, start - 12): start]):
                start = text.find(open_q, start + 1)
                continue
            end = _closing_quote(text, start + 1, close_q)
            if end != -1 and end - start > 3:
                best = (start, end)
            break
    if best is None:
        return None
    start, end = best
    return text[:start], text[start + 1: end], text[end + 1:]


def _closing_quote(text: str, pos: int, close_q: str) -> int:
    if close_q in "'\u2019":
        # Harvard: 'Title', Journal — a quote followed by punctuation closes the title; one followed
        # by a space may be a plural possessive inside it ("partners’ hormones")
        m = re.compile(rf"{re.escape(close_q)}(?=[,.;:])").search(text, pos)
        if m:
            return m.start()
    end = text.find(close_q, pos)
    while end != -1 and close_q in "'\u2019" and end + 1 < len(text) and text[end + 1].isalpha():
        end = text.find(close_q, end + 1)  # an apostrophe inside the title
    return end


def _clean_title(title: str) -> str:
    title = title.strip()
    title = re.sub(r"\s*\((?:\d+(?:st|nd|rd|th)|rev\.?|revised)\s+ed\.?\)\s*$", "", title, flags=re.I)
    title = re.sub(r"\s*\[[^\]]*(?:article|internet|review|in\s+\w+)\]\s*$", "", title, flags=re.I)
    return title.rstrip(" .,;:").strip()


def _split_title_container(rest: str) -> tuple[str, str]:
    """'Title. Journal Name, 108(50), 1-2.' -> ('Title', 'Journal Name, 108(50), 1-2.')."""
    m = _SENTENCE_CUT_RE.search(rest)
    if not m:
        return rest, ""
    title = rest[: m.start(1) + (1 if m.group(1) in "?!" else 0)]
    return title, rest[m.end():]


def _scan_author_list(text: str, author_re: re.Pattern[str]) -> int:
    """Match a run of authors from the start of `text`; return where the list ends, or -1."""
    pos, count = 0, 0
    while True:
        m = author_re.match(text, pos)
        if not m:
            break
        count += 1
        pos = m.end()
        etal = _ET_AL_AT_RE.match(text, pos)
        if etal:
            return etal.end()
        sep = _AUTHOR_SEP_RE.match(text, pos)
        if not sep:
            break
        pos = sep.end()
    if count == 0:
        return -1
    # the list must end where the title begins: after "M." or before ". Title"
    if m is None:
        return -1
    end = m.end()
    if author_re is _V_AUTHOR_RE:
        return end if text.startswith(".", end) else -1
    if end == len(text) or text[end - 1].isspace() or text[end].isspace():
        return len(text[:end].rstrip())
    return -1


def _keep_initial_period(authors: str) -> str:
    """'Crespi, Bernard J' (the period went with the sentence) -> 'Crespi, Bernard J.'."""
    return authors + "." if re.search(r"(?:^|[\s.])[A-Z]$", authors) else authors


def _split_last_sentence(text: str) -> tuple[str, str]:
    """'Title? More title. Journal Abbrev' -> ('Title? More title', 'Journal Abbrev') (NLM style)."""
    cuts = list(_SENTENCE_CUT_RE.finditer(text))
    if not cuts:
        return text, ""
    m = cuts[-1]
    return text[: m.start(1) + (1 if m.group(1) in "?!" else 0)], text[m.end():]


def _guess_authors_end(text: str) -> int:
    """Where the author list ends in an unquoted Vancouver or Nature string: -1 when unclear."""
    for author_re in (_V_AUTHOR_RE, _N_AUTHOR_RE):
        end = _scan_author_list(text, author_re)
        if end != -1:
            return end
    m = re.match(r"^(?P<authors>[^.]{2,200}?\bet\s+al)\.\s", text)
    if m:
        return m.end("authors")
    return -1


def parse_reference(raw: str) -> ParsedReference:
    """Parse one reference string into its fields. Never raises; missing fields stay None."""
    parsed = ParsedReference()
    text = strip_list_marker(_clean(raw))
    if not text:
        return parsed
    if ". . ." in text:  # (the cleaned string's only white space is " ")
        text = re.sub(r"(?:\.\s){2,}\.", "\u2026", text)  # APA's ". . ." before the last author
    text = _extract_identifiers(text, parsed)
    style: CitationStyle = "unknown"
    details = ""

    quoted = _quoted_title(text)
    apa = _APA_YEAR_RE.match(text) or _APA_NODATE_RE.match(text)
    if quoted:
        before, title, after = quoted
        parsed.title = _clean_title(title)
        before = re.sub(r"\s*(?:\(n\.\s?d\.\)|\bn\.\s?d\.|\(no date\))\s*\.?\s*$", "", before.strip())
        ym = re.search(rf"\((?P<year>{_YEAR})[a-z]?\)\.?$", before)
        cm = re.search(rf"\.\s+(?P<year>{_YEAR})[a-z]?\.?$", before)
        if ym:
            parsed.year = int(ym.group("year"))
            before = before[: ym.start()]
            style = "harvard"
        elif cm:
            parsed.year = int(cm.group("year"))
            before = _keep_initial_period(before[: cm.start()])
            style = "chicago"
        elif title.rstrip().endswith(","):
            style = "ieee"
        else:
            style = "mla"
        parsed.authors, parsed.et_al = parse_authors(before)
        details = after
    elif apa:
        parsed.authors, parsed.et_al = parse_authors(apa.group("authors"))
        if "year" in apa.groupdict() and apa.group("year"):
            parsed.year = int(apa.group("year"))
        title, details = _split_title_container(apa.group("rest"))
        parsed.title = _clean_title(title)
        style = "apa"
    else:
        chicago = _CHICAGO_YEAR_RE.match(text)
        vtail = _VANCOUVER_TAIL_RE.search(text)
        nature = _NATURE_TAIL_RE.match(_DASH_RE.sub("-", text))
        end = _guess_authors_end(text)
        if vtail and end != -1:
            style = "vancouver"
            parsed.authors, parsed.et_al = parse_authors(text[:end])
            body = text[end:].lstrip(". ")
            cut = _VANCOUVER_TAIL_RE.search(body)
            head = body[: cut.start()] if cut else body
            parsed.year = int(cut.group("year")) if cut else None
            title, container = _split_last_sentence(head)
            parsed.title = _clean_title(title)
            parsed.container_title = container.strip(" .") or None
            details = body[cut.end():] if cut else ""
            if parsed.container_title is None and title:
                parsed.title, parsed.container_title = _clean_title(title), None
        elif nature and end != -1:
            style = "nature"
            parsed.authors, parsed.et_al = parse_authors(text[:end])
            original = text[end:].lstrip(". ")
            body = _DASH_RE.sub("-", original)  # one character for one: positions stay valid in `original`
            tail = _NATURE_TAIL_RE.match(body)
            if tail:
                head = original[tail.start("container"): tail.end("container")]
                title, container = _split_title_container(head)
                if not container:  # title and journal run together: the journal is the last sentence
                    title, container = head, ""
                parsed.title = _clean_title(title)
                parsed.container_title = container.strip(" ,") or None
                parsed.volume = tail.group("vol")
                parsed.issue = tail.group("iss")
                _set_pages(parsed, tail.group("pages"))
                parsed.year = int(tail.group("year"))
        elif chicago:
            style = "chicago"
            parsed.authors, parsed.et_al = parse_authors(_keep_initial_period(chicago.group("authors")))
            parsed.year = int(chicago.group("year"))
            title, details = _split_title_container(chicago.group("rest"))
            parsed.title = _clean_title(title)
        elif end != -1:
            parsed.authors, parsed.et_al = parse_authors(text[:end])
            title, details = _split_title_container(text[end:].lstrip(". "))
            parsed.title = _clean_title(title)
        else:
            parts = _SENTENCE_CUT_RE.split(text, maxsplit=2)
            # parts: [authors, sep, title, sep, rest] when the string has three sentences
            if len(parts) >= 5:
                parsed.authors, parsed.et_al = parse_authors(parts[0])
                parsed.title = _clean_title(parts[2] + (parts[3] if parts[3] in "?!" else ""))
                details = parts[4]
            elif len(parts) == 3:
                parsed.title = _clean_title(parts[0])
                details = parts[2]
            else:
                parsed.title = _clean_title(text) or None

    if details:
        if style in ("unknown", "vancouver") and re.search(rf"{_YEAR}\s*;", details):
            style = "vancouver"
        rest = _read_details(parsed, details)
        if parsed.container_title is None:
            parsed.container_title = _container_from(rest)
        if parsed.container_title and not (parsed.volume or parsed.issue or parsed.first_page) \
                and _PUBLISHER_RE.search(parsed.container_title) and not re.match(r"\s*In\b", details):
            parsed.container_title = None  # a book: "Geneva: WHO", "New York: McGraw-Hill", "Henry Holt"
    if style == "vancouver" and parsed.doi and "doi:" in raw.lower() and not re.search(r"PMID", raw):
        style = "ama"
    if style == "ama" and parsed.authors and parsed.et_al and len(parsed.authors) == 6:
        style = "vancouver"
    if style == "mla" and re.search(r"\bvol\.", raw) is None and re.search(r"\d+\s*\(\d+\)\s*:", raw):
        style = "chicago"
    if style == "harvard" and quoted is None:
        style = "apa"
    parsed.style = style
    if parsed.title == "":
        parsed.title = None
    return parsed
