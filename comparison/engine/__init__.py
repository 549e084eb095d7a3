"""The comparison engine: pure Python over plain data, importable without Django.

    from comparison import engine
    result = engine.compare(internal_notes, customer_notes, engine.DEFAULT_SETTINGS)

See DESIGN.md ("The engine") and `compare` for the rules. `SCORERS` are the lexical
scorers; `SCORER_CHOICES` is what settings accept (adds "lexical", "semantic", "hybrid").
"""

from comparison.engine import semantic
from comparison.engine.core import DEFAULT_SETTINGS, ENGINE_VERSION, assign, compare
from comparison.engine.model import (
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
    metrics_of,
    recompute_metrics,
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
    "Settings",
    "assign",
    "compare",
    "detect_language",
    "metrics_of",
    "prepare",
    "recompute_metrics",
    "score_matrix",
    "semantic",
]
