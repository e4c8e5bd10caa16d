"""Link each claim to the references that back it, keeping the reason of every link.

Explicit cues first: numbered or superscript markers, author surnames ("Chen et al.",
"Weisman and colleagues", "(Heinrichs et al., 2003)"), journal names ("published in the
Proceedings of the National Academy of Sciences"), with years to tell apart works of one
author. Then context: a sentence that goes on about the study the previous sentence cited
("The researchers ...", "Their ...") inherits its link when its content agrees. Last, content
alone, with a high bar: a claim whose distinctive terms a reference's title and abstract cover.
A claim with no credible source stays unlinked (`uncited`): nothing is forced.

The references of an article are indexed once (`ReferenceIndex`: first authors, all surnames,
surname suffixes, journals, and an inverted index of title and abstract terms), so each claim
looks up its few candidates instead of scanning the whole list: linking stays near-linear in
claims plus references. The index only narrows the candidates; every score is the same
coverage computed over the same references as a full scan would (`exhaustive=True` scans,
and the tests check both give the same links).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from citelens.claims.terms import TermWeights, terms
from citelens.records import Claim, StoredArticle, StoredReference
from citelens.resolve import container_matches, family_key

# --- thresholds (calibrated on tests/data/claim_links.jsonl; see docs/ARCHITECTURE.md) ----------
CONTENT_LINK = 0.42  # coverage of a claim's term weight by a reference, with no cue at all
CONTENT_LINK_STUDY = 0.30  # ... when the claim says a study or research found it
CONTENT_MIN_TERMS = 4  # shared distinctive terms needed for a content link
CONTENT_MIN_TERMS_STUDY = 3
CONTENT_MIN_WEIGHT = 8.0  # summed IDF weight of the shared terms
CONTEXT_GAP = 1  # sentences that may interrupt a context chain
CONTEXT_KEEP = 0.12  # coverage needed to carry the previous sentence's link forward
CONTEXT_CHAIN = 14  # sentences a link may be carried forward
DISAMBIGUATION_MARGIN = 0.08  # content margin to pick one of several cue candidates

_NAME_FOLLOWER_RE = re.compile(
    r"\s*(?:et\s+al|and\s+(?:colleagues|co-?workers|[A-Z])|&\s*[A-Z]|\(|['\u2019]s\b|,|\s+(?:reviewed|found|showed|"
    r"reported|demonstrated|argued|proposed|suggested|observed|described|noted|measured|tested))"
)
_STRONG_ANAPHORA_RE = re.compile(
    r"^(?:the\s+(?:researchers|authors|investigators|results|findings|study|trial|participants|team|data)|"
    r"they|their|in\s+(?:that|this|the\s+same)\s+(?:study|trial|experiment|work|sample|paper)|those|"
    r"the\s+same\s+(?:team|group|authors|researchers|lab)|these\s+(?:researchers|authors|investigators)|"
    r"in\s+a\s+follow-?up|"
    r"(?:this|that|the)\s+(?:study|trial|experiment|work|paper))\b",
    re.I,
)


@dataclass
class RefDoc:
    index: int
    terms: list[str]
    has_abstract: bool
    families: list[str]
    first_family: str
    first_name: str
    container: list[str | None]
    year: int | None
    years: set[int] = field(default_factory=set)


def reference_doc(sref: StoredReference) -> RefDoc:
    ref, res = sref.reference, sref.resolution
    parsed = ref.parsed
    match = res.match if res else None
    text = " ".join(x for x in (parsed.title, match.title if match else None,
                                match.abstract if match else None) if x)
    years = {y for y in (parsed.year, match.year if match else None) if y}
    years.update(printed_years(ref.raw))
    if match:
        years.update(match.other_years)
    families = [family_key(a.family) for a in parsed.authors]
    if match:
        families += [family_key(a.family) for a in match.authors[:1]]
    return RefDoc(
        index=ref.index, terms=terms(text), has_abstract=bool(match and match.abstract), families=families,
        first_family=family_key(parsed.authors[0].family) if parsed.authors else "",
        first_name=parsed.authors[0].family if parsed.authors else "",
        container=[parsed.container_title, match.container_title if match else None,
                   match.container_abbrev if match else None],
        year=parsed.year, years=years,
    )


_WORD_RUN_RE = re.compile(r"\w+")
# a year as printed anywhere in a reference: not part of a page range, a volume:page, a DOI or a URL
_IDENTIFIER_RE = re.compile(r"\b(?:10\.\d{4,9}/|https?://|www\.)\S+", re.I)
_PRINTED_YEAR_RE = re.compile(r"(?<![\d:./\-\u2013])(?<!pp\. )(?<!p\. )((?:1[89]|20)\d\d)[a-z]?(?![\d\-\u2013/])")


def printed_years(raw: str) -> set[int]:
    """Every year the printed reference gives, wherever it stands (`(2003a)`, after the title, at the end
    after the pages, in a date `2003 Dec 12`), so an author-year cue finds its work even when the parser
    took another number for the year or none."""
    text = _IDENTIFIER_RE.sub(" ", raw)
    return {int(m.group(1)) for m in _PRINTED_YEAR_RE.finditer(text)}


@lru_cache(maxsize=65536)
def _name_pattern(name: str) -> re.Pattern[str]:
    """The surname as a whole word, compiled once per name (not once per claim)."""
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")


def _leading_run(name: str) -> str:
    """The name's first run of word characters: a name found in a text starts with a whole word of it."""
    m = _WORD_RUN_RE.match(name)
    return m.group(0) if m else ""


