"""From token labels to the fields of a `ParsedReference`: one small normaliser per field.

The labeller says which characters are the authors, the title, the journal and so on; these
functions turn each labelled span into the value citelens reports: authors as `Author(family,
given)` with the et-al flag (editors are kept out), titles without their quotes and final
punctuation, volume / issue / pages without "vol.", "no.", "pp.", pages expanded
("1187-93" -> "1187-1193"), the year out of the date.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...records import Author, ParsedReference
from .names import persons_from
from .rules import expand_pages, parse_authors
from .tokens import Token

Span = tuple[str, int, int]

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2012"
_DASH_TABLE = str.maketrans({ch: "-" for ch in _DASHES})
_YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d{2}|20\d{2})(?!\d)")
_OUTER = " \t.,;:\"'\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb()[]{}/"
_PAGE = r"[A-Za-z]{0,3}\d{1,8}[A-Za-z]?"
_PAGES_RE = re.compile(rf"({_PAGE}|[ivxlcdm]{{1,8}})(?:\s*-+\s*({_PAGE}|[ivxlcdm]{{1,8}}))?", re.I)
_PAGE_KW_RE = re.compile(r"^\s*(?:pp?|pages?|pgs?|S|seiten|págs?|art(?:icle)?\.?\s*(?:no|nr|number)?|"
                         r"e-?location)\b\.?\s*:?\s*", re.I)
_VOL_KW_RE = re.compile(r"^\s*(?:vols?|volume|bd|tome|t|v)(?:\b|(?=\d))\.?\s*:?\s*", re.I)  # also "Vol43"
_ISSUE_KW_RE = re.compile(r"^\s*(?:n[°º]|(?:no|nr|num|number|issue|iss|heft|n|#)\b\.?)\s*:?\s*|^\s*[n#][°º]?\s*", re.I)
_VOLUME_RE = re.compile(r"\d+[A-Za-z]?|\b[IVXLC]{1,7}\b")  # "B39" is volume 39 of "Phys. Lett. B"
# the date a web page was read is not the work's year
_ACCESSED_RE = re.compile(r"\b(?:accessed|cited|retrieved|viewed|consulted|consulté|acesso|acessado|abgerufen|"
                          r"zugegriffen|consultado)\b", re.I)
_IN_RE = re.compile(r"^\s*(?:in|dans|en|em)\s*:?\s+", re.I)
_ABBREV_PERIOD_RE = re.compile(r"\w\.\s")
# after "Trends Neurosci." the details go on ("35, 649", ", vol. 2"): that period is the abbreviation's,
# whereas "Biol Lett. 2013;9" ends a sentence
_ARTICLE_AFTER_RE = re.compile(r"[\s,;:.)]*\b(?:art(?:icle)?\.?|e-?location)\s*(?:no\.?|nr\.?|number)?\s*:?\s*"
                               r"([A-Za-z]{0,3}\d+)\b", re.I)
_ART_BEFORE_RE = re.compile(r"\bart(?:icle)?\.?\s*$", re.I)
# a group author: an organisation printed where the persons would be ("World Health Organization.")
GROUP_WORDS = (r"organi[sz]ation|consortium|committee|association|society|institute|council|"
               r"collaboration|collaborative|agency|department|ministry|network|foundation|federation|"
               r"commission|alliance|union|board|office|authority|initiative|investigators|"
               r"working\s+group|study\s+group|task\s+force|centers?|centres?|nations")
_GROUP_RE = re.compile(rf"\b(?:{GROUP_WORDS})\b", re.I)
_ARXIV_ID_RE = re.compile(r"(?<!\d)\d{4}\.\d{4,5}(?:v\d+)?(?!\d)")
_DETAIL_AFTER_RE = re.compile(r"\.\s*(?:,|\d+\s*[,(:]|vol\b|pp?\b)", re.I)


def spans_from_labels(tokens: list[Token], labels: list[str]) -> list[Span]:
    """Runs of tokens with one label, as (label, start, end) into the string; "O" runs are left out."""
    spans: list[Span] = []
    prev = "O"
    for tok, lab in zip(tokens, labels, strict=True):
        if lab == "O":
            prev = lab
            continue
        if spans and spans[-1][0] == lab and prev == lab:
            spans[-1] = (lab, spans[-1][1], tok.end)
        else:
            spans.append((lab, tok.start, tok.end))
        prev = lab
    return spans


def strip_outer(text: str) -> str:
    return text.strip(_OUTER)


def clean_title(text: str) -> str | None:
    text = " ".join(text.split())
    end_mark = "?" if text.rstrip(_OUTER).endswith("?") or text.rstrip().rstrip("\"'\u201d\u2019.,").endswith("?") \
        else ""
    core = strip_outer(text)
    if end_mark and not core.endswith("?"):
        core += "?"
    core = re.sub(r"\s*\[[^\]]*(?:article|internet|review|in\s+\w+)\]$", "", core, flags=re.I)
    core = re.sub(r"\s*\((?:\d+(?:st|nd|rd|th)|rev\.?|revised)\s+ed\.?\)$", "", core, flags=re.I)
    core = core.strip(_OUTER)
    if end_mark and core and not core.endswith("?"):
        core += "?"
    return core or None


def clean_container(text: str) -> str | None:
    """The journal or book; a final "." passed in is kept (the caller decides it closes an abbreviation)."""
    text = " ".join(text.split())
    text = _IN_RE.sub("", text)
    core = text.strip(_OUTER)
    if not core:
        return None
    if text[text.find(core) + len(core):].startswith("."):
        core += "."
    return core


_SUPPL_RE = re.compile(r"^\s*(\d+[A-Za-z]?)[\s(]+(suppl(?:ement)?\.?(?:\s*[\w-]{1,6})?)\)?\s*$", re.I)


def clean_volume(text: str) -> tuple[str | None, str | None]:
    """(volume, issue found inside the volume's span: "10(2)", "vol. 25, no. 1").

    A year or day run into the volume ("2013;9", "15;54") is cut off: the volume follows the last ";".
    """
    text = " ".join(text.split())
    if ";" in text:
        text = text.rsplit(";", 1)[1]
    text = _VOL_KW_RE.sub("", text)
    issue = None
    m = _SUPPL_RE.match(text)  # "15 Suppl 3": a supplement is the issue
    if m:
        return m.group(1), " ".join(m.group(2).split())
    m = re.search(r"\(([^()]{1,20})\)", text) or re.search(
        r"[,.]?\s*\b(?:no|nr|n|issue|iss|heft)\b\.?\s*([\w/-]{1,12})", text, re.I)
    if m:
        issue = m.group(1).strip() or None
        text = text[: m.start()]
    m = _VOLUME_RE.search(text)
    if m:
        return m.group(0), issue
    core = strip_outer(text)
    return (core or None), issue


_ARTICLE_NO_RE = re.compile(r"\b(?:art(?:icle)?\.?\s*(?:no|nr|number)?\.?|e-?location)\s*:?\s*([A-Za-z]{0,3}\d+)", re.I)


def clean_issue(text: str) -> str | None:
    text = " ".join(text.split())
    text = _ARTICLE_NO_RE.sub("", text)
    text = _ISSUE_KW_RE.sub("", strip_outer(text))
    core = strip_outer(text)
    return core or None


def clean_pages(text: str) -> tuple[str | None, str | None]:
    text = " ".join(text.translate(_DASH_TABLE).split())
    text = _PAGE_KW_RE.sub("", strip_outer(text))
    m = _PAGES_RE.search(text)
    if not m:
        return None, None
    first, last = m.group(1), m.group(2)
    return expand_pages(first, last)


def year_of(text: str) -> int | None:
    m = _YEAR_RE.search(text)
    return int(m.group(1)) if m else None


def _looks_abbreviated(text: str) -> bool:
    """Whether a container's last word may be an abbreviation ("Neurosci", "Psychopharmacol"), not a whole
    word ("Neurosciences", "Psychology"), which a sentence period follows."""
    words = text.split()
    last = words[-1] if words else ""
    return len(last) <= 9 or last[-1:].lower() not in ("s", "y", "e", "a", "n")


_JOURNAL_TAIL_RE = re.compile(r"(?:^|[,;&]\s*|\band\s+)((?:[A-Z][a-z]{0,6}\.\s*)+)$")


def _journal_out_of_authors(raw: str, spans: list[Span]) -> list[Span]:
    """An author span that ran into the journal ("K. Jones, J. Chem" before "Phys."): when the words after the
    last separator are all journal abbreviations ending just before the container, they are the container's."""
    from .features import JOURNAL_WORDS

    for k in range(len(spans) - 1):
        lab, a, b = spans[k]
        nxt = spans[k + 1]
        if lab != "author" or nxt[0] != "container_title" or nxt[1] - b > 3:
            continue
        m = _JOURNAL_TAIL_RE.search(raw[a:b] + raw[b: nxt[1]].rstrip())
        if m and all(w.rstrip(".").lower() in JOURNAL_WORDS for w in m.group(1).split()) and a + m.start(1) > a:
            cut = a + m.start(1)
            end = cut
            while end > a and raw[end - 1] in " ,;&":
                end -= 1
            return [*spans[:k], ("author", a, end), ("container_title", cut, nxt[2]), *spans[k + 2:]]
    return spans


_COLLABORATION_RE = re.compile(r"\b(?:collab\w*|consortium|team|group)\b", re.I)
# after an initial's period: a capitalised word and then three lower-case words or more, to the span's end
_TITLE_TAIL_RE = re.compile(r"(?<=\.)\s+([A-Z\u00c0-\u00de][^\W\d_]*(?:[\s,:-]+[a-z\u00df-\u024f][^\W\d_]*){3,})$")


def _title_out_of_authors(raw: str, spans: list[Span]) -> list[Span]:
    """An author span that ran on into the title ("SOUZA, M. B. Avaliação da qualidade da água"), with no title
    labelled: names are not runs of lower-case words, so from the word after the last initial on it is the title."""
    if any(span[0] == "title" for span in spans):
        return spans
    from .features import PARTICLES

    for k, (lab, a, b) in enumerate(spans):
        if lab != "author":
            continue
        m = _TITLE_TAIL_RE.search(raw, a, b)
        if m is None or m.end() != b:
            continue
        lower = [w for w in re.split(r"[\s,:-]+", m.group(1))[1:] if w.lower() not in PARTICLES]
        if len(lower) < 2 or not any(len(w) > 3 for w in lower):
            continue
        return [*spans[:k], (lab, a, m.start()), ("title", m.start(1), b), *spans[k + 1:]]
    return spans


_NUMBERS = frozenset(("volume", "issue", "pages"))


def _book_title(spans: list[Span]) -> list[Span]:
    """A container with no title and no volume, issue or pages is a book's (or a report's) own title.

    In the corpora's train split such a string is a book with a title (2,289 strings) far more often than
    a journal named alone (33); the labeller, which sees only nearby tokens, often calls a lone book
    title a container. (Keeping the container when it reads as an abbreviated journal, or when editors
    are named, was tried on the train-CV part and gained nothing.)
    """
    labels = {span[0] for span in spans}
    if "container_title" not in labels or "title" in labels or labels & _NUMBERS:
        return spans
    return [("title" if lab == "container_title" else lab, a, b) for lab, a, b in spans]


_SUPPL_WORD_RE = re.compile(r"suppl(?:ement)?\.?", re.I)


def _supplement(raw: str, spans: list[Span]) -> str | None:
    """A supplement labelled apart from its number ("vol. 15, Suppl 3" read as a journal "Suppl" and a
    volume "3" after the volume): the issue "Suppl 3"."""
    for k in range(1, len(spans) - 1):
        lab, a, b = spans[k]
        nxt = spans[k + 1]
        if lab != "volume" and _SUPPL_WORD_RE.fullmatch(raw[a:b]) and nxt[0] in ("volume", "issue") \
                and spans[k - 1][0] == "volume" and raw[b: nxt[1]].strip() == "":
            number = strip_outer(raw[nxt[1]: nxt[2]])
            return f"{raw[a:b]} {number}" if number else None
    return None


def fill(parsed: ParsedReference, raw: str, spans: list[Span], tokens: list[Token],
         name_labeller: Callable[[int, int], list[str]] | None = None) -> ParsedReference:
    """Set `parsed`'s bibliographic fields from the labelled spans of `raw` (identifiers are left as they are).

    `name_labeller(lo, hi)` labels the tokens `tokens[lo:hi]` of the author list as persons (see
    `names`); without it the rules split the list.
    """
    spans = _book_title(_title_out_of_authors(raw, _journal_out_of_authors(raw, spans)))
    first: dict[str, Span] = {}
    for span in spans:
        first.setdefault(span[0], span)
    author_spans = [s for s in spans if s[0] == "author"]
    if author_spans:
        # the authors: from the first author span to the last one before the title or the journal
        body = [s for s in spans if s[0] in ("title", "container_title")]
        stop = body[0][1] if body and body[0][1] > author_spans[0][1] else len(raw) + 1
        chosen = [s for s in author_spans if s[1] < stop] or author_spans[:1]
        a, b = chosen[0][1], chosen[-1][2]
        if raw[b: b + 1] == "." and re.search(r"(?:^|[\s.,-])\w{1,2}$", raw[a:b]):
            b += 1  # the period of the last initial: "Chen, F. S."
        text = raw[a:b]
        if name_labeller is not None:
            lo = next(k for k, t in enumerate(tokens) if t.start >= a)
            hi = lo
            while hi < len(tokens) and tokens[hi].end <= b:
                hi += 1
            parsed.authors, parsed.et_al = persons_from(raw, tokens[lo:hi], name_labeller(lo, hi))
        if not parsed.authors:
            parsed.authors, parsed.et_al = parse_authors(text)
        if not parsed.et_al:
            tail = raw[chosen[-1][2]: chosen[-1][2] + 12].lower()
            parsed.et_al = bool(re.match(r"\s*,?\s*(?:et\.?\s*al|and others)", tail))
    if "title" in first:
        parsed.title = clean_title(raw[first["title"][1]: first["title"][2]])
    titles = [s for s in spans if s[0] == "title"]
    if "container_title" not in first and len(titles) > 1:
        # two titles and no container: the second is the journal or book ("Chapter. In: Book.", "Title. Journal")
        first["container_title"] = titles[1]
    if "container_title" in first:
        _, a, b = first["container_title"]
        keep = raw[b: b + 1] == "." and (_ABBREV_PERIOD_RE.search(raw[a:b] + " ") is not None
                                          or (_DETAIL_AFTER_RE.match(raw, b) is not None
                                              and _looks_abbreviated(raw[a:b])))
        parsed.container_title = clean_container(raw[a:b] + ("." if keep else ""))
    inner_issue = None
    if "volume" in first:
        parsed.volume, inner_issue = clean_volume(raw[first["volume"][1]: first["volume"][2]])
    if "issue" in first:
        issue_text = raw[first["issue"][1]: first["issue"][2]]
        parsed.issue = clean_issue(issue_text)
        article_no = _ARTICLE_NO_RE.search(issue_text)
        if article_no and "pages" not in first:  # "Art. no. 2156" is the article's number: its pages
            parsed.first_page = article_no.group(1)
    if parsed.issue is None and inner_issue:
        parsed.issue = inner_issue
    if parsed.issue is None:
        parsed.issue = _supplement(raw, spans)
    if "pages" in first:
        parsed.first_page, parsed.last_page = clean_pages(raw[first["pages"][1]: first["pages"][2]])
    elif "issue" not in first and "volume" in first and parsed.first_page is None:
        m = _ARTICLE_AFTER_RE.match(raw, first["volume"][2])
        if m:  # "8, Article 2232": the article number stands for the pages
            parsed.first_page = m.group(1)
    elif "issue" in first and parsed.issue and parsed.first_page is None:
        # checked against the string: after "Art." the number is the article's ("Art. no. 104948"), and
        # a number after "volume:" is a page ("2017;8:2156"); neither is an issue
        _, a, b = first["issue"]
        before = raw[max(0, a - 12): a]
        after_volume = "volume" in first and raw[first["volume"][2]: a].strip() == ":"
        if _ART_BEFORE_RE.search(before) or (after_volume and _PAGES_RE.fullmatch(parsed.issue)):
            parsed.first_page, parsed.last_page = clean_pages(parsed.issue)
            parsed.issue = inner_issue
    if len(parsed.authors) > 1:
        # "ATLAS Collaboration, G. Aad et al.": the persons are the authors, the collaboration signs for them
        persons = [a for a in parsed.authors if not _COLLABORATION_RE.search(f"{a.family} {a.given}")]
        if persons:
            parsed.authors = persons
    if parsed.authors and len(parsed.authors) == 1 and author_spans:
        group = raw[chosen[0][1]: chosen[-1][2]].strip(_OUTER)
        if _GROUP_RE.search(group) and not re.search(r"[,;&]|\band\b", group) and len(group.split()) > 1:
            parsed.authors = [Author(group, "")]
    for span in spans:
        if span[0] == "date" and not _ACCESSED_RE.search(raw[max(0, span[1] - 30): span[2]]):
            year = year_of(raw[span[1]: span[2]])
            if year is not None:
                parsed.year = year
                break
    if parsed.year is None:
        # no date was labelled: a year in a note ("Published online 2016") or run into the volume ("2013;9")
        for span in spans:
            if span[0] in ("note", "volume", "other", "issue") and not _ACCESSED_RE.search(raw[span[1]: span[2]]) \
                    and not _ACCESSED_RE.search(raw[max(0, span[1] - 30): span[1]]):
                year = year_of(_ARXIV_ID_RE.sub(" ", raw[span[1]: span[2]]))  # "1703.10829" is no year
                if year is not None and (span[0] != "volume" or ";" in raw[span[1]: span[2]]):
                    parsed.year = year
                    break
    if parsed.doi is None and "doi" in first:
        m = re.search(r"10\.\d{4,9}/\S+", raw[first["doi"][1]: first["doi"][2]])
        if m:
            parsed.doi = m.group(0).rstrip(".,;").lower()
    return parsed
