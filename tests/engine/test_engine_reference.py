"""The vectorised engine against a plain-loop reference, and its vectorised helpers against
brute force (no Django, no timing).

`reference_compare` is the engine as it was before the speed work: Python loops over the
pairs, dicts of edges, a per-note prepare. `run_comparison(..., also_limit=None)` must give
exactly the same result on any input (pairs, also-matches, verdicts, best matches,
suggestions, metrics).
"""

from __future__ import annotations

import gc
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparison import engine
from comparison.engine import assignment, matching, pipeline, scoring, text
from comparison.engine import suggestions as suggestion_stage
from comparison.engine import verdicts as verdict_stage
from comparison.engine.metrics import recompute_metrics
from comparison.engine.records import (
    BestMatch,
    ComparisonResult,
    CustomerVerdict,
    InternalVerdict,
    MatchPair,
)
from maps.segments import SEGMENT_KEYS
from tests.support.notes import generate_maps

EPSILON = 1e-3


def reference_compare(internal, customer, run_settings, decisions=()):  # noqa: C901, PLR0912, PLR0915
    threshold, partial = run_settings.threshold, run_settings.partial_threshold
    internal_words = [text.words(note.text) for note in internal]
    customer_words = [text.words(note.text) for note in customer]
    languages = {
        side: run_settings.language
        if run_settings.language != "auto"
        else text.detect_language_of_words(side_words)
        for side, side_words in (("internal", internal_words), ("customer", customer_words))
    }
    if run_settings.language == "auto":
        if not internal:
            languages["internal"] = languages["customer"]
        if not customer:
            languages["customer"] = languages["internal"]
    left = [
        text.prepare(n.text, languages["internal"], w)
        for n, w in zip(internal, internal_words, strict=True)
    ]
    right = [
        text.prepare(n.text, languages["customer"], w)
        for n, w in zip(customer, customer_words, strict=True)
    ]

    internal_index = {note.id: index for index, note in enumerate(internal)}
    customer_index = {note.id: index for index, note in enumerate(customer)}
    rejected, manual, extra_manual = set(), [], []
    manual_internal, manual_customer = set(), set()
    for decision in decisions:
        row = internal_index.get(decision.internal_id)
        column = customer_index.get(decision.customer_id)
        if row is None or column is None:
            continue
        if not decision.accepted:
            rejected.add((row, column))
        elif row in manual_internal or column in manual_customer:
            extra_manual.append((row, column))
        else:
            manual.append((row, column))
            manual_internal.add(row)
            manual_customer.add(column)
    rejected -= set(manual) | set(extra_manual)

    best_internal = [(0.0, -1)] * len(internal)
    best_customer = [(0.0, -1)] * len(customer)
    engine_pairs, also = {}, {}
    for key in SEGMENT_KEYS:
        rows = [r for r, note in enumerate(internal) if note.segment == key]
        columns = [c for c, note in enumerate(customer) if note.segment == key]
        if not rows or not columns:
            continue
        scores = scoring.score_matrix(
            [left[r] for r in rows], [right[c] for c in columns], run_settings.scorer
        )
        for i, r in enumerate(rows):
            for j, c in enumerate(columns):
                if (r, c) in rejected:
                    scores[i, j] = 0.0
        for i, r in enumerate(rows):  # first maximum wins
            j = max(range(len(columns)), key=lambda j, i=i: (scores[i, j], -j))
            best_internal[r] = (float(scores[i, j]), columns[j])
        for j, c in enumerate(columns):
            i = max(range(len(rows)), key=lambda i, j=j: (scores[i, j], -i))
            best_customer[c] = (float(scores[i, j]), rows[i])
        edges = [
            (i, j)
            for i, r in enumerate(rows)
            for j, c in enumerate(columns)
            if scores[i, j] >= partial and r not in manual_internal and c not in manual_customer
        ]
        weights = np.array([float(scores[i, j]) - partial + EPSILON for i, j in edges])
        chosen = assignment.assign(
            np.array([i for i, _ in edges], dtype=np.int64),
            np.array([j for _, j in edges], dtype=np.int64),
            weights,
        )
        for i, j in chosen:
            engine_pairs[(rows[i], columns[j])] = float(scores[i, j])
        for i, r in enumerate(rows):
            for j, c in enumerate(columns):
                if scores[i, j] >= threshold and (r, c) not in engine_pairs:
                    also[(r, c)] = float(scores[i, j])

    verdicts = [
        "confirmed" if score >= threshold else "partial" if score >= partial else "unconfirmed"
        for score, _ in best_internal
    ]
    matched = {c for _, c in (*engine_pairs, *also, *manual, *extra_manual)}
    misplaced = {}
    if run_settings.cross_segment:
        cross = {}
        for key in SEGMENT_KEYS:
            rows = [
                r
                for r, note in enumerate(internal)
                if note.segment == key and verdicts[r] == "unconfirmed" and r not in manual_internal
            ]
            columns = [
                c
                for c, note in enumerate(customer)
                if note.segment != key and c not in matched and c not in manual_customer
            ]
            if not rows or not columns:
                continue
            found = scoring.candidate_scores(
                [left[r] for r in rows], [right[c] for c in columns], run_settings.scorer, threshold
            )
            for i, j, score in zip(*(part.tolist() for part in found), strict=True):
                if (rows[i], columns[j]) not in rejected:
                    cross[(rows[i], columns[j])] = score
        if cross:
            edges = sorted(cross)
            chosen = assignment.assign(
                np.array([r for r, _ in edges]),
                np.array([c for _, c in edges]),
                np.array([cross[edge] - partial + EPSILON for edge in edges]),
            )
            for edge in chosen:
                misplaced[edge] = cross[edge]
            for (r, c), score in cross.items():
                verdicts[r] = "misplaced"
                matched.add(c)
                if (r, c) not in misplaced:
                    also[(r, c)] = score
                if score > best_internal[r][0]:
                    best_internal[r] = (score, c)
                if score > best_customer[c][0]:
                    best_customer[c] = (score, r)

    manual_scores = {
        (r, c): float(scoring.score_matrix([left[r]], [right[c]], run_settings.scorer)[0, 0])
        for r, c in (*manual, *extra_manual)
    }
    for r, c in manual:
        verdicts[r] = "confirmed" if internal[r].segment == customer[c].segment else "misplaced"
    # A link beyond one-to-one confirms its hypothesis too (the first such link), unless a
    # hand link or the engine confirmed it already; it is then the counterpart shown.
    confirmed_beyond = {}
    for r, c in extra_manual:
        if r in manual_internal or verdicts[r] == "confirmed" or r in confirmed_beyond:
            continue
        same = internal[r].segment == customer[c].segment
        verdicts[r] = "confirmed" if same else "misplaced"
        confirmed_beyond[r] = c

    def pair_of(r, c, score, source):
        same = internal[r].segment == customer[c].segment
        if source == "manual" or not same:
            verdict = "confirmed" if same else "misplaced"
        else:
            verdict = "confirmed" if score >= threshold else "partial"
        shared = left[r].stem_set & right[c].stem_set
        terms = sorted({left[r].display.get(token, token) for token in shared})
        return MatchPair(internal[r].id, customer[c].id, internal[r].segment,
                         customer[c].segment, round(score, 1), verdict, terms, source)  # fmt: skip

    all_pairs = [
        (edge, score, "engine") for edge, score in (*engine_pairs.items(), *misplaced.items())
    ]
    all_pairs += [(edge, manual_scores[edge], "manual") for edge in manual]
    all_pairs.sort(key=lambda item: item[0])
    pairs = [pair_of(*edge, score, source) for edge, score, source in all_pairs]
    also_items = [(edge, score, "engine") for edge, score in also.items()]
    also_items += [(edge, manual_scores[edge], "manual") for edge in extra_manual]
    also_items.sort(key=lambda item: item[0])
    also_matches = [
        pair_of(*edge, score, source)
        for edge, score, source in also_items
        if edge not in manual_scores or source == "manual"
    ]
    partner_internal = {edge[0]: (edge[1], score) for edge, score, _ in all_pairs}
    partner_internal.update({r: (c, manual_scores[(r, c)]) for r, c in confirmed_beyond.items()})
    partner_customer = {edge[1]: (edge[0], score) for edge, score, _ in all_pairs}

    # Suggestions: a confirmed or misplaced partner first, then its further hand links,
    # then every other customer note by score (ties: the earlier note) above the floor.
    linked = {
        r: [c]
        for (r, c), score, source in all_pairs
        if pair_of(r, c, score, source).verdict in ("confirmed", "misplaced")
    }
    for r, c in extra_manual:
        linked.setdefault(r, []).append(c)
    whole = scoring.score_matrix(left, right, run_settings.scorer)

    def suggestions_of(r):
        found = [(c, float(whole[r, c])) for c in linked.get(r, [])]
        others = [
            c
            for c in range(len(customer))
            if c not in linked.get(r, []) and (r, c) not in rejected
            and whole[r, c] >= suggestion_stage.SCORE_FLOOR
        ]  # fmt: skip
        found += [(c, float(whole[r, c])) for c in sorted(others, key=lambda c: (-whole[r, c], c))]
        return [BestMatch(customer[c].id, customer[c].segment, round(score, 1))
                for c, score in found[: suggestion_stage.SUGGESTIONS_PER_NOTE]]  # fmt: skip

    internal_verdicts = []
    for r, note in enumerate(internal):
        c, score = partner_internal.get(r, best_internal[r][::-1])
        best = None
        if c >= 0 and (score > 0 or r in partner_internal):
            best = BestMatch(customer[c].id, customer[c].segment, round(score, 1))
        internal_verdicts.append(
            InternalVerdict(
                note.id, note.segment, note.text, verdicts[r], best, note.votes, suggestions_of(r)
            )  # fmt: skip
        )
    customer_verdicts = []
    for c, note in enumerate(customer):
        r, score = partner_customer.get(c, best_customer[c][::-1])
        best = None
        if r >= 0 and (score > 0 or c in partner_customer):
            best = BestMatch(internal[r].id, internal[r].segment, round(score, 1))
        verdict = "anticipated" if c in matched else "missed"
        customer_verdicts.append(
            CustomerVerdict(note.id, note.segment, note.text, verdict, best, note.votes)
        )
    summary, segments = recompute_metrics(internal_verdicts, customer_verdicts)
    return ComparisonResult(run_settings, pipeline.ENGINE_VERSION, languages, internal_verdicts,
                            customer_verdicts, pairs, also_matches, summary, segments)  # fmt: skip


