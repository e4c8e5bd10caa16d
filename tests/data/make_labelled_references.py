#!/usr/bin/env python3
"""Build ``references_labelled.jsonl``: seed works rendered as reference strings, with labels.

Every work in ``seed-works.jsonl`` (a copy of ``/work/shared/records/seed-works.jsonl``) is
rendered once in each of eight citation styles (MLA 9, APA 7, Vancouver/NLM, AMA 11, Harvard
(Cite Them Right), Chicago author-date, Nature, IEEE).  Each output line holds the reference
string as it would appear in a reference list (``raw``, including any list marker) and the
``expected`` fields a parser should extract from that string.  Only fields that exist in the
record are printed, and a label holds only what the string prints (e.g. Nature style prints
no issue number, so its label has ``"issue": null``).

Typography varies deterministically (``random.Random(2026)``): curly or straight quotes, en
dash or hyphen in page ranges, initials ``F. S.`` / ``F.S.`` / ``FS``, DOI written as
``https://doi.org/``, ``http://dx.doi.org/``, ``doi:`` or ``DOI:``, optional list markers.

Run from anywhere (stdlib only)::

    python tests/data/make_labelled_references.py [OUTPUT_PATH]
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from bench.scoring.parse_eval import FIELDS

HERE = Path(__file__).resolve().parent
SEED_PATH = HERE / "seed-works.jsonl"
OUT_PATH = HERE / "references_labelled.jsonl"
RANDOM_SEED = 2026

STYLES = ("mla", "apa", "vancouver", "ama", "harvard", "chicago", "nature", "ieee")
LABEL_KEYS = FIELDS  # the fields the parser is scored on

EN_DASH = "\u2013"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FULL_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

PNAS = "Proceedings of the National Academy of Sciences of the United States of America"

# ISO 4 style abbreviations with periods (Nature and IEEE reference lists).
ISO_ABBREV = {
    "Pflügers Archiv - European Journal of Physiology": "Pflugers Arch.",
    "Seminars in Reproductive Medicine": "Semin. Reprod. Med.",
    "Annual Review of Psychology": "Annu. Rev. Psychol.",
    "Current Topics in Behavioral Neurosciences": "Curr. Top. Behav. Neurosci.",
    "Neuroscience and Biobehavioral Reviews": "Neurosci. Biobehav. Rev.",
    PNAS: "Proc. Natl. Acad. Sci. USA",
    "Personality and Individual Differences": "Pers. Individ. Dif.",
    "Biological Reviews of the Cambridge Philosophical Society": "Biol. Rev. Camb. Philos. Soc.",
    "Clinical Psychopharmacology and Neuroscience": "Clin. Psychopharmacol. Neurosci.",
    "Physiological Reviews": "Physiol. Rev.",
    "Biological Psychiatry": "Biol. Psychiatry",
    "Frontiers in Neuroendocrinology": "Front. Neuroendocrinol.",
    "Nature Reviews Neuroscience": "Nat. Rev. Neurosci.",
    "Neuron": "Neuron",
    "Biological Psychology": "Biol. Psychol.",
    "Indian Journal of Endocrinology and Metabolism": "Indian J. Endocrinol. Metab.",
    "Trends in Neurosciences": "Trends Neurosci.",
    "Frontiers in Psychology": "Front. Psychol.",
    "The Journal of Neuroscience": "J. Neurosci.",
    "Social Cognitive and Affective Neuroscience": "Soc. Cogn. Affect. Neurosci.",
    "Social Neuroscience": "Soc. Neurosci.",
    "Psychological Science": "Psychol. Sci.",
    "Biology Letters": "Biol. Lett.",
    "Progress in Neuro-Psychopharmacology & Biological Psychiatry": "Prog. Neuropsychopharmacol. Biol. Psychiatry",
}
# Nature writes contractions without a period ("Natl") and "USA" solid.
NATURE_ABBREV = {PNAS: "Proc. Natl Acad. Sci. USA"}
IEEE_ABBREV = {PNAS: "Proc. Natl. Acad. Sci. U.S.A."}
# The short name many MLA lists use (as the example article does).
MLA_SHORT_NAME = {PNAS: "Proceedings of the National Academy of Sciences"}

# Publisher capitalisation of some DOIs (DOIs are case-insensitive; labels are lower case).
DOI_DISPLAY = {
    "10.1016/s0006-3223(03)00465-7": "10.1016/S0006-3223(03)00465-7",
    "10.1523/jneurosci.4260-08.2009": "10.1523/JNEUROSCI.4260-08.2009",
}

# fmt: off
SMALL_WORDS = frozenset(
    {
        "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of",
        "on", "to", "up", "via", "with", "from", "into", "onto", "over", "per", "vs", "between",
        "among", "during", "through", "across", "against", "within", "without", "about", "after",
        "before", "under", "upon",
    }
)
# fmt: on
# Words a sentence-case conversion must not lower-case (proper nouns in the seed titles).
PROPER_WORDS = frozenset({"Border", "Collies"})

_WORD_RE = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)
_PAGE_RE = re.compile(r"^([A-Za-z]*)(\d+)$")
_HYPHEN_SPLIT = re.compile(r"([-\u2013])")


# --------------------------------------------------------------------------- names


def _initial_groups(given: str) -> list[str]:
    """``"Frances S"`` -> ``["F", "S"]``, ``"DH"`` -> ``["D", "H"]``, ``"Jean-Pierre"`` -> ``["J-P"]``."""
    groups: list[str] = []
    for tok in given.replace(".", " ").split():
        if tok.isupper() and len(tok) <= 3 and "-" not in tok:
            groups.extend(tok)
        else:
            groups.append("-".join(part[0] for part in tok.split("-") if part))
    return groups


def initials(given: str, form: str) -> str:
    """Initials of a given name: ``form`` is ``spaced`` (F. S.), ``tight`` (F.S.) or ``bare`` (FS)."""
    groups = _initial_groups(given)
    if form == "bare":
        return "".join(g.replace("-", "") for g in groups)
    dotted = [".-".join(g.split("-")) + "." for g in groups]
    return (" " if form == "spaced" else "").join(dotted)


def full_given(given: str) -> str:
    """Given name as printed in full-name styles: ``"Frances S"`` -> ``"Frances S."``."""
    toks: list[str] = []
    for tok in given.split():
        if tok.isupper() and len(tok) <= 3:
            toks.extend(c + "." for c in tok)
        else:
            toks.append(tok)
    return " ".join(toks)


def _person(family: str, given: str) -> dict[str, str]:
    return {"family": family, "given": given}


def _end_sentence(text: str) -> str:
    """Terminate an element with a period unless it already ends with one."""
    return text if text.endswith(".") else text + "."


# --------------------------------------------------------------------------- titles


def _split_word(word: str) -> tuple[str, str, str]:
    m = _WORD_RE.match(word)
    assert m is not None
    return m.group(1), m.group(2), m.group(3)


def _keeps_case(core: str) -> bool:
    return any(c.isdigit() for c in core) or any(c.isupper() for c in core[1:]) or core in PROPER_WORDS or core == "I"


def _cap(core: str) -> str:
    return core[:1].upper() + core[1:]


def sentence_case(title: str, cap_after_colon: bool) -> str:
    """Sentence case; acronyms (OXTR, CD38) and listed proper nouns keep their capitals."""
    out: list[str] = []
    position = "first"
    for word in title.split(" "):
        lead, core, trail = _split_word(word)
        parts = _HYPHEN_SPLIT.split(core)
        new: list[str] = []
        for j, part in enumerate(parts):
            if not part or part in ("-", EN_DASH) or _keeps_case(part):
                new.append(part)
            elif j == 0 and (position == "first" or (position == "colon" and cap_after_colon)):
                new.append(_cap(part.lower()))
            else:
                new.append(part.lower())
        out.append(lead + "".join(new) + trail)
        position = "colon" if trail.endswith((":", "?", "!")) else "inner"
    return " ".join(out)


def title_case(title: str) -> str:
    """Headline-style capitalisation (MLA, Chicago): minor words lower case unless first or last."""
    words = title.split(" ")
    out: list[str] = []
    force = True
    for idx, word in enumerate(words):
        lead, core, trail = _split_word(word)
        parts = _HYPHEN_SPLIT.split(core)
        new: list[str] = []
        for j, part in enumerate(parts):
            if not part or part in ("-", EN_DASH) or _keeps_case(part):
                new.append(part)
            elif (force and j == 0) or (idx == len(words) - 1 and j == len(parts) - 1):
                new.append(_cap(part))
            elif part.lower() in SMALL_WORDS:
                new.append(part.lower())
            else:
                new.append(_cap(part))
        out.append(lead + "".join(new) + trail)
        force = trail.endswith((":", "?", "!"))
    return " ".join(out)


def _title_punct(title: str, punct: str) -> str:
    """Append citation punctuation unless the title ends with its own ``?`` or ``!``."""
    return title if title.endswith(("?", "!")) else title + punct


# --------------------------------------------------------------------------- pages


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    if "-" in pages:
        first, last = pages.split("-", 1)
        return first, last
    return pages, None


def abbreviate_last(first: str, last: str, rule: str) -> str:
    """Shorten the last page of a range.

    ``nlm``: drop every leading digit shared with the first page (19937-42, 52-9, 1805-908).
    ``chicago`` (CMOS 9.61) and ``mla``: full below 100; at least two digits otherwise
    (321-28, 1805-908); Chicago keeps multiples of 100 in full and writes only the changed
    part after x01-x09 (101-8).
    """
    m1, m2 = _PAGE_RE.match(first), _PAGE_RE.match(last)
    if not (m1 and m2) or m1.group(1) != m2.group(1) or len(m1.group(2)) != len(m2.group(2)):
        return last
    a, b = m1.group(2), m2.group(2)
    same = 0
    while same < len(a) and a[same] == b[same]:
        same += 1
    keep = max(len(a) - same, 1)
    if rule != "nlm":
        n = int(a)
        if n < 100 or (rule == "chicago" and n % 100 == 0):
            return last
        if rule == "mla" or n % 100 >= 10:
            keep = max(keep, 2)
    return b[len(b) - keep :]


def expand_pages(printed: str) -> str:
    """Inverse of the abbreviations: ``S156-61`` -> ``S156-S161`` (used for self-checks)."""
    printed = printed.replace(EN_DASH, "-")
    if "-" not in printed:
        return printed
    first, last = printed.split("-", 1)
    m1 = _PAGE_RE.match(first)
    m2 = re.match(r"^([A-Za-z]*)(\d+)$", last)
    if not (m1 and m2):
        return printed
    prefix, a = m1.group(1), m1.group(2)
    b = m2.group(2)
    if len(b) < len(a):
        b = a[: len(a) - len(b)] + b
    return f"{first}-{prefix}{b}"


# --------------------------------------------------------------------------- per-entry choices


class Choices:
    """Deterministic typography choices drawn from one shared ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: Iterable[tuple[str, float]]) -> str:
        opts = list(options)
        r = self.rng.random() * sum(w for _, w in opts)
        for value, weight in opts:
            r -= weight
            if r < 0:
                return value
        return opts[-1][0]

    def doi(self, doi: str, form: str) -> str:
        shown = DOI_DISPLAY.get(doi, doi) if self.chance(0.5) else doi
        return {
            "https": f"https://doi.org/{shown}",
            "dx": f"http://dx.doi.org/{shown}",
            "doi:": f"doi:{shown}",
            "doi: ": f"doi: {shown}",
            "DOI: ": f"DOI: {shown}",
        }[form]

    def quotes(self, curly_p: float, single: bool = False) -> tuple[str, str]:
        if self.chance(curly_p):
            return ("\u2018", "\u2019") if single else ("\u201c", "\u201d")
        return ("'", "'") if single else ('"', '"')

    def dash(self, en_p: float) -> str:
        return EN_DASH if self.chance(en_p) else "-"

    def access_date(self) -> str:
        day = self.rng.randint(1, 28)
        month = FULL_MONTHS[self.rng.randrange(12)]
        year = self.rng.choice((2023, 2024, 2025))
        return f"{day} {month} {year}"


