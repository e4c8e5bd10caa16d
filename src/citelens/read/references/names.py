"""Split an author list into persons with a second, small learned labeller.

Each token of the author span gets one of: `FB` / `GB` (the family or given name that opens a
person), `F` / `G` (more of it), `S` (between persons: ",", ";", "and", "&", "et"), `E` ("et al.",
"and others") or `O` (inside a person, such as the comma of "Smith, J."). Persons start at
`FB` or `GB`; a family name is the text from its first to its last `F` token, a given name
likewise, so "von Dawans" and "M.-P." keep their spacing and hyphens.

Training labels come from the corpora's `fields.authors` aligned to the author span's tokens
(see `name_labels`); strings whose persons cannot be found token for token are left out.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ...records import Author
from .features import KEYWORDS, PARTICLES
from .tokens import Token, tokenize

NAMES_MODEL_NAME = "reference-names-v4.crfsuite"
_INITIALS_RE = re.compile(r"(?:[A-Z\u00c0-\u024f]\.\s?-?){1,4}")
_BARE_INITIALS_RE = re.compile(r"[A-Z\u00c0-\u00de]{1,3}")
_SEPARATORS = {",", ";", "&", "and", "und", "et", "y", "e", "/", "with"}


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(text))


def _find(tokens: list[Token], words: tuple[str, ...], start: int, stop: int) -> int:
    n = len(words)
    if n == 0:
        return -1
    for i in range(start, min(stop, len(tokens)) - n + 1):
        if all(tokens[i + k].text == words[k] for k in range(n)):
            return i
    return -1


def name_labels(text: str, persons: list[dict[str, Any]], offset: int = 0, tokens: list[Token] | None = None
                ) -> tuple[list[Token], list[str]] | None:
    """Tokens of an author list and labels aligned to `persons` ({"family", "given"}); None when they do not align.

    `tokens` are `text`'s tokens when the caller has them already (the labels depend on their texts only).
    """
    if tokens is None:
        tokens = tokenize(text, offset)
    labels = ["S"] * len(tokens)
    pos = 0
    for person in persons:
        fam = _words(person.get("family") or "")
        giv = _words(person.get("given") or "")
        fi = _find(tokens, fam, pos, len(tokens))
        if fi == -1:
            return None
        gi = -1
        if giv:
            gi = _find(tokens, giv, pos, fi) if fi > pos else -1  # given first: "J. Smith"
            after = _find(tokens, giv, fi + len(fam), fi + len(fam) + 3 + len(giv))
            if after != -1 and (gi == -1 or fi - (gi + len(giv)) > 1):
                gi = after
            if gi == -1:
                return None
        first = fi if gi == -1 else min(fi, gi)
        last = fi + len(fam) if gi == -1 else max(fi + len(fam), gi + len(giv))
        for x in range(first, last):
            labels[x] = "O"
        for x in range(fi, fi + len(fam)):
            labels[x] = "F"
        if gi != -1:
            for x in range(gi, gi + len(giv)):
                labels[x] = "G"
        labels[first] = labels[first] + "B"
        pos = last
    for i, tok in enumerate(tokens):
        if labels[i] == "S" and KEYWORDS.get(tok.text.lower()) == "etal" and not (
                tok.text.lower() == "et" and i + 1 < len(tokens) and tokens[i + 1].text.lower() != "al"):
            labels[i] = "E"
    for i in range(1, len(tokens)):  # the period of "al."
        if labels[i] == "S" and tokens[i].text == "." and labels[i - 1] == "E":
            labels[i] = "E"
    return tokens, labels


def persons_from(raw: str, tokens: list[Token], labels: list[str]) -> tuple[list[Author], bool]:
    """Group labelled tokens into authors; also say whether the list ends in "et al."."""
    people: list[list[tuple[str, int, int]]] = []
    comma = []  # whether a comma stands inside the person ("Smith, J.")
    et_al = False
    for tok, lab in zip(tokens, labels, strict=True):
        if lab == "E":
            et_al = True
            continue
        if lab in ("FB", "GB") or (lab in ("F", "G") and not people):
            people.append([])
            comma.append(False)
        if lab in ("F", "FB", "G", "GB"):
            people[-1].append((lab[0], tok.start, tok.end))
        elif lab == "O" and tok.text == "," and people:
            comma[-1] = True
    if len(people) == 2 and not comma[0] and not comma[1] and all(p[0] == "F" for p in people[0]) \
            and _one_inverted_person(raw, tokens, labels, people):
        # "Hendry, George Stuart" / "De Felice, Renzo": one person printed family name first, read as two
        people = [people[0] + [("G", people[1][0][1], people[1][-1][2])]]
        comma = [True]
    authors: list[Author] = []
    vancouver: list[bool] = []
    for parts, has_comma in zip(people, comma, strict=True):
        family, given, fam, giv = _family_given(raw, parts, has_comma)
        family = " ".join(family.split()).strip(" ,;")
        given = " ".join(given.split()).strip(" ,;")
        family, given = _capitals_family(family, given)
        if not given:
            family, given = _trailing_initials(family)
        if family:
            authors.append(Author(family, given))
            vancouver.append(bool(fam and giv and giv[0][1] > fam[-1][2] and not has_comma))
    # a person read as two: "SILVA" and "J. A." (initials alone are never a family name)
    k = 0
    while k + 1 < len(authors):
        if not authors[k].given and _INITIALS_RE.fullmatch(authors[k + 1].family) and not authors[k + 1].given:
            authors[k] = Author(authors[k].family, authors[k + 1].family)
            del authors[k + 1]
            del vancouver[k + 1]
            vancouver[k] = False
        k += 1
    # Vancouver prints initials without periods ("Chen FS, Heinrichs M."): the last one's period is the sentence's
    if authors and vancouver[-1] and re.fullmatch(r"[A-Z\u00c0-\u024f]{1,4}\.", authors[-1].given) \
            and all("." not in a.given for a in authors[:-1]):
        authors[-1] = Author(authors[-1].family, authors[-1].given[:-1])
    return authors, et_al


_ROMAN = frozenset(("II", "III", "IV", "VI", "VII", "VIII"))
_TITLE_WORD_RE = re.compile(r"[A-Z\u00c0-\u00de][a-z\u00df-\u00ff']+(?:-[A-Z\u00c0-\u00de]?[a-z\u00df-\u00ff']+)*|"
                            r"[A-Z\u00c0-\u00de]\.?")
_CAPITALS_WORD_RE = re.compile(r"[A-Z\u00c0-\u00de][A-Z\u00c0-\u00de'-]+")


def _capitals_family(family: str, given: str) -> tuple[str, str]:
    """A family name read with the given names printed before it, the family in capitals ("Maria GREENWALD",
    "Michael A BOWES"): the words in capitals (one of three letters or more) are the family name."""
    words = family.split()
    k = len(words)
    while k > 0 and _CAPITALS_WORD_RE.fullmatch(words[k - 1]):
        k -= 1
    if k == 0 or k == len(words) or not any(len(w) > 2 and w not in _ROMAN for w in words[k:]) \
            or not all(_TITLE_WORD_RE.fullmatch(w) and w.lower() not in PARTICLES for w in words[:k]) \
            or words[0].isupper():
        return family, given
    return " ".join(words[k:]), " ".join(words[:k]) + (" " + given if given else "")


def _trailing_initials(family: str) -> tuple[str, str]:
    """A family name that took in the initials printed after it ("Zhong D", "Abdo K. M."): (family, initials).

    Only when the name starts with a word that is not in capitals (ABNT's "VAN DER HEIJDE" stays whole)
    and what follows it is one to three capitals, with or without periods (not a Roman numeral).
    """
    words = family.split()
    if len(words) < 2 or words[0].isupper() or not words[0][:1].isalpha():
        return family, ""
    k = len(words)
    while k > 1:
        w = words[k - 1].replace(".", "").replace("-", "")
        if not (w.isalpha() and w.isupper() and len(w) <= 3 and w not in _ROMAN):
            break
        k -= 1
    if k == len(words):
        return family, ""
    return " ".join(words[:k]), " ".join(words[k:])


def _one_inverted_person(raw: str, tokens: list[Token], labels: list[str],
                         people: list[list[tuple[str, int, int]]]) -> bool:
    """Whether two persons read from a list are one person printed "Family, Given Given": a single comma
    between them and no other separator, and the second is one to three capitalised words, none of them initials."""
    between = raw[people[0][-1][2]: people[1][0][1]].strip()
    if between != ",":
        return False
    if any(lab == "E" or (lab == "S" and tok.text != ",") for tok, lab in zip(tokens, labels, strict=True)):
        return False
    if sum(tok.text == "," for tok in tokens) != 1:
        return False
    words = raw[people[1][0][1]: people[1][-1][2]].split()
    return 0 < len(words) <= 3 and all(w[:1].isupper() and len(w) > 2 and w.isalpha() for w in words)


def _family_given(raw: str, parts: list[tuple[str, int, int]], has_comma: bool
                  ) -> tuple[str, str, list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """A person's family and given names from its labelled tokens (kind, start, end).

    Normally the family name runs from the first to the last `F` token. When `G` tokens stand
    between two runs of `F` tokens, the names were read in pieces ("Carter, C. Sue" as F, G, F;
    "Jenny M. Bosten" as F, G, F): after an inverting comma the first run is the family name and
    the rest the given names, otherwise the last run is the family name. A person with given
    names only ("Ioannidis JPA" read as G, G) is a family name followed by its initials, or
    initials followed by a family name, or else one name.
    """
    fam = [p for p in parts if p[0] == "F"]
    giv = [p for p in parts if p[0] == "G"]
    if fam and giv and giv[0][1] < fam[-1][1] and fam[0][1] < giv[-1][1]:
        runs: list[list[tuple[str, int, int]]] = []
        for p in parts:
            if p[0] == "F" and runs and runs[-1][-1][0] == "F":
                runs[-1].append(p)
            else:
                runs.append([p])
        fam_runs = [r for r in runs if r[0][0] == "F"]
        if len(fam_runs) > 1 or (has_comma and fam_runs and parts[0][0] == "F"):
            if has_comma and parts[0][0] == "F":
                fam = fam_runs[0]
                rest = parts[len(fam):]
            else:
                fam = fam_runs[-1]
                rest = [p for p in parts if p[1] < fam[0][1]]
            if rest:
                return (raw[fam[0][1]: fam[-1][2]], raw[rest[0][1]: rest[-1][2]], fam, rest)
    family = raw[fam[0][1]: fam[-1][2]] if fam else ""
    given = raw[giv[0][1]: giv[-1][2]] if giv else ""
    if not family and given:
        words = raw[giv[0][1]: giv[-1][2]].split()
        last = words[-1][:-1] if words[-1].endswith(".") else words[-1]  # "Gao S.": the sentence's period
        if len(words) > 1 and _BARE_INITIALS_RE.fullmatch(last) and not _BARE_INITIALS_RE.fullmatch(words[0]) \
                and (last == words[-1] or not _INITIALS_RE.fullmatch(words[0])):  # "J. A." stays initials
            family, given = " ".join(words[:-1]), last
        elif len(words) > 1 and _INITIALS_RE.fullmatch(words[0]) and not _INITIALS_RE.fullmatch(words[-1]):
            family, given = words[-1], " ".join(words[:-1])
        else:
            family, given = given, ""
    return family, given, fam, giv


def rule_name_hints(raw: str, tokens: list[Token], authors: list[Author]) -> list[str]:
    """Per token of an author list, the person label the rule parser's authors give it ("-" when they do not align).

    A hint for the author-list model, as `features.rule_hints` is for the reference model.
    """
    if not tokens:
        return []
    if authors:
        # the tokens of a stretch of the string are the stretch's own tokens: they are not made again
        aligned = name_labels(raw[tokens[0].start: tokens[-1].end],
                              [{"family": a.family, "given": a.given} for a in authors], tokens[0].start, tokens)
        if aligned is not None:
            return aligned[1]
    return ["-"] * len(tokens)


def with_hints(features: list[list[str]], hints: list[str]) -> list[list[str]]:
    return [[*f, "n=" + h] for f, h in zip(features, hints, strict=True)]
