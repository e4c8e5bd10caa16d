"""Link each claim to the references that back it, keeping the reason of every link.

Explicit cues first: numbered or superscript markers, author surnames ("Chen et al.",
"Weisman and colleagues", "(Heinrichs et al., 2003)"), journal names ("published in the
Proceedings of the National Academy of Sciences"), with years to tell apart works of one
author. Then context: a sentence that goes on about the study the previous sentence cited
("The researchers ...", "Their ...") inherits its link when its content agrees. Last, content
alone, with a high bar: a claim whose distinctive terms a reference's title and abstract cover.
A claim with no credible source stays unlinked (`uncited`): nothing is forced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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


def claim_text_for_content(claim: Claim) -> str:
    return " ".join(claim.cells) if claim.kind == "table_row" and claim.cells else claim.text


def _link(index: int, reason: str, score: float, terms_: list[str] | None = None) -> dict[str, Any]:
    return {"reference": index, "reason": reason, "score": round(score, 3), "terms": (terms_ or [])[:8]}


class Linker:
    """Links the claims of one stored article."""

    def __init__(self, stored: StoredArticle) -> None:
        self.stored = stored
        self.docs = [reference_doc(s) for s in stored.references]
        self.by_index = {d.index: d for d in self.docs}
        self.claim_terms = {c.claim.id: terms(claim_text_for_content(c.claim)) for c in stored.claims}
        self.weights = TermWeights([d.terms for d in self.docs] + list(self.claim_terms.values()))

    def content(self, claim: Claim, doc: RefDoc) -> tuple[float, list[str]]:
        return self.weights.coverage(self.claim_terms[claim.id], doc.terms)

    def _named_authors(self, claim: Claim) -> set[str]:
        """Surnames of listed first authors that the claim names ('Gimpl and Fahrenholz reviewed ...')."""
        found: set[str] = set()
        for doc in self.docs:
            if not doc.first_name or len(doc.first_name) < 3:
                continue
            for m in re.finditer(rf"(?<![\w-]){re.escape(doc.first_name)}(?![\w-])", claim.text):
                after = claim.text[m.end(): m.end() + 16]
                if m.start() > 0 and _NAME_FOLLOWER_RE.match(after) or _NAME_FOLLOWER_RE.match(after) and \
                        after.lstrip().startswith(("et al", "and", "&", "(", "'s", "\u2019s")):
                    found.add(family_key(doc.first_name))
        return found

    def _narrow(self, claim: Claim, group: set[int], years: set[int]) -> tuple[set[int], list[str]]:
        """One cue, several listed works (three 'Weisman et al.'): the year, then the content, decide."""
        notes: list[str] = []
        if len(group) > 1 and years:
            dated = {i for i in group if self.by_index[i].years & years}
            if dated:
                group = dated
                notes.append("year " + ",".join(map(str, sorted(years))))
        if len(group) > 1:
            scored = sorted(((self.content(claim, self.by_index[i])[0], i) for i in group), reverse=True)
            if scored[0][0] - scored[1][0] >= DISAMBIGUATION_MARGIN:
                group = {scored[0][1]}
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
            by_journal |= {d.index for d in self.docs if container_matches(journal, *d.container)}
        names = {family_key(c.value): c.value for c in claim.cues if c.kind == "author"}
        for key in self._named_authors(claim):
            names.setdefault(key, key)
        candidates: set[int] = set()
        for key, shown in names.items():
            group = {d.index for d in self.docs if d.first_family == key or (
                len(key) >= 4 and d.first_family.endswith(key))}
            group = group or {d.index for d in self.docs if key in d.families}
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
        for doc in self.docs:
            score, shared = self.content(claim, doc)
            weight = sum(self.weights.weight(t) for t in shared)
            if score >= bar and len(shared) >= min_terms and weight >= CONTENT_MIN_WEIGHT:
                best.append((score, doc.index, shared, f"content: {score:.2f} of the claim's terms"))
        best.sort(key=lambda x: -x[0])
        return [_link(index, why, score, shared) for score, index, shared, why in best[:2]
                if score >= best[0][0] - DISAMBIGUATION_MARGIN]