def _label(**fields: object) -> dict[str, object]:
    label: dict[str, object] = dict.fromkeys(LABEL_KEYS)
    label["authors"] = []
    label["et_al"] = False
    for key, value in fields.items():
        assert key in LABEL_KEYS, key
        label[key] = value
    return label


def _nlm_date(rec: dict) -> str:
    """``2011 Dec 13`` from ``published`` when it agrees with ``year``, else ``2011``."""
    year = rec["year"]
    pub = rec.get("published") or ""
    if not pub.startswith(str(year)):
        return str(year)
    bits = pub.split("-")
    out = str(year)
    if len(bits) >= 2:
        out += " " + MONTHS[int(bits[1]) - 1]
    if len(bits) == 3:
        out += f" {int(bits[2])}"
    return out


def _is_chapter(rec: dict) -> bool:
    return rec["type"] == "book-chapter"


# --------------------------------------------------------------------------- styles


def render_apa(rec: dict, ch: Choices) -> tuple[str, dict]:
    form = "spaced" if ch.chance(0.8) else "tight"
    dash = ch.dash(0.8)
    people = [_person(a["family"], initials(a["given"], form)) for a in rec["authors"]]
    truncated = len(people) > 20
    if truncated:
        people = people[:19] + people[-1:]
    names = [f"{p['family']}, {p['given']}" for p in people]
    if len(names) == 1:
        author_str = names[0]
    elif truncated:
        author_str = ", ".join(names[:-1]) + ", . . . " + names[-1]
    else:
        author_str = ", ".join(names[:-1]) + ", & " + names[-1]
    year = rec["year"]
    date = f"({year})." if year else "(n.d.)."
    title = sentence_case(rec["title"], cap_after_colon=True)
    container = rec["container_title"]
    first, last = split_pages(rec["pages"])
    url = pmcid = None
    if _is_chapter(rec):
        inner = []
        if rec["volume"]:
            inner.append(f"Vol. {rec['volume']}")
        if first:
            inner.append(f"pp. {first}{dash}{last}" if last else f"p. {first}")
        source = f"In {container}" + (f" ({', '.join(inner)})" if inner else "") + "."
        if rec["publisher"]:
            source += f" {rec['publisher']}."
    else:
        source = container
        if rec["volume"]:
            source += f", {rec['volume']}"
            if rec["issue"]:
                source += f"({rec['issue']})"
            if first and last:
                source += f", {first}{dash}{last}"
            elif first:
                source += f", Article {first}"
        source += "."
    raw = f"{author_str} {date} {_title_punct(title, '.')} {source}"
    doi = rec["doi"]
    if doi:
        raw += " " + ch.doi(doi, ch.pick((("https", 0.7), ("dx", 0.15), ("doi:", 0.15))))
    elif rec["pmcid"] and not rec["volume"]:
        pmcid = rec["pmcid"]
        url = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/"
        raw += " " + url
    label = _label(
        authors=people,
        et_al=truncated,
        title=title,
        container_title=container,
        volume=rec["volume"],
        issue=None if _is_chapter(rec) else rec["issue"],
        pages=rec["pages"],
        year=year,
        doi=doi,
        pmcid=pmcid,
        url=url,
    )
    return raw, label


