"""Weigh each linked claim against the abstracts of its sources: evidence sentences and a status.

Each matched abstract is split into sentences once per article, each with the part of the
abstract it comes from (background, methods, results, conclusions). For every linked reference,
`claims.judge` ranks the sentences (results and conclusions first), compares the best with the
claim (`claims.contrast`: negation, direction, antonyms, numbers, quantifiers, hedges), checks
the qualifiers (`claims.qualifiers`: genotype group, species, sample sex, country, wording) and
gives a verdict:

- `supported`: a results or conclusions sentence states the claim's finding, nothing differs;
- `contradicted`: a results or conclusions sentence says otherwise; the note says what differs;
- `partial`: a related finding, but a qualifier differs or only part of the claim is covered;
- `no_evidence`: linked, but nothing in the abstract bears on it (or there is no abstract);
- `source_problem`: every linked reference is not_found, retracted or unresolved;
- `uncited`: no link.
"""

from __future__ import annotations

from typing import Any

from citelens.claims.judge import (
    EVIDENCE_KEEP,
    FINDING_PARTS,
    Judgement,
    SourceSentence,
    judge,
    load_model,
    source_sentences,
)
from citelens.claims.links import Linker, claim_text_for_content
from citelens.claims.qualifiers import qualifier_differences
from citelens.claims.terms import terms
from citelens.read import split_sentences
from citelens.records import Assessment, Claim, Evidence, StoredArticle

PROBLEM_STATUSES = {"not_found", "retracted", "unresolved"}
CONTENT_BACKING = 0.30  # a content-only link stays when a results/conclusions sentence covers this much
CONTENT_LEANING = 0.20  # ... or this much, when the judge's most likely class is `supports`
# when several sources are linked, the claim takes the most definite verdict any of them gives
_PRECEDENCE = ("supported", "contradicted", "partial", "no_evidence")

__all__ = ["abstract_sentences", "abstract_sources", "assess_article", "assess_claim", "qualifier_differences"]


def abstract_sentences(abstract: str) -> list[str]:
    """The abstract's sentences; a structured label ("RESULTS: ...") stays on its paragraph's first one."""
    sentences: list[str] = []
    for paragraph in abstract.split("\n"):
        sentences.extend(split_sentences(paragraph.strip()))
    return [s for s in sentences if s]


def _qualified_text(claim: Claim) -> str:
    """A table row with each cell under its column header ("Associated with A-Allele (AA/AG): ...")."""
    if claim.kind != "table_row" or not claim.table_headers:
        return claim.text
    return " ".join(f"{h}: {c}" for h, c in zip(claim.table_headers, claim.cells, strict=False) if c)


def assess_claim(claim: Claim, links: list[dict[str, Any]], linker: Linker, stored: StoredArticle,
                 sources: dict[int, list[SourceSentence]]) -> tuple[str, list[Evidence], list[str]]:
    """`sources`: each reference's abstract sentences, read once (see `abstract_sources`)."""
    status, evidence, notes, _ = _assess(claim, links, linker, stored, sources)
    return status, evidence, notes


