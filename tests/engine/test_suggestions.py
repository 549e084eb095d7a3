"""Evidence suggestions: every hypothesis lists up to three customer notes most likely to
confirm it, its partner first, for a person to confirm or dismiss (no database)."""

import random

import numpy as np
import pytest

from comparison import engine
from comparison.engine import matching, pipeline, suggestions
from tests.engine.fake_embedder import FakeEmbedder
from tests.engine.test_engine_reference import random_maps, random_settings

N = engine.NoteIn
HYBRID = engine.Settings(scorer="hybrid", threshold=50, partial_threshold=40)


def _ids(note):
    return [item.id for item in note.suggestions]


def _check_shape(result, accepted=frozenset()):
    """Properties every result has: at most 3 distinct suggestions per hypothesis, its
    partner first (then further notes linked by hand, `accepted`), the rest most likely
    first, scores 0-100 with one decimal."""
    partner = {
        pair.internal_id: pair.customer_id
        for pair in result.pairs
        if pair.verdict in ("confirmed", "misplaced")
    }
    for note in result.internal:
        listed = note.suggestions
        assert len(listed) <= suggestions.SUGGESTIONS_PER_NOTE
        assert len(set(_ids(note))) == len(listed)
        rest = listed
        if note.id in partner:
            assert listed[0].id == partner[note.id]
            rest = listed[1:]
        while rest and (note.id, rest[0].id) in accepted:
            rest = rest[1:]
        scores = [item.score for item in rest]
        assert scores == sorted(scores, reverse=True)
        for item in listed:
            assert 0 <= item.score <= 100
            assert item.score == round(item.score, 1)


def test_every_hypothesis_gets_its_likeliest_evidence_partner_first():
    internal = [
        N("i0", "pains", "Delivery dates are unreliable"),
        N("i1", "gains", "Wants lower prices"),
        N("i2", "sees", "Nobody reads the newsletter"),
    ]
    customer = [
        N("c0", "pains", "Unreliable delivery dates"),
        N("c1", "pains", "Delivery is late, dates are a guess"),
        N("c2", "thinks_feels", "Prices should be lower"),
        N("c3", "sees", "Sunny weather"),
    ]
    result = engine.compare(internal, customer)
    _check_shape(result)
    by_id = {note.id: note for note in result.internal}
    # Confirmed: its pair first, then the next likeliest note of any segment.
    assert _ids(by_id["i0"]) == ["c0", "c1"]
    assert by_id["i0"].suggestions[0] == by_id["i0"].best
    # Misplaced: the partner from another segment is the first suggestion.
    assert by_id["i1"].verdict == "misplaced"
    assert _ids(by_id["i1"])[0] == "c2"
    # Nothing near it: no suggestion rather than noise.
    assert by_id["i2"].suggestions == []


def test_a_hand_link_comes_first_and_a_dismissed_suggestion_never_comes_back():
    internal = [N("i0", "pains", "Delivery dates are unreliable")]
    customer = [
        N("c0", "pains", "Unreliable delivery dates"),
        N("c1", "pains", "Delivery dates change every week"),
        N("c2", "hears", "Heard that delivery dates are a guess"),
    ]
    before = engine.compare(internal, customer)
    assert _ids(before.internal[0])[0] == "c0"
    assert "c1" in _ids(before.internal[0])
    after = engine.compare(
        internal,
        customer,
        decisions=[
            engine.Decision("i0", "c2", accepted=True),  # linked by hand, though not the best
            engine.Decision("i0", "c1", accepted=False),  # dismissed
        ],
    )
    assert _ids(after.internal[0])[0] == "c2"
    assert "c1" not in _ids(after.internal[0])
    assert "c0" in _ids(after.internal[0])


def test_suggestions_are_deterministic_and_ties_go_to_the_earlier_note():
    internal = [N("i0", "pains", "Invoices arrive late")]
    customer = [N(f"c{k}", "pains", "Invoices are late") for k in range(5)]
    first = engine.compare(internal, customer)
    assert first == engine.compare(internal, customer)
    assert _ids(first.internal[0]) == ["c0", "c1", "c2"]


@pytest.mark.parametrize("seed", range(20))
def test_suggestion_properties_on_random_maps(seed):
    rng = random.Random(seed)
    internal, customer = random_maps(seed, rng.randint(1, 30))
    decisions = [
        engine.Decision(rng.choice(internal).id, rng.choice(customer).id, rng.random() < 0.5)
        for _ in range(rng.randint(0, 4))
    ]
    result = engine.compare(internal, customer, random_settings(rng), decisions=decisions)
    rejected = {(d.internal_id, d.customer_id) for d in decisions if not d.accepted}
    accepted = {(d.internal_id, d.customer_id) for d in decisions if d.accepted}
    _check_shape(result, accepted)
    for note in result.internal:
        for item in note.suggestions:
            assert (note.id, item.id) not in rejected - accepted


def test_big_maps_suggest_from_each_segment_and_what_matched_across(monkeypatch):
    internal = [
        N("i0", "pains", "Delivery dates are unreliable"),
        N("i1", "gains", "Wants lower prices"),
    ]
    customer = [
        N("c0", "pains", "Unreliable delivery dates"),
        N("c1", "pains", "Delivery dates change every week"),
        N("c2", "thinks_feels", "Prices should be lower"),
        N("c3", "hears", "Heard that delivery dates are a guess"),
    ]
    whole = engine.compare(internal, customer)
    monkeypatch.setattr(suggestions, "WHOLE_PAIR_CELLS", 0)
    per_segment = engine.compare(internal, customer)
    _check_shape(per_segment)
    assert per_segment.pairs == whole.pairs
    by_id = {note.id: note for note in per_segment.internal}
    assert _ids(by_id["i0"]) == ["c0", "c1"]  # same segment only: c3 is not ranked
    assert "c3" in _ids(whole.internal[0])  # the whole pair is, on small maps
    assert _ids(by_id["i1"]) == ["c2"]  # the misplaced pair the matching found