def _nlm_authors(rec: dict, max_listed: int, shown_when_truncated: int) -> tuple[str, list[dict], bool]:
    people = [_person(a["family"], initials(a["given"], "bare")) for a in rec["authors"]]
    truncated = len(people) > max_listed
    if truncated:
        people = people[:shown_when_truncated]
    names = ", ".join(f"{p['family']} {p['given']}" for p in people)
    return names + (", et al." if truncated else "."), people, truncated


def render_vancouver(rec: dict, ch: Choices) -> tuple[str, dict]:
    author_str, people, truncated = _nlm_authors(rec, 6, 6)
    title = rec["title"]  # as the database prints it (PubMed-style)
    first, last = split_pages(rec["pages"])
    page_str = None
    if first:
        page_str = f"{first}-{abbreviate_last(first, last, 'nlm')}" if last else first
    year = rec["year"]
    use_full_date = ch.chance(0.35)
    if _is_chapter(rec):
        container = sentence_case(rec["container_title"], cap_after_colon=False)
        source = f"In: {container}."
        if rec["volume"]:
            source += f" Vol. {rec['volume']}."
        pub = f"{rec['publisher']}; " if rec["publisher"] else ""
        source += f" {pub}{year}."
        if page_str:
            source += f" p. {page_str}."
    else:
        container = rec["container_abbrev"] or rec["container_title"]
        source = f"{container}."
        if year:
            date = _nlm_date(rec) if use_full_date else str(year)
            if rec["volume"]:
                source += f" {date};{rec['volume']}"
                if rec["issue"]:
                    source += f"({rec['issue']})"
                if page_str:
                    source += f":{page_str}"
                source += "."
            else:
                source += f" {date}."
    parts = [author_str, _title_punct(title, "."), source]
    doi = rec["doi"] if rec["doi"] and (not rec["volume"] or ch.chance(0.5)) else None
    pmid = rec["pmid"] if rec["pmid"] and ch.chance(0.5) else None
    pmcid = rec["pmcid"] if rec["pmcid"] and (pmid or not (rec["volume"] or doi)) else None
    ids = []
    if pmid:
        ids.append(f"PMID: {pmid}")
    if pmcid:
        ids.append(f"PMCID: {pmcid}")
    if doi:
        doi_text = ch.doi(doi, ch.pick((("doi:", 0.35), ("doi: ", 0.35), ("DOI: ", 0.15), ("https", 0.15))))
        parts.append(doi_text + ("." if ids or ch.chance(0.5) else ""))
    if ids:
        parts.append("; ".join(ids) + ".")
    label = _label(
        authors=people,
        et_al=truncated,
        title=title,
        container_title=container,
        volume=rec["volume"],
        issue=None if _is_chapter(rec) else rec["issue"],
        pages=rec["pages"],
        year=year,
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
    )
    return " ".join(parts), label