def _assess(claim: Claim, links: list[dict[str, Any]], linker: Linker, stored: StoredArticle,
            sources: dict[int, list[SourceSentence]]) -> tuple[str, list[Evidence], list[str], dict[str, float]]:
    """The status, evidence and notes, and the deciding judgement's probabilities (empty without one)."""
    if not links:
        return "uncited", [], [], {}
    refs = linker.stored_by_index  # built once per article, not once per claim
    statuses = {i: (refs[i].resolution.status if refs[i].resolution else None) for i in
                {link["reference"] for link in links}}
    if all(s in PROBLEM_STATUSES for s in statuses.values()):
        return "source_problem", [], ["every linked reference is " + ", ".join(sorted(set(
            s for s in statuses.values() if s)))], {}
    text = claim_text_for_content(claim)
    claim_terms = terms(text)
    model = load_model()
    notes: list[str] = []
    judged: list[tuple[int, Judgement]] = []
    for index in sorted(statuses):
        res = refs[index].resolution
        abstract = res.match.abstract if res and res.match else None
        if not abstract or index not in sources:
            notes.append(f"reference {index} has no abstract in the matched record")
            continue
        qualifiers = qualifier_differences(text, abstract, _qualified_text(claim))
        judged.append((index, judge(text, claim_terms, sources[index], linker.weights, qualifiers, model)))
    if not judged:
        return "no_evidence", [], notes or ["nothing in the abstract bears on the claim"], {}
    several = len(judged) > 1
    # the deciding source: the most definite verdict, then the best evidence
    judged.sort(key=lambda ij: (_PRECEDENCE.index(ij[1].status),
                                -(ij[1].evidence[0].coverage if ij[1].evidence else 0.0), ij[0]))
    status = judged[0][1].status
    evidence: list[Evidence] = []
    for index, j in judged:
        for r in j.evidence:
            evidence.append(Evidence(index, r.sentence.text, r.coverage, r.shared[:8], r.sentence.part))
    deciding = [e for e in evidence if e.reference == judged[0][0]]
    others = sorted((e for e in evidence if e.reference != judged[0][0]), key=lambda e: -e.score)
    evidence = (deciding + others)[:EVIDENCE_KEEP]
    if status == "no_evidence":
        return status, evidence, notes or ["nothing in the abstract bears on the claim"], judged[0][1].probabilities
    reasons = [_in_reference(n, index, several) for index, j in judged[:1] for n in j.notes]
    if status == "supported":
        reasons += [_in_reference(n, index, True) for index, j in judged[1:] if j.status == "contradicted"
                    for n in j.notes]
    return status, evidence, reasons + notes, judged[0][1].probabilities


def _in_reference(note: str, index: int, several: bool) -> str:
    if several and note.endswith(")") and " sentence " in note:
        return note[:-1] + f" of reference {index})"
    return note


def abstract_sources(stored: StoredArticle) -> dict[int, list[SourceSentence]]:
    """Each matched abstract split into sentences, parts and terms once, for all the claims that cite it."""
    out: dict[int, list[SourceSentence]] = {}
    for sref in stored.references:
        res = sref.resolution
        if res and res.match and res.match.abstract:
            out[sref.reference.index] = source_sentences(abstract_sentences(res.match.abstract))
    return out


def assess_article(stored: StoredArticle) -> dict[str, Assessment]:
    """The automatic assessment of every claim of an article."""
    linker = Linker(stored)
    links = linker.link_all()
    sources = abstract_sources(stored)
    out: dict[str, Assessment] = {}
    for sc in stored.claims:
        claim_links = links.get(sc.claim.id, [])
        status, evidence, notes, probs = _assess(sc.claim, claim_links, linker, stored, sources)
        if claim_links and all(link["reason"].startswith("content") for link in claim_links) \
                and not _backs(status, evidence, probs):
            # found by content alone, and the abstract does not back this claim: a shared topic, not a source
            status, evidence, notes, claim_links = "uncited", [], [], []
        out[sc.claim.id] = Assessment(status, claim_links, evidence, notes)  # type: ignore[arg-type]
    return out


def _backs(status: str, evidence: list[Evidence], probs: dict[str, float] | None = None) -> bool:
    """Whether an abstract backs (or squarely contradicts) a claim it was linked to by content alone: a
    verdict, or a finding that covers CONTENT_BACKING of the claim, or one that covers CONTENT_LEANING
    while the judge's most likely class is `supports` (the source, though not a confident verdict)."""
    if status in ("supported", "contradicted"):
        return True
    if status != "partial" or not evidence or evidence[0].part not in FINDING_PARTS:
        return False
    leaning = bool(probs) and max(probs, key=lambda c: probs[c]) == "supports"  # type: ignore[index]
    return evidence[0].score >= CONTENT_BACKING or (leaning and evidence[0].score >= CONTENT_LEANING)
