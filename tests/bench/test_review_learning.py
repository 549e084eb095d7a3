"""The simulated reviewer of `bench.review_learning`, on the fake encoder: what it
computes, not how good the figures are."""

import io

from bench import fit_link_model, review_learning
from tests.engine.fake_embedder import FakeEmbedder


def test_the_halves_split_each_language_and_cover_every_story_pair():
    pairs = [p for p in fit_link_model.labelled_pairs(FakeEmbedder()) if p.dev_set == "stories"]
    first, second = review_learning.halves(pairs)
    assert sorted(p.pair.name for p in first + second) == sorted(p.pair.name for p in pairs)
    assert not {p.pair.name for p in first} & {p.pair.name for p in second}
    for language in {p.pair.language for p in pairs}:
        assert any(p.pair.language == language for p in first)
        assert any(p.pair.language == language for p in second)


def test_the_reviewer_decides_every_suggestion_by_the_gold_links():
    pairs = fit_link_model.labelled_pairs(FakeEmbedder(common=2.0))
    old = [p for p in pairs if p.dev_set == "old"]
    story = next(p for p in pairs if p.dev_set == "stories")
    model = fit_link_model.fitted_model("hybrid", old)
    examples = review_learning.reviewed_examples([story], model)
    result = fit_link_model.compare_with(story, "hybrid", model)
    shown = [(n.id, s.id) for n in result.internal for s in n.suggestions]
    assert len(examples) == len(shown)
    assert examples.confirmed.tolist() == [edge in story.pair.gold for edge in shown]

    out = io.StringIO()
    review_learning.print_review_learning(out, pairs)
    text = out.getvalue()
    assert text.count("other half  before") == 2
    assert "both halves   before" in text
    assert "compared again" in text