def render_ama(rec: dict, ch: Choices) -> tuple[str, dict]:
    author_str, people, truncated = _nlm_authors(rec, 6, 3)
    title = sentence_case(rec["title"], cap_after_colon=True)
    first, last = split_pages(rec["pages"])
    page_str = f"{first}-{last}" if last else first
    year = rec["year"]
    doi = rec["doi"]
    if _is_chapter(rec):
        container = rec["container_title"]
        source = f"In: {container}."
        if rec["volume"]:
            source += f" Vol {rec['volume']}."
        pub = f"{rec['publisher']}; " if rec["publisher"] else ""
        source += f" {pub}{year}" + (f":{page_str}" if page_str else "") + "."
    else:
        container = rec["container_abbrev"] or rec["container_title"]
        source = f"{container}."
        if year and rec["volume"]:
            source += f" {year};{rec['volume']}"
            if rec["issue"]:
                source += f"({rec['issue']})"
            if page_str:
                source += f":{page_str}"
            source += "."
        elif year and doi:
            source += f" Published online {year}."
        elif year:
            source += f" {year}."
    raw = f"{author_str} {_title_punct(title, '.')} {source}"
    if doi:
        raw += " " + ch.doi(doi, ch.pick((("doi:", 0.9), ("https", 0.1))))
    label = _label(
        authors=people,
        et_al=truncated,
        title=title,
        container_title=container,
        volume=rec["volume"],
        issue=None if _is_chapter(rec) else rec["issue"],
        pages=rec["pages"],
        year=year,
        doi=doi,
    )
    return raw, label