VOCABULARY = ["price", "prices", "late", "delivery", "deliveries", "never", "discount", "not"]
VOCABULARY += ["portal", "phone", "invoice", "invoices", "trust", "vendor", "the", "Preis", "x"]


def random_maps(seed: int, size: int):
    rng = random.Random(seed)

    def notes(prefix):
        return [
            engine.NoteIn(
                f"{prefix}{k}",
                rng.choice(SEGMENT_KEYS[:3]),
                " ".join(rng.choices(VOCABULARY, k=rng.randint(0, 6))),
                rng.randint(0, 3),
            )
            for k in range(size)
        ]

    return notes("i"), notes("c")


def random_settings(rng: random.Random) -> engine.Settings:
    threshold = rng.choice([40.0, 50.0, 60.0, 75.0])
    return engine.Settings(
        scorer=rng.choice(engine.SCORERS),
        threshold=threshold,
        partial_threshold=threshold - rng.choice([0.0, 10.0, 20.0]),
        cross_segment=rng.random() < 0.7,
    )


@pytest.mark.parametrize("seed", range(30))
def test_vectorised_engine_equals_the_loop_reference(seed):
    rng = random.Random(seed)
    internal, customer = random_maps(seed, rng.randint(0, 40))
    run_settings = random_settings(rng)
    decisions = []
    if internal and customer and seed % 2:
        for _ in range(rng.randint(1, 4)):
            decisions.append(engine.Decision(rng.choice(internal).id, rng.choice(customer).id,
                                             accepted=rng.random() < 0.5))  # fmt: skip
    fast = pipeline.run_comparison(internal, customer, run_settings, decisions=decisions,
                               also_limit=None)  # fmt: skip
    assert fast == reference_compare(internal, customer, run_settings, decisions)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(SEGMENT_KEYS), st.text(max_size=30)), max_size=10),
    st.lists(st.tuples(st.sampled_from(SEGMENT_KEYS), st.text(max_size=30)), max_size=10),
)
def test_vectorised_engine_equals_the_reference_on_any_text(left, right):
    internal = [engine.NoteIn(f"i{k}", segment, body) for k, (segment, body) in enumerate(left)]
    customer = [engine.NoteIn(f"c{k}", segment, body) for k, (segment, body) in enumerate(right)]
    run_settings = engine.Settings(scorer="blend", threshold=50, partial_threshold=30)
    fast = pipeline.run_comparison(internal, customer, run_settings, also_limit=None)
    assert fast == reference_compare(internal, customer, run_settings)


