"""Judge a claim against one source abstract: evidence sentences, contrasts and a verdict.

The abstract's sentences are ranked by how much of the claim's term weight they cover, with
results and conclusions preferred over background, aims and methods. The contrast detector
(`contrast.py`) compares the claim with the best sentences. A small logistic-regression model
over those overlap and contrast features (weights in `model/judge-v3.json`, retrained by
`python -m citelens.claims.train_judge`) gives the probabilities that the abstract supports the
claim, refutes it, or does not settle it. The verdict follows rules a reader can check:

- `contradicted`: a results or conclusions sentence bearing on the claim shows a contradicting
  contrast (negation, direction, antonym, number) and the model agrees the claim is refuted;
- `supported`: a results or conclusions sentence covers the claim, the model finds support
  (or, for a sentence stating half the claim's term weight, does not lean to refutes), no
  contrast or qualifier differs, and no other finding that bears on the claim about as much
  contradicts it;
- `partial`: a related sentence, but not enough for either (the note says why);
- `no_evidence`: nothing in the abstract bears on the claim.

Inference needs plain Python only; the weights file is small and versioned with the package.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from citelens.claims.contrast import (
    CONTRADICTING,
    Contrast,
    compare,
    contradiction,
    direction_of,
    directions,
    has_result_cue,
    is_hedged,
    is_null_result,
    is_universal,
    label_parts,
    negations,
    quantities,
    tokens,
)
from citelens.claims.qualifiers import ANIMAL_RE, HUMAN_RE
from citelens.claims.terms import TermWeights, terms

MODEL = "judge-v3.json"
CLASSES = ("supports", "refutes", "nei")
EVIDENCE_MIN = 0.10  # sentences covering less of the claim are not evidence
EVIDENCE_KEEP = 3
EVIDENCE_FILL = 0.03  # ... but a results/conclusions sentence above this completes a shorter list (chosen on train)
RELATED = 0.15  # coverage of a sentence that bears on the claim
COMPARE_TOP = 4  # best-ranked sentences compared with the claim
RIVAL = 0.75  # a contradicting finding covering this share of the supporting one's coverage blocks `supported`
# ranking: a results or conclusions sentence counts fully, background and methods less
PART_WEIGHT = {"results": 1.0, "conclusions": 1.0, "background": 0.75, "methods": 0.6}
RESULT_CUE_BONUS = 0.03
BIGRAM_BONUS = 0.0  # for the claim's word pairs a sentence repeats (chosen on train: rationale in the top 3)
FINDING_PARTS = ("results", "conclusions")
STATED_COVERAGE = 0.50  # a finding stating this much of the claim needs only the model not to lean to refutes
SCALE_FLOOR = 1e-3  # a feature that never varies in training is left unscaled


@dataclass(frozen=True)
class SourceSentence:
    """One sentence of an abstract: its text (label stripped), its part, its position and terms."""

    text: str
    part: str
    position: int
    terms: tuple[str, ...]
    result_cue: bool


def source_sentences(sentences: list[str]) -> list[SourceSentence]:
    """An abstract's sentences (already split) read once: part of the abstract, terms, result cues."""
    return [SourceSentence(text, part, i, tuple(terms(text)), has_result_cue(text))
            for i, (text, part) in enumerate(label_parts(sentences))]


@dataclass
class Ranked:
    sentence: SourceSentence
    coverage: float
    shared: list[str]
    rank_score: float
    contrasts: list[Contrast] = field(default_factory=list)


@dataclass
class Judgement:
    status: str  # supported | contradicted | partial | no_evidence
    probabilities: dict[str, float]
    evidence: list[Ranked]
    notes: list[str]
    contrast: tuple[Ranked, Contrast] | None = None


