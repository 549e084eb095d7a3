"""Property tests of the engine (hypothesis) and the exactness of its pruning.

No database and no Django.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from scipy.optimize import linear_sum_assignment

from comparison import engine
from comparison.engine import scoring, text
from comparison.engine.assignment import assign
from maps.segments import SEGMENT_KEYS
from tests.support.notes import generate_maps

WORDS = ["price", "prices", "Preis", "Größe", "groesse", "never", "nicht", "delivery"]
WORDS += ["late", "discount", "ship", "shipping", "Kunde", "Kunden", "the", "und", "a"]
WORDS += ["ﬁle", "ＡＢ"]

note_text = st.one_of(
    st.text(min_size=0, max_size=60),
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=8).map(" ".join),
)


def notes_strategy(prefix: str):
    return st.lists(
        st.tuples(st.sampled_from(SEGMENT_KEYS), note_text, st.integers(0, 5)),
        max_size=14,
    ).map(
        lambda rows: [
            engine.NoteIn(f"{prefix}{index}", segment, body, votes)
            for index, (segment, body, votes) in enumerate(rows)
        ]
    )


settings_strategy = st.builds(
    lambda scorer, threshold, gap, cross, language: engine.Settings(
        scorer=scorer,
        threshold=threshold,
        partial_threshold=max(threshold - gap, 0),
        cross_segment=cross,
        language=language,
    ),
    st.sampled_from(engine.SCORERS),
    st.floats(0, 100),
    st.floats(0, 40),
    st.booleans(),
    st.sampled_from(engine.LANGUAGES),
)


def check_invariants(internal, customer, result):
    assert [note.id for note in result.internal] == [note.id for note in internal]
    assert [note.id for note in result.customer] == [note.id for note in customer]
    assert {note.verdict for note in result.internal} <= {
        "confirmed", "partial", "misplaced", "unconfirmed"
    }  # fmt: skip
    assert {note.verdict for note in result.customer} <= {"anticipated", "missed"}
    paired_internal = [pair.internal_id for pair in result.pairs]
    paired_customer = [pair.customer_id for pair in result.pairs]
    assert len(paired_internal) == len(set(paired_internal))
    assert len(paired_customer) == len(set(paired_customer))
    customer_verdict = {note.id: note.verdict for note in result.customer}
    for pair in (*result.pairs, *result.also_matches):
        assert customer_verdict[pair.customer_id] == "anticipated"
        assert 0 <= pair.score <= 100
    summary = result.summary
    assert summary.internal_count == len(internal)
    assert summary.customer_count == len(customer)
    assert summary.confirmed + summary.partial + summary.misplaced + summary.unconfirmed == len(
        internal
    )
    assert summary.anticipated + summary.missed == len(customer)
    assert list(result.segments) == list(SEGMENT_KEYS)
    for figure in (summary.empathy_score, summary.precision, summary.coverage):
        assert 0 <= figure <= 100


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes_strategy("i"), notes_strategy("c"), settings_strategy)
def test_compare_never_raises_and_keeps_its_invariants(internal, customer, run_settings):
    result = engine.compare(internal, customer, run_settings)
    check_invariants(internal, customer, result)
    assert result == engine.compare(internal, customer, run_settings)
    result.to_json_dict()


@settings(max_examples=40, deadline=None)
@given(notes_strategy("i"))
def test_one_sided_maps(internal):
    result = engine.compare(internal, [])
    assert {note.verdict for note in result.internal} <= {"unconfirmed"}
    assert result.summary.coverage == 0
    result = engine.compare([], internal)
    assert {note.verdict for note in result.customer} <= {"missed"}
    assert result.summary.precision == 0


@settings(max_examples=30, deadline=None)
@given(notes_strategy("i"), notes_strategy("c"), st.data())
def test_decisions_are_honoured(internal, customer, data):
    if not internal or not customer:
        return
    accepted = data.draw(st.tuples(st.sampled_from(internal), st.sampled_from(customer)))
    rejected = data.draw(st.tuples(st.sampled_from(internal), st.sampled_from(customer)))
    decisions = [engine.Decision(rejected[0].id, rejected[1].id, accepted=False),
                 engine.Decision(accepted[0].id, accepted[1].id, accepted=True)]  # fmt: skip
    result = engine.compare(internal, customer, decisions=decisions)
    check_invariants(internal, customer, result)
    drawn = {(pair.internal_id, pair.customer_id): pair for pair in result.pairs}
    assert drawn[(accepted[0].id, accepted[1].id)].source == "manual"
    if (rejected[0].id, rejected[1].id) != (accepted[0].id, accepted[1].id):
        edges = {(m.internal_id, m.customer_id) for m in (*result.pairs, *result.also_matches)}
        assert (rejected[0].id, rejected[1].id) not in edges


def test_very_long_and_odd_input():
    long_text = "Prices rise " * 5000
    odd = ["", "   ", "!!!", "\u200b\u200b", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "日本語のメモ", "\x00\x01", "🙂🙂"]
    internal = [engine.NoteIn("long", "sees", long_text)] + [
        engine.NoteIn(f"i{k}", "sees", body) for k, body in enumerate(odd)
    ]
    customer = [engine.NoteIn("c-long", "sees", long_text[::-1])] + [
        engine.NoteIn(f"c{k}", "sees", body) for k, body in enumerate(odd)
    ]
    for scorer in engine.SCORERS:
        result = engine.compare(
            internal, customer, engine.Settings(scorer=scorer, threshold=60, partial_threshold=45)
        )
        check_invariants(internal, customer, result)


# --- pruning is exact ------------------------------------------------------------------------


def random_notes(seed: int, count: int) -> list[text.Prepared]:
    rng = random.Random(seed)
    vocabulary = ["price", "prices", "late", "delivery", "deliveries", "never", "discount"]
    vocabulary += ["portal", "phone", "invoice", "invoices", "trust", "vendor", "x", "yy"]
    return [
        text.prepare(" ".join(rng.choices(vocabulary, k=rng.randint(0, 7))), "en")
        for _ in range(count)
    ]


@pytest.mark.parametrize("seed", range(5))
def test_token_set_matrix_equals_dense_token_set_ratio(seed):
    left, right = random_notes(seed, 40), random_notes(seed + 100, 35)
    fast = scoring.token_set_matrix(left, right)
    dense = process.cdist(
        [note.ordered for note in left], [note.ordered for note in right],
        scorer=fuzz.token_set_ratio, dtype=np.float32,
    )  # fmt: skip
    np.testing.assert_allclose(fast, dense, atol=1e-3)


@pytest.mark.parametrize("minimum", [45.0, 50.0, 55.0, 60.0, 75.0])
@pytest.mark.parametrize("seed", range(4))
def test_blocked_candidates_equal_the_dense_scores(seed, minimum):
    left, right = random_notes(seed, 50), random_notes(seed + 50, 45)
    dense = scoring.score_matrix(left, right, "blend")
    expected = {(int(r), int(c)) for r, c in zip(*np.nonzero(dense >= minimum), strict=True)}
    rows, columns, scores = scoring.candidate_scores(left, right, "blend", minimum)
    assert set(zip(rows.tolist(), columns.tolist(), strict=True)) == expected
    np.testing.assert_allclose(scores, dense[rows, columns], atol=1e-3)


def test_blocked_candidates_on_benchmark_notes():
    internal, customer = generate_maps(60)
    left = [text.prepare(note.text, "en") for note in internal[:60]]
    right = [text.prepare(note.text, "en") for note in customer[60:180]]
    dense = scoring.score_matrix(left, right, "blend")
    rows, _, _ = scoring.candidate_scores(left, right, "blend", 60.0)
    assert len(rows) == int((dense >= 60.0).sum())


def test_pair_scores_match_the_matrix():
    left, right = random_notes(1, 30), random_notes(2, 30)
    for scorer in engine.SCORERS:
        matrix = scoring.score_matrix(left, right, scorer)
        np.testing.assert_allclose(
            scoring.pair_scores(left, right, scorer), np.diag(matrix), atol=1e-3
        )


@pytest.mark.parametrize("seed", range(8))
def test_component_assignment_equals_dense_assignment(seed):
    rng = np.random.default_rng(seed)
    size = (int(rng.integers(1, 40)), int(rng.integers(1, 40)))
    weights = np.round(rng.random(size) * 40) * (rng.random(size) < 0.15)
    rows, columns = np.nonzero(weights > 0)
    chosen = assign(rows, columns, weights[rows, columns])
    dense_rows, dense_columns = linear_sum_assignment(weights, maximize=True)
    assert sum(weights[r, c] for r, c in chosen) == pytest.approx(
        weights[dense_rows, dense_columns].sum()
    )
    assert len({r for r, _ in chosen}) == len(chosen) == len({c for _, c in chosen})


def test_sparse_solver_for_big_components_is_optimal():
    rng = np.random.default_rng(3)
    weights = np.round(rng.random((60, 50)) * 30) * (rng.random((60, 50)) < 0.2)
    rows, columns = np.nonzero(weights > 0)
    chosen = assign(rows, columns, weights[rows, columns])
    dense_rows, dense_columns = linear_sum_assignment(weights, maximize=True)
    assert sum(weights[r, c] for r, c in chosen) == pytest.approx(
        weights[dense_rows, dense_columns].sum()
    )