def test_benchmark_maps_equal_the_reference_except_the_capped_list():
    internal, customer = generate_maps(40)
    reference = reference_compare(internal, customer, engine.DEFAULT_SETTINGS)
    assert pipeline.run_comparison(internal, customer, also_limit=None) == reference
    capped = engine.compare(internal, customer)
    assert (capped.internal, capped.customer, capped.pairs) == (
        reference.internal,
        reference.customer,
        reference.pairs,
    )
    assert {(m.internal_id, m.customer_id) for m in capped.also_matches} <= {
        (m.internal_id, m.customer_id) for m in reference.also_matches
    }


# --- the also-match cap -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_capped_also_matches_are_the_top_ones_of_a_note(seed):
    internal, customer = generate_maps(60, seed=seed)
    full = pipeline.run_comparison(internal, customer, also_limit=None).also_matches
    capped = engine.compare(internal, customer)
    limit = verdict_stage.ALSO_MATCHES_PER_NOTE

    def rank(key, other):
        ranks = {}
        for match in full:
            ranks.setdefault(key(match), []).append((-match.score, other(match), match))
        return {
            id(match): position
            for entries in ranks.values()
            for position, (_, _, match) in enumerate(sorted(entries, key=lambda e: e[:2]))
        }

    index_i = {note.id: k for k, note in enumerate(internal)}
    index_c = {note.id: k for k, note in enumerate(customer)}
    by_row = rank(lambda m: m.internal_id, lambda m: index_c[m.customer_id])
    by_column = rank(lambda m: m.customer_id, lambda m: index_i[m.internal_id])
    expected = [m for m in full if by_row[id(m)] < limit or by_column[id(m)] < limit]
    assert capped.also_matches == expected
    # Verdicts never read the list: every anticipated customer note still shows a reason.
    assert capped.customer == pipeline.run_comparison(internal, customer, also_limit=None).customer
    shown = {m.customer_id for m in (*capped.pairs, *capped.also_matches)}
    anticipated = {note.id for note in capped.customer if note.verdict == "anticipated"}
    assert anticipated == shown