def rank(claim_terms: list[str], source: list[SourceSentence], weights: TermWeights) -> list[Ranked]:
    """The sentences that share terms with the claim, best first: coverage of the claim's term weight,
    weighed by the part of the abstract, plus a bonus for a result cue and for the claim's word pairs
    (a sentence that says the claim's "growth rates" in the same order is the one stating it)."""
    out: list[Ranked] = []
    claim_bi = _bigrams(claim_terms) if BIGRAM_BONUS else set()  # 0.0: tried on train, no gain
    for s in source:
        coverage, shared = weights.coverage(claim_terms, s.terms)
        if coverage <= 0:
            continue
        score = coverage * PART_WEIGHT.get(s.part, 0.9) + (RESULT_CUE_BONUS if s.result_cue else 0.0)
        if claim_bi:
            score += BIGRAM_BONUS * len(claim_bi & _bigrams(list(s.terms))) / len(claim_bi)
        out.append(Ranked(s, coverage, shared, score))
    out.sort(key=lambda r: (-r.rank_score, r.sentence.position))
    return out


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:], strict=False))


FEATURES = (
    "cov1", "cov2", "cov_top3", "cov_all", "shared1", "bigram1", "finding1", "result_cue1", "neg_contrast",
    "dir_contrast", "antonym_contrast", "number_contrast", "quantifier", "hedge", "claim_negated", "source_null",
    "claim_number", "number_agrees", "direction_agrees", "missing_max", "claim_size", "qualifiers",
    "any_contradiction", "contra_finding", "claim_universal", "claim_hedged", "claim_number_unaligned",
    "negation_mismatch1", "cov_finding", "direction_unmet",
)


def features(claim: str, claim_terms: list[str], ranked: list[Ranked], weights: TermWeights,
             qualifier_notes: int = 0) -> list[float]:
    """The judge's feature vector for one claim and one abstract (its ranked sentences)."""
    top = ranked[:COMPARE_TOP]
    for r in top:
        if not r.contrasts and not other_population(claim, r.sentence.text):
            r.contrasts = compare(claim, r.sentence.text, {t[:5] for t in r.shared} or None)
    q = set(claim_terms)
    total = sum(weights.weight(t) for t in q) or 1.0
    cov1 = top[0].coverage if top else 0.0
    cov2 = top[1].coverage if len(top) > 1 else 0.0
    union3 = {t for r in top[:3] for t in r.shared}
    cov3 = sum(weights.weight(t) for t in union3) / total
    union_all = {t for r in ranked for t in r.shared}
    cov_all = sum(weights.weight(t) for t in union_all) / total
    missing = [weights.weight(t) for t in q - union_all]
    max_w = max((weights.weight(t) for t in q), default=1.0) or 1.0
    claim_bi = _bigrams(claim_terms) if BIGRAM_BONUS else set()  # 0.0: tried on train, no gain
    bigram1 = len(claim_bi & _bigrams(list(top[0].sentence.terms))) / max(1, len(claim_bi)) if top else 0.0

    def strongest(kind: str) -> float:
        return max((r.coverage for r in top if any(c.kind == kind for c in r.contrasts)), default=0.0)

    contra = [r for r in top if any(c.kind in CONTRADICTING for c in r.contrasts)]
    cq = quantities(claim)
    source_q = [sq for r in top for sq in quantities(r.sentence.text)]
    number_agrees = float(any(a.unit == b.unit and a.agrees(b) for a in cq for b in source_q))
    ctoks = tokens(claim)
    claim_negated = _negated(claim)
    cdirs = {(a, s) for a, s, _, neg in directions(ctoks, negations(ctoks)) if not neg}
    sdirs = {(a, s) for a, s, _, neg in directions(tokens(top[0].sentence.text), negations(
        tokens(top[0].sentence.text))) if not neg} if top else set()
    # a counter-claim's direction: one the abstract never takes, while it takes the opposite
    abstract_dirs = {direction_of(t) for r in ranked for t in tokens(r.sentence.text)} - {None}
    direction_unmet = float(any((a, -s_) in abstract_dirs and (a, s_) not in abstract_dirs for a, s_ in cdirs))
    return [
        cov1, cov2, cov3, cov_all, len(top[0].shared) / max(1, len(q)) if top else 0.0, bigram1,
        float(bool(top) and top[0].sentence.part in FINDING_PARTS), float(bool(top) and top[0].sentence.result_cue),
        strongest("negation"), strongest("direction"), strongest("antonym"), strongest("number"),
        strongest("quantifier"), strongest("hedge"), float(claim_negated),
        float(bool(top) and bool(is_null_result(top[0].sentence.text))), float(bool(cq)), number_agrees,
        float(bool(cdirs & sdirs)), max(missing, default=0.0) / max_w, math.log1p(len(q)) / 3.0,
        float(min(qualifier_notes, 2)), max((r.coverage for r in contra), default=0.0),
        float(any(r.sentence.part in FINDING_PARTS for r in contra)), float(is_universal(claim)),
        float(is_hedged(claim)), float(bool(cq) and not any(a.unit == b.unit for a in cq for b in source_q)),
        float(bool(top) and claim_negated != _negated(top[0].sentence.text)),
        max((r.coverage for r in top if r.sentence.part in FINDING_PARTS), default=0.0),
        direction_unmet,
    ]


