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

from citelens.read import GROUP_WORDS, expand_pages
from citelens.records import Author, Discrepancy, ParsedReference, Work

# --- thresholds (see the module docstring) ---------------------------------------------
TITLE_STRONG = 0.90  # with one more agreeing field: the same work
TITLE_EXACT = 0.97  # a long title this close, with the journal, first author or year: the same work
TITLE_GARBLED = 0.75  # with first author, year and volume/page/journal: the same work, title garbled
TITLE_DISCREPANT = 0.93  # below this the cited title is reported as different
AMBIGUITY_MARGIN = 0.05  # two accepted candidates closer than this: ambiguous
SHORT_TITLE_WORDS = 3  # a title of fewer words found in the string counts only as a garbled title
TITLE_FUZZY_MIN_CHARS = 20  # shorter titles count as printed only when they occur word for word
FIRST_AUTHOR_WORDS = 6  # the first author's name starts within this many words of the string (before the title)
AUTHORS_CHECKED = 10  # the record's first authors looked up in the string
CONTAINER_PREFIX_SHARE = 0.6  # a journal shortened to its leading words: at least this share of them
# A value the reference is said to get wrong is first looked up in the string glue-tolerantly: spaces and
# punctuation removed, OCR-like confusions folded. A discrepancy needs the value to be absent in that form too.
LOOSE_MIN_CHARS = 4  # shorter values are looked up only as words
LOOSE_FUZZY_MIN_CHARS = 12  # values this long may be found at a bounded edit distance ...
LOOSE_FUZZY_SCORE = 93  # ... a partial-ratio alignment at least this good (about 1 edit in 14 characters)

_STOPWORDS = {"of", "the", "and", "for", "in", "on", "a", "an", "de", "la", "le", "des", "du", "und", "fur", "to"}


_MARKUP_RE = re.compile(r"<[^>]{1,100}>")
_NOT_ALNUM_RUN_RE = re.compile(r"[^a-z0-9]+")
_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]")
_NOT_PRINTED_RE = re.compile(r"[^a-z0-9:?.\- ]+")
_USA_RE, _UK_RE = re.compile(r"\busa\b"), re.compile(r"\buk\b")


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Lower case, accents removed, markup and punctuation turned into single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _MARKUP_RE.sub(" ", text).lower().replace("&", " and ")
    text = _NOT_ALNUM_RUN_RE.sub(" ", text)
    return " ".join(text.split())


_SPELLING = [(re.compile(pattern), repl) for pattern, repl in (
    (r"our\b", "or"), (r"ise\b", "ize"), (r"ised\b", "ized"), (r"ising\b", "izing"), (r"isation\b", "ization"),
    (r"aemia\b", "emia"), (r"oestr", "estr"), (r"haem", "hem"))]


@lru_cache(maxsize=65536)
def _spelling(text: str) -> str:
    for pattern, repl in _SPELLING:
        text = pattern.sub(repl, text)
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
    text = _USA_RE.sub("u s a", text)
    text = _UK_RE.sub("u k", text)
    return [t for t in text.split() if t not in _STOPWORDS] or text.split()  # "A&A" is all stopwords


def container_matches(cited: str | None, *actual_names: str | None) -> bool:
    """Journal names agree: equal, an NLM/ISO abbreviation of the other, or a shortened form."""
    ct = _tokens(cited)
    if not ct:
        return False
    for name in actual_names:
        at = _tokens(name)
        if not at:
            continue
        if ct == at or (len(ct) == 1 and _is_acronym(ct[0], at)):
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
    return _NOT_ALNUM_RE.sub("", (value or "").lower())


_ROMAN_PAGES_RE = re.compile(r"^\s*([ivxlcdm]+)\s*(?:[-\u2013\u2014]+\s*([ivxlcdm]+))?\s*$", re.I)


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    m = re.match(r"^\s*([A-Za-z]*\d+[A-Za-z]?)\s*(?:[-\u2013\u2014]+\s*([A-Za-z]*\d+[A-Za-z]?))?", pages)
    if not m:
        roman = _ROMAN_PAGES_RE.match(pages)  # front matter: "xv-xvii", "xv--xvii"
        if roman:
            return roman.group(1).lower(), (roman.group(2) or "").lower() or None
        return pages.strip() or None, None
    first, last = expand_pages(m.group(1), m.group(2))
    return first, last