class ReferenceIndex:
    """The references of one article, indexed once for looking up candidates per claim."""

    def __init__(self, docs: list[RefDoc]) -> None:
        self.docs = docs
        self.position = {d.index: n for n, d in enumerate(docs)}
        self.first_family: dict[str, list[int]] = defaultdict(list)  # family key -> doc positions
        self.suffix: dict[str, list[int]] = defaultdict(list)  # suffix (4+ letters) of a first family key
        self.family: dict[str, list[int]] = defaultdict(list)  # any listed family key
        self.names_by_run: dict[str, list[str]] = defaultdict(list)  # leading word -> first-author names
        self.names_anywhere: list[str] = []  # names that do not start with a word character
        self.name_positions: dict[str, list[int]] = defaultdict(list)
        self.containers: dict[tuple[str | None, ...], list[int]] = defaultdict(list)
        self.postings: dict[str, list[int]] = defaultdict(list)  # content term -> doc positions
        self.term_sets: list[frozenset[str]] = []
        self.ref_postings: dict[str, list[int]] = defaultdict(list)  # content term -> reference indices
        self.ref_terms: dict[int, frozenset[str]] = {}  # reference index -> its term set
        self.by_year: dict[int, set[int]] = defaultdict(set)  # any year of a work -> reference indices
        for n, d in enumerate(docs):
            self.first_family[d.first_family].append(n)
            for k in range(0, max(0, len(d.first_family) - 3)):
                self.suffix[d.first_family[k:]].append(n)
            for fam in dict.fromkeys(d.families):
                self.family[fam].append(n)
            if d.first_name and len(d.first_name) >= 3:
                if d.first_name not in self.name_positions:
                    run = _leading_run(d.first_name)
                    (self.names_by_run[run] if run else self.names_anywhere).append(d.first_name)
                self.name_positions[d.first_name].append(n)
            self.containers[tuple(d.container)].append(n)
            for year in d.years:
                self.by_year[year].add(d.index)
            term_set = frozenset(d.terms)
            self.term_sets.append(term_set)
            self.ref_terms[d.index] = term_set
            for term in term_set:
                self.postings[term].append(n)
                self.ref_postings[term].append(d.index)
        self._journal_memo: dict[str, list[int]] = {}
        self._journal_refs: dict[str, frozenset[int]] = {}

    def names_in(self, text: str) -> list[str]:
        """First-author names that may occur in the text as whole words (to be confirmed by the pattern)."""
        runs = set(_WORD_RUN_RE.findall(text))
        found = [name for run in runs for name in self.names_by_run.get(run, ())]
        return found + self.names_anywhere

    def by_journal(self, journal: str) -> list[int]:
        if journal not in self._journal_memo:
            self._journal_memo[journal] = sorted(
                n for container, positions in self.containers.items()
                if container_matches(journal, *container) for n in positions)
        return self._journal_memo[journal]

    def journal_refs(self, journal: str) -> frozenset[int]:
        """The reference indices of the works printed in `journal` (looked up once per journal name)."""
        found = self._journal_refs.get(journal)
        if found is None:
            found = self._journal_refs[journal] = frozenset(self.docs[n].index for n in self.by_journal(journal))
        return found

    def dated(self, years: set[int]) -> set[int]:
        """The reference indices of the works that carry one of `years`."""
        out: set[int] = set()
        for year in years:
            out |= self.by_year.get(year, set())
        return out

    def content_candidates(self, claim_terms: set[str] | frozenset[str], weights: TermWeights, threshold: float,
                           min_terms: int = 1) -> list[int]:
        """Positions of the docs that share at least `min_terms` of the claim's terms, one of them
        among the terms that can reach `threshold` summed weight.

        The lightest terms whose weights together stay under the threshold cannot reach it on
        their own, so a doc that qualifies shares at least one of the other (rarer) terms. The
        postings of all the claim's terms are counted per doc (in C, by `Counter`), which gives
        every doc's number of shared terms without comparing a single set; the docs are read in
        the order of that count and the reading stops at the first below `min_terms`.
        """
        ordered = sorted(claim_terms, key=lambda t: (weights.weight(t), t))
        margin = threshold * (1 - 1e-9) - 1e-12  # conservative: rounding never drops a candidate
        prefix = 0.0
        k = 0
        while k < len(ordered) and prefix + weights.weight(ordered[k]) < margin:
            prefix += weights.weight(ordered[k])
            k += 1
        heavy = frozenset(ordered[k:])
        if not heavy:
            return []
        counts: Counter[int] = Counter()
        for term in ordered:
            counts.update(self.postings.get(term, ()))
        out: list[int] = []
        term_sets = self.term_sets
        for n, c in counts.most_common():
            if c < min_terms:
                break
            if not heavy.isdisjoint(term_sets[n]):
                out.append(n)
        return sorted(out)