def test_top_per_row_keeps_ties_in_column_order():
    scores = np.array([[5, 9, 9, 1, 9], [0, 0, 0, 0, 0]], dtype=np.float32)
    rows, columns, values = matching.top_per_row(scores, 2, floor=1.0)
    assert rows.tolist() == [0, 0]
    assert columns.tolist() == [1, 2]
    assert values.tolist() == [9.0, 9.0]


# --- with embeddings: the link model decides and ranks --------------------------------------

STORY_CONCEPTS = {"time": 9, "morning": 9, "hurry": 9, "app": 10, "booking": 10}


def _story_maps():
    internal = [
        N("h-price", "pains", "Price sensitive"),
        N("h-time", "pains", "No time in the morning"),
        N("h-app", "gains", "Wants a booking app"),
        N("h-talk", "hears", "Talks to other parents"),
    ]
    customer = [
        N("s-costs", "pains", "The costs add up every week"),
        N("s-hurry", "pains", "Every morning is a hurry"),
        N("s-app", "gains", "I would rather sort it out in an app"),
        N("s-sun", "sees", "Sunny weather all week"),
        N("s-gate", "hears", "At the school gate we talk about it"),
    ]
    return internal, customer


@pytest.mark.parametrize("scorer", ["semantic", "hybrid"])
def test_calibrated_runs_link_stories_and_rank_suggestions(scorer):
    internal, customer = _story_maps()
    settings = engine.Settings(scorer=scorer, threshold=50, partial_threshold=40)
    result = engine.compare(
        internal, customer, settings, embedder=FakeEmbedder(STORY_CONCEPTS, common=2.0)
    )
    assert result.semantic["scoring"] == "calibrated"
    _check_shape(result)
    linked = {(pair.internal_id, pair.customer_id) for pair in result.pairs}
    assert linked == {
        ("h-price", "s-costs"), ("h-time", "s-hurry"), ("h-app", "s-app"), ("h-talk", "s-gate")
    }  # fmt: skip
    assert {note.id: note.verdict for note in result.customer}["s-sun"] == "missed"
    by_id = {note.id: note for note in result.internal}
    # The suggestions' scores are the model's likelihoods: the partner's equals its pair.
    for pair in result.pairs:
        assert by_id[pair.internal_id].suggestions[0].score == pair.score
    assert result == engine.compare(
        internal, customer, settings, embedder=FakeEmbedder(STORY_CONCEPTS, common=2.0)
    )


def test_a_guarded_look_alike_is_suggested_only_with_the_guards_cap():
    # Negated on one side only, and the twin is closer: the engine does not confirm the
    # pair (capped at 39). A person may still be shown it as possible evidence when nothing
    # likelier is, but never with a confidence that hides the contradiction.
    internal = [
        N("i0", "pains", "Never asks for a discount"),
        N("i1", "pains", "Afraid of high costs"),
        N("i2", "gains", "Tools that talk to each other"),
        N("i3", "sees", "Sunny weather"),
    ]
    customer = [
        N("c0", "pains", "Asks for a discount in every negotiation"),
        N("c1", "pains", "Worried the costs will explode"),
        N("c2", "gains", "Integrations between tools"),
        N("c3", "hears", "Weather talk"),
    ]
    result = engine.compare(internal, customer, HYBRID, embedder=FakeEmbedder(common=2.0))
    assert result.semantic["scoring"] == "calibrated"
    first = result.internal[0]
    assert first.verdict == "unconfirmed"
    assert first.best is None or first.best.score < 40
    assert _ids(first)[0] == "c0"
    assert first.suggestions[0].score < HYBRID.partial_threshold
    assert first.suggestions[0].score == first.best.score


def test_lexical_runs_rank_by_the_word_score():
    internal, customer = _story_maps()
    result = pipeline.run_comparison(internal, customer, engine.DEFAULT_SETTINGS)
    _check_shape(result)
    for note in result.internal:
        assert all(item.score >= suggestions.SCORE_FLOOR for item in note.suggestions)


def test_confirming_evidence_already_linked_to_another_hypothesis_confirms_both():
    # Two hypotheses, one customer story: a person confirms the story for each. Pairs
    # stay one-to-one (the second link is an also-match), but both hypotheses count as
    # confirmed, each showing the story as its evidence.
    internal = [N("h1", "pains", "Price sensitive"), N("h2", "pains", "Money is tight")]
    customer = [
        N("c1", "pains", "I add up what everything costs"),
        N("c2", "gains", "Sunny weather all week"),
    ]
    decisions = [engine.Decision("h2", "c1", True), engine.Decision("h1", "c1", True)]
    result = engine.compare(internal, customer, engine.DEFAULT_SETTINGS, decisions=decisions)
    by_id = {note.id: note for note in result.internal}
    assert {note_id: note.verdict for note_id, note in by_id.items()} == {
        "h1": "confirmed",
        "h2": "confirmed",
    }
    assert by_id["h1"].best.id == by_id["h2"].best.id == "c1"
    assert _ids(by_id["h1"])[0] == "c1"
    assert [(pair.internal_id, pair.customer_id) for pair in result.pairs] == [("h2", "c1")]
    assert [(m.internal_id, m.customer_id) for m in result.also_matches] == [("h1", "c1")]
    assert result.summary.confirmed == 2
    assert result.summary.precision == 100.0