# --- the printed string -----------------------------------------------------------------

_SOFT_HYPHEN_RE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")
_LINE_HYPHEN_RE = re.compile(r"([a-z])[-\u2010\u2011]\s+([a-z])")
_YEAR_TOKEN_RE = re.compile(r"^((?:1[5-9]|20)\d\d)[a-z]?$")
_PAREN_YEAR_RE = re.compile(r"[(\[]\s*((?:1[5-9]|20)\d\d)[a-z]?\s*[)\]]")
_LIST_MARKER_RE = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)])\s*")


@dataclass(frozen=True)
class Printed:
    """A reference string as printed, normalised for looking values up in it.

    `text` is folded (case, accents, ligatures, markup and punctuation); `joined` is the same
    with words broken by a line-break hyphen rejoined ("oxy- tocin" -> "oxytocin"); `tokens`
    and `joined_tokens` are their words; `lower` is the raw string in lower case (identifiers).
    """

    raw: str
    lower: str
    text: str
    joined: str
    tokens: tuple[str, ...]
    joined_tokens: tuple[str, ...]
    squashed: str = ""  # `joined` without spaces and with OCR-like confusions folded (see `squash`)


@lru_cache(maxsize=4096)
def printed(raw: str) -> Printed:
    """The normalised forms of one printed reference string (cached: every candidate reads it)."""
    body = _LIST_MARKER_RE.sub("", _SOFT_HYPHEN_RE.sub("", raw or ""), count=1)
    body = unicodedata.normalize("NFKC", body)
    text = fold(body)
    # a hyphen followed by white space inside a word is a line break of the PDF, not a compound
    flat = unicodedata.normalize("NFKD", body)
    flat = "".join(ch for ch in flat if not unicodedata.combining(ch)).lower()
    joined = fold(_LINE_HYPHEN_RE.sub(r"\1\2", flat))
    return Printed(raw=raw, lower=" ".join((raw or "").lower().split()), text=text, joined=joined,
                   tokens=tuple(text.split()), joined_tokens=tuple(joined.split()), squashed=squash(joined))


# OCR-like confusions, folded to one side on both the record's value and the string
_OCR_FOLDS = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"), ("c", "e"))


@lru_cache(maxsize=65536)
def squash(text: str | None) -> str:
    """A text with words glued and OCR-like confusions folded, for glue-tolerant look-ups:
    "Measuring the dynamics" -> "measurlngthedynamles", "0xytocin" and "oxytocin" -> "oxytoeln"."""
    out = fold(text).replace(" ", "")
    for a, b in _OCR_FOLDS:
        out = out.replace(a, b)
    return out


def loosely_in(value: str | None, p: Printed) -> bool:
    """The value occurs in the string once spaces, punctuation and OCR-like confusions are ignored, exactly,
    or (a long value) at a bounded edit distance. Only used to rule a discrepancy out, never to accept."""
    v = squash(value)
    if len(v) < LOOSE_MIN_CHARS:
        return False
    if v in p.squashed:
        return True
    return len(v) >= LOOSE_FUZZY_MIN_CHARS and fuzz.partial_ratio(v, p.squashed) >= LOOSE_FUZZY_SCORE


def _find_sequence(needle: list[str], hay: tuple[str, ...], start: int = 0) -> int:
    """Index of the first occurrence of the token sequence `needle` in `hay`, or -1."""
    n = len(needle)
    if not n:
        return -1
    for i in range(start, len(hay) - n + 1):
        if hay[i] == needle[0] and list(hay[i:i + n]) == needle:
            return i
    return -1


def value_in(value: str | None, tokens: tuple[str, ...]) -> bool:
    """A number-like value (volume, issue, page) occurs as whole words of the string."""
    needle = fold(value).split()
    return bool(needle) and _find_sequence(needle, tokens) >= 0


def title_in(title: str | None, p: Printed) -> tuple[float, int]:
    """How well the record's title occurs in the string (0-1), and the word where it starts (-1: nowhere)."""
    score, start, _ = title_span(title, p)
    return score, start