def render_harvard(rec: dict, ch: Choices) -> tuple[str, dict]:
    form = "tight" if ch.chance(0.7) else "spaced"
    dash = ch.dash(0.7)
    lq, rq = ch.quotes(0.5, single=True)
    people = [_person(a["family"], initials(a["given"], form)) for a in rec["authors"]]
    truncated = len(people) >= 4 and ch.chance(0.5)
    if truncated:
        people = people[:1]
    names = [f"{p['family']}, {p['given']}" for p in people]
    if truncated:
        author_str = names[0] + " et al."
    elif len(names) == 1:
        author_str = names[0]
    else:
        author_str = ", ".join(names[:-1]) + " and " + names[-1]
    year = rec["year"]
    date = f"({year})" if year else "(no date)"
    title = sentence_case(rec["title"], cap_after_colon=False)
    container = rec["container_title"]
    first, last = split_pages(rec["pages"])
    if _is_chapter(rec):
        source = f"in {container}"
        if rec["volume"]:
            source += f", vol. {rec['volume']}"
        source += "."
        if rec["publisher"]:
            source += f" {rec['publisher']}"
        if first:
            source += f", pp. {first}{dash}{last}" if last else f", p. {first}"
        source += "."
    else:
        source = container
        if rec["volume"]:
            source += f", {rec['volume']}"
            if rec["issue"]:
                source += f"({rec['issue']})"
            if first and last:
                source += f", pp. {first}{dash}{last}"
            elif first:
                source += f", {first}"
        source += "."
    raw = f"{author_str} {date} {lq}{title}{rq}, {source}"
    doi = rec["doi"] if rec["doi"] and (not rec["volume"] or ch.chance(0.75)) else None
    if doi:
        form_doi = ch.pick((("doi", 0.35), ("DOI", 0.1), ("avail", 0.35), ("accessed", 0.2)))
        if form_doi == "doi":
            raw += " " + ch.doi(doi, "doi:") + "."
        elif form_doi == "DOI":
            raw += " " + ch.doi(doi, "DOI: ") + "."
        elif form_doi == "avail":
            raw += " Available at: " + ch.doi(doi, "https") + "."
        else:
            raw += f" Available at: {ch.doi(doi, 'https')} (Accessed: {ch.access_date()})."
    label = _label(
        authors=people,
        et_al=truncated,
        title=title,
        container_title=container,
        volume=rec["volume"],
        issue=None if _is_chapter(rec) else rec["issue"],
        pages=rec["pages"],
        year=year,
        doi=doi,
    )
    return raw, label


