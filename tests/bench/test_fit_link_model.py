"""The link model's fitting and cross-validation (`bench.fit_link_model`), on the fake
encoder: what it computes, not how good the figures are."""

import numpy as np
import pytest

from bench import fit_link_model
from comparison.engine import link_model
from comparison.engine.link_model import FEATURES, LinkModel
from tests.engine.fake_embedder import FakeEmbedder


def test_fit_logistic_recovers_a_known_model():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(20_000, 3)) * [1.0, 0.5, 2.0] + [0.0, 0.8, 2.0]
    logit = -1.0 + features @ [2.0, -3.0, 0.5]
    labels = (rng.random(len(features)) < 1 / (1 + np.exp(-logit))).astype(float)
    intercept, coefficients = link_model.fit_logistic(features, labels, l2=0.0)
    np.testing.assert_allclose(coefficients, [2.0, -3.0, 0.5], rtol=0.1)
    assert intercept == pytest.approx(-1.0, abs=0.5)


def test_constants_round_trip_through_the_written_block(tmp_path):
    models = {
        mode: LinkModel(
            mode,
            1.25,
            tuple(float(k) / 7 for k in range(len(FEATURES))),
            0.75,
            tuple((-float(k), float(k) + 0.5) for k in range(len(FEATURES))),
        )
        for mode in ("hybrid", "semantic")
    }
    block = fit_link_model.render_constants(models)
    namespace = {"LinkModel": LinkModel}
    exec(block, namespace)  # noqa: S102 - the block we just rendered
    for mode, model in models.items():
        written = namespace[f"{mode.upper()}_MODEL"]
        assert written.intercept == model.intercept
        np.testing.assert_allclose(written.coefficients, model.coefficients, atol=1e-6)
        assert written.ranges == model.ranges
    copy = tmp_path / "link_model.py"
    copy.write_text(fit_link_model.LINK_MODEL_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    fit_link_model.write_constants(block, copy)
    text = copy.read_text(encoding="utf-8")
    assert text.count(fit_link_model.BEGIN) == 1
    assert "intercept=1.250000" in text
    compile(text, str(copy), "exec")


def test_the_shipped_block_is_what_the_script_writes():
    shipped = {"hybrid": link_model.HYBRID_MODEL, "semantic": link_model.SEMANTIC_MODEL}
    block = fit_link_model.render_constants(shipped)
    assert block in fit_link_model.LINK_MODEL_PATH.read_text(encoding="utf-8")


def test_cross_validation_refits_per_fold_and_compares_with_the_engine(monkeypatch):
    monkeypatch.setattr(fit_link_model, "OFFSETS", (0.0, 1.0))
    pairs = fit_link_model.labelled_pairs(FakeEmbedder(common=2.0))
    assert {pair.dev_set for pair in pairs} == {"old", "stories"}
    assert all(pair.features.shape == (pair.labels.size, len(FEATURES)) for pair in pairs)
    assert sum(int(pair.labels.sum()) for pair in pairs) == sum(
        len(pair.pair.gold) for pair in pairs
    )
    few = [pairs[0], pairs[1], pairs[-1]]
    validation = fit_link_model.cross_validate("hybrid", few)
    assert set(validation.counts) == {pair.pair.name for pair in few}
    assert set(validation.offsets) <= {0.0, 1.0}
    figures = validation.figures(few, "old")
    assert figures.actual == len(pairs[0].pair.gold) + len(pairs[1].pair.gold)
    model = fit_link_model.final_model("semantic", few, validation)
    assert model.weights()["lexical"] == 0.0
    assert model.offset in {0.0, 1.0}