def other_population(claim: str, sentence: str) -> bool:
    """The claim is about animals and the sentence about humans (or the reverse): not the same finding."""
    c, s = claim.lower(), sentence.lower()
    claim_animal, claim_human = bool(ANIMAL_RE.search(c)), bool(HUMAN_RE.search(c))
    sent_animal, sent_human = bool(ANIMAL_RE.search(s)), bool(HUMAN_RE.search(s))
    return (claim_animal and not claim_human and sent_human and not sent_animal) or (
        claim_human and not claim_animal and sent_animal and not sent_human)


def _negated(text: str) -> bool:
    return bool(negations(tokens(text))) or bool(is_null_result(text))


@dataclass(frozen=True)
class Model:
    """Multinomial logistic regression: standardised features, one weight row per class."""

    version: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]
    thresholds: dict[str, float]

    def probabilities(self, x: list[float]) -> dict[str, float]:
        z = [(v - m) / s for v, m, s in zip(x, self.mean, self.scale, strict=True)]
        logits = [b + sum(w * v for w, v in zip(row, z, strict=True)) for row, b in zip(self.weights, self.bias,
                                                                                      strict=True)]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(CLASSES, exps, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "features": list(self.features), "classes": list(CLASSES),
                "mean": list(self.mean), "scale": list(self.scale), "weights": [list(r) for r in self.weights],
                "bias": list(self.bias), "thresholds": self.thresholds}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        if tuple(data["features"]) != FEATURES or tuple(data["classes"]) != CLASSES:
            raise ValueError("the judge's weights were trained on other features; retrain it")
        return cls(data["version"], tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]),
                   tuple(tuple(r) for r in data["weights"]), tuple(data["bias"]), dict(data["thresholds"]))


@cache
def load_model() -> Model:
    """The packaged weights (`citelens/claims/model/judge-v3.json`)."""
    text = resources.files("citelens.claims").joinpath("model", MODEL).read_text(encoding="utf-8")
    return Model.from_dict(json.loads(text))


def judge(claim: str, claim_terms: list[str], source: list[SourceSentence], weights: TermWeights,
          qualifier_notes: list[str] | None = None, model: Model | None = None) -> Judgement:
    """The verdict of one abstract on one claim, with its evidence and the reasons in plain words."""
    model = model or load_model()
    ranked = rank(claim_terms, source, weights)
    x = features(claim, claim_terms, ranked, weights, len(qualifier_notes or []))
    probs = model.probabilities(x)
    return decide(ranked, probs, model.thresholds, qualifier_notes)


