"""The speed benchmark of `bench.speed` and the notes it runs on (pure: no database).

The semantic part: what it measures is what the product does, cold runs embed or fall
back, warm runs embed nothing."""

import csv
import io

from bench import speed
from comparison import embeddings
from comparison.engine import semantic
from maps.segments import SEGMENT_KEYS
from tests.engine.fake_embedder import FakeEmbedder
from tests.support import notes


def test_generated_maps_are_deterministic_and_complete():
    internal, customer = notes.generate_maps(20)
    again = notes.generate_maps(20)
    assert (internal, customer) == again
    assert len(internal) == len(customer) == 20 * len(SEGMENT_KEYS)
    assert len({note.id for note in internal}) == len(internal)


def test_write_map_csv_in_the_import_format(tmp_path):
    internal_path, customer_path = speed.write_benchmark_maps(5, tmp_path)
    with internal_path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["segment", "text", "votes", "author", "id"]
    assert len(rows) == 1 + 5 * len(SEGMENT_KEYS)
    assert customer_path.exists()


def test_run_benchmark_prints_a_row_per_size():
    out = io.StringIO()
    rows = speed.run_benchmark(sizes=(5,), out=out, difflib_sizes=(5,))
    assert rows[0]["n"] == 5
    assert "naive" in out.getvalue()


def test_semantic_benchmark_rows_cold_and_warm(monkeypatch):
    monkeypatch.setattr(semantic, "MAX_UNCACHED_TEXTS", 100)
    out = io.StringIO()
    rows = speed.run_semantic_benchmark(out, sizes=(2, 20), embedder=FakeEmbedder())
    by_key = {(row["n"], row["mode"]): row for row in rows}
    assert set(by_key) == {(n, mode) for n in (2, 20) for mode in ("lexical", "semantic", "hybrid")}
    # Small maps: the cold run embeds every text itself and runs the mode asked for.
    assert by_key[2, "hybrid"]["cold_ran"] == "hybrid"
    assert by_key[2, "hybrid"]["cold_embedded"] == by_key[2, "hybrid"]["texts"]
    assert by_key[2, "lexical"]["cold_embedded"] == 0
    # Warm: every vector is cached, nothing is embedded again; the row says how it decided.
    assert all(row["warm_embedded"] == 0 for row in rows)
    assert by_key[20, "hybrid"]["warm_scoring"] == "calibrated"
    assert by_key[20, "lexical"]["warm_scoring"] == "-"
    # Past the limit the cold run falls back to lexical, as a report would.
    assert by_key[20, "semantic"]["texts"] > 100
    assert by_key[20, "semantic"]["cold_ran"] == "lexical*"
    assert by_key[20, "semantic"]["cold_embedded"] == 0
    assert "lexical*" in out.getvalue()


def test_semantic_benchmark_without_the_extra_says_so(monkeypatch):
    monkeypatch.setattr(embeddings, "default_embedder", lambda: None)
    out = io.StringIO()
    assert speed.run_semantic_benchmark(out) == []
    assert "not installed" in out.getvalue()
