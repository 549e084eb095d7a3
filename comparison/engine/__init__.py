"""The comparison engine: pure Python over plain data, importable without Django.

    from comparison import engine
    result = engine.compare(internal_notes, customer_notes, engine.DEFAULT_SETTINGS)

See the README ("How matching works") and `compare` for the rules. `SCORERS` are the lexical
scorers; `SCORER_CHOICES` is what settings accept (adds "lexical", "semantic", "hybrid").
Semantic and hybrid runs take their vectors from the caller (`embeddings=`, `embedder=`);
the engine loads no model.

Modules: `records` (notes in, settings, result records), `text` (normalisation),
`scoring` (lexical scorers), `semantic` (embedding scorers), `link_model` (how semantic
and hybrid decide on a map pair), `pipeline` (`compare`, one call per stage:
`preparation`, `matching` with `assignment`, `suggestions`, `verdicts`, `metrics`).
"""

from comparison.engine import link_model, semantic
from comparison.engine.assignment import assign
from comparison.engine.link_model import ReviewedExamples
from comparison.engine.metrics import metrics_of, recompute_metrics
from comparison.engine.pipeline import ENGINE_VERSION, compare
from comparison.engine.records import (
    DEFAULT_SETTINGS,
    SCORER_CHOICES,
    BestMatch,
    ComparisonResult,
    CustomerVerdict,
    Decision,
    InternalVerdict,
    MatchPair,
    Metrics,
    NoteIn,
    Settings,
)
from comparison.engine.scoring import SCORERS, score_matrix
from comparison.engine.text import LANGUAGES, detect_language, prepare

__all__ = [
    "DEFAULT_SETTINGS",
    "ENGINE_VERSION",
    "LANGUAGES",
    "SCORERS",
    "SCORER_CHOICES",
    "BestMatch",
    "ComparisonResult",
    "CustomerVerdict",
    "Decision",
    "InternalVerdict",
    "MatchPair",
    "Metrics",
    "NoteIn",
    "ReviewedExamples",
    "Settings",
    "assign",
    "compare",
    "detect_language",
    "link_model",
    "metrics_of",
    "prepare",
    "recompute_metrics",
    "score_matrix",
    "semantic",
]