def test_top_per_note_equals_brute_force():
    rng = np.random.default_rng(7)
    rows = rng.integers(0, 12, 200)
    columns = rng.integers(0, 15, 200)
    codes = np.unique(rows * 100 + columns)
    rows, columns = codes // 100, codes % 100
    scores = rng.integers(50, 60, len(rows)).astype(np.float32)  # many ties
    keep = verdict_stage._top_per_note(rows, columns, scores, 2)  # noqa: SLF001
    expected = np.zeros(len(rows), dtype=bool)
    for notes, others in ((rows, columns), (columns, rows)):
        for note in set(notes.tolist()):
            mine = sorted(np.flatnonzero(notes == note), key=lambda e: (-scores[e], others[e]))
            expected[mine[:2]] = True
    assert keep.tolist() == expected.tolist()


def test_raise_best_equals_a_loop():
    rng = np.random.default_rng(3)
    notes = rng.integers(0, 10, 60)
    others = rng.integers(0, 30, 60)
    scores = rng.integers(40, 45, 60).astype(np.float32)
    best_score = rng.integers(38, 44, 10).astype(np.float64)
    best_other = np.arange(10)
    loop_score, loop_other = best_score.copy(), best_other.copy()
    for note, other, score in zip(notes, others, scores, strict=True):
        if score > loop_score[note]:
            loop_score[note], loop_other[note] = score, other
    matching._raise_best(best_score, best_other, notes, others, scores)  # noqa: SLF001
    assert best_score.tolist() == loop_score.tolist()
    assert best_other.tolist() == loop_other.tolist()


