"""The pure comparison engine: normalisation, verdicts, pairs, decisions, metrics.

No database (see tests/engine/__init__.py).
"""

from __future__ import annotations

import json

import pytest

from comparison import engine
from comparison.engine import text
from comparison.engine.assignment import assign
from maps.segments import SEGMENT_KEYS

N = engine.NoteIn
SETTINGS = engine.Settings(scorer="blend", threshold=60, partial_threshold=45)


def by_id(verdicts):
    return {verdict.id: verdict for verdict in verdicts}


# --- normalisation ------------------------------------------------------------------------


def test_nfkc_and_casefold_make_compatibility_forms_equal():
    assert text.prepare("ＷＩＤＥ ﬁles", "en").stems == text.prepare("wide files", "en").stems


def test_punctuation_is_dropped():
    assert text.prepare("Prices!!! (rising) — everywhere...", "en").stems == (
        "price",
        "rise",
        "everywher",
    )


@pytest.mark.parametrize(
    ("spelled", "other"),
    [("Größe", "Groesse"), ("Mängel", "Maengel"), ("fühlt", "fuehlt"), ("Straße", "Strasse")],
)
def test_umlauts_and_sharp_s_fold_to_the_same_stem(spelled, other):
    assert text.prepare(spelled, "de").stems == text.prepare(other, "de").stems


def test_english_stemming_unifies_inflections():
    assert text.prepare("negotiations", "en").stems == text.prepare("negotiating", "en").stems


def test_german_stemming_unifies_inflections():
    assert text.prepare("Verhandlungen", "de").stems == text.prepare("Verhandlung", "de").stems


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        ("The customer wants a discount", "en", ("custom", "want", "discount")),
        ("Der Kunde will einen Rabatt", "de", ("kund", "rabatt")),
    ],
)
def test_stop_words_are_removed(sentence, language, expected):
    assert text.prepare(sentence, language).stems == expected


@pytest.mark.parametrize(
    "sentence",
    ["Never asks for a discount", "Does not ask for a discount", "Doesn't ask for a discount",
     "Doesnt ask for a discount", "Dont trust the numbers",
     "No discount", "Hat keine Zeit", "Verhandelt nie", "Das lohnt sich nicht"],
)  # fmt: skip
def test_negations_are_kept_as_one_token(sentence):
    prepared = text.prepare(sentence, "de" if "Hat" in sentence or "nie" in sentence
                            or "nicht" in sentence else "en")  # fmt: skip
    assert prepared.negated
    assert text.NEGATION_TOKEN in prepared.stems


def test_a_note_of_stop_words_only_keeps_its_words():
    assert text.prepare("Who are we?", "en").stems == ("who", "are", "we")


def test_display_keeps_an_original_word_form():
    assert text.prepare("Fürchtet höhere Preise", "de").display["furcht"] == "fürchtet"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Der Kunde will mehr Rabatt", "Hat keine Zeit für das Training"], "de"),
        (["The customer wants a discount", "No time for the training"], "en"),
        (["Größe", "Qualität"], "de"),
        ([], "en"),
    ],
)
def test_language_detection(texts, expected):
    assert text.detect_language(texts) == expected


def test_auto_language_is_detected_per_map():
    result = engine.compare(
        [N("i", "pains", "Fears that the prices go up")],
        [N("c", "pains", "Befürchtet, dass die Preise steigen")],
    )
    assert result.languages == {"internal": "en", "customer": "de"}


# --- verdicts -------------------------------------------------------------------------------


def test_same_idea_in_other_words_is_confirmed():
    result = engine.compare(
        [N("i1", "pains", "Invoices that do not match the order")],
        [N("c1", "pains", "Invoices don't match the orders")],
        SETTINGS,
    )
    assert by_id(result.internal)["i1"].verdict == "confirmed"
    assert by_id(result.customer)["c1"].verdict == "anticipated"
    [pair] = result.pairs
    assert (pair.internal_id, pair.customer_id, pair.verdict) == ("i1", "c1", "confirmed")
    assert pair.source == "engine"
    assert pair.score >= SETTINGS.threshold


def test_unrelated_notes_are_unconfirmed_and_missed():
    result = engine.compare(
        [N("i1", "gains", "Recognition from management")],
        [N("c1", "gains", "Longer payment terms")],
        SETTINGS,
    )
    assert by_id(result.internal)["i1"].verdict == "unconfirmed"
    assert by_id(result.customer)["c1"].verdict == "missed"
    assert result.pairs == []


