"""The link model: its features, its probabilities and where it applies (no database, no
model: hand-made cosines and the fake encoder)."""

from dataclasses import replace

import numpy as np
import pytest

from comparison import engine
from comparison.engine import link_model, semantic
from comparison.engine.link_model import FEATURES
from comparison.engine.pipeline import run_comparison
from tests.engine.fake_embedder import FakeEmbedder

HYBRID = engine.Settings(scorer="hybrid", threshold=50, partial_threshold=40)


def _signals(cosines, same=None, lexical=None):
    cosines = np.asarray(cosines, dtype=np.float32)
    nothing = np.zeros(cosines.shape, dtype=bool)
    return link_model.PairSignals(
        cosines=cosines,
        same_segment=nothing | True if same is None else np.asarray(same, dtype=bool),
        negation=nothing,
        feeling=nothing,
        lexical=np.zeros(cosines.shape, np.float32) if lexical is None else lexical,
    )


def test_features_of_a_clear_mutual_best():
    cosines = np.full((4, 5), 0.80, dtype=np.float32)
    cosines[0, 0] = 0.95
    cosines[1, 2] = 0.90
    cosines[1, 3] = 0.85
    features = link_model.feature_matrix(_signals(cosines))
    column = {name: features[..., position] for position, name in enumerate(FEATURES)}
    assert column["mutual"][0, 0] == 1
    assert column["margin_row"][0, 0] == pytest.approx(0.15)
    assert column["margin_col"][0, 0] == pytest.approx(0.15)
    assert column["margin_row"][1, 3] == pytest.approx(-0.05)  # behind the row's best
    assert column["logrank_row"][1, 3] == pytest.approx(np.log(2))  # second in its row
    # Equal values share the better rank: the order of ties never matters.
    assert column["logrank_row"][2].tolist() == [0.0] * 5
    assert column["top1_row"][2].all()
    assert column["z_row"][0, 0] > 1.5 > column["z_row"][0, 1]
    assert column["csls"][0, 0] > 0 > column["csls"][0, 1]


def test_probabilities_are_the_logistic_of_the_clipped_features():
    rng = np.random.default_rng(3)
    cosines = rng.uniform(0.72, 0.98, size=(7, 40)).astype(np.float32)
    cosines[0] = 0.80
    cosines[0, 0] = 0.99  # a z-score of 6, beyond any the model was fitted on
    lexical = rng.uniform(0, 100, size=(7, 40)).astype(np.float32)
    signals = _signals(cosines, same=rng.random((7, 40)) < 0.3, lexical=lexical)
    model = link_model.HYBRID_MODEL
    features = link_model.feature_matrix(signals).astype(np.float64)
    low, high = np.array(model.ranges).T
    flags = {"top1_row", "top1_col", "mutual", "same", "negation", "feeling"}
    continuous = np.array([name not in flags for name in FEATURES])  # flags are not clipped
    clipped = np.where(continuous, np.clip(features, low, high), features)
    assert (clipped != features).any()
    logit = model.intercept + model.offset + clipped @ np.array(model.coefficients)
    np.testing.assert_allclose(
        link_model.link_probabilities(signals, model), 1 / (1 + np.exp(-logit)), atol=1e-4
    )


def test_the_shipped_models_cover_every_feature():
    for model in (link_model.HYBRID_MODEL, link_model.SEMANTIC_MODEL):
        assert len(model.coefficients) == len(model.ranges) == len(FEATURES)
        assert model.weights()["csls"] > 0  # standing out in the pair is what links
        assert model.weights()["same"] > 0  # the same segment is favoured
    assert link_model.HYBRID_MODEL.uses("lexical")
    assert not link_model.SEMANTIC_MODEL.uses("lexical")
    with pytest.raises(ValueError, match="coefficients"):
        link_model.LinkModel("broken", 0.0, (1.0,))


def test_where_the_link_model_applies():
    assert link_model.applies_to(20, 25) == ""
    assert "fewer than 4 notes" in link_model.applies_to(3, 200)
    side = int(link_model.MAX_CELLS**0.5)
    assert link_model.applies_to(side, side) == ""
    assert "scored per segment" in link_model.applies_to(side + 1, side)


def _map_pair():
    segments = ("pains", "gains", "hears", "sees", "says_does")
    internal = [
        engine.NoteIn(f"i{k}", segment, text)
        for k, (segment, text) in enumerate(
            zip(segments, ["Afraid of costs", "Tools", "Discount", "Weather", "Talk"], strict=True)
        )
    ]
    customer = [
        engine.NoteIn(f"c{k}", segment, text)
        for k, (segment, text) in enumerate(
            zip(
                segments,
                ["Worried about the price", "Integrations", "Asks", "Sunny", "Negotiation"],
                strict=True,
            )
        )
    ]
    return internal, customer


def test_maps_too_big_for_the_model_score_per_segment_and_say_so(monkeypatch):
    internal, customer = _map_pair()
    calibrated = engine.compare(internal, customer, HYBRID, embedder=FakeEmbedder(common=2.0))
    assert calibrated.semantic["scoring"] == semantic.CALIBRATED
    assert calibrated.semantic["scoring_reason"] == ""
    monkeypatch.setattr(link_model, "MAX_CELLS", 24)
    big = engine.compare(internal, customer, HYBRID, embedder=FakeEmbedder(common=2.0))
    assert big.semantic["scoring"] == semantic.PER_SEGMENT
    assert "5 x 5 notes are more than the 24 note pairs" in big.semantic["scoring_reason"]
    per_segment = run_comparison(
        internal,
        customer,
        HYBRID,
        embedder=FakeEmbedder(common=2.0),
        semantic_parameters=semantic.SemanticParameters(calibrated=False),
    )
    assert big.pairs == per_segment.pairs
    assert big.internal == per_segment.internal


def test_a_sentence_pair_alone_scores_as_the_sts_b_evaluation_does():
    """STS-B is scored pair by pair with `pairwise` of the 1.4 scorer; a 1 x 1 map gets
    the same score from the engine, so the STS-B figures describe what a run does."""
    left, right = "Afraid of high costs", "Worried the costs will explode"
    embedder = FakeEmbedder(common=2.0)
    result = engine.compare(
        [engine.NoteIn("i", "pains", left)], [engine.NoteIn("c", "pains", right)], HYBRID,
        embedder=embedder,
    )  # fmt: skip
    vectors = dict(zip(semantic.embedding_texts([left, right]), embedder.embed(
        semantic.embedding_texts([left, right])), strict=True))  # fmt: skip
    scorer = semantic.embedding_scorer(
        "hybrid",
        [engine.NoteIn("i", "pains", left)],
        [engine.NoteIn("c", "pains", right)],
        [engine.prepare(left, "en")],
        [engine.prepare(right, "en")],
        vectors,
        lexical_name="blend",
        partial_threshold=40,
        parameters=semantic.SemanticParameters(),
    )
    assert result.semantic["scoring"] == semantic.PER_SEGMENT
    expected = float(scorer.pairwise(np.array([0]), np.array([0]))[0])
    assert result.internal[0].best.score == round(expected, 1)


def test_a_fold_model_can_be_swapped_in():
    internal, customer = _map_pair()
    never = replace(link_model.HYBRID_MODEL, offset=-100.0)
    result = run_comparison(
        internal,
        customer,
        HYBRID,
        embedder=FakeEmbedder(common=2.0),
        semantic_parameters=semantic.SemanticParameters(hybrid_model=never),
    )
    assert result.semantic["scoring"] == semantic.CALIBRATED
    assert result.pairs == []
    assert all(note.suggestions == [] for note in result.internal)
