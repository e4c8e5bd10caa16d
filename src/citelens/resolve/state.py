"""What is known about one reference while it is resolved, and the verdict it ends with.

The resolver (the plan of lookups) adds candidate works to a `ReferenceState`; `verdict`
turns the state into a `Resolution`: the accepted match and its discrepancies, ambiguity,
`not_found` with the nearest candidates, or `unresolved` when a lookup failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from citelens.records import ParsedReference, Resolution, Work
from citelens.resolve.matching import AMBIGUITY_MARGIN, Comparison, compare, fold
from citelens.resolve.works import merge

_PRIMARY_TYPES = {"journal-article", "book-chapter", "book", "proceedings-article", "monograph", "reference-entry"}


@dataclass
class ReferenceState:
    """What is known about one reference while it is being resolved."""

    ref: ParsedReference
    raw: str = ""  # the reference as printed: every candidate is also checked against it
    works: dict[str, Work] = field(default_factory=dict)  # candidate key -> work
    consulted: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    best: Comparison | None = None
    accepted: list[Comparison] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    def add(self, work: Work) -> None:
        key = _work_key(work)
        for k, existing in list(self.works.items()):
            if (work.doi and existing.doi == work.doi) or (work.pmid and existing.pmid == work.pmid):
                primary, other = (existing, work) if "crossref" in existing.sources else (work, existing)
                self.works[k] = merge(primary, other)
                return
        self.works[key] = work

    def evaluate(self) -> None:
        self.comparisons = sorted((compare(self.ref, w, self.raw) for w in self.works.values()),
                                  key=lambda c: c.confidence, reverse=True)
        self.accepted = [c for c in self.comparisons if c.accepted]
        self.best = self.accepted[0] if self.accepted else None

    def consult(self, what: str) -> None:
        if what not in self.consulted:
            self.consulted.append(what)


def _work_key(work: Work) -> str:
    if work.doi:
        return f"doi:{work.doi}"
    if work.pmid:
        return f"pmid:{work.pmid}"
    return f"title:{fold(work.title)[:80]}"


def candidate_summary(c: Comparison) -> dict[str, Any]:
    w = c.work
    return {
        "doi": w.doi, "pmid": w.pmid, "title": w.title,
        "first_author": w.authors[0].family if w.authors else None, "year": w.year,
        "container_title": w.container_title, "volume": w.volume, "pages": w.pages,
        "confidence": c.confidence, "title_similarity": round(c.title, 3), "accepted": c.accepted,
        "reasons": c.reasons,
    }


def verdict(st: ReferenceState) -> Resolution:
    sources = ", ".join(st.consulted) or "no source"
    consulted = f"Consulted: {sources}."
    candidates = [candidate_summary(c) for c in st.comparisons[:5]]
    accepted = _distinct_accepted(st.accepted)
    if len(accepted) > 1 and accepted[0].confidence - accepted[1].confidence < AMBIGUITY_MARGIN:
        return Resolution(
            status="ambiguous", confidence=round(accepted[0].confidence, 3), candidates=candidates,
            notes=[f"{len(accepted)} records fit this reference equally well; see the candidates.", consulted,
                   *st.notes],
        )
    if accepted:
        best = accepted[0]
        notes = [consulted, *st.notes]
        if best.unchecked:
            notes.append("Not in the matched record, so not checked: " + ", ".join(best.unchecked) + ".")
        if st.failures:
            notes.append("Some lookups failed but did not change the match: " + "; ".join(st.failures))
        if best.work.retracted:
            status = "retracted"
            notes.insert(0, "The matched work is retracted (" + " and ".join(
                s.capitalize() if s != "pubmed" else "PubMed" for s in best.work.sources) + " metadata).")
        elif best.discrepancies:
            status = "discrepant"
            notes.insert(0, "A real work, but the reference gets " + ", ".join(
                d.field for d in best.discrepancies) + " wrong.")
        else:
            status = "verified"
        return Resolution(status=status, confidence=best.confidence, match=best.work,
                          discrepancies=best.discrepancies, notes=notes, candidates=candidates)
    if st.failures:
        return Resolution(status="unresolved", confidence=0.0, candidates=candidates,
                          notes=["The lookup failed, so there is no verdict: " + "; ".join(st.failures),
                                 consulted, *st.notes])
    nearest = st.comparisons[0].confidence if st.comparisons else 0.0
    return Resolution(
        status="not_found", confidence=round(1.0 - nearest, 3) if st.comparisons else 0.9,
        candidates=candidates,
        notes=["No matching record in Crossref or PubMed. That is not proof that the work does not exist: "
               "books, some chapters and some journals are in neither index.", consulted, *st.notes]
        + ([f"Nearest candidate rejected: {candidates[0]['title']!r} ({'; '.join(candidates[0]['reasons'])})."]
           if candidates else []),
    )


def _distinct_accepted(accepted: list[Comparison]) -> list[Comparison]:
    """Accepted candidates, one per work; secondary record types yield to a primary one."""
    if not accepted:
        return []
    primary = [c for c in accepted if (c.work.type or "journal-article") in _PRIMARY_TYPES]
    return primary or accepted


REFRESH_FAILED = "refresh failed on "


def keep_known(old: Resolution | None, new: Resolution, day: str) -> tuple[Resolution, bool]:
    """What to store after a re-check: `new`, unless it is `unresolved` and `old` is a verdict.

    A failed lookup never replaces what is known: the old verdict stays with its match, its
    discrepancies and its candidates, and a note "refresh failed on DAY: reason" (one such
    note at a time). Returns the resolution to store and whether the old one was kept.
    """
    if new.status != "unresolved" or old is None or old.status == "unresolved":
        return new, False
    reason = next((n for n in new.notes if n.startswith("The lookup failed")), new.notes[0] if new.notes else "")
    reason = reason.removeprefix("The lookup failed, so there is no verdict: ")
    if len(reason) > 300:
        reason = reason[:297] + "..."
    notes = [n for n in old.notes if not n.startswith(REFRESH_FAILED)]
    notes.append(f"{REFRESH_FAILED}{day}: {reason}")
    return Resolution(status=old.status, confidence=old.confidence, match=old.match,
                      discrepancies=list(old.discrepancies), notes=notes, candidates=list(old.candidates)), True
