"""The semantic part of `make bench` (pure: no database): what it measures is what the
product does, cold runs embed or fall back, warm runs embed nothing."""

import io

from comparison import benchmark
from comparison.engine import semantic
from tests.comparison.test_semantic import FakeEmbedder


def test_semantic_benchmark_rows_cold_and_warm(monkeypatch):
    monkeypatch.setattr(semantic, "MAX_UNCACHED_TEXTS", 100)
    out = io.StringIO()
    rows = benchmark.run_semantic_benchmark(out, sizes=(2, 20), embedder=FakeEmbedder())
    by_key = {(row["n"], row["mode"]): row for row in rows}
    assert set(by_key) == {(n, mode) for n in (2, 20) for mode in ("lexical", "semantic", "hybrid")}
    # Small maps: the cold run embeds every text itself and runs the mode asked for.
    assert by_key[2, "hybrid"]["cold_ran"] == "hybrid"
    assert by_key[2, "hybrid"]["cold_embedded"] == by_key[2, "hybrid"]["texts"]
    assert by_key[2, "lexical"]["cold_embedded"] == 0
    # Warm: every vector is cached, nothing is embedded again.
    assert all(row["warm_embedded"] == 0 for row in rows)
    # Past the limit the cold run falls back to lexical, as a report would.
    assert by_key[20, "semantic"]["texts"] > 100
    assert by_key[20, "semantic"]["cold_ran"] == "lexical*"
    assert by_key[20, "semantic"]["cold_embedded"] == 0
    assert "lexical*" in out.getvalue()


def test_semantic_benchmark_without_the_extra_says_so(monkeypatch):
    monkeypatch.setattr(semantic, "default_embedder", lambda: None)
    out = io.StringIO()
    assert benchmark.run_semantic_benchmark(out) == []
    assert "not installed" in out.getvalue()