def test_partial_between_the_thresholds():
    internal = [N("i1", "sees", "Competitors offer free shipping")]
    customer = [N("c1", "sees", "Competitors offer discounts and free returns")]
    score = engine.compare(internal, customer, SETTINGS).internal[0].best.score
    settings = engine.Settings(scorer="blend", threshold=score + 1, partial_threshold=score - 1)
    result = engine.compare(internal, customer, settings)
    assert result.internal[0].verdict == "partial"
    assert result.pairs[0].verdict == "partial"
    assert result.customer[0].verdict == "anticipated"


def test_negated_look_alike_is_not_confirmed():
    result = engine.compare(
        [N("i1", "says_does", "Never asks for a discount")],
        [N("c1", "says_does", "Asks for a discount in every negotiation")],
    )
    assert result.internal[0].verdict != "confirmed"
    assert (
        result.customer[0].verdict == "anticipated"
        or result.pairs == []
        or (result.pairs[0].verdict == "partial")
    )


def test_right_insight_in_the_wrong_segment_is_misplaced():
    result = engine.compare(
        [N("i1", "gains", "Wants more energy in everyday life")],
        [N("c1", "thinks_feels", "Wants more energy in everyday life"),
         N("c2", "gains", "Sleeps better")],
        SETTINGS,
    )  # fmt: skip
    assert by_id(result.internal)["i1"].verdict == "misplaced"
    assert by_id(result.customer)["c1"].verdict == "anticipated"
    assert by_id(result.customer)["c2"].verdict == "missed"
    [pair] = result.pairs
    assert pair.verdict == "misplaced"
    assert (pair.internal_segment, pair.customer_segment) == ("gains", "thinks_feels")


def test_cross_segment_off_leaves_it_unconfirmed():
    settings = engine.Settings(
        scorer="blend", threshold=60, partial_threshold=45, cross_segment=False
    )
    result = engine.compare(
        [N("i1", "gains", "Wants more energy in everyday life")],
        [N("c1", "thinks_feels", "Wants more energy in everyday life")],
        settings,
    )
    assert result.internal[0].verdict == "unconfirmed"
    assert result.customer[0].verdict == "missed"


def test_misplaced_only_takes_customer_notes_nothing_else_matched():
    result = engine.compare(
        [N("i1", "gains", "Wants more energy in everyday life"),
         N("i2", "thinks_feels", "Wants more energy in everyday life")],
        [N("c1", "thinks_feels", "Wants more energy in everyday life")],
        SETTINGS,
    )  # fmt: skip
    assert by_id(result.internal)["i2"].verdict == "confirmed"
    assert by_id(result.internal)["i1"].verdict == "unconfirmed"


def test_one_to_one_pairs_and_also_matches():
    internal = [N("i1", "pains", "Delivery dates are unreliable")]
    customer = [
        N("c1", "pains", "Delivery dates are often unreliable"),
        N("c2", "pains", "Delivery dates are unreliable!"),
    ]
    result = engine.compare(internal, customer, SETTINGS)
    assert [pair.customer_id for pair in result.pairs] == ["c2"]
    assert [(m.internal_id, m.customer_id) for m in result.also_matches] == [("i1", "c1")]
    # An also-match is not a miss.
    assert {note.verdict for note in result.customer} == {"anticipated"}


def test_margin_assignment_keeps_the_strong_match_whole():
    """Raw-score assignment would split one strong match into two weaker ones."""
    rows, columns = [0, 0, 1], [0, 1, 0]
    scores = {(0, 0): 95.0, (0, 1): 70.0, (1, 0): 70.0}
    partial = 60.0
    margins = [scores[(r, c)] - partial for r, c in zip(rows, columns, strict=True)]
    import numpy as np

    chosen = assign(np.array(rows), np.array(columns), np.array(margins))
    assert chosen == [(0, 0)]


def test_shared_terms_explain_the_pair_in_readable_words():
    result = engine.compare(
        [N("i1", "pains", "Fürchtet höhere Preise")],
        [N("c1", "pains", "Fuerchtet hoehere Preise bei Vertraegen")],
        engine.Settings(scorer="blend", threshold=50, partial_threshold=40, language="de"),
    )
    assert result.pairs[0].shared_terms == ["fürchtet", "höhere", "preise"]


