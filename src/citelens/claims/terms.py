"""Terms for comparing a claim with an abstract: normalisation that fits biomedical prose.

Lower case and accents folded; British spellings made American; hyphenated words split and
joined (`G-allele` → `g allele`, `g_allele`); gene and variant names (`OXTR`, `rs53576`) kept
whole; genotype notations (`GG`, `AG`, `AA`, `G allele carriers`) turned into canonical
genotype terms; hormone synonyms merged; a light suffix stemmer; stopwords dropped.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

STOPWORDS = frozenset("""
a about above after again against all also although among an and any are as at be because been before being
below between both but by can could did do does doing down during each either even ever every few for from
further had has have having he her here hers him his how however i if in into is it its itself just like may
might more most much must my no nor not now of off often on once one only or other our out over own per
perhaps rather same she should since so some such than that the their them then there these they this those
through thus to too under until up upon very was we were what when where whether which while who whom whose
why will with within without would yet you your yours
study studies research researchers result results finding findings show shows showed shown suggest suggests
suggested indicate indicates indicated demonstrate demonstrated evidence data report reported reports paper
article review observed found effect effects role associated association related relationship level levels
individual individuals people person participant participants subject subjects human humans group groups
significant significantly higher lower increase increased decrease decreased greater less well new use used
using based including within across key important particularly specific certain several many various
understand understanding provide provides provided providing require requires required form forms state states
example case cases way ways part essence presence make makes made allow allows become becomes need needs
""".split())

_SPELLING = tuple((re.compile(pattern), repl) for pattern, repl in (
    (r"our\b", "or"), (r"ise\b", "ize"), (r"ised\b", "ized"), (r"ising\b", "izing"), (r"isation", "ization"),
    (r"^oestr", "estr"), (r"^haem", "hem"), (r"aemia", "emia"), (r"^paediatr", "pediatr"), (r"tre\b", "ter"),
    (r"ogue\b", "og"),
))
_SYNONYMS = {
    "oxt": "oxytocin", "ot": "oxytocin", "otr": "oxtr", "oxytocin-receptor": "oxtr", "avp": "vasopressin",
    "cort": "cortisol", "hpa": "hpa", "snp": "polymorphism", "snps": "polymorphism", "variant": "polymorphism",
    "variants": "polymorphism", "variation": "polymorphism", "oestrogen": "estrogen", "male": "men",
    "males": "men", "female": "women", "females": "women",
}
_GENOTYPE_PATTERNS = (
    (re.compile(r"\b(?:one\s+or\s+two\s+copies\s+of\s+the\s+g\s+allele|g[\s-]?allele\s+carriers?|carriers?\s+of"
                r"\s+the\s+g\s+allele|g[\s-]?carriers?)\b"), ("gt_gg", "gt_ag")),
    (re.compile(r"\b(?:a[\s-]?allele\s+carriers?|carriers?\s+of\s+the\s+a\s+allele|carrying\s+the\s+a\s+allele|"
                r"a[\s-]?carriers?)\b"), ("gt_aa", "gt_ag")),
    (re.compile(r"\bhomozygous\s+for\s+the\s+g\s+allele\b|\bgg\b"), ("gt_gg",)),
    (re.compile(r"\bhomozygous\s+for\s+the\s+a\s+allele\b|\baa\b"), ("gt_aa",)),
    (re.compile(r"\bheterozygous\b|\bag\b|\bga\b"), ("gt_ag",)),
)
_ANY_GENOTYPE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _GENOTYPE_PATTERNS))
_TOKEN_RE = re.compile(r"rs\d+|[a-z][a-z0-9]*(?:'[a-z]+)?|\d+(?:\.\d+)?%?")


def fold(text: str) -> str:
    if text.isascii():
        return text.lower()  # nothing to decompose: the same as the full path, far cheaper
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Spelling folded to American, then a light suffix stemmer (cached: a review repeats its words)."""
    for pattern, repl in _SPELLING:
        word = pattern.sub(repl, word)
    if len(word) <= 4 or word.startswith("rs"):
        return word
    for suffix, repl in (("ies", "y"), ("ational", "ate"), ("ization", "ize"), ("ations", "ate"),
                         ("ation", "ate"), ("ness", ""), ("ments", ""), ("ment", ""), ("ingly", ""),
                         ("edly", ""), ("ing", ""), ("ally", "al"), ("ly", ""), ("ed", ""), ("es", ""),
                         ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)] + repl
    return word


def genotype_groups(text: str) -> set[str]:
    """The rs53576-style genotype groups a text speaks of: {'gt_gg', 'gt_ag', 'gt_aa'} subsets."""
    return _genotype_groups_folded(fold(text))


def _genotype_groups_folded(folded: str) -> set[str]:
    found: set[str] = set()
    if not _ANY_GENOTYPE.search(folded):  # most texts name no genotype group: one search instead of five
        return found
    for pattern, groups in _GENOTYPE_PATTERNS:
        if pattern.search(folded):
            found.update(groups)
    return found


def terms(text: str) -> list[str]:
    """The content terms of a text, in order, repeated as they occur."""
    folded_text = fold(text)
    folded = folded_text.replace("\u2019", "'")
    out: list[str] = []
    for token in _TOKEN_RE.findall(folded.replace("-", " ")):
        token = token.split("'")[0]
        token = _SYNONYMS.get(token, token)
        if token in STOPWORDS or len(token) < 2 or (token.isdigit() and (len(token) == 4 or len(token) > 6)):
            continue  # counts and measures are content ("37 men", "0.6 SD"); years and ids are not
        out.append(stem(token))
    out.extend(_genotype_groups_folded(folded_text))
    return out


class TermWeights:
    """Inverse document frequency over a small collection (an article's claims and sources)."""

    def __init__(self, documents: Iterable[Iterable[str]]) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        for doc in documents:
            self.n += 1
            self.df.update(set(doc))

        self._weights: dict[str, float] = {}

    def weight(self, term: str) -> float:
        w = self._weights.get(term)
        if w is None:
            w = self._weights[term] = math.log((self.n + 1) / (self.df.get(term, 0) + 0.5))
        return w

    def coverage(self, query: Iterable[str], document: Iterable[str]) -> tuple[float, list[str]]:
        """How much of the query's weight the document covers, and the terms it shares."""
        q = set(query)
        return self.coverage_of(q, self.total(q), document if isinstance(document, (set, frozenset))
                                else set(document))

    def total(self, query: set[str] | frozenset[str]) -> float:
        """The query's summed weight (over sorted terms: the same sum in every process)."""
        return sum(self.weight(t) for t in sorted(query))

    def coverage_of(self, q: set[str] | frozenset[str], total: float, d: set[str] | frozenset[str]
                    ) -> tuple[float, list[str]]:
        """`coverage` with the query's term set and total weight computed once (one claim, many texts)."""
        if total <= 0:
            return 0.0, []
        shared = sorted(q & d, key=lambda t: (-self.weight(t), t))
        return sum(self.weight(t) for t in shared) / total, shared
