"""Qualifiers on which a claim and its source disagree: genotype group, species, sample sex, country,
and wording by which a claim goes beyond what a study reports. Each is a note in plain words.
"""

from __future__ import annotations

import re

from citelens.claims.terms import fold, genotype_groups

ANIMAL_RE = re.compile(r"\b(?:rats?|mice|mouse|rodents?|voles?|dogs?|monkeys?|macaques?|primates?|marmosets?|"
                        r"sheep|animals?|non-?human|canine)\b")
HUMAN_RE = re.compile(r"\b(?:humans?|people|men|women|participants|patients|adults|children|infants|volunteers|"
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
    claim_animal, source_animal = bool(ANIMAL_RE.search(c)), bool(ANIMAL_RE.search(a))
    claim_human, source_human = bool(HUMAN_RE.search(c)), bool(HUMAN_RE.search(a))
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