# --- assignment, scoring, normalisation --------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_sparse_rectangular_solver_is_optimal_on_big_components(seed):
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(20, 70)), int(rng.integers(20, 70)))
    weights = rng.random(shape) * 30 * (rng.random(shape) < 0.2)
    rows, columns = np.nonzero(weights > 0)
    dense_rows, dense_columns = linear_sum_assignment(weights, maximize=True)
    chosen = assignment.assign_edges(rows, columns, weights[rows, columns])
    assert len(set(rows[chosen])) == len(chosen) == len(set(columns[chosen]))
    assert weights[rows[chosen], columns[chosen]].sum() == pytest.approx(
        weights[dense_rows, dense_columns].sum()
    )


def test_blend_matrix_equals_its_definition():
    rng = random.Random(5)
    left = [text.prepare(" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 6))), "en")
            for _ in range(40)]  # fmt: skip
    right = [text.prepare(" ".join(rng.choices(VOCABULARY, k=rng.randint(0, 6))), "en")
             for _ in range(35)]  # fmt: skip
    matrix = scoring.score_matrix(left, right, "blend")
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            if not a.stems or not b.stems:
                assert matrix[i, j] == 0
                continue
            ratio = scoring._ratio_matrix([a.sorted_tokens], [b.sorted_tokens])[0, 0]  # noqa: SLF001
            shared = len(a.stem_set & b.stem_set)
            dice = np.float32(200.0) * shared / max(len(a.stem_set) + len(b.stem_set), 1)
            expected = (ratio + dice) * 0.5 * (0.6 if a.negated != b.negated else 1.0)
            assert matrix[i, j] == pytest.approx(expected, abs=1e-3)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=12), st.sampled_from(["en", "de"]))
def test_prepare_many_equals_prepare(texts, language):
    all_words = [text.words(body) for body in texts]
    many = text.prepare_many(all_words, language)
    single = [text.prepare(body, language) for body in texts]
    assert many == single
    assert [note.display for note in many] == [note.display for note in single]
    assert [note.stem_set for note in many] == [frozenset(note.stems) for note in single]


def test_words_fast_path_equals_the_full_normalisation():
    import re
    import unicodedata

    def slow(body):
        body = unicodedata.normalize("NFKC", body).translate(text._APOSTROPHES).lower()  # noqa: SLF001
        body = re.sub(r"\bcannot\b", "can not", re.sub(r"n't\b", " not", body))
        return re.findall(r"[^\W_]+", body)

    for body in ["Don't `cannot` CANNOT x", "a_b c-d", "It isn`t", "Tab\tand\nnewline 42"]:
        assert text.words(body) == slow(body)


def test_the_garbage_collector_setting_is_restored():
    internal, customer = generate_maps(5)
    assert gc.isenabled()
    engine.compare(internal, customer)
    assert gc.isenabled()
    gc.disable()
    try:
        engine.compare(internal, customer)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("seed", range(6))
def test_segments_on_threads_give_the_same_result(seed, monkeypatch):
    rng = random.Random(seed)
    internal, customer = random_maps(seed, 30)
    run_settings = random_settings(rng)
    decisions = [engine.Decision(internal[0].id, customer[1].id, accepted=True),
                 engine.Decision(internal[2].id, customer[3].id, accepted=False)]  # fmt: skip
    serial = engine.compare(internal, customer, run_settings, decisions=decisions)
    monkeypatch.setattr(matching, "PARALLEL_MIN_PAIRS", 0)
    monkeypatch.setattr(matching, "_CPU_COUNT", 2)
    threaded = engine.compare(internal, customer, run_settings, decisions=decisions)
    assert threaded == serial
    uncapped = pipeline.run_comparison(
        internal, customer, run_settings, decisions=decisions, also_limit=None
    )
    assert uncapped == reference_compare(internal, customer, run_settings, decisions)