def _word_at(hay: str, pos: int) -> int:
    """The index of the word of `hay` (single-spaced words) holding character `pos`."""
    pos = min(max(pos, 0), max(len(hay) - 1, 0))
    while pos < len(hay) - 1 and hay[pos] == " ":
        pos += 1
    return hay[:pos].count(" ")


def _best_words(title: str, words: list[str], start: int, end: int) -> tuple[int, int]:
    """The whole words around a fuzzy alignment [start, end) that read most like the title: the alignment is a
    window of the title's length, which can start inside a word ("0xytocin") or end on the next one."""
    best = (-1.0, start, end)
    for s in (start - 1, start, start + 1):
        for e in (end - 1, end, end + 1):
            if 0 <= s < e <= len(words):
                score = fuzz.ratio(title, " ".join(words[s:e]))
                if score > best[0]:
                    best = (score, s, e)
    return best[1], best[2]


def title_span(title: str | None, p: Printed) -> tuple[float, int, int]:
    """How well the record's title occurs in the string (0-1), and the words it spans there [start, end)
    (-1, -1: nowhere).

    Exact containment scores 1.0; a title printed without its subtitle 0.95; otherwise the best
    fuzzy alignment of the title inside the string (OCR errors, lost spaces), for titles long
    enough that a fuzzy hit cannot be a coincidence of a few common words. A fuzzy alignment
    that starts or ends inside a word ("0xytocin" for "oxytocin") spans that whole word.
    """
    t = _spelling(fold(title))
    if not t:
        return 0.0, -1, -1
    best, where, end = 0.0, -1, -1
    if len(t.split()) < SHORT_TITLE_WORDS:  # "Oxytocin" occurs in many strings: only a weak sign
        for hay in (_spelling(p.text), _spelling(p.joined)):
            idx = _find_sequence(t.split(), tuple(hay.split()))
            if idx >= 0:
                return TITLE_GARBLED + 0.05, idx, idx + len(t.split())
        return 0.0, -1, -1
    for hay in (_spelling(p.text), _spelling(p.joined)):
        words = t.split()
        idx = _find_sequence(words, tuple(hay.split()))
        if idx >= 0:
            return 1.0, idx, idx + len(words)
        main = re.split(r"\s*[:?.]\s+|\s+-\s+", fold_keep_colon(title), maxsplit=1)[0]
        main_words = _spelling(fold(main)).split()
        if 4 <= len(main_words) < len(words) and len(main_words) >= 0.4 * len(words):
            idx = _find_sequence(main_words, tuple(hay.split()))
            if idx >= 0 and best < 0.95:
                best, where, end = 0.95, idx, idx + len(main_words)
        if len(t) >= TITLE_FUZZY_MIN_CHARS and len(words) >= 3:
            al = fuzz.partial_ratio_alignment(t, hay)
            if al is not None and al.score / 100.0 > best:
                best = al.score / 100.0
                where, end = _best_words(t, hay.split(), _word_at(hay, al.dest_start),
                                         _word_at(hay, al.dest_end - 1) + 1)
    if best < TITLE_GARBLED:  # a poor alignment locates nothing
        return best, -1, -1
    return best, where, end


