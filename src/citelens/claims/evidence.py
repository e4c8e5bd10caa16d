"""Weigh each linked claim against the abstracts of its sources: evidence sentences and a status.

For every linked reference with an abstract, the abstract's sentences are ranked by how much
of the claim's term weight they cover; the best few are kept with their scores and the terms
that matched. The claim's status follows from the best sentence and from qualifier checks
(genotype group, species, sex of the sample) between the claim and the abstract:

- `supported`: an abstract sentence covers the claim's finding and no qualifier differs;
- `partial`: a related finding, but a qualifier differs or only part of the claim is covered;
- `no_evidence`: linked, but nothing in the abstract bears on it (or there is no abstract);
- `source_problem`: every linked reference is not_found, retracted or unresolved;
- `uncited`: no link.
"""

from __future__ import annotations

import re
from typing import Any

from citelens.claims.links import Linker, claim_text_for_content
from citelens.claims.terms import fold, genotype_groups, terms
from citelens.read import split_sentences
from citelens.records import Assessment, Claim, Evidence, StoredArticle

SUPPORTED = 0.30  # best sentence covers this much of the claim's term weight
RELATED = 0.15  # ... or at least this much: a related finding
EVIDENCE_MIN = 0.10  # sentences below this are not evidence
EVIDENCE_KEEP = 3
PROBLEM_STATUSES = {"not_found", "retracted", "unresolved"}

_ANIMAL_RE = re.compile(r"\b(?:rats?|mice|mouse|rodents?|voles?|dogs?|monkeys?|macaques?|primates?|marmosets?|"
                        r"sheep|animals?|non-?human|canine)\b")
_HUMAN_RE = re.compile(r"\b(?:humans?|people|men|women|participants|patients|adults|children|infants|volunteers|"
                       r"individuals)\b")
# words by which a claim goes beyond what a study reports: certainty, universality, magnitude
_OVERREACH_RE = re.compile(
    r"\b(?:always|never|every|regardless|directly|sharply|dramatically|doubl\w*|tripl\w*|approved|proves?|"
    r"proven|cures?|guarantee\w*|explains?|entirely|completely|all\s+(?:people|patients|humans|individuals)|"
    r"the\s+same\s+rise|translate\w*\s+directly|main|best|most\s+effective|treatment\s+for|necessary|"
    r"essential|causes?|determin\w+)\b",
    re.I,
)
_SAMPLE_MALE_RE = re.compile(r"\b\d+\s+(?:healthy\s+|adult\s+|young\s+)*(?:male|men)\b")
_SAMPLE_FEMALE_RE = re.compile(r"\b\d+\s+(?:healthy\s+|adult\s+|young\s+)*(?:female|women|mothers)\b")
_COUNTRIES = {
    "united states": "USA", "usa": "USA", "u.s.": "USA", "american": "USA", "canada": "Canada", "canadian": "Canada",
    "united kingdom": "UK", "britain": "UK", "british": "UK", "england": "UK", "finland": "Finland",
    "finnish": "Finland", "germany": "Germany", "german": "Germany", "switzerland": "Switzerland",
    "swiss": "Switzerland", "sweden": "Sweden", "swedish": "Sweden", "israel": "Israel", "israeli": "Israel",
    "china": "China", "chinese": "China", "japan": "Japan", "japanese": "Japan", "hungary": "Hungary",
    "hungarian": "Hungary", "netherlands": "Netherlands", "dutch": "Netherlands", "australia": "Australia",
    "australian": "Australia", "france": "France", "french": "France", "italy": "Italy", "italian": "Italy",
}
_COUNTRY_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _COUNTRIES), key=len, reverse=True)) + r")\b")
_MALE_RE = re.compile(r"\b(?:men|male|males|fathers?)\b")
_FEMALE_RE = re.compile(r"\b(?:women|female|females|mothers?)\b")


def abstract_sentences(abstract: str) -> list[str]:
    sentences: list[str] = []
    for paragraph in abstract.split("\n"):
        paragraph = re.sub(r"^[A-Z][A-Z /&-]{2,40}:\s*", "", paragraph.strip())  # "RESULTS: ..."
        sentences.extend(split_sentences(paragraph))
    return [s for s in sentences if s]