def claim_text_for_content(claim: Claim) -> str:
    return " ".join(claim.cells) if claim.kind == "table_row" and claim.cells else claim.text


def _link(index: int, reason: str, score: float, terms_: list[str] | None = None) -> dict[str, Any]:
    return {"reference": index, "reason": reason, "score": round(score, 3), "terms": (terms_ or [])[:8]}


class Linker:
    """Links the claims of one stored article."""

    def __init__(self, stored: StoredArticle, *, exhaustive: bool = False) -> None:
        self.stored = stored
        self.exhaustive = exhaustive  # scan every reference per claim instead of using the index
        self.docs = [reference_doc(s) for s in stored.references]
        self.by_index = {d.index: d for d in self.docs}
        self.stored_by_index = {s.reference.index: s for s in stored.references}
        self.claim_terms = {c.claim.id: terms(claim_text_for_content(c.claim)) for c in stored.claims}
        self.weights = TermWeights([d.terms for d in self.docs] + list(self.claim_terms.values()))
        self.index = ReferenceIndex(self.docs)
        self._prepared: dict[str, tuple[frozenset[str], float]] = {}  # claim id -> (term set, total weight)

    def _prepare(self, claim: Claim) -> tuple[frozenset[str], float]:
        prepared = self._prepared.get(claim.id)
        if prepared is None:
            q = frozenset(self.claim_terms[claim.id])
            prepared = self._prepared[claim.id] = (q, self.weights.total(q))
        return prepared

    def content(self, claim: Claim, doc: RefDoc) -> tuple[float, list[str]]:
        q, total = self._prepare(claim)
        return self.weights.coverage_of(q, total, self.index.term_sets[self.index.position[doc.index]])

    def _exact(self, q: frozenset[str], total: float, index: int) -> float:
        """The content score of reference `index`, the float `coverage_of` gives."""
        weight = self.weights.weight
        shared = q & self.index.ref_terms[index]
        return sum(weight(t) for t in sorted(shared, key=lambda t: (-weight(t), t))) / total

    def _content_decides(self, claim: Claim, group: set[int]) -> int | None:
        """The one reference of `group` whose content score leads all others by the margin, if any.

        The answer a full scan gives (score every reference, the best minus the second best
        against `DISAMBIGUATION_MARGIN`), found by scoring only what can matter: the claim's
        terms are taken from the heaviest down, the references of the group holding each are
        scored, and the search stops as soon as no reference left unscored (which holds none of
        the terms taken so far, so scores at most the weight of the terms not yet taken) can
        change the outcome.
        """
        q, total = self._prepare(claim)
        if total <= 0:
            return None
        postings = self.index.ref_postings
        weight = self.weights.weight
        heavy_first = sorted(q, key=lambda t: (-weight(t), t))
        rest = [0.0] * (len(heavy_first) + 1)  # rest[j]: the weight of the terms from j on
        for j in range(len(heavy_first) - 1, -1, -1):
            rest[j] = rest[j + 1] + weight(heavy_first[j])
        scored: dict[int, float] = {}
        best: tuple[float, int] = (-1.0, -1)  # (score, reference index), the order of a full sort
        second = -1.0
        for j, term in enumerate(heavy_first):
            for i in group.intersection(postings.get(term, ())):
                if i in scored:
                    continue
                score = scored[i] = self._exact(q, total, i)
                entry = (score, i)
                if entry > best:
                    best, second = entry, best[0]
                elif score > second:
                    second = score
            if j + 1 < len(heavy_first):
                bound = rest[j + 1] / total * (1 + 1e-9) + 1e-12  # a safe upper bound for the unscored
            elif len(scored) < len(group):
                bound = 0.0  # every term taken: the unscored share none and score exactly 0
            else:
                bound = -1.0
            if best[0] < bound or best[0] <= 0:
                continue  # an unscored reference may still be the best
            if best[0] - second < DISAMBIGUATION_MARGIN:
                return None  # the second best is at least this close
            if best[0] - max(second, bound, 0.0 if len(scored) < len(group) else -1.0) \
                    >= DISAMBIGUATION_MARGIN:
                return best[1]
        if best[0] <= 0:
            return None  # nothing shares a term: every score is 0
        return best[1] if best[0] - max(second, 0.0) >= DISAMBIGUATION_MARGIN else None

    def _names(self, claim: Claim) -> list[str]:
        """First authors' names that may be in the claim, once each, in the order of the list."""
        if self.exhaustive:
            return [d.first_name for d in self.docs]
        names = self.index.names_in(claim.text)
        return sorted(set(names), key=lambda name: self.index.name_positions[name][0])

    def _named_authors(self, claim: Claim) -> set[str]:
        """Surnames of listed first authors that the claim names ('Gimpl and Fahrenholz reviewed ...')."""
        found: set[str] = set()
        for name in self._names(claim):
            if not name or len(name) < 3:
                continue
            for m in _name_pattern(name).finditer(claim.text):
                after = claim.text[m.end(): m.end() + 16]
                if m.start() > 0 and _NAME_FOLLOWER_RE.match(after) or _NAME_FOLLOWER_RE.match(after) and \
                        after.lstrip().startswith(("et al", "and", "&", "(", "'s", "\u2019s")):
                    found.add(family_key(name))
        return found

    def _narrow(self, claim: Claim, group: set[int], years: set[int]) -> tuple[set[int], list[str]]:
        """One cue, several listed works (three 'Weisman et al.'): the year, then the content, decide."""
        notes: list[str] = []
        if len(group) > 1 and years:
            if self.exhaustive:
                dated = {i for i in group if self.by_index[i].years & years}
            else:
                dated = group & self.index.dated(years)
            if dated:
                group = dated
                notes.append("year " + ",".join(map(str, sorted(years))))
        if len(group) > 1:
            if self.exhaustive:
                scored = sorted(((self.content(claim, self.by_index[i])[0], i) for i in group), reverse=True)
                winner = scored[0][1] if scored[0][0] - scored[1][0] >= DISAMBIGUATION_MARGIN else None
            else:
                winner = self._content_decides(claim, group)
            if winner is not None:
                group = {winner}
                notes.append("content decides between same-author works")
        return group, notes

    def _cue_candidates(self, claim: Claim) -> tuple[set[int], list[str]]:
        reasons: list[str] = []
        markers: set[int] = set()
        for cue in claim.cues:
            if cue.kind == "marker":
                markers.update(int(v) for v in cue.value.split(",") if v.isdigit() and int(v) in self.by_index)
        if markers:
            return markers, [f"marker {','.join(map(str, sorted(markers)))}"]
        years = {int(c.value) for c in claim.cues if c.kind == "year"}
        journals = [c.value for c in claim.cues if c.kind == "journal"]
        by_journal: set[int] = set()
        for journal in journals:
            if self.exhaustive:
                by_journal |= {d.index for d in self.docs if container_matches(journal, *d.container)}
            else:
                by_journal |= self.index.journal_refs(journal)
        names = {family_key(c.value): c.value for c in claim.cues if c.kind == "author"}
        for key in self._named_authors(claim):
            names.setdefault(key, key)
        candidates: set[int] = set()
        for key, shown in names.items():
            group = self._author_group(key)
            if not group:
                continue
            if by_journal and group & by_journal:
                group &= by_journal
                reasons.append(f"journal {'; '.join(journals)}")
            group, notes = self._narrow(claim, group, years)
            candidates |= group
            reasons += [f"author {shown}", *notes]
        if not candidates and by_journal:
            group, notes = self._narrow(claim, by_journal, years)
            candidates = group
            reasons += [f"journal {'; '.join(journals)}", *notes]
        return candidates, reasons

    def _author_group(self, key: str) -> set[int]:
        """The references whose first author is `key` (or ends with it), else any author is `key`."""
        if self.exhaustive:
            group = {d.index for d in self.docs if d.first_family == key or (
                len(key) >= 4 and d.first_family.endswith(key))}
            return group or {d.index for d in self.docs if key in d.families}
        positions = set(self.index.first_family.get(key, ()))
        if len(key) >= 4:
            positions.update(self.index.suffix.get(key, ()))
        if not positions:
            positions = set(self.index.family.get(key, ()))
        return {self.docs[n].index for n in sorted(positions)}

    def link_all(self) -> dict[str, list[dict[str, Any]]]:
        links: dict[str, list[dict[str, Any]]] = {}
        # the chain of context: (block line, links, sentences carried, sentences missed)
        previous: tuple[int, list[dict[str, Any]], int, int] | None = None
        for sc in self.stored.claims:
            claim = sc.claim
            candidates, reasons = self._cue_candidates(claim)
            found: list[dict[str, Any]] = []
            if candidates:
                scored = sorted(((self.content(claim, self.by_index[i]), i) for i in candidates),
                                key=lambda x: -x[0][0])
                for (score, shared), index in scored:
                    found.append(_link(index, "cue: " + "; ".join(reasons), score, shared))
                previous = (claim.line, found, 0, 0)
            elif previous and previous[0] == claim.line and claim.kind == "sentence" \
                    and previous[2] < CONTEXT_CHAIN:
                anaphoric = bool(_STRONG_ANAPHORA_RE.match(claim.text)) and previous[3] == 0
                for link in previous[1]:
                    score, shared = self.content(claim, self.by_index[link["reference"]])
                    if anaphoric or score >= CONTEXT_KEEP:
                        why = "context: goes on about the study cited before" + (
                            "" if anaphoric else f" (content {score:.2f})")
                        found.append(_link(link["reference"], why, score, shared))
                if found:
                    previous = (claim.line, previous[1], previous[2] + 1, 0)
                elif previous[3] < CONTEXT_GAP:
                    previous = (claim.line, previous[1], previous[2] + 1, previous[3] + 1)
                else:
                    previous = None
            if not found and not candidates:
                # a link found by content alone is not an attribution: later sentences do not inherit it
                found = self._content_links(claim)
            links[claim.id] = found
        return links

    def _content_links(self, claim: Claim) -> list[dict[str, Any]]:
        study = any(c.kind == "study" for c in claim.cues)
        bar = CONTENT_LINK_STUDY if study else CONTENT_LINK
        min_terms = CONTENT_MIN_TERMS_STUDY if study else CONTENT_MIN_TERMS
        best: list[tuple[float, int, list[str], str]] = []
        if self.exhaustive:
            docs = self.docs
        else:
            claim_terms = set(self.claim_terms[claim.id])
            total = sum(self.weights.weight(t) for t in sorted(claim_terms))
            threshold = max(bar * total, CONTENT_MIN_WEIGHT) if total > 0 else CONTENT_MIN_WEIGHT
            docs = [self.docs[n] for n in self.index.content_candidates(claim_terms, self.weights, threshold,
                                                                        min_terms)
                    if len(claim_terms & self.index.term_sets[n]) >= min_terms]  # cheap test first
        if not self.exhaustive:
            # the shared weight summed in any order first: only a doc that may pass is scored exactly
            q, total = self._prepare(claim)
            weight_of = self.weights.weight
            floor = (max(bar * total, CONTENT_MIN_WEIGHT) if total > 0 else CONTENT_MIN_WEIGHT) * (1 - 1e-9) - 1e-9
            docs = [d for d in docs if sum(map(weight_of, q & self.index.ref_terms[d.index])) >= floor]
        for doc in docs:
            score, shared = self.content(claim, doc)
            weight = sum(self.weights.weight(t) for t in shared)
            if score >= bar and len(shared) >= min_terms and weight >= CONTENT_MIN_WEIGHT:
                best.append((score, doc.index, shared, f"content: {score:.2f} of the claim's terms"))
        best.sort(key=lambda x: -x[0])
        return [_link(index, why, score, shared) for score, index, shared, why in best[:2]
                if score >= best[0][0] - DISAMBIGUATION_MARGIN]