def fold_keep_colon(text: str | None) -> str:
    """Like `fold` but the subtitle separators (:, ?, ., ' - ') are kept, to split a title from its subtitle."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_PRINTED_RE.sub(" ", text.lower())


def _family_tokens(family: str) -> list[str]:
    return [t for t in fold(family).split() if t]


def author_position(family: str | None, p: Printed) -> int:
    """The word index where a family name occurs in the string, or -1 ("Baron-Cohen", "von Dawans", "SILVA")."""
    toks = _family_tokens(family or "")
    if not toks:
        return -1
    idx = _find_sequence(toks, p.tokens)
    if idx < 0 and len(toks) > 1:
        compact = "".join(toks)
        idx = next((i for i, t in enumerate(p.tokens) if t == compact), -1)
        if idx < 0 and len(toks[-1]) > 2:  # particles dropped or moved: "Cagna, F. D." for "De Cagna"
            idx = next((i for i, t in enumerate(p.tokens) if t == toks[-1]), -1)
    return idx


def container_in(names: tuple[str | None, ...], hay: tuple[str, ...]) -> bool:
    """The journal occurs in the words `hay` (the string outside the title), in full or abbreviated
    (ISO 4 / NLM: "J. Chem. Phys.", "Proc Natl Acad Sci USA"), as an acronym ("PNAS", "JAMA"), or
    shortened to its leading words."""
    full = tuple(fold(" ".join(hay)).split())
    hay = tuple(_tokens(" ".join(hay)))
    for name in names:
        want = _tokens(name)
        if not want:
            continue
        if all(t in _STOPWORDS for t in want):  # "A&A": look for the words as they are
            if _find_sequence(want, full) >= 0:
                return True
            continue
        n = len(want)
        if any(_is_acronym(tok, want) for tok in hay):
            return True
        for i, tok in enumerate(hay):
            if not _token_pair(tok, want[0], single=n == 1):
                continue
            k = 1
            while k < n and i + k < len(hay) and _token_pair(hay[i + k], want[k], single=False):
                k += 1
            substantial = any(len(t) >= 3 for t in hay[i:i + k])
            if substantial and (k == n or (k >= 2 and k >= CONTAINER_PREFIX_SHARE * n)):
                return True
    return False


def _is_acronym(token: str, words: list[str]) -> bool:
    """"pnas" for Proceedings of the National Academy of Sciences (of the USA), "bmj", "jama"."""
    if len(token) < 3 or len(words) < 3 or not token.isalpha():
        return False
    initials = "".join(w[0] for w in words)
    return initials.startswith(token) and len(token) >= CONTAINER_PREFIX_SHARE * len(words) or initials == token


def _token_pair(printed_tok: str, record_tok: str, *, single: bool) -> bool:
    if printed_tok == record_tok:
        return True
    if single:  # a one-word journal ("Neuron", "Nature") must be printed in full or nearly
        return len(printed_tok) >= 4 and record_tok.startswith(printed_tok) and len(printed_tok) >= 0.6 * len(
            record_tok)
    return _abbrev_token_matches(printed_tok, record_tok) or _abbrev_token_matches(record_tok, printed_tok)


def string_years(p: Printed) -> set[int]:
    return {int(m.group(1)) for t in p.tokens if (m := _YEAR_TOKEN_RE.match(t))}


def printed_year(ref: ParsedReference, p: Printed) -> int | None:
    """The year the string gives: the parsed year when it is printed, else a year in brackets."""
    if ref.year and ref.year in string_years(p):
        return ref.year
    m = _PAREN_YEAR_RE.search(p.lower)
    return int(m.group(1)) if m else None


@dataclass
class Found:
    """Which of a candidate's values occur in the printed string."""

    raw: str = ""
    title: float = 0.0
    title_at: int = -1
    title_end: int = -1  # the printed title spans the words [title_at, title_end)
    rest: tuple[str, ...] = ()  # the words outside the title, fused numbers split into the record's values
    first_author: bool | None = None
    first_author_anywhere: bool = False
    authors_found: float | None = None
    container: bool | None = None
    year: bool | None = None
    year_close: bool = False
    volume: bool | None = None
    issue: bool | None = None
    first_page: bool | None = None
    last_page: bool | None = None
    doi: bool | None = None

    def missing(self) -> list[str]:
        names = [("first author", self.first_author), ("journal", self.container), ("year", self.year),
                 ("volume", self.volume), ("first page", self.first_page)]
        return [n for n, v in names if v is False] + (["title"] if self.title < TITLE_GARBLED else [])


def clear_caches() -> None:
    """Let go of the look-ups remembered while matching (folded strings, printed strings): tens of MB
    after 10,000 references, of no use to the stages that follow."""
    for cached in (fold, _spelling, printed, squash):
        cached.cache_clear()