def render_chicago(rec: dict, ch: Choices) -> tuple[str, dict]:
    lq, rq = ch.quotes(0.6)
    dash = ch.dash(0.8)
    authors = rec["authors"]
    truncated = len(authors) > 10
    shown = authors[:7] if truncated else authors
    people = [_person(a["family"], full_given(a["given"])) for a in shown]
    head = f"{people[0]['family']}, {people[0]['given']}"
    rest = [f"{p['given']} {p['family']}" for p in people[1:]]
    if truncated:
        author_str = ", ".join([head, *rest]) + ", et al."
    elif not rest:
        author_str = _end_sentence(head)
    elif len(rest) == 1:
        author_str = f"{head}, and {rest[0]}."
    else:
        author_str = ", ".join([head, *rest[:-1]]) + f", and {rest[-1]}."
    year = rec["year"]
    date = f"{year}." if year else "n.d."
    title = title_case(rec["title"])
    container = rec["container_title"]
    first, last = split_pages(rec["pages"])
    page_str = None
    if first:
        page_str = f"{first}{dash}{abbreviate_last(first, last, 'chicago')}" if last else first
    if _is_chapter(rec):
        source = f"In {container}"
        if rec["volume"]:
            source += f", vol. {rec['volume']}"
        if page_str:
            source += f", {page_str}"
        source += "."
        if rec["publisher"]:
            source += f" {rec['publisher']}."
    else:
        source = container
        if rec["volume"]:
            source += f" {rec['volume']}"
            if rec["issue"]:
                source += f" ({rec['issue']})"
            if page_str:
                source += f": {page_str}"
        source += "."
    raw = f"{author_str} {date} {lq}{_title_punct(title, '.')}{rq} {source}"
    doi = rec["doi"] if rec["doi"] and (not rec["volume"] or ch.chance(0.8)) else None
    if doi:
        raw += " " + ch.doi(doi, ch.pick((("https", 0.85), ("doi:", 0.15)))) + "."
    label = _label(
        authors=people,
        et_al=truncated,
        title=title,
        container_title=container,
        volume=rec["volume"],
        issue=None if _is_chapter(rec) else rec["issue"],
        pages=rec["pages"],
        year=year,
        doi=doi,
    )
    return raw, label


def render_nature(rec: dict, ch: Choices) -> tuple[str, dict]:
    form = "spaced" if ch.chance(0.85) else "tight"
    dash = ch.dash(0.8)
    people = [_person(a["family"], initials(a["given"], form)) for a in rec["authors"]]
    truncated = len(people) > 5
    if truncated:
        people = people[:1]
    names = [f"{p['family']}, {p['given']}" for p in people]
    if truncated:
        author_str = names[0] + " et al."
    elif len(names) == 1:
        author_str = names[0]
    else:
        author_str = ", ".join(names[:-1]) + " & " + names[-1]
    title = sentence_case(rec["title"], cap_after_colon=False)
    full = rec["container_title"]
    # Book-series chapters are cited like serial articles (Nature has no chapter-title form).
    container = NATURE_ABBREV.get(full) or ISO_ABBREV.get(full) or full
    first, last = split_pages(rec["pages"])
    year = rec["year"]
    doi = None
    source = container
    if rec["volume"]:
        source += f" {rec['volume']}"
        if first:
            source += f", {first}{dash}{last}" if last else f", {first}"
    elif rec["doi"]:
        doi = rec["doi"]
        source += " " + ch.doi(doi, "https")
    source += f" ({year})." if year else ("" if source.endswith(".") else ".")
    raw = f"{author_str} {_title_punct(title, '.')} {source}"
    label = _label(
        authors=people,
        et_al=truncated,
        title=title,
        container_title=container,
        volume=rec["volume"],
        pages=rec["pages"] if rec["volume"] else None,
        year=year,
        doi=doi,
    )
    return raw, label


