"""Compare a cited reference with a candidate work, field by field, and decide whether they are one.

The decision abstains rather than guesses: a candidate is the cited work only when its title
agrees closely and at least one independent field (first author, journal, year, volume, page)
agrees too, or when the identifying fields of an article (first author, year, volume, first
page) all agree although the title was garbled. A search rank is never evidence. The
thresholds were calibrated on the labelled cases in tests/data/resolution_cases.jsonl and are
documented in docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from citelens.read import expand_pages
from citelens.records import Discrepancy, ParsedReference, Work

# --- thresholds (see the module docstring) ---------------------------------------------
TITLE_STRONG = 0.90  # with one more agreeing field: the same work
TITLE_EXACT = 0.97  # a long title this close, with the journal, first author or year: the same work
TITLE_GARBLED = 0.75  # with first author, year and volume/page/journal: the same work, title garbled
TITLE_DISCREPANT = 0.93  # below this the cited title is reported as different
AMBIGUITY_MARGIN = 0.05  # two accepted candidates closer than this: ambiguous

_STOPWORDS = {"of", "the", "and", "for", "in", "on", "a", "an", "de", "la", "le", "des", "du", "und", "fur", "to"}


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Lower case, accents removed, markup and punctuation turned into single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"<[^>]{1,100}>", " ", text).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


_SPELLING = [(r"our\b", "or"), (r"ise\b", "ize"), (r"ised\b", "ized"), (r"ising\b", "izing"),
             (r"isation\b", "ization"), (r"aemia\b", "emia"), (r"oestr", "estr"), (r"haem", "hem")]


def _spelling(text: str) -> str:
    for pattern, repl in _SPELLING:
        text = re.sub(pattern, repl, text)
    return text


def title_similarity(cited: str | None, actual: str | None) -> float:
    a, b = _spelling(fold(cited)), _spelling(fold(actual))
    if not a or not b:
        return 0.0
    sim = fuzz.ratio(a, b) / 100.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if long_.startswith(short) and len(short.split()) >= 4 and len(short) >= 0.5 * len(long_):
        sim = max(sim, 0.92)  # a title cited without its subtitle
    return sim


def family_key(name: str | None) -> str:
    return fold(name).replace(" ", "")


def _family_matches(cited: str, actual: str) -> bool:
    a, b = family_key(cited), family_key(actual)
    if not a or not b:
        return False
    if a == b:
        return True
    # particles and compound names: "von Dawans" ~ "Dawans", "Baron-Cohen" ~ "Baron Cohen"
    ca, cb = fold(cited).split(), fold(actual).split()
    return bool(ca and cb and (ca[-1] == cb[-1]) and len(ca[-1]) > 2)


def _abbrev_token_matches(abbr: str, word: str) -> bool:
    if not abbr or not word or abbr[0] != word[0]:
        return False
    if abbr == word or word.startswith(abbr):
        return True
    if len(abbr) >= 5:  # long abbreviations are truncations ("Psychol"); "Neuron" is not "Neuroscience"
        return False
    it = iter(word)
    return all(ch in it for ch in abbr)  # the abbreviation's letters, in order, inside the word


def _tokens(name: str | None) -> list[str]:
    text = fold(name)
    text = re.sub(r"\busa\b", "u s a", text)
    text = re.sub(r"\buk\b", "u k", text)
    return [t for t in text.split() if t not in _STOPWORDS]


def container_matches(cited: str | None, *actual_names: str | None) -> bool:
    """Journal names agree: equal, an NLM/ISO abbreviation of the other, or a shortened form."""
    ct = _tokens(cited)
    if not ct:
        return False
    for name in actual_names:
        at = _tokens(name)
        if not at:
            continue
        if ct == at:
            return True
        for short, long_ in ((ct, at), (at, ct)):
            if len(short) > len(long_):
                continue
            i = 0
            matched = 0
            for tok in short:
                while i < len(long_) and not _abbrev_token_matches(tok, long_[i]):
                    i += 1
                if i == len(long_):
                    break
                matched += 1
                i += 1
            if matched == len(short) and (len(short) >= 0.6 * len(long_) or long_[: len(short)] == short):
                return True
        if fuzz.ratio(" ".join(ct), " ".join(at)) >= 92:
            return True
    return False


def _norm_id(value: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (value or "").lower())


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    m = re.match(r"^\s*([A-Za-z]*\d+[A-Za-z]?)\s*(?:[-\u2013\u2014]\s*([A-Za-z]*\d+[A-Za-z]?))?", pages)
    if not m:
        return pages.strip() or None, None
    first, last = expand_pages(m.group(1), m.group(2))
    return first, last


@dataclass
class Comparison:
    """How a cited reference compares with one candidate work."""

    work: Work
    title: float
    first_author: bool | None
    author_overlap: float | None
    year: bool | None
    year_close: bool
    container: bool | None
    volume: bool | None
    issue: bool | None
    first_page: bool | None
    last_page: bool | None
    doi: bool | None
    accepted: bool = False
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


def _eq(cited: str | None, actual: str | None) -> bool | None:
    if not cited or not actual:
        return None
    return _norm_id(cited) == _norm_id(actual)


def compare(ref: ParsedReference, work: Work) -> Comparison:
    cited_families = [a.family for a in ref.authors]
    actual_families = [a.family for a in work.authors]
    first_author = None
    overlap = None
    if cited_families and actual_families:
        first_author = _family_matches(cited_families[0], actual_families[0])
        found = sum(1 for c in cited_families if any(_family_matches(c, a) for a in actual_families))
        overlap = found / len(cited_families)
    year = None
    year_close = False
    if ref.year and work.year:
        years = {work.year, *work.other_years}
        year = ref.year in years
        year_close = any(abs(ref.year - y) <= 1 for y in years)
    first, last = split_pages(work.pages)
    cmp = Comparison(
        work=work, title=title_similarity(ref.title, work.title), first_author=first_author,
        author_overlap=overlap, year=year, year_close=year_close,
        container=container_matches(ref.container_title, work.container_title, work.container_abbrev)
        if ref.container_title and (work.container_title or work.container_abbrev) else None,
        volume=_eq(ref.volume, work.volume), issue=_eq(ref.issue, work.issue),
        first_page=_eq(ref.first_page, first), last_page=_eq(ref.last_page, last) if ref.last_page else None,
        doi=(_norm_id(ref.doi) == _norm_id(work.doi)) if ref.doi and work.doi else None,
    )
    _decide(ref, cmp)
    return cmp


def _decide(ref: ParsedReference, c: Comparison) -> None:
    long_title = len(fold(ref.title).split()) >= 6
    accepted = False
    if c.title >= TITLE_STRONG and (c.first_author or (c.author_overlap or 0) >= 0.5 or (
            c.container and (c.year or c.volume or c.first_page))):
        accepted = True
    elif c.title >= TITLE_EXACT and long_title and (c.container or c.first_author or c.year):
        accepted = True
    elif c.title >= TITLE_GARBLED and c.first_author and (c.year or c.year_close) and (
            c.volume or c.first_page or c.container):
        accepted = True
    elif c.first_author and c.year and c.volume and c.first_page and (c.container is not False):
        accepted = True  # journal, volume, page and author identify the article; the title is garbled
    elif c.doi and (c.title >= 0.6 or c.first_author or (c.year and c.volume)):
        accepted = True  # the cited DOI, confirmed by another field
    c.accepted = accepted
    c.confidence = round(min(1.0, 0.55 * c.title + 0.15 * bool(c.first_author) + 0.1 * bool(c.year)
                             + 0.1 * bool(c.volume or c.first_page) + 0.1 * bool(c.container)
                             + (0.1 if c.doi else 0.0)), 3)
    if not accepted:
        c.reasons = _rejection_reasons(ref, c)
        return
    c.discrepancies, c.unchecked = _discrepancies(ref, c)


def _rejection_reasons(ref: ParsedReference, c: Comparison) -> list[str]:
    w = c.work
    reasons = [f"title similarity {c.title:.2f}"]
    if c.first_author is False:
        reasons.append(f"first author {w.authors[0].family} (cited {ref.authors[0].family})")
    if c.year is False:
        reasons.append(f"year {w.year} (cited {ref.year})")
    if c.container is False:
        reasons.append(f"journal {w.container_title} (cited {ref.container_title})")
    if c.volume is False:
        reasons.append(f"volume {w.volume} (cited {ref.volume})")
    if c.first_page is False:
        reasons.append(f"pages {w.pages} (cited {ref.pages})")
    return reasons


def _discrepancies(ref: ParsedReference, c: Comparison) -> tuple[list[Discrepancy], list[str]]:
    w = c.work
    out: list[Discrepancy] = []
    unchecked: list[str] = []
    cited_names = [a.family for a in ref.authors]
    actual_names = [a.family for a in w.authors]
    if cited_names and actual_names:
        if not c.first_author:
            out.append(Discrepancy("first_author", cited_names[0], actual_names[0]))
        missing = [n for n in cited_names if not any(_family_matches(n, a) for a in actual_names)]
        if missing and not (len(missing) == 1 and not c.first_author and len(cited_names) == 1):
            out.append(Discrepancy("authors", cited_names, actual_names))
        elif not ref.et_al and len(cited_names) < len(actual_names) and c.first_author:
            out.append(Discrepancy("authors", cited_names, actual_names))
    elif cited_names:
        unchecked.append("authors")
    if ref.title and w.title and c.title < TITLE_DISCREPANT:
        out.append(Discrepancy("title", ref.title, w.title))
    if ref.container_title:
        if c.container is False:
            out.append(Discrepancy("container_title", ref.container_title, w.container_title or w.container_abbrev))
        elif c.container is None:
            unchecked.append("container_title")
    for name, flag, cited, actual in (("volume", c.volume, ref.volume, w.volume),
                                      ("issue", c.issue, ref.issue, w.issue)):
        if cited:
            if flag is False:
                out.append(Discrepancy(name, cited, actual))
            elif flag is None:
                unchecked.append(name)
    if ref.first_page:
        if c.first_page is False or c.last_page is False:
            first, last = split_pages(w.pages)
            out.append(Discrepancy("pages", ref.pages, f"{first}-{last}" if last else first))
        elif c.first_page is None:
            unchecked.append("pages")
    if ref.year:
        if c.year is False:
            out.append(Discrepancy("year", ref.year, w.year))
        elif c.year is None:
            unchecked.append("year")
    if ref.doi and w.doi and c.doi is False:
        out.append(Discrepancy("doi", ref.doi, w.doi))
    if ref.pmid and w.pmid and ref.pmid != w.pmid:
        out.append(Discrepancy("pmid", ref.pmid, w.pmid))
    return out, unchecked
