"""Split prose into sentences, decide which of them are claims, and find their attribution cues."""

from __future__ import annotations

import hashlib
import re

from citelens.records import Cue

_ABBREVIATIONS = {
    "e.g", "i.e", "al", "dr", "mr", "mrs", "ms", "prof", "fig", "figs", "vs", "cf", "approx", "no", "nos",
    "vol", "vols", "pp", "p", "ed", "eds", "st", "jr", "sr", "inc", "ltd", "co", "dept", "est",
    "ca", "resp", "suppl", "ref", "refs", "eq", "sect", "ch", "chap", "u.s", "u.k", "ph.d", "m.d",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "nat", "proc",
}
# Words that start a new sentence after "et al." ("... by Chen et al. The researchers ...")
_SENTENCE_STARTERS = {
    "the", "this", "these", "that", "those", "they", "their", "it", "its", "in", "a", "an", "however",
    "we", "our", "such", "both", "one", "further", "furthermore", "moreover", "also", "but", "yet",
}
_BOUNDARY_RE = re.compile(
    r"([.!?\u2026]+)([\"\u201d\u2019')\]]*(?:[\u00b9\u00b2\u00b3\u2070\u2074-\u2079,\u207b]+|\[\d[\d,\s\u2013-]*\])?)"
    r"(\s+)(?=[\"\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f])"
)
_WORD_BEFORE_RE = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations, initials and 'et al.' inside them."""
    sentences: list[str] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        if m.group(1) == ".":
            before = _WORD_BEFORE_RE.search(text, max(start, m.start() - 40), m.start())
            word = before.group(1).lower().lstrip("(\"“") if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                if word != "al":
                    continue
                nxt = text[m.end(): m.end() + 20].split(" ", 1)[0].lower()
                if nxt not in _SENTENCE_STARTERS:
                    continue
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):  # "U.S." "e.g."
                continue
        sentence = text[start: m.end(2)].strip()
        if sentence:
            sentences.append(sentence)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


_MIN_CLAIM_WORDS = 4


def is_claim_sentence(sentence: str) -> bool:
    """A claim asserts something: not a question, not a fragment, not a bare link."""
    s = sentence.strip().rstrip("\"”’)")
    if not s or s.endswith("?"):
        return False
    words = re.findall(r"[A-Za-z\u00c0-\u024f][\w'-]*", s)
    if len(words) < _MIN_CLAIM_WORDS:
        return False
    return not re.fullmatch(r"\s*(?:https?://\S+|www\.\S+)\s*", s)


def claim_key(section: str, text: str, seen: dict[str, int]) -> str:
    """A stable id for a claim: the same sentence under the same heading keeps its id across edits."""
    norm = re.sub(r"\s+", " ", f"{section}\x00{text}".lower()).strip()
    digest = hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]
    seen[digest] = seen.get(digest, 0) + 1
    return f"c{digest}" if seen[digest] == 1 else f"c{digest}-{seen[digest]}"


# --- attribution cues -----------------------------------------------------------------

_SURNAME = r"[A-Z\u00c0-\u024f][a-z\u00e0-\u024f]+(?:[-'\u2019][A-Z\u00c0-\u024f]?[a-z\u00e0-\u024f]+)*"
_ET_AL_CUE_RE = re.compile(
    rf"\b(?:(?:van|von|de|der|di|da|le|la)\s+)?({_SURNAME})(?:\s+(?:and|&)\s+({_SURNAME}))?"
    r"\s+(?:et\s+al\.?|and\s+(?:colleagues|co-?workers|coauthors))"
)
_PAREN_CITE_RE = re.compile(
    rf"\(\s*({_SURNAME})(?:\s+et\s+al\.?|\s+(?:and|&)\s+{_SURNAME})?,?\s+((?:19|20)\d{{2}})[a-z]?"
    r"(?:\s*[;,]\s*[^)]{0,120})?\)"
)
_YEAR_CUE_RE = re.compile(r"(?<![\d.,-])((?:19[5-9]|20[0-4])\d)(?![\d%])")
_PUBLISHED_IN_RE = re.compile(
    r"\b(?:published|appeared|reported|appearing)\s+in\s+(?:the\s+(?:journal\s+)?)?"
    r"((?:[A-Z][\w&'\u2019-]*)(?:\s+(?:[A-Z][\w&'\u2019-]*|of|the|and|for|in|on|&))*)"
)
_MARKER_RE = re.compile(r"\[(\d{1,5}(?:\s*[-\u2013,]\s*\d{1,5})*)\]")  # [7], [1000], [998–1002], [10000]
_SUP = "\u00b9\u00b2\u00b3\u2070\u2074-\u2079"
_SUPERSCRIPT_RE = re.compile(rf"(?<=[a-z.,)])([{_SUP}]+(?:[,\u207b-][{_SUP}]+)*)")
_SUPERSCRIPT_DIGITS = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b", "0123456789-")
_STUDY_RE = re.compile(
    r"\b(?:(?:a|one|this|the|several|many|some|recent|landmark|neuroimaging|animal|clinical|human|"
    r"twin|genetic)\s+)*(?:stud(?:y|ies)|research|trials?|meta-analys[ie]s|experiments?|surveys?)"
    r"(?:\s+(?:has|have|show(?:s|ed)?|indicates?|suggests?|found|demonstrat\w+|published|linked|"
    r"identified|documented|reported))?\b",
    re.I,
)
_SMALL_WORDS = {"of", "the", "and", "for", "in", "on", "&"}


def expand_markers(spec: str) -> list[int]:
    """'1, 3-5' -> [1, 3, 4, 5] (ranges capped so a typo cannot explode)."""
    numbers: list[int] = []
    for part in re.split(r"\s*,\s*", spec.replace("\u2013", "-")):
        if "-" in part:
            lo, _, hi = part.partition("-")
            if lo.strip().isdigit() and hi.strip().isdigit() and 0 < int(hi) - int(lo) <= 50:
                numbers.extend(range(int(lo), int(hi) + 1))
                continue
        if part.strip().isdigit():
            numbers.append(int(part))
    return numbers


def find_cues(text: str) -> list[Cue]:
    """The attribution cues in a claim: authors, years, journals, 'published in', markers, studies."""
    cues: list[Cue] = []
    for m in _ET_AL_CUE_RE.finditer(text):
        cues.append(Cue("author", m.group(0), m.group(1)))
        if m.group(2):
            cues.append(Cue("author", m.group(0), m.group(2)))
    for m in _PAREN_CITE_RE.finditer(text):
        if not any(c.kind == "author" and c.value == m.group(1) for c in cues):
            cues.append(Cue("author", m.group(0), m.group(1)))
    for m in _YEAR_CUE_RE.finditer(text):
        cues.append(Cue("year", m.group(0), m.group(1)))
    for m in _PUBLISHED_IN_RE.finditer(text):
        words = m.group(1).split()
        while words and words[-1].lower() in _SMALL_WORDS:
            words.pop()
        journal = " ".join(words)
        if journal:
            cues.append(Cue("published_in", m.group(0), journal))
            cues.append(Cue("journal", journal, journal))
    for m in _MARKER_RE.finditer(text):
        cues.append(Cue("marker", m.group(0), ",".join(map(str, expand_markers(m.group(1))))))
    for m in _SUPERSCRIPT_RE.finditer(text):
        spec = m.group(1).translate(_SUPERSCRIPT_DIGITS)
        cues.append(Cue("marker", m.group(0), ",".join(map(str, expand_markers(spec)))))
    for m in _STUDY_RE.finditer(text):
        cues.append(Cue("study", m.group(0)))
    return cues