def find_in_string(work: Work, p: Printed) -> Found:
    """Look each of the candidate's values up in the printed string."""
    f = Found(raw=p.raw)
    f.title, f.title_at, f.title_end = title_span(work.title, p)
    families = [a.family for a in work.authors if a.family]
    if families:
        pos = author_position(families[0], p)
        f.first_author_anywhere = pos >= 0
        limit = FIRST_AUTHOR_WORDS if f.title_at < 0 else min(FIRST_AUTHOR_WORDS, f.title_at)
        f.first_author = 0 <= pos <= max(limit, 1)
        head = f.title_at if f.title_at > 0 else len(p.tokens)
        found = [author_position(fam, p) for fam in families[:AUTHORS_CHECKED]]
        f.authors_found = sum(1 for i in found if 0 <= i < head) / len(found)
    # the other values are looked up outside the title, where the journal, numbers and year are printed
    rest = p.tokens
    if f.title >= TITLE_STRONG and f.title_at >= 0:
        rest = p.tokens[: f.title_at] + p.tokens[f.title_end:]
    first, last = split_pages(work.pages)
    rest = unfuse_numbers(rest, work, first, last)
    f.rest = rest
    if work.container_title or work.container_abbrev:
        f.container = container_in((work.container_title, work.container_abbrev), rest)
    if work.year:
        years = {int(m.group(1)) for t in rest if (m := _YEAR_TOKEN_RE.match(t))}
        candidates = {work.year, *work.other_years}
        f.year = bool(candidates & years)
        f.year_close = any(abs(y - c) <= 1 for y in years for c in candidates)
    if work.volume:  # "20(4)" printed as "204" once the brackets are lost
        f.volume = value_in(work.volume, rest) or bool(work.issue and value_in(work.volume + work.issue, rest)) or (
            work.volume.isdigit() and any(t[1:] == work.volume and t[0].isalpha() for t in rest))  # "B133"
    if work.issue:
        f.issue = value_in(work.issue, rest)
    if first:  # a one-digit first page ("1", also an issue or a list number) counts only with its last page
        f.first_page = value_in(first, rest) and (len(first) > 1 or bool(last and value_in(last, rest)))
    if last:
        f.last_page = value_in(last, rest) or value_in(_short_last_page(first, last), rest)
    if work.doi:
        # the whole DOI, not the start of a longer one ("10.1073/pnas.1113079108xyz" is another DOI)
        f.doi = _whole_doi_in(work.doi.lower(), p.lower)
    return f


def _whole_doi_in(doi: str, text: str) -> bool:
    """The whole DOI in `text`, not the start of a longer one: what follows it is closing punctuation,
    then a space or the end."""
    at = text.find(doi)
    while at >= 0:
        if _DOI_END_RE.match(text, at + len(doi)):
            return True
        at = text.find(doi, at + 1)
    return False


_DOI_END_RE = re.compile(r"[.,;)\]]*(?:\s|$)")
_NEXT_WORDS_RE = re.compile(r"(?:\s+\w+){1,3}")


def _number_values(work: Work, first: str | None, last: str | None) -> set[str]:
    """The record's numbers, as they can be printed: year, volume, issue (and the parts of an issue range
    "1-3"), first and last page, the last page shortened ("1187-93")."""
    values = {str(work.year or ""), work.volume or "", work.issue or "", first or "", last or "",
              _short_last_page(first, last) if first and last else ""}
    values |= set(re.split(r"[-\u2013/]", work.issue or ""))
    values = {fold(v) for v in values}
    return {v for v in values if v and v.isalnum() and any(ch.isdigit() for ch in v)}  # "56b", "s156" too


def unfuse_numbers(tokens: tuple[str, ...], work: Work, first: str | None, last: str | None) -> tuple[str, ...]:
    """The words with numbers that lost their separators split, in place, into the record's values:
    "2013;465557" -> 2013 465 557; "200929138-42" -> 2009 29 1 38 42; "891-3" -> 89 1 3. Only a split of the
    whole number into 2 to 4 of the record's own values counts; a number that is one of them stays whole.
    Volumes and pages with letters count too: "199756b" -> 1997 56b."""
    values = _number_values(work, first, last)
    if not values:
        return tokens
    out: list[str] = []
    for tok in tokens:
        numeric = tok.isalnum() and tok[:1].isdigit()  # "200929138", "199756b"
        parts = None if not numeric or len(tok) < 2 or tok in values else _split_into(tok, values, 4)
        out.extend(parts or (tok,))
    return tuple(out)