def decide(ranked: list[Ranked], probs: dict[str, float], thresholds: dict[str, float],
           qualifier_notes: list[str] | None = None) -> Judgement:
    """The status from the ranked sentences (their contrasts compared) and the model's probabilities."""
    qualifier_notes = list(qualifier_notes or [])
    t = thresholds
    evidence = [r for r in ranked if r.coverage >= EVIDENCE_MIN][:EVIDENCE_KEEP]
    if not evidence:
        return Judgement("no_evidence", probs, [], ["nothing in the abstract bears on the claim"])
    # fewer than three bear on the claim: the next results or conclusions sentences that share a term
    # with it complete the list (they never decide the verdict: every rule below reads EVIDENCE_MIN)
    evidence += [r for r in ranked if r not in evidence and r.coverage > EVIDENCE_FILL
                 and r.sentence.part in FINDING_PARTS][:EVIDENCE_KEEP - len(evidence)]
    # the contrasting sentence: a finding that bears on the claim and says otherwise
    for r in ranked[:COMPARE_TOP]:
        c = contradiction(r.contrasts, quantifiers=True)
        if c and r.coverage >= t["contrast_coverage"] and r.sentence.part in FINDING_PARTS \
                and probs["refutes"] >= t["contradicted"] \
                and probs["refutes"] >= probs["supports"]:
            ev = [r, *[e for e in evidence if e is not r]][:EVIDENCE_KEEP]
            return Judgement("contradicted", probs, ev, [c.note(where(r.sentence))], (r, c))
    best = evidence[0]
    notes = list(qualifier_notes)
    finding = next((r for r in evidence if r.sentence.part in FINDING_PARTS and r.coverage >= t["support_coverage"]),
                   None)
    # no finding that bears on the claim as much says otherwise (the supporting sentence is not the only one read)
    clean = finding is not None and not any(c.contradicts or c.kind in ("quantifier", "hedge")
                                            for c in finding.contrasts) and not any(
        r.sentence.part in FINDING_PARTS and r.coverage >= max(t["contrast_coverage"], finding.coverage * RIVAL)
        and contradiction(r.contrasts) for r in ranked[:COMPARE_TOP] if r is not finding)
    judged_support = probs["supports"] >= t["supported"] and probs["supports"] >= probs["refutes"]
    # a finding that states most of the claim in its own words, with nothing that differs, needs no model
    stated = finding is not None and finding.coverage >= STATED_COVERAGE \
        and probs["supports"] >= t.get("stated", 0.0) and probs["supports"] >= probs["refutes"]
    if finding is not None and clean and not qualifier_notes and (judged_support or stated):
        ev = [finding, *[e for e in evidence if e is not finding]][:EVIDENCE_KEEP]
        return Judgement("supported", probs, ev, [])
    if best.coverage < RELATED and not qualifier_notes:
        return Judgement("no_evidence", probs, evidence, ["nothing in the abstract bears on the claim"])
    for r in evidence:
        if r.sentence.part not in FINDING_PARTS or r.coverage < EVIDENCE_MIN:
            continue  # what the background or the methods say is not the source's finding
        for c in r.contrasts:
            if c.kind in ("quantifier", "hedge") or c.contradicts:
                notes.append(_overreach_note(c, r))
                break
        if len(notes) > len(qualifier_notes):
            break
    if not notes:
        if finding is None:
            notes.append(f"no results or conclusions sentence states it; the closest is {where(best.sentence)}")
        else:
            notes.append(f"the abstract covers only part of the claim ({best.coverage:.2f})")
    return Judgement("partial", probs, evidence, notes)


def where(s: SourceSentence) -> str:
    return f"{s.part} sentence {s.position + 1}"


def _overreach_note(c: Contrast, r: Ranked) -> str:
    if c.kind == "hedge":
        return f'claim says "{c.claim}" as a fact, source says "{c.source}" ({where(r.sentence)})'
    if c.kind == "quantifier":
        return f'claim says "{c.claim}", source says "{c.source}" ({where(r.sentence)})'
    return c.note(where(r.sentence)) + ", but the source does not clearly refute it"
