"""Learning from review in the engine: the suggestions a workspace's editors confirmed or
dismissed refit the link model for its later runs (`link_model.with_reviews`; no
database, the fake encoder)."""

from dataclasses import replace

import numpy as np
import pytest

from comparison import engine
from comparison.engine import link_model, semantic
from comparison.engine.link_model import FEATURES, ReviewedExamples
from tests.engine.fake_embedder import FakeEmbedder
from tests.engine.test_link_model import _map_pair

HYBRID = engine.Settings(scorer="hybrid", threshold=50, partial_threshold=40)
MODEL = link_model.HYBRID_MODEL


def _examples(features, confirmed):
    return ReviewedExamples(
        features=np.asarray(features, dtype=np.float64), confirmed=np.asarray(confirmed, bool)
    )


def _cells(count, **values):
    """`count` feature rows at the middle of the model's ranges, `values` set."""
    middle = [(low + high) / 2 for low, high in MODEL.ranges]
    rows = np.tile(np.array(middle), (count, 1))
    for name, value in values.items():
        rows[:, FEATURES.index(name)] = value
    return rows


def _probability(model, cell):
    logit = model.intercept + model.offset + float(np.dot(model.coefficients, cell))
    return 1.0 / (1.0 + np.exp(-logit))


def test_the_shipped_training_data_is_what_the_shipped_model_was_fitted_on():
    features, labels = link_model.training_data()
    assert features.shape == (len(labels), len(FEATURES))
    assert set(np.unique(labels)) == {0.0, 1.0}
    intercept, coefficients = link_model.fit_logistic(features, labels)
    assert intercept == pytest.approx(MODEL.intercept, abs=1e-3)
    assert coefficients == pytest.approx(MODEL.coefficients, abs=1e-3)


@pytest.mark.parametrize(
    ("confirmed", "dismissed"),
    [(0, 0), (9, 0), (20, 2), (2, 20)],
    ids=["none", "nine", "two-dismissed", "two-confirmed"],
)
def test_too_few_decisions_keep_the_shipped_model(confirmed, dismissed):
    cells = _cells(confirmed + dismissed)
    examples = _examples(cells, [True] * confirmed + [False] * dismissed)
    assert not examples.enough()
    assert link_model.with_reviews(MODEL, examples) is MODEL


def test_confirmed_suggestions_raise_and_dismissed_ones_lower_what_looks_like_them():
    # A workspace whose editors dismiss the pairs the shipped model is surest of, and
    # confirm pairs it doubts (cells of its own training data, as a run computes them).
    features, _ = link_model.training_data()
    probability = np.array([_probability(MODEL, cell) for cell in features])
    trusted = features[np.argsort(-probability)[:30]]
    doubted = features[(probability > 0.05) & (probability < 0.3)][:30]
    examples = _examples(np.vstack([trusted, doubted]), [False] * 30 + [True] * 30)
    refitted = link_model.with_reviews(MODEL, examples)
    assert refitted.name == "hybrid+reviews"
    assert refitted.offset == MODEL.offset
    assert refitted.ranges == MODEL.ranges

    def mean(model, cells):
        return float(np.mean([_probability(model, cell) for cell in cells]))

    assert mean(refitted, trusted) < mean(MODEL, trusted) - 0.1
    assert mean(refitted, doubted) > mean(MODEL, doubted) + 0.1


def test_a_feature_the_model_does_not_read_stays_unread():
    model = link_model.SEMANTIC_MODEL
    cells = _cells(30, lexical=1.0)
    refitted = link_model.with_reviews(model, _examples(cells, [True] * 15 + [False] * 15))
    assert refitted.weights()["lexical"] == 0.0
    assert refitted.coefficients != model.coefficients


def test_suggestions_carry_the_features_their_decisions_teach_with():
    internal, customer = _map_pair()
    result = engine.compare(internal, customer, HYBRID, embedder=FakeEmbedder(common=2.0))
    listed = [item for note in result.internal for item in note.suggestions]
    assert listed
    for item in listed:
        assert len(item.features) == len(FEATURES)
    # ... which stay out of the JSON contract.
    assert set(result.to_json_dict()["internal"][0]["suggestions"][0]) == {
        "id",
        "segment",
        "score",
    }
    lexical = engine.compare(internal, customer, engine.DEFAULT_SETTINGS)
    assert all(item.features is None for note in lexical.internal for item in note.suggestions)


def test_a_run_with_enough_reviews_decides_with_the_refitted_model_and_says_so():
    internal, customer = _map_pair()
    embedder = FakeEmbedder(common=2.0)
    shipped = engine.compare(internal, customer, HYBRID, embedder=embedder)
    assert shipped.semantic["reviewed"] == 0
    # The editors dismissed every suggestion like these: the refitted model links less.
    cells = [item.features for note in shipped.internal for item in note.suggestions]
    dismissed = np.array(cells * 10, dtype=np.float64)
    confirmed = _cells(5, same=0.0, cos=0.75)  # and confirmed a few unlike them
    examples = _examples(
        np.vstack([dismissed, confirmed]), [False] * len(dismissed) + [True] * len(confirmed)
    )
    learned = engine.compare(internal, customer, HYBRID, embedder=embedder, reviewed=examples)
    assert learned.semantic["reviewed"] == len(examples)
    before = {pair.internal_id: pair.score for pair in shipped.pairs}
    after = {pair.internal_id: pair.score for pair in learned.pairs}
    assert sum(after.values()) < sum(before.values())
    # Too few decisions: the run says it used none, and decides as shipped.
    few = replace(examples, features=examples.features[:5], confirmed=examples.confirmed[:5])
    unchanged = engine.compare(internal, customer, HYBRID, embedder=embedder, reviewed=few)
    assert unchanged.semantic["reviewed"] == 0
    assert unchanged.pairs == shipped.pairs


def test_a_lexical_or_per_segment_run_ignores_reviews():
    internal, customer = _map_pair()
    examples = _examples(_cells(20), [True] * 10 + [False] * 10)
    small = engine.compare(
        internal[:2], customer[:2], HYBRID, embedder=FakeEmbedder(common=2.0), reviewed=examples
    )
    assert small.semantic["scoring"] == semantic.PER_SEGMENT
    assert small.semantic["reviewed"] == 0


def test_the_same_decisions_refit_once():
    # A report's recompute after each review decision refits with the same decisions.
    features, _ = link_model.training_data()
    examples = _examples(features[:40], [True] * 20 + [False] * 20)
    again = _examples(features[:40].copy(), [True] * 20 + [False] * 20)
    assert link_model.with_reviews(MODEL, examples) is link_model.with_reviews(MODEL, again)
    other = _examples(features[:40], [False] * 20 + [True] * 20)
    assert link_model.with_reviews(MODEL, other) != link_model.with_reviews(MODEL, examples)
