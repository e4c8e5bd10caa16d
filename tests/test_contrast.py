"""The contrast detector on real-looking claim/sentence pairs: each kind, and pairs it must leave alone."""

from __future__ import annotations

import pytest

from citelens.claims.contrast import (
    compare,
    contradiction,
    is_null_result,
    label_parts,
    negations,
    quantities,
    strip_label,
    tokens,
)


def kinds(claim: str, sentence: str) -> list[str]:
    return [c.kind for c in compare(claim, sentence)]


# --- contrasts that must be found ----------------------------------------------------------------

def test_negated_claim_against_a_positive_result() -> None:
    (c,) = [c for c in compare("Dexamethasone does not reduce mortality in ventilated patients.",
                               "Dexamethasone reduced 28-day mortality in ventilated patients by 30%.")
            if c.kind == "negation"]
    assert c.claim == "does not reduce"
    assert c.source == "reduced"
    assert 'claim says "does not reduce", source says "reduced"' in c.note("results sentence 6")


def test_directional_claim_against_a_null_result() -> None:
    c = contradiction(compare("Intranasal oxytocin reduced cortisol after the stress test.",
                              "There was no significant difference in cortisol between the oxytocin and placebo "
                              "groups after the stress test."))
    assert c is not None and c.kind == "negation"
    assert c.claim == "reduced" and c.source.startswith("no significant difference")


def test_subject_before_the_negation_counts() -> None:
    assert "negation" in kinds("Cats are not able to be infected with the novel virus.",
                               "Cats were readily infected with the novel virus and shed it for a week.")


def test_negation_needs_an_asserted_effect_or_two_shared_words() -> None:
    # the claim's negation holds one shared word ("cats") and the source asserts no direction
    assert contradiction(compare("Cats are not able to be infected with the novel virus.",
                                 "The virus replicates poorly in dogs and pigs, but efficiently in cats.")) is None


def test_opposite_directions() -> None:
    (c,) = [c for c in compare("Mortality was higher among patients given the drug.",
                               "Mortality was lower among patients given the drug than among controls.")
            if c.kind == "direction"]
    assert (c.claim, c.source) == ("higher", "lower")


def test_risk_against_protective_is_opposite() -> None:
    assert contradiction(compare("The G allele is a risk factor for depression.",
                                 "The G allele was protective against depression in this cohort.")) is not None


def test_swapped_comparison() -> None:
    assert "direction" in kinds(
        "The new virus is more dangerous for young people than old people.",
        "Older adults are at higher risk for severe illness and death than are younger persons.")


def test_antonym() -> None:
    assert "antonym" in kinds("Most infected children are symptomatic.",
                              "Most infected children were asymptomatic at the time of testing.")


def test_different_range_of_days() -> None:
    (c,) = [c for c in compare("Symptoms appear between 3 and 4 days after exposure.",
                               "The median incubation period was between 2 and 3 days.") if c.kind == "number"]
    assert c.claim == "between 3 and 4 days" and c.source == "between 2 and 3 days"


def test_different_units_of_time_are_compared() -> None:
    assert "number" in kinds("The test identifies coronavirus proteins in a few seconds.",
                             "The assay detects viral proteins in thirty minutes.")


def test_different_percentage() -> None:
    assert "number" in kinds("Between 8.1 percent and 12.3 percent had been infected.",
                             "The population-weighted prevalence was 2.81% (95CI 2.24-3.37%).")


def test_universal_claim_against_a_share() -> None:
    assert "quantifier" in kinds("All patients develop antibodies after infection.",
                                 "Most patients (87%) developed antibodies within two weeks.")


def test_definite_claim_against_a_hedged_source() -> None:
    assert "hedge" in kinds("Masks prevent infection.", "Masks may reduce the risk of infection.")


# --- pairs that must NOT be flagged --------------------------------------------------------------

@pytest.mark.parametrize(("claim", "sentence"), [
    ("Oxytocin increases trust in humans.", "Intranasal oxytocin increased trust among 58 healthy men."),
    ("Convalescent plasma does not improve clinical outcomes.",
     "Convalescent plasma did not result in a statistically significant improvement in time to clinical improvement."),
    ("Treatment reduced the risk of death by 45%.",
     "Treatment was associated with a 44% (95% confidence interval, 34% to 53%) reduction in the risk of death."),
    ("The test gives a result in thirty minutes.", "The test gave a result in 30 min in every sample."),
    ("Symptoms resolved within two weeks.", "Symptoms resolved within 14 days in most patients."),
    ("Not only did distancing curb COVID-19, it also curbed influenza.",
     "Distancing curbed influenza transmission as well as COVID-19."),
    ("GG carriers showed higher empathy than A carriers.",
     "Individuals homozygous for the G allele showed higher empathy than A allele carriers."),
])
def test_agreeing_pairs_have_no_contradiction(claim: str, sentence: str) -> None:
    assert contradiction(compare(claim, sentence)) is None


