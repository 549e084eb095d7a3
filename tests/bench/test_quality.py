"""The dev set and the evaluation figures of `bench.quality` (no database, no Django)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench import quality
from comparison.engine import DEFAULT_SETTINGS, Settings
from maps.segments import SEGMENT_KEYS


@pytest.fixture(scope="module")
def devset():
    return quality.load_devset()


def test_devset_is_well_formed(devset):
    assert len(devset) >= 6
    assert {pair.language for pair in devset} == {"en", "de"}
    for pair in devset:
        internal_ids = {note.id for note in pair.internal}
        customer_ids = {note.id for note in pair.customer}
        assert 15 <= len(pair.internal) <= 30
        assert 15 <= len(pair.customer) <= 30
        assert {note.segment for note in pair.internal} == set(SEGMENT_KEYS)
        assert {note.segment for note in pair.customer} == set(SEGMENT_KEYS)
        for internal_id, customer_id in pair.gold | pair.lookalikes:
            assert internal_id in internal_ids
            assert customer_id in customer_ids
        assert not pair.gold & pair.lookalikes
        gold_internal = [internal_id for internal_id, _ in pair.gold]
        assert len(gold_internal) == len(set(gold_internal)), "gold pairs are one-to-one"
    notes = {(n.id, pair.name): n for pair in devset for n in (*pair.internal, *pair.customer)}
    misplaced_gold = [
        pair for pair in devset for i, c in pair.gold
        if notes[(i, pair.name)].segment != notes[(c, pair.name)].segment
    ]  # fmt: skip
    assert len(misplaced_gold) >= 3


def test_figures_arithmetic():
    figures = quality.figures(true_positives=6, predicted=8, actual=12)
    assert (figures.precision, figures.recall) == (0.75, 0.5)
    assert figures.f1 == pytest.approx(0.6)
    assert quality.figures(0, 0, 0).f1 == 0.0


def test_default_settings_do_well_on_the_devset(devset):
    figures = quality.evaluate_devset(devset, DEFAULT_SETTINGS)
    assert figures.f1 >= 0.8
    assert figures.precision >= 0.8


def test_the_evaluation_can_tell_a_bad_setting(devset):
    careless = Settings(scorer="ratio", threshold=10, partial_threshold=5)
    assert quality.evaluate_devset(devset, careless).precision < 0.7


def test_negation_look_alikes_are_mostly_not_confirmed(devset):
    figures = quality.evaluate_devset(devset, DEFAULT_SETTINGS)
    lookalikes = sum(len(pair.lookalikes) for pair in devset)
    assert figures.lookalike_hits <= lookalikes // 2


def test_stsb_figures_when_the_data_is_present():
    test = quality.load_stsb("en", "test")
    if test is None:
        pytest.skip(f"STS-B not found in {quality.STSB_DIR}")
    scores = quality.sentence_scores(test, "en", DEFAULT_SETTINGS.scorer)
    figures = quality.classify(scores, test.same, DEFAULT_SETTINGS.threshold)
    assert figures.f1 >= 0.7


def test_missing_stsb_data_is_none(tmp_path):
    assert quality.load_stsb("en", "test", directory=tmp_path) is None


def test_unrelated_pairs_put_a_team_next_to_customers_of_another_topic(devset):
    stories = quality.load_devset(quality.STORIES_DIR)
    pairs = {pair.name: pair for pair in (*devset, *stories)}

    unrelated = quality.unrelated_pairs(list(pairs.values()))

    assert len(unrelated) == quality.UNRELATED_PER_PAIR * len(pairs)
    for pair in unrelated:
        team, customers = (pairs[name] for name in pair.name.split(" x "))
        assert pair.internal == team.internal
        assert pair.customer == customers.customer
        assert pair.language == team.language == customers.language
        topic = quality.TOPICS.get
        assert topic(team.name, team.name) != topic(customers.name, customers.name)
        assert pair.gold == frozenset()


def test_every_link_between_unrelated_workshops_counts_as_false(devset):
    unrelated = quality.unrelated_pairs(devset)[:2]

    anything = replace(DEFAULT_SETTINGS, threshold=1.0, partial_threshold=0.5)

    links, hypotheses = quality.unrelated_links(unrelated, anything)

    assert hypotheses == sum(len(pair.internal) for pair in unrelated)
    assert 0 < links <= hypotheses  # a threshold of 1 links nearly everything, all wrong