def test_best_match_names_the_closest_note():
    result = engine.compare(
        [N("i1", "sees", "Competitors offer free next-day shipping")],
        [N("c1", "sees", "Trade fair stands"), N("c2", "sees", "Free shipping from competitors")],
        SETTINGS,
    )
    best = result.internal[0].best
    assert (best.id, best.segment) == ("c2", "sees")
    assert result.customer[0].best is None or result.customer[0].best.score < 45


def test_empty_segment_gives_no_best_match():
    result = engine.compare([N("i1", "hears", "Boss wants savings")], [], SETTINGS)
    assert result.internal[0].best is None
    assert result.internal[0].verdict == "unconfirmed"


def test_unknown_segment_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown segment 'feels'"):
        engine.compare([N("i1", "feels", "x")], [])


def test_duplicate_ids_are_an_error():
    with pytest.raises(ValueError, match="appears twice"):
        engine.compare([N("i1", "sees", "x"), N("i1", "sees", "y")], [])


# --- decisions -----------------------------------------------------------------------------


def test_rejected_pair_is_not_drawn_and_scores_zero():
    internal = [N("i1", "pains", "Delivery dates are unreliable")]
    customer = [N("c1", "pains", "Unreliable delivery dates")]
    result = engine.compare(
        internal, customer, SETTINGS, decisions=[engine.Decision("i1", "c1", accepted=False)]
    )
    assert result.pairs == []
    assert result.internal[0].verdict == "unconfirmed"
    assert result.customer[0].verdict == "missed"


def test_accepted_manual_link_counts_whatever_the_score():
    internal = [N("i1", "gains", "Recognition from management")]
    customer = [N("c1", "gains", "Longer payment terms")]
    result = engine.compare(
        internal, customer, SETTINGS, decisions=[engine.Decision("i1", "c1", accepted=True)]
    )
    [pair] = result.pairs
    assert (pair.verdict, pair.source) == ("confirmed", "manual")
    assert result.internal[0].verdict == "confirmed"
    assert result.customer[0].verdict == "anticipated"
    assert result.summary.empathy_score == 100.0


def test_manual_link_across_segments_is_misplaced():
    result = engine.compare(
        [N("i1", "gains", "Recognition")],
        [N("c1", "pains", "Payment terms")],
        SETTINGS,
        decisions=[engine.Decision("i1", "c1", accepted=True)],
    )
    assert result.pairs[0].verdict == "misplaced"
    assert result.internal[0].verdict == "misplaced"


def test_accepted_pair_leaves_the_assignment_to_the_others():
    internal = [
        N("i1", "pains", "Delivery dates are unreliable"),
        N("i2", "pains", "Unreliable delivery dates"),
    ]
    customer = [N("c1", "pains", "Unreliable delivery dates"), N("c2", "pains", "Late trucks")]
    result = engine.compare(
        internal, customer, SETTINGS, decisions=[engine.Decision("i1", "c2", accepted=True)]
    )
    pairs = {(pair.internal_id, pair.customer_id): pair.source for pair in result.pairs}
    assert pairs == {("i1", "c2"): "manual", ("i2", "c1"): "engine"}


def test_decisions_about_unknown_notes_are_ignored():
    result = engine.compare(
        [N("i1", "sees", "x")], [], SETTINGS, decisions=[engine.Decision("gone", "i1", True)]
    )
    assert result.pairs == []


# --- metrics -------------------------------------------------------------------------------


def test_metrics_precision_coverage_and_harmonic_mean():
    internal = [
        engine.InternalVerdict("a", "sees", "", "confirmed", None, votes=3),
        engine.InternalVerdict("b", "sees", "", "unconfirmed", None),
        engine.InternalVerdict("c", "pains", "", "partial", None),
        engine.InternalVerdict("d", "pains", "", "misplaced", None),
    ]
    customer = [
        engine.CustomerVerdict("x", "sees", "", "anticipated", None),
        engine.CustomerVerdict("y", "pains", "", "missed", None, votes=1),
    ]
    summary, segments = engine.recompute_metrics(internal, customer)
    assert (summary.precision, summary.coverage, summary.empathy_score) == (25.0, 50.0, 33.3)
    # votes + 1: a = 4 of 7 internal weight; x = 1 of 3 customer weight
    assert (summary.weighted_precision, summary.weighted_coverage) == (57.1, 33.3)
    assert summary.weighted_empathy_score == 42.1
    assert (summary.confirmed, summary.partial, summary.misplaced, summary.unconfirmed) == (
        1, 1, 1, 1
    )  # fmt: skip
    assert (summary.anticipated, summary.missed) == (1, 1)
    assert list(segments) == list(SEGMENT_KEYS)
    assert segments["sees"].precision == 50.0
    assert segments["hears"].internal_count == 0