def _split_into(digits: str, values: set[str], most: int) -> list[str] | None:
    """`digits` as a concatenation of 2..`most` of `values` (the first split found, longest parts first)."""
    if most < 2:
        return None
    for i in range(len(digits) - 1, 0, -1):
        head, tail = digits[:i], digits[i:]
        if head not in values:
            continue
        if tail in values:
            return [head, tail]
        rest = _split_into(tail, values, most - 1)
        if rest:
            return [head, *rest]
    return None


def _short_last_page(first: str | None, last: str) -> str:
    """The last page as abbreviated after the first: 1187-1193 -> 93, S156-S161 -> 61."""
    if not first or len(first) != len(last):
        return last
    i = 0
    while i < len(last) - 1 and first[i] == last[i]:
        i += 1
    return last[i:]


@dataclass
class Comparison:
    """How a cited reference compares with one candidate work.

    Each flag combines the two readings of the reference: the parsed field agrees with the
    record, or the record's value occurs in the printed string. True: agrees; False: the
    reference gives this field and it differs; None: the reference does not give it.
    """

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
    found: Found | None = None
    accepted: bool = False
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


def _eq(cited: str | None, actual: str | None) -> bool | None:
    if not cited or not actual:
        return None
    return _norm_id(cited) == _norm_id(actual)


def _either(parsed: bool | None, in_string: bool | None) -> bool | None:
    """Agreement from either reading; a disagreement only when the parsed field disagrees and the
    record's value is not printed either; nothing when the reference does not give the field."""
    if parsed or in_string:
        return True
    return False if parsed is False else None


def compare(ref: ParsedReference, work: Work, raw: str | None = None) -> Comparison:
    """Compare a reference (its parsed fields and, when given, its printed string) with a candidate."""
    cited_families = [a.family for a in ref.authors]
    actual_families = [a.family for a in work.authors]
    first_author = None
    overlap = None
    if cited_families and actual_families:
        first_author = _family_matches(cited_families[0], actual_families[0])
        found_names = sum(1 for c in cited_families if any(_family_matches(c, a) for a in actual_families))
        overlap = found_names / len(cited_families)
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
    if raw and raw.strip():
        _add_printed(cmp, find_in_string(work, printed(raw)))
    _decide(ref, cmp)
    return cmp


def _add_printed(c: Comparison, f: Found) -> None:
    c.found = f
    c.title = max(c.title, f.title)
    c.first_author = _either(c.first_author, f.first_author)
    if f.authors_found is not None:
        c.author_overlap = max(c.author_overlap or 0.0, f.authors_found) if c.author_overlap is not None or \
            f.authors_found else c.author_overlap
    c.year = _either(c.year, f.year)
    c.year_close = c.year_close or f.year_close or bool(c.year)
    c.container = _either(c.container, f.container)
    c.volume = _either(c.volume, f.volume)
    c.issue = _either(c.issue, f.issue)
    c.first_page = _either(c.first_page, f.first_page)
    c.last_page = _either(c.last_page, f.last_page) if c.last_page is not None or f.last_page else c.last_page
    c.doi = True if f.doi else c.doi


def _decide(ref: ParsedReference, c: Comparison) -> None:
    long_title = len(fold(ref.title).split()) >= 6 or (c.found is not None and len(fold(c.work.title).split()) >= 6)
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
        accepted = True  # journal, volume, page and author identify the article; the title is garbled or absent
    elif c.container and c.year and c.volume and c.first_page and c.found is not None and (
            c.found.container and c.found.volume and c.found.first_page):
        accepted = True  # journal, year, volume and first page printed: the article, whatever the author reads
    elif c.first_author and c.container and c.volume and c.first_page and c.found is not None and (
            c.found.first_author and c.found.container and c.found.volume and c.found.first_page):
        accepted = True  # first author, journal, volume and first page printed: the article, whatever the year
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
    if c.found is not None and c.found.missing():
        reasons.append("not in the printed string: " + ", ".join(c.found.missing()))
    return reasons


_NOT_NAMES = {"et", "al", "etal", "others", "and", "colaboradores", "col", "ua", "coll", "autres", "andere",
              "jr", "jnr", "sr", "snr", "iii"}  # and generational suffixes: "McKinney, George W., III"


_CONJUNCTION_RE = re.compile(r"^(?:and|e|y|et|und|en|og|och|i)\s+", re.I)


