"""The engine's plain data: notes in, settings, decisions, and the records of a result
(pure, no Django). The figures themselves are computed in `metrics`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from comparison.engine.scoring import SCORERS
from comparison.engine.semantic import EMBEDDING_MODES, LEXICAL_SCORER, MODES
from comparison.engine.text import LANGUAGES

InternalVerdictName = Literal["confirmed", "partial", "misplaced", "unconfirmed"]
CustomerVerdictName = Literal["anticipated", "missed"]
PairVerdictName = Literal["confirmed", "partial", "misplaced"]

# What `scorer` may name: the modes ("lexical" = today's default blend, "semantic",
# "hybrid") and, for stored settings and the CLI, each lexical scorer by its own name.
SCORER_CHOICES: tuple[str, ...] = (*MODES, *SCORERS)


@dataclass(frozen=True)
class NoteIn:
    id: str
    segment: str
    text: str
    votes: int = 0


@dataclass(frozen=True)
class Settings:
    """How a comparison runs. Validated on creation; `from_dict` fills defaults."""

    scorer: str
    threshold: float
    partial_threshold: float
    cross_segment: bool = True
    language: str = "auto"

    def __post_init__(self) -> None:
        if self.scorer not in SCORER_CHOICES:
            raise ValueError(
                f"unknown scorer {self.scorer!r}; choose one of {', '.join(SCORER_CHOICES)}"
            )
        if self.language not in LANGUAGES:
            raise ValueError(
                f"unknown language {self.language!r}; choose one of {', '.join(LANGUAGES)}"
            )
        for name in ("threshold", "partial_threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number from 0 to 100, not {value!r}")
            if not (math.isfinite(value) and 0 <= value <= 100):
                raise ValueError(f"{name} must be from 0 to 100, not {value!r}")
        if self.partial_threshold > self.threshold:
            raise ValueError(
                f"partial_threshold ({self.partial_threshold:g}) must not be above "
                f"threshold ({self.threshold:g})"
            )
        if not isinstance(self.cross_segment, bool):
            raise ValueError(f"cross_segment must be true or false, not {self.cross_segment!r}")

    @property
    def mode(self) -> str:
        """ "lexical", "semantic" or "hybrid" (a lexical scorer's own name is lexical)."""
        return self.scorer if self.scorer in EMBEDDING_MODES else "lexical"

    @property
    def lexical_scorer(self) -> str:
        """The word-matching scorer this run uses (alone, in hybrid, or as the fallback)."""
        return self.scorer if self.scorer in SCORERS else LEXICAL_SCORER

    def to_dict(self) -> dict[str, Any]:
        return {
            "scorer": self.scorer,
            "threshold": float(self.threshold),
            "partial_threshold": float(self.partial_threshold),
            "cross_segment": self.cross_segment,
            "language": self.language,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from user or stored data: missing (or null) values take the defaults;
        unknown keys and bad values raise ValueError with a readable message."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise ValueError(
                f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        values = DEFAULT_SETTINGS.to_dict()
        values.update({key: value for key, value in data.items() if value is not None})
        for name in ("threshold", "partial_threshold"):
            values[name] = _number(name, values[name])
        if isinstance(values["cross_segment"], str):
            flag = values["cross_segment"].strip().lower()
            if flag not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
                raise ValueError(f"cross_segment must be true or false, not {flag!r}")
            values["cross_segment"] = flag in {"true", "1", "yes", "on"}
        for name in ("scorer", "language"):
            if not isinstance(values[name], str):
                raise ValueError(f"{name} must be a string, not {values[name]!r}")
        return cls(**values)


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number from 0 to 100, not {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number from 0 to 100, not {value!r}") from None


# Chosen by the grid search of `python -m bench.quality` (dev set + STS-B train); figures
# in the README ("How matching works").
DEFAULT_SETTINGS = Settings(scorer="blend", threshold=50.0, partial_threshold=40.0)


@dataclass(frozen=True)
class Decision:
    """An editor's review of one pair: accepted forces it (a hand link or an accepted
    suggestion), rejected forbids it."""

    internal_id: str
    customer_id: str
    accepted: bool


# Result records are built by the hundred thousand on big maps: plain slotted dataclasses,
# since a frozen one costs four times as much to construct. Nothing mutates them.
@dataclass(slots=True)
class BestMatch:
    id: str
    segment: str
    score: float
    # A suggestion of a link-model run: the model's features of the pair (`link_model.
    # FEATURES`), kept so that a person's decision on it can refine the workspace's later
    # runs. Not part of the JSON result.
    features: tuple[float, ...] | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class InternalVerdict:
    id: str
    segment: str
    text: str
    verdict: InternalVerdictName
    best: BestMatch | None
    votes: int = 0
    # Up to SUGGESTIONS_PER_NOTE customer notes most likely to confirm this hypothesis
    # (any segment, most likely first; a confirmed or misplaced partner comes first), for
    # a person to confirm or dismiss.
    suggestions: list[BestMatch] = field(default_factory=list)


@dataclass(slots=True)
class CustomerVerdict:
    id: str
    segment: str
    text: str
    verdict: CustomerVerdictName
    best: BestMatch | None
    votes: int = 0


@dataclass(slots=True)
class MatchPair:
    internal_id: str
    customer_id: str
    internal_segment: str
    customer_segment: str
    score: float
    verdict: PairVerdictName
    shared_terms: list[str]
    source: Literal["engine", "manual"] = "engine"

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "internal_id": self.internal_id,
            "customer_id": self.customer_id,
            "score": self.score,
            "verdict": self.verdict,
            "shared_terms": list(self.shared_terms),
        }


@dataclass(frozen=True)
class Metrics:
    """Figures for a segment or a whole comparison (percentages 0-100, one decimal).

    precision = confirmed internal notes / all internal notes ("were we right?");
    coverage = anticipated customer notes / all customer notes ("did we see it?");
    empathy_score = their harmonic mean (0 when both are 0). The weighted variants weigh
    each note by votes + 1, so dot-voted notes count more and unvoted notes still count.
    """

    empathy_score: float
    precision: float
    coverage: float
    weighted_empathy_score: float
    weighted_precision: float
    weighted_coverage: float
    confirmed: int
    partial: int
    misplaced: int
    unconfirmed: int
    anticipated: int
    missed: int
    internal_count: int
    customer_count: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _best_json(best: BestMatch | None) -> dict[str, Any] | None:
    if best is None:
        return None
    return {"id": best.id, "segment": best.segment, "score": best.score}


@dataclass(frozen=True)
class ComparisonResult:
    settings: Settings
    engine_version: str
    languages: dict[str, str]  # {"internal": "en", "customer": "de"}: what was used
    internal: list[InternalVerdict]
    customer: list[CustomerVerdict]
    pairs: list[MatchPair]
    also_matches: list[MatchPair]
    summary: Metrics
    segments: dict[str, Metrics]
    # For semantic and hybrid runs: what ran and why (SemanticStatus.to_dict); None for
    # lexical runs. In JSON it sits in "summary", whose keys the contract leaves open.
    semantic: dict[str, Any] | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """What `compare_files --format json` prints, exactly: its keys are a contract for
        scripts (README, "Comparing"); semantic and hybrid runs add
        `summary.semantic`."""
        data = {
            "engine_version": self.engine_version,
            "settings": self.settings.to_dict(),
            "summary": self.summary.to_dict(),
            "segments": {key: metrics.to_dict() for key, metrics in self.segments.items()},
            "internal": [
                {
                    "id": note.id,
                    "segment": note.segment,
                    "text": note.text,
                    "verdict": note.verdict,
                    "best": _best_json(note.best),
                    "suggestions": [_best_json(item) for item in note.suggestions],
                }
                for note in self.internal
            ],
            "customer": [
                {
                    "id": note.id,
                    "segment": note.segment,
                    "text": note.text,
                    "verdict": note.verdict,
                    "best": _best_json(note.best),
                }
                for note in self.customer
            ],
            "pairs": [pair.to_json_dict() for pair in self.pairs],
        }
        if self.semantic is not None:
            data["summary"]["semantic"] = dict(self.semantic)
        return data