def test_metrics_of_nothing_are_zero():
    summary, segments = engine.recompute_metrics([], [])
    assert summary.empathy_score == summary.precision == summary.coverage == 0.0
    assert all(metrics.customer_count == 0 for metrics in segments.values())


# --- settings and output -------------------------------------------------------------------


def test_settings_round_trip_and_defaults():
    assert engine.Settings.from_dict({}) == engine.DEFAULT_SETTINGS
    data = engine.DEFAULT_SETTINGS.to_dict()
    assert engine.Settings.from_dict(data) == engine.DEFAULT_SETTINGS
    assert engine.DEFAULT_SETTINGS.scorer in engine.SCORERS
    custom = engine.Settings.from_dict({"threshold": "70", "cross_segment": "false"})
    assert (custom.threshold, custom.cross_segment) == (70.0, False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scorer": "WRatio"}, "unknown scorer"),
        ({"language": "fr"}, "unknown language"),
        ({"threshold": 101}, "threshold must be from 0 to 100"),
        ({"threshold": "high"}, "threshold must be a number"),
        ({"threshold": 50, "partial_threshold": 60}, "must not be above threshold"),
        ({"partial_threshold": -1}, "partial_threshold must be from 0 to 100"),
        ({"threshold": float("nan")}, "threshold must be from 0 to 100"),
        ({"threshold": True}, "threshold must be a number"),
        ({"colour": "red"}, "unknown setting"),
        ({"cross_segment": "maybe"}, "cross_segment must be true or false"),
    ],
)
def test_bad_settings_raise_a_clear_error(data, message):
    with pytest.raises(ValueError, match=message):
        engine.Settings.from_dict(data)


def test_json_contract_of_compare_files():
    result = engine.compare(
        [N("i1", "pains", "Delivery dates are unreliable"), N("i2", "gains", "Savings")],
        [N("c1", "pains", "Unreliable delivery dates")],
    )
    data = json.loads(json.dumps(result.to_json_dict()))
    assert set(data) == {
        "engine_version", "settings", "summary", "segments", "internal", "customer", "pairs"
    }  # fmt: skip
    assert data["engine_version"] == engine.ENGINE_VERSION
    assert set(data["settings"]) == {
        "scorer", "threshold", "partial_threshold", "cross_segment", "language"
    }  # fmt: skip
    assert {"empathy_score", "precision", "coverage"} <= set(data["summary"])
    assert list(data["segments"]) == list(SEGMENT_KEYS)
    assert set(data["internal"][0]) == {"id", "segment", "text", "verdict", "best", "suggestions"}
    assert data["internal"][0]["best"] == {"id": "c1", "segment": "pains", "score": pytest.approx(
        data["pairs"][0]["score"])}  # fmt: skip
    # The confirmed partner is the first suggestion, with the same fields as "best".
    assert data["internal"][0]["suggestions"][0] == data["internal"][0]["best"]
    assert data["internal"][1]["best"] is None
    assert data["internal"][1]["suggestions"] == []  # nothing near "Savings"
    assert set(data["pairs"][0]) == {
        "internal_id", "customer_id", "score", "verdict", "shared_terms"
    }  # fmt: skip
    assert data["pairs"][0]["shared_terms"] == sorted(data["pairs"][0]["shared_terms"])


def test_progress_is_monotonic_from_0_to_100():
    seen: list[int] = []
    engine.compare(
        [N("i1", "sees", "Prices rise")], [N("c1", "sees", "Rising prices")], progress=seen.append
    )
    assert seen[0] == 0
    assert seen[-1] == 100
    assert seen == sorted(set(seen))
    assert 3 <= len(seen) <= 20


def test_same_input_same_output():
    internal = [N(f"i{k}", "pains", "Delivery dates are unreliable") for k in range(4)]
    customer = [N(f"c{k}", "pains", "Unreliable delivery dates") for k in range(3)]
    first = engine.compare(internal, customer)
    assert first == engine.compare(internal, customer)
    # Ties go to input order.
    assert [(p.internal_id, p.customer_id) for p in first.pairs] == [
        ("i0", "c0"), ("i1", "c1"), ("i2", "c2")
    ]  # fmt: skip