def _holds_family(cited: str, families: list[str]) -> bool:
    """A cited "name" that holds one of the record's family names (3+ letters) glued to other letters."""
    key = squash(cited)
    return any(len(k := squash(a)) >= 3 and k in key for a in families)


def _container_printed(w: Work, p: Printed) -> bool:
    """The record's journal occurs anywhere in the string: by words (abbreviated too), or glued."""
    names = (w.container_title, w.container_abbrev)
    return (container_in(names, p.tokens) or container_in(names, p.joined_tokens)
            or any(loosely_in(n, p) for n in names if n))


_GIVES_NUMBER_RE = re.compile(r"\d|^[ivxlc]+$", re.I)  # front-matter Roman numerals: "xv", not "m"


def _gives_number(value: str | None) -> bool:
    """A volume, issue or page as a string gives one: a digit, or a Roman numeral."""
    return bool(value) and _GIVES_NUMBER_RE.search(fold(value).replace(" ", "")) is not None


def _number_printed(value: str | None, f: Found) -> bool:
    """The record's volume, issue or page occurs as words outside the title, numbers that lost their
    separators split into the record's values; a one-digit value counts here (only to rule a discrepancy out)."""
    return bool(value) and value_in(value, f.rest)


# the parser's group-author words, and "Group" alone: "Particle Data Group" is printed before the persons
_GROUP_NAME_RE = re.compile(rf"\b(?:{GROUP_WORDS}|group|working\s+party)\b", re.I)


def _is_group(author: Author, raw: str) -> bool:
    """A group author: a group word in the name, or in the words the string prints right after it."""
    if _GROUP_NAME_RE.search(f"{author.family} {author.given}"):
        return True
    at = raw.find(author.family)
    while at >= 0 and author.family:
        m = _NEXT_WORDS_RE.match(raw, at + len(author.family))
        if m:
            return bool(_GROUP_NAME_RE.search(m.group(0)))
        at = raw.find(author.family, at + 1)
    return False


def _plausible_surname(name: str, w: Work) -> bool:
    """A cited name that can be an author the record lacks: not a number, initials, a given name of one of
    the record's authors, "et al.", a conjunction ("e Du", "und Du") or a word of the journal or title."""
    bare = _CONJUNCTION_RE.sub("", name.strip())
    key = family_key(bare)
    words = fold(bare).split()
    if len(key) < 3 or not key.isalpha() or key in _NOT_NAMES or len(words) > 3 or _words_of_record(bare, w):
        return False
    families = [fold(a.family).split() for a in w.authors]
    if any(_family_matches(bare, a.family) for a in w.authors) or any(
            f and words[0] in f for f in families):  # "Kitchin JD" for Kitchin, "Stech B" for Stech
        return False
    given = {t for a in w.authors for t in fold(a.given).split()}
    # "Jorge A.": the record's given names and initials, not another author
    return key not in given and not all(t in given or len(t) == 1 for t in words)


def _words_of_record(name: str, w: Work) -> bool:
    """A "name" that is a word of the record's journal or title (a journal misread as an author: "J. Chem.")."""
    words = _tokens(w.container_title) + _tokens(w.container_abbrev) + fold(w.title).split()
    return all(any(t == x or _abbrev_token_matches(t, x) for x in words) for t in fold(name).split())


def _looks_like_title(ref: ParsedReference, w: Work) -> bool:
    """The parsed title is a title, not the author list, the journal or numbers read as one."""
    words = fold(ref.title).split()
    if len(words) < 2:
        return False
    names = {t for a in w.authors for t in fold(f"{a.family} {a.given}").split()}
    names |= set(_tokens(w.container_title)) | set(_tokens(w.container_abbrev))
    other = [t for t in words if t in names or any(ch.isdigit() for ch in t) or len(t) == 1
             or t in ("et", "al", "and")]
    return len(other) < 0.5 * len(words)