def render_ieee(rec: dict, ch: Choices) -> tuple[str, dict]:
    form = "spaced" if ch.chance(0.9) else "tight"
    lq, rq = ch.quotes(0.6)
    dash = ch.dash(0.7)
    people = [_person(a["family"], initials(a["given"], form)) for a in rec["authors"]]
    truncated = len(people) > 6
    if truncated:
        people = people[:1]
    names = [f"{p['given']} {p['family']}" for p in people]
    if truncated:
        author_str = names[0] + " et al."
    elif len(names) <= 2:
        author_str = " and ".join(names)
    else:
        author_str = ", ".join(names[:-1]) + ", and " + names[-1]
    title = sentence_case(rec["title"], cap_after_colon=False)
    first, last = split_pages(rec["pages"])
    page_str = None
    if first:
        page_str = f"pp. {first}{dash}{last}" if last else f"Art. no. {first}"
    year = rec["year"]
    bits: list[str] = []
    if _is_chapter(rec):
        container = rec["container_title"]
        bits.append(f"in {container}")
        if rec["volume"]:
            bits.append(f"vol. {rec['volume']}")
        if rec["publisher"]:
            bits.append(rec["publisher"])
        if year:
            bits.append(str(year))
        if page_str:
            bits.append(page_str)
    else:
        full = rec["container_title"]
        container = IEEE_ABBREV.get(full) or ISO_ABBREV.get(full) or full
        bits.append(container)
        if rec["volume"]:
            bits.append(f"vol. {rec['volume']}")
        if rec["issue"]:
            bits.append(f"no. {rec['issue']}")
        if page_str:
            bits.append(page_str)
        if year:
            bits.append(str(year))
    doi = rec["doi"] if rec["doi"] and (not rec["volume"] or ch.chance(0.75)) else None
    if doi:
        bits.append(ch.doi(doi, ch.pick((("doi: ", 0.9), ("DOI: ", 0.1)))))
    raw = f"{author_str}, {lq}{_title_punct(title, ',')}{rq} " + _end_sentence(", ".join(bits))
    label = _label(
        authors=people,
        et_al=truncated,
        title=title,
        container_title=container,
        volume=rec["volume"],
        issue=None if _is_chapter(rec) else rec["issue"],
        pages=rec["pages"],
        year=year,
        doi=doi,
    )
    return raw, label


def render_mla(rec: dict, ch: Choices, variant: str) -> tuple[str, dict]:
    """``canonical`` MLA 9 (full names, title case) or the ``article`` variant of the example text."""
    authors = rec["authors"]
    truncated = len(authors) >= 3
    first, last = split_pages(rec["pages"])
    year = rec["year"]
    if variant == "canonical":
        lq, rq = ch.quotes(0.6)
        dash = ch.dash(0.6)
        people = [_person(a["family"], full_given(a["given"])) for a in authors[: 1 if truncated else 2]]
        head = f"{people[0]['family']}, {people[0]['given']}"
        if truncated:
            author_str = head + ", et al."
        elif len(people) == 2:
            author_str = f"{head}, and {people[1]['given']} {people[1]['family']}."
        else:
            author_str = _end_sentence(head)
        title = title_case(rec["title"])
        container = rec["container_title"]
        page_str = None
        if first:
            page_str = f"pp. {first}{dash}{abbreviate_last(first, last, 'mla')}" if last else f"p. {first}"
        doi_p = 0.7
    else:
        lq, rq = ch.quotes(0.8)
        dash = ch.dash(0.2)
        form = "spaced" if ch.chance(0.85) else "tight"
        people = [_person(a["family"], initials(a["given"], form)) for a in authors[: 1 if truncated else 2]]
        names = [f"{p['family']}, {p['given']}" for p in people]
        author_str = names[0] + " et al." if truncated else " and ".join(names)
        title = rec["title"]
        container = MLA_SHORT_NAME.get(rec["container_title"], rec["container_title"])
        page_str = None
        if first:
            page_str = f"pp. {first}{dash}{last}" if last else f"p. {first}"
        doi_p = 0.1
    bits = [container]
    if rec["volume"]:
        bits.append(f"vol. {rec['volume']}")
    if rec["issue"] and not _is_chapter(rec):
        bits.append(f"no. {rec['issue']}")
    if _is_chapter(rec) and rec["publisher"] and variant == "canonical":
        bits.append(rec["publisher"])
    if year:
        bits.append(str(year))
    if page_str:
        bits.append(page_str)
    doi = rec["doi"] if rec["doi"] and (not rec["volume"] or ch.chance(doi_p)) else None
    if doi:
        bits.append(ch.doi(doi, ch.pick((("https", 0.8), ("doi:", 0.2)))))
    raw = f"{author_str} {lq}{_title_punct(title, '.')}{rq} " + _end_sentence(", ".join(bits))
    label = _label(
        authors=people,
        et_al=truncated,
        title=title,
        container_title=container,
        volume=rec["volume"],
        issue=None if _is_chapter(rec) else rec["issue"],
        pages=rec["pages"],
        year=year,
        doi=doi,
    )
    return raw, label


