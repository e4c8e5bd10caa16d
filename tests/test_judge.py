"""The claim judge: packaged weights, deterministic verdicts, contradictions with their reasons."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from citelens.batch import parse_statuses
from citelens.claims.judge import FEATURES, judge, load_model, source_sentences
from citelens.claims.terms import TermWeights, terms
from citelens.records import CLAIM_STATUSES, REFERENCE_STATUSES

ABSTRACT = [
    "BACKGROUND: Oxytocin is known to shape social behaviour and is thought to dampen stress.",
    "METHODS: We randomized 60 healthy men to intranasal oxytocin or placebo before a public speaking task.",
    "RESULTS: Oxytocin reduced salivary cortisol responses to the stressor compared with placebo (p = 0.01).",
    "Heart rate did not differ between the groups.",
    "CONCLUSIONS: Intranasal oxytocin dampens the cortisol response to social stress in men.",
]
OTHER = ["Vitamin D supplementation did not change bone density in older women.",
         "Calcium intake was associated with fewer fractures."]


def weights() -> TermWeights:
    claims = ["Oxytocin reduced cortisol responses to social stress in men.",
              "Oxytocin did not reduce cortisol responses to social stress in men.",
              "Oxytocin lowered heart rate during the stressor."]
    return TermWeights([terms(s) for s in ABSTRACT + OTHER] + [terms(c) for c in claims])


def verdict(claim: str, abstract: list[str] = ABSTRACT):
    return judge(claim, terms(claim), source_sentences(abstract), weights())


def test_the_weights_ship_with_the_package() -> None:
    text = resources.files("citelens.claims").joinpath("model", "judge-v3.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["version"] == "judge-v3" and tuple(data["features"]) == FEATURES
    model = load_model()
    assert set(model.thresholds) >= {"supported", "contradicted", "support_coverage", "contrast_coverage"}
    probs = model.probabilities([0.0] * len(FEATURES))
    assert abs(sum(probs.values()) - 1.0) < 1e-9


def test_a_result_that_states_the_claim_supports_it() -> None:
    j = verdict("Oxytocin reduced cortisol responses to social stress in men.")
    assert j.status == "supported"
    assert j.evidence[0].sentence.part in ("results", "conclusions")
    assert j.notes == []


def test_a_negated_claim_against_the_result_is_contradicted_with_its_reason() -> None:
    j = verdict("Oxytocin did not reduce cortisol responses to social stress in men.")
    assert j.status == "contradicted"
    assert j.contrast is not None
    ranked, contrast = j.contrast
    assert ranked.sentence.part in ("results", "conclusions")
    assert j.evidence[0] is ranked
    assert j.notes[0].startswith('claim says "did not reduce", source says "')
    assert "sentence" in j.notes[0]


def test_an_unrelated_abstract_is_no_evidence() -> None:
    assert verdict("Oxytocin reduced cortisol responses to social stress in men.", OTHER).status == "no_evidence"


def test_the_verdict_is_deterministic() -> None:
    claim = "Oxytocin lowered heart rate during the stressor."
    first, second = verdict(claim), verdict(claim)
    assert (first.status, first.notes, first.probabilities) == (second.status, second.notes, second.probabilities)
    assert first.status != "supported"  # heart rate did not differ


def test_training_is_deterministic() -> None:
    pytest.importorskip("numpy")
    from citelens.claims.train_judge import fit

    xs = [[0.1 * i, float(i % 3), 1.0 / (i + 1)] + [0.0] * (len(FEATURES) - 3) for i in range(30)]
    ys = [i % 3 for i in range(30)]
    assert fit(xs, ys) == fit(xs, ys)


def test_fail_on_takes_claim_statuses() -> None:
    assert "contradicted" in CLAIM_STATUSES
    assert parse_statuses("not_found,contradicted", REFERENCE_STATUSES + CLAIM_STATUSES) == ("not_found",
                                                                                            "contradicted")