def _discrepancies(ref: ParsedReference, c: Comparison) -> tuple[list[Discrepancy], list[str]]:
    """The fields the reference really gets wrong: the record's value is not in the printed string (when
    the string is known) and the reference gives another value. A field it does not give is unchecked."""
    w = c.work
    f = c.found
    out: list[Discrepancy] = []
    unchecked: list[str] = []
    p = printed(f.raw) if f is not None else None
    cited_names = [a.family for a in ref.authors]
    # a record's "family name" without two letters ("." or "L") cannot be compared with anything
    actual_names = [a.family for a in w.authors if len(family_key(a.family)) >= 2]
    if cited_names and actual_names:
        first_wrong = not _family_matches(cited_names[0], actual_names[0]) and not (f and f.first_author_anywhere)
        if first_wrong and p is not None and (loosely_in(actual_names[0], p) or _holds_family(cited_names[0],
                                                                                              actual_names)):
            first_wrong = False  # the record's first author is printed, glued or misspelt by OCR
        if first_wrong:
            out.append(Discrepancy("first_author", cited_names[0], actual_names[0]))
        missing = [n for n in cited_names if not any(_family_matches(n, a) for a in actual_names)]
        if f is not None and p is not None:
            head = f.title_at if f.title_at > 0 else len(p.tokens)
            missing = [n for n in missing if 0 <= author_position(n, p) < head]
            # "d lori a." (initials glued to a name), "andHaglin": a record author inside the cited name
            missing = [n for n in missing if not _holds_family(n, actual_names)]
            if any(ch.isupper() for ch in p.raw):  # surnames are capitalised where the string has capitals
                missing = [n for n in missing if not n.islower()]
        # a cited author the record does not have; a shortened list ("et al.", or none) is never one;
        # nor is a group ("Particle Data Group Collaboration"), which records often leave out
        groups = {a.family for a in ref.authors if _is_group(a, f.raw if f is not None else "")}
        missing = [n for n in missing if n not in groups and _plausible_surname(n, w)]
        if missing and not (len(missing) == 1 and first_wrong and len(cited_names) == 1):
            out.append(Discrepancy("authors", cited_names, actual_names))
    elif cited_names:
        unchecked.append("authors")
    title_printed = f is not None and (f.title >= TITLE_DISCREPANT or (p is not None and loosely_in(w.title, p)))
    if ref.title and w.title and c.title < TITLE_DISCREPANT and not title_printed and _looks_like_title(ref, w):
        out.append(Discrepancy("title", ref.title, w.title))
    if ref.container_title:
        if c.container is False and p is not None and _container_printed(w, p):
            pass  # the record's journal is printed, glued to a word or broken by OCR: the parse misread it
        elif c.container is False:
            out.append(Discrepancy("container_title", ref.container_title, w.container_title or w.container_abbrev))
        elif c.container is None:
            unchecked.append("container_title")
    for name, flag, cited, actual in (("volume", c.volume, ref.volume, w.volume),
                                      ("issue", c.issue, ref.issue, w.issue)):
        if cited:
            if flag is False and f is not None and (not _gives_number(cited) or _number_printed(actual, f)):
                pass  # the string gives no such number ("m" read from "núm."), or gives the record's one
            elif flag is False:
                out.append(Discrepancy(name, cited, actual))
            elif flag is None:
                unchecked.append(name)
    if ref.first_page:
        first, last = split_pages(w.pages)
        if f is not None and (c.first_page is False or c.last_page is False) and (
                not _gives_number(ref.first_page) or (_number_printed(first, f) and (
                    not last or c.last_page is not False or _number_printed(last, f)
                    or _number_printed(_short_last_page(first, last), f)))):
            pass  # the record's pages are printed (glued, or a one-digit page), or the string gives none
        elif c.first_page is False or c.last_page is False:
            first, last = split_pages(w.pages)
            out.append(Discrepancy("pages", ref.pages, f"{first}-{last}" if last else first))
        elif c.first_page is None:
            unchecked.append("pages")
    cited_year = ref.year if f is None else printed_year(ref, printed(f.raw))
    if cited_year and w.year:
        if c.year is False or (f is not None and not f.year and cited_year not in {w.year, *w.other_years}):
            out.append(Discrepancy("year", cited_year, w.year))
    elif ref.year:
        unchecked.append("year")
    if ref.doi and w.doi and c.doi is False:
        out.append(Discrepancy("doi", ref.doi, w.doi))
    if ref.pmid and w.pmid and ref.pmid != w.pmid:
        out.append(Discrepancy("pmid", ref.pmid, w.pmid))
    return out, unchecked