# --------------------------------------------------------------------------- assembly

MARKER_P = {"mla": 0.2, "apa": 0.15, "vancouver": 0.6, "ama": 0.5, "harvard": 0.2, "chicago": 0.15, "nature": 0.4}


def _marker(style: str, n: int, ch: Choices) -> str:
    if style == "ieee":
        return f"[{n}] " if ch.chance(0.85) else ""
    if not ch.chance(MARKER_P[style]):
        return ""
    if style in ("vancouver", "ama", "nature"):
        return f"{n}. "
    return "- "


def _slug(rec: dict) -> str:
    family = rec["authors"][0]["family"] if rec["authors"] else "anon"
    ascii_name = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower()) + (str(rec["year"]) if rec["year"] else "nd")


def check_entry(entry: dict) -> None:
    """Self-check: every labelled value is visible in the raw string."""
    raw, exp = entry["raw"], entry["expected"]
    assert list(exp) == list(LABEL_KEYS), entry["id"]
    for key in ("title", "container_title", "volume", "issue", "pmid", "pmcid", "url"):
        if exp[key] is not None:
            assert exp[key] in raw, (entry["id"], key, exp[key])
    if exp["year"] is not None:
        assert str(exp["year"]) in raw, entry["id"]
    if exp["doi"] is not None:
        assert exp["doi"] == exp["doi"].lower() and exp["doi"] in raw.lower(), entry["id"]
    for person in exp["authors"]:
        assert person["family"] in raw and person["given"] in raw, (entry["id"], person)
    if exp["pages"] is not None:
        found = re.findall(r"[A-Za-z]*\d+(?:[-\u2013][A-Za-z]*\d+)?", raw)
        assert any(expand_pages(tok) == exp["pages"] for tok in found), (entry["id"], exp["pages"])


def build_entries(records: list[dict]) -> list[dict]:
    ch = Choices(random.Random(RANDOM_SEED))
    renderers = {
        "apa": render_apa,
        "vancouver": render_vancouver,
        "ama": render_ama,
        "harvard": render_harvard,
        "chicago": render_chicago,
        "nature": render_nature,
        "ieee": render_ieee,
    }
    entries: list[dict] = []
    seen: dict[str, int] = {}
    for style in STYLES:
        for n, rec in enumerate(records, start=1):
            if style == "mla":
                raw, label = render_mla(rec, ch, "canonical" if n % 2 else "article")
            else:
                raw, label = renderers[style](rec, ch)
            base = f"{style}-{_slug(rec)}"
            seen[base] = seen.get(base, 0) + 1
            entry_id = base if seen[base] == 1 else f"{base}{chr(ord('a') + seen[base] - 1)}"
            entry = {"id": entry_id, "style": style, "raw": _marker(style, n, ch) + raw, "expected": label}
            check_entry(entry)
            entries.append(entry)
    return entries


def load_records(path: Path = SEED_PATH) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dumps(entries: list[dict]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else OUT_PATH
    entries = build_entries(load_records())
    out.write_text(dumps(entries), encoding="utf-8")
    print(f"wrote {len(entries)} entries to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
