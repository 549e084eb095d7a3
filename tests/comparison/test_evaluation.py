"""The dev set, the evaluation figures and the benchmark's data (no database, no Django)."""

from __future__ import annotations

import csv
import io

import pytest

from comparison import benchmark, evaluation
from comparison.engine import DEFAULT_SETTINGS, Settings
from maps.segments import SEGMENT_KEYS


@pytest.fixture(scope="module")
def devset():
    return evaluation.load_devset()


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
    figures = evaluation.figures(true_positives=6, predicted=8, actual=12)
    assert (figures.precision, figures.recall) == (0.75, 0.5)
    assert figures.f1 == pytest.approx(0.6)
    assert evaluation.figures(0, 0, 0).f1 == 0.0


def test_default_settings_do_well_on_the_devset(devset):
    figures = evaluation.evaluate_devset(devset, DEFAULT_SETTINGS)
    assert figures.f1 >= 0.8
    assert figures.precision >= 0.8


def test_the_evaluation_can_tell_a_bad_setting(devset):
    careless = Settings(scorer="ratio", threshold=10, partial_threshold=5)
    assert evaluation.evaluate_devset(devset, careless).precision < 0.7


def test_negation_look_alikes_are_mostly_not_confirmed(devset):
    figures = evaluation.evaluate_devset(devset, DEFAULT_SETTINGS)
    lookalikes = sum(len(pair.lookalikes) for pair in devset)
    assert figures.lookalike_hits <= lookalikes // 2


def test_stsb_figures_when_the_data_is_present():
    test = evaluation.load_stsb("en", "test")
    if test is None:
        pytest.skip(f"STS-B not found in {evaluation.STSB_DIR}")
    scores = evaluation.sentence_scores(test, "en", DEFAULT_SETTINGS.scorer)
    figures = evaluation.classify(scores, test.same, DEFAULT_SETTINGS.threshold)
    assert figures.f1 >= 0.7


def test_missing_stsb_data_is_none(tmp_path):
    assert evaluation.load_stsb("en", "test", directory=tmp_path) is None


def test_generated_maps_are_deterministic_and_complete():
    internal, customer = benchmark.generate_maps(20)
    again = benchmark.generate_maps(20)
    assert (internal, customer) == again
    assert len(internal) == len(customer) == 20 * len(SEGMENT_KEYS)
    assert len({note.id for note in internal}) == len(internal)


def test_write_map_csv_in_the_import_format(tmp_path):
    internal_path, customer_path = benchmark.write_benchmark_maps(5, tmp_path)
    with internal_path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["segment", "text", "votes", "author", "id"]
    assert len(rows) == 1 + 5 * len(SEGMENT_KEYS)
    assert customer_path.exists()


def test_run_benchmark_prints_a_row_per_size():
    out = io.StringIO()
    rows = benchmark.run_benchmark(sizes=(5,), out=out, difflib_sizes=(5,))
    assert rows[0]["n"] == 5
    assert "naive" in out.getvalue()