def test_pseudo_negation_is_not_negation() -> None:
    assert negations(tokens("not only the mothers but also the fathers")) == []
    assert negations(tokens("with or without treatment")) == []
    assert is_null_result("the groups did not differ in cortisol")
    assert is_null_result("cortisol rose after the stressor") is None


def test_negation_scope_ends_at_but() -> None:
    (neg,) = negations(tokens("there was no change in anxiety but cortisol fell"))
    assert "cortisol" not in tokens("there was no change in anxiety but cortisol fell")[neg.start:neg.end]


def test_quantities_skip_interval_levels_and_years() -> None:
    found = [(q.low, q.high, q.unit) for q in quantities("a 44% (95% CI 34% to 53%) reduction in 2020, over 3 weeks")]
    assert (44.0, 44.0, "percent") in found
    assert (34.0, 53.0, "percent") in found
    assert (21.0, 21.0, "time") in found
    assert all(q[0] != 95.0 for q in found)
    assert all(q[0] != 2020.0 for q in found)


# --- parts of an abstract ------------------------------------------------------------------------

def test_structured_labels_hold_until_the_next() -> None:
    parts = label_parts(["BACKGROUND: Oxytocin is known to shape social behaviour.", "We asked whether it does.",
                         "METHODS: 60 men were randomized to oxytocin or placebo.",
                         "RESULTS: Oxytocin increased trust (p < 0.01).", "It also lowered cortisol.",
                         "CONCLUSIONS: Oxytocin may promote trust."])
    assert [p for _, p in parts] == ["background", "background", "methods", "results", "results", "conclusions"]
    assert parts[3][0] == "Oxytocin increased trust (p < 0.01)."


def test_unlabelled_abstract_is_read_from_cues() -> None:
    parts = [p for _, p in label_parts([
        "Oxytocin is thought to facilitate social bonding.",
        "Here we investigate whether it affects memory for faces.",
        "Participants were randomized to receive oxytocin or placebo.",
        "Oxytocin improved recognition of faces compared with placebo (p = 0.02).",
        "These findings suggest that oxytocin supports social memory.",
    ])]
    assert parts == ["background", "background", "methods", "results", "conclusions"]


def test_a_word_like_results_opening_prose_is_not_a_label() -> None:
    assert strip_label("Results from earlier studies were mixed.") == ("Results from earlier studies were mixed.",
                                                                       None)
    assert strip_label("Results The prevalence was 1.5%.") == ("The prevalence was 1.5%.", "results")
    assert strip_label("INTERPRETATION: Early dexamethasone could help.") == ("Early dexamethasone could help.",
                                                                              "conclusions")


def test_restrictive_only_is_not_a_contradiction_of_the_others() -> None:
    assert contradiction(compare(
        "For individuals with the AA genotype, social support had no significant effect on their cortisol response.",
        "Only individuals with one or two copies of the G allele showed lower cortisol responses to stress after "
        "social support, compared with individuals with the AA genotype.")) is None


def test_complementary_genotype_groups_agree_in_opposite_words() -> None:
    assert contradiction(compare("A-allele carriers showed lower empathy.",
                                 "Individuals homozygous for the G allele showed higher empathy.")) is None


def test_double_blind_is_not_a_doubling() -> None:
    assert compare("In a double-blind study, oxytocin reduced cortisol.", "Oxytocin reduced cortisol.") == []


def test_a_condition_negated_is_not_a_negated_finding() -> None:
    assert contradiction(compare(
        "Among individuals with the GG genotype, social support resulted in a blunted cortisol response.",
        "Individuals with the GG genotype showed a blunted cortisol response compared with those who received "
        "no social support.")) is None


def test_a_direction_both_sides_share_does_not_hide_the_edit() -> None:
    c = contradiction(compare("Ultraviolet light is associated with higher COVID-19 growth rates.",
                              "We found that ultraviolet light was most strongly associated with lower COVID-19 "
                              "growth rates."))
    assert c is not None and (c.kind, c.claim, c.source) == ("direction", "higher", "lower")


def test_words_that_merely_start_like_a_direction_are_not_one() -> None:
    assert contradiction(compare("Surgical masks are effective against respiratory droplets.",
                                 "Surgical masks reduced the droplets that wearers released.")) is None


def test_superlatives_and_negating_prefixes() -> None:
    assert "direction" in kinds("Horseshoe bats are the least likely origin of the virus.",
                                "Horseshoe bats are the most likely origin of the virus.")
    assert "antonym" in kinds("Vertical transmission of the virus is possible.",
                              "Vertical transmission of the virus is impossible.")


def test_a_stable_claim_against_a_change_is_a_negation() -> None:
    assert "negation" in kinds("Infection rates remained stable after the lockdown.",
                               "Infection rates declined after the lockdown.")