def qualifier_differences(claim_text: str, abstract: str, genotype_text: str | None = None) -> list[str]:
    """Qualifiers on which the claim and the abstract disagree, in words a reader understands.

    `genotype_text` is the claim as read for genotype groups: a table row with its column headers.
    """
    notes: list[str] = []
    claim_groups, source_groups = genotype_groups(genotype_text or claim_text), genotype_groups(abstract)
    if claim_groups and source_groups and len(source_groups) < 3 and claim_groups != source_groups \
            and claim_groups & source_groups:
        notes.append("genotype group: the claim speaks of " + _groups(claim_groups)
                     + ", the abstract of " + _groups(source_groups))
    c, a = fold(claim_text), fold(abstract)
    for m in _OVERREACH_RE.finditer(c):
        if m.group(0).lower() not in a:
            notes.append(f"wording: the claim says {m.group(0)!r}, which the abstract does not")
            break
    claim_animal, source_animal = bool(_ANIMAL_RE.search(c)), bool(_ANIMAL_RE.search(a))
    claim_human, source_human = bool(_HUMAN_RE.search(c)), bool(_HUMAN_RE.search(a))
    if claim_animal and not claim_human and source_human and not source_animal:
        notes.append("species: the claim is about animals, the abstract about humans")
    elif claim_human and not claim_animal and source_animal and not source_human:
        notes.append("species: the claim is about humans, the abstract about animals")
    claim_f, claim_m = bool(_FEMALE_RE.search(c)), bool(_MALE_RE.search(c))
    source_f, source_m = bool(_FEMALE_RE.search(a)), bool(_MALE_RE.search(a))
    if _SAMPLE_MALE_RE.search(a) and not _SAMPLE_FEMALE_RE.search(a):  # "194 healthy male participants"
        source_f, source_m = False, True
    elif _SAMPLE_FEMALE_RE.search(a) and not _SAMPLE_MALE_RE.search(a):
        source_f, source_m = True, False
    if claim_f and not claim_m and source_m and not source_f:
        notes.append("population: the claim is about women, the study sampled men")
    elif claim_m and not claim_f and source_f and not source_m:
        notes.append("population: the claim is about men, the study sampled women")
    claim_countries = {_COUNTRIES[m] for m in _COUNTRY_RE.findall(c)}
    source_countries = {_COUNTRIES[m] for m in _COUNTRY_RE.findall(a)}
    if claim_countries and source_countries and not claim_countries & source_countries:
        notes.append("population: the claim says " + ", ".join(sorted(claim_countries)) + "; the abstract "
                     + ", ".join(sorted(source_countries)))
    return notes


def _groups(groups: set[str]) -> str:
    names = {"gt_gg": "GG", "gt_ag": "AG", "gt_aa": "AA"}
    return "/".join(names[g] for g in sorted(groups, key=["gt_gg", "gt_ag", "gt_aa"].index))


def _qualified_text(claim: Claim) -> str:
    """A table row with each cell under its column header ("Associated with A-Allele (AA/AG): ...")."""
    if claim.kind != "table_row" or not claim.table_headers:
        return claim.text
    return " ".join(f"{h}: {c}" for h, c in zip(claim.table_headers, claim.cells, strict=False) if c)


def assess_claim(claim: Claim, links: list[dict[str, Any]], linker: Linker, stored: StoredArticle,
                 sources: dict[int, list[tuple[str, list[str]]]]) -> tuple[str, list[Evidence], list[str]]:
    """`sources`: each reference's abstract sentences with their terms (see `abstract_terms`)."""
    if not links:
        return "uncited", [], []
    refs = linker.stored_by_index  # built once per article, not once per claim
    statuses = {i: (refs[i].resolution.status if refs[i].resolution else None) for i in
                {link["reference"] for link in links}}
    if all(s in PROBLEM_STATUSES for s in statuses.values()):
        return "source_problem", [], ["every linked reference is " + ", ".join(sorted(set(
            s for s in statuses.values() if s)))]
    text = claim_text_for_content(claim)
    claim_terms = terms(text)
    evidence: list[Evidence] = []
    notes: list[str] = []
    for index in statuses:
        res = refs[index].resolution
        abstract = res.match.abstract if res and res.match else None
        if not abstract:
            notes.append(f"reference {index} has no abstract in the matched record")
            continue
        for sentence, sentence_terms in sources.get(index, []):
            score, shared = linker.weights.coverage(claim_terms, sentence_terms)
            if score >= EVIDENCE_MIN:
                evidence.append(Evidence(index, sentence, score, shared[:8]))
    evidence.sort(key=lambda e: -e.score)
    evidence = evidence[:EVIDENCE_KEEP]
    if not evidence:
        return "no_evidence", evidence, notes or ["nothing in the abstract bears on the claim"]
    best = evidence[0]
    best_res = refs[best.reference].resolution
    abstract = best_res.match.abstract if best_res and best_res.match else ""
    differences = qualifier_differences(text, abstract or "", _qualified_text(claim))
    if best.score < RELATED and not differences:
        return "no_evidence", evidence, notes or ["nothing in the abstract bears on the claim"]
    if differences:
        return "partial", evidence, differences
    if best.score >= SUPPORTED:
        return "supported", evidence, notes
    return "partial", evidence, [f"the abstract covers only part of the claim ({best.score:.2f})", *notes]


def abstract_terms(stored: StoredArticle) -> dict[int, list[tuple[str, list[str]]]]:
    """Each matched abstract split into sentences and terms once, for all the claims that cite it."""
    out: dict[int, list[tuple[str, list[str]]]] = {}
    for sref in stored.references:
        res = sref.resolution
        if res and res.match and res.match.abstract:
            out[sref.reference.index] = [(s, terms(s)) for s in abstract_sentences(res.match.abstract)]
    return out


def assess_article(stored: StoredArticle) -> dict[str, Assessment]:
    """The automatic assessment of every claim of an article."""
    linker = Linker(stored)
    links = linker.link_all()
    sources = abstract_terms(stored)
    out: dict[str, Assessment] = {}
    for sc in stored.claims:
        claim_links = links.get(sc.claim.id, [])
        status, evidence, notes = assess_claim(sc.claim, claim_links, linker, stored, sources)
        out[sc.claim.id] = Assessment(status, claim_links, evidence, notes)  # type: ignore[arg-type]
    return out
