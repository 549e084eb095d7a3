"""Perception-gap analytics: reads and pure aggregations (nothing here writes).

- Perspectives of one round: several teams' internal maps, each compared with the same
  customer workshop. Empathy score per team and segment, which team anticipated which
  customer note, where the teams disagree with one another (the engine run in-process on
  internal vs internal notes) and which team overestimates its customers most.
- Rounds of a persona: what changed between two rounds' maps (new, gone and changed
  notes, matched by the engine) and each segment's empathy score across the rounds.
- Per-participant overconfidence of one report, blind-spot segments of the dashboard and
  "same topic, opposite feeling" (polarity) findings of a report.

Every query starts from `reports_for(user)` / `maps_for(user)` (built on
`maps.selectors.workspaces_for`), or from a report the caller fetched through them. The
page selectors run a fixed number of queries, whatever the number of teams or notes:
note snapshots come from the reports' own match rows, and the engine runs on plain data.
The engine runs here are lexical only (never an embedding model) and bounded by
`COMPARE_MAX_NOTES`; their results are cached by a digest of their input.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import plotly.graph_objects as go
from django.core.cache import cache
from django.db.models import F, Prefetch, Q

from comparison import charts, engine
from comparison.dashboard import (
    DashboardFilters,
    PairResult,
    latest_reports,
    pooled_score,
    segment_figures,
    summary_count,
)
from comparison.models import Match, MatchKind, Report, Verdict
from maps.models import EmpathyMap, Note, Persona, Perspective, Segment
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS, SEGMENTS
from maps.selectors import AnyUser, maps_for

SEGMENT_ORDER = {key: position for position, key in enumerate(SEGMENT_KEYS)}
NO_TEAM = "No team given"
NO_AUTHOR = "No author recorded"
UNKNOWN_AUTHOR = "Unknown author (note deleted)"

# Engine runs inside a page request: each side of one in-process comparison holds at most
# this many notes (dense blend scoring of 1,000 x 1,000 short notes takes well under a
# second), and at most this many teams are compared pairwise (8 teams = 28 runs).
COMPARE_MAX_NOTES = 1_000
DISAGREEMENT_MAX_TEAMS = 8
# Rows of the "who anticipated what" matrix drawn on the page; the page says when more
# exist. 300 rows x 8 teams stays well inside Django's 100 kB template budget.
MATRIX_ROW_LIMIT = 300
# Notes listed per side of a disagreement or a diff before "and N more".
LIST_LIMIT = 50
# Blind spots: coverage below this (percent) or customers giving a segment this many
# percentage points more of their notes than the team did.
BLIND_SPOT_COVERAGE = 50.0
BLIND_SPOT_ATTENTION_GAP = 10.0
ENGINE_CACHE_SECONDS = 3600
ANALYTICS_CACHE_VERSION = 1  # bump when a cached result's shape changes


# --- small pure helpers -------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


class _HypothesisShares:
    """The shares a perspective or a pooled team is judged by, from its counts
    (`hypotheses`, `confirmed`, `unconfirmed`, `anticipated`, `customer_notes`)."""

    hypotheses: int
    confirmed: int
    unconfirmed: int
    anticipated: int
    customer_notes: int

    @property
    def unconfirmed_share(self) -> float | None:
        """Share (percent) of the hypotheses no customer note supported."""
        return _share(self.unconfirmed, self.hypotheses)

    @property
    def precision(self) -> float | None:
        """Hypothesis precision: confirmed / hypotheses ("were we right?")."""
        return _share(self.confirmed, self.hypotheses)

    @property
    def coverage(self) -> float | None:
        """Coverage: anticipated / customer notes ("did we see it coming?")."""
        return _share(self.anticipated, self.customer_notes)


def _lexical(settings_data: Mapping[str, Any] | None) -> engine.Settings:
    """A report's settings for an in-process run, always lexical: a page request never
    loads an embedding model. Unreadable settings fall back to the defaults."""
    try:
        settings = engine.Settings.from_dict(dict(settings_data or {}))
    except (TypeError, ValueError):
        return engine.DEFAULT_SETTINGS
    if settings.mode != "lexical":
        settings = replace(settings, scorer=settings.lexical_scorer)
    return settings


@dataclass(frozen=True)
class NoteRef:
    """A note as shown on an analytics page (plain text; templates escape it)."""

    segment: str
    text: str
    votes: int = 0

    @property
    def segment_label(self) -> str:
        return SEGMENT_LABELS.get(self.segment, self.segment)


def _note_inputs(notes: Sequence[NoteRef], prefix: str) -> list[engine.NoteIn]:
    return [
        engine.NoteIn(id=f"{prefix}{index}", segment=note.segment, text=note.text, votes=note.votes)
        for index, note in enumerate(notes)
    ]


def _cached_compare(
    old: Sequence[NoteRef], new: Sequence[NoteRef], settings: engine.Settings
) -> engine.ComparisonResult:
    """`engine.compare` of two note lists, reused while the same input comes again."""
    state = (ANALYTICS_CACHE_VERSION, engine.ENGINE_VERSION, settings.to_dict(), old, new)
    key = f"gapmap:analytics-compare:{hashlib.sha256(repr(state).encode()).hexdigest()}"
    result = cache.get(key)
    if result is None:
        result = engine.compare(_note_inputs(old, "a"), _note_inputs(new, "b"), settings)
        cache.set(key, result, ENGINE_CACHE_SECONDS)
    return result


def _sorted_notes(notes: Iterable[NoteRef]) -> list[NoteRef]:
    return sorted(
        notes, key=lambda note: (SEGMENT_ORDER.get(note.segment, 99), -note.votes, note.text)
    )


# --- report rows, shared by the round pages -----------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """The latest succeeded report of one pair of a persona, flattened."""

    report_id: int
    pair_id: int
    team: str
    internal_title: str
    internal_map_id: int
    customer_map_id: int
    customer_title: str
    round: int
    workshop_date: datetime.date | None
    settings: Mapping[str, Any]
    summary: Mapping[str, Any]


def _persona_reports(user: AnyUser, persona: Persona, *, round_number: int | None = None):
    reports = latest_reports(user, persona.workspace, DashboardFilters(persona_id=persona.pk))
    if round_number is not None:
        reports = reports.filter(pair__customer_map__round=round_number)
    return reports


def _report_rows(reports) -> list[ReportRow]:
    rows = reports.values(
        "pk",
        "pair_id",
        "summary",
        "settings",
        "workshop_date",
        team=F("pair__internal_map__team"),
        internal_title=F("pair__internal_map__title"),
        internal_map_id=F("pair__internal_map_id"),
        customer_map_id=F("pair__customer_map_id"),
        customer_title=F("pair__customer_map__title"),
        customer_round=F("pair__customer_map__round"),
    ).order_by(
        "pair__customer_map__round",
        "pair__internal_map__team",
        "pair__internal_map__title",
        "pair_id",
    )
    return [
        ReportRow(
            report_id=row["pk"],
            pair_id=row["pair_id"],
            team=row["team"] or "",
            internal_title=row["internal_title"],
            internal_map_id=row["internal_map_id"],
            customer_map_id=row["customer_map_id"],
            customer_title=row["customer_title"],
            round=row["customer_round"],
            workshop_date=row["workshop_date"],
            settings=row["settings"] if isinstance(row["settings"], Mapping) else {},
            summary=row["summary"] if isinstance(row["summary"], Mapping) else {},
        )
        for row in rows
    ]


def persona_rounds(user: AnyUser, persona: Persona) -> list[int]:
    """The round numbers of the persona's maps, ascending (for the round pickers)."""
    return sorted(
        set(maps_for(user).filter(persona=persona).values_list("round", flat=True).order_by())
    )


# --- 1. perspectives of one round ---------------------------------------------------------


@dataclass(frozen=True)
class PerspectiveResult(_HypothesisShares):
    """One team's comparison with the round's customer workshop."""

    label: str
    report_id: int
    internal_title: str
    customer_title: str
    scores: Mapping[str, float | None]
    overall: float | None
    hypotheses: int
    confirmed: int
    unconfirmed: int
    anticipated: int = 0  # customer notes this team's hypotheses anticipated
    customer_notes: int = 0

    @property
    def not_confirmed_share(self) -> float | None:
        """Share (percent) of the hypotheses not confirmed in their own segment."""
        return _share(self.hypotheses - self.confirmed, self.hypotheses)


def ranked_by_overestimation[T: (PerspectiveResult, TeamOverestimation)](
    items: Iterable[T],
) -> list[T]:
    """The most overconfident first: by the share of unconfirmed hypotheses, highest
    first; those without hypotheses last; ties by label."""
    return sorted(
        items,
        key=lambda p: (p.unconfirmed_share is None, -(p.unconfirmed_share or 0.0), p.label),
    )


@dataclass(frozen=True)
class MatrixRow:
    """A customer note and, per perspective (in page order), True when that team's report
    has it anticipated, False when missed, None when that report did not compare it."""

    note: NoteRef
    cells: tuple[bool | None, ...]

    @property
    def anticipated_by(self) -> int:
        return sum(cell is True for cell in self.cells)

    @property
    def missed_by_all(self) -> bool:
        compared = [cell for cell in self.cells if cell is not None]
        return bool(compared) and not any(compared)


@dataclass(frozen=True)
class Disagreement:
    """Two teams' hypotheses side by side: what each wrote that the other did not."""

    first: str
    second: str
    only_first: tuple[NoteRef, ...]
    only_second: tuple[NoteRef, ...]
    only_first_total: int
    only_second_total: int


@dataclass(frozen=True)
class RoundPerspectives:
    round: int
    perspectives: tuple[PerspectiveResult, ...]
    matrix: tuple[MatrixRow, ...]
    matrix_total: int
    disagreements: tuple[Disagreement, ...]
    disagreement_note: str  # why the disagreements were not computed, else ""

    @property
    def overestimation(self) -> list[PerspectiveResult]:
        """Perspectives by the share of unconfirmed hypotheses, the most overconfident
        first ("management overestimates its customers" shows as the top row)."""
        return ranked_by_overestimation(self.perspectives)


def _labels(rows: Sequence[ReportRow]) -> list[str]:
    """Each pair's perspective label: its team, else the internal map's title; a label
    used twice (one team, two maps) gets the map's title to keep the columns apart."""
    base = [row.team.strip() or row.internal_title or NO_TEAM for row in rows]
    labels = []
    for label, row in zip(base, rows, strict=True):
        labels.append(f"{label} · {row.internal_title}" if base.count(label) > 1 else label)
    seen: dict[str, int] = {}
    unique = []
    for label in labels:  # one team with two maps of one title: number them
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique


_MATCH_FIELDS = (
    "id",
    "report_id",
    "kind",
    "score",
    "internal_note_id",
    "internal_segment",
    "internal_text",
    "internal_votes",
    "internal_verdict",
    "customer_note_id",
    "customer_segment",
    "customer_text",
    "customer_votes",
    "customer_verdict",
)


def _customer_key(row: Mapping[str, Any]) -> tuple:
    note_id = row["customer_note_id"]
    return ("id", note_id) if note_id else ("text", row["customer_segment"], row["customer_text"])


def round_perspectives(user: AnyUser, persona: Persona, round_number: int) -> RoundPerspectives:
    """The perspectives of one round (customer workshop round `round_number`): two
    queries, the latest reports and their match rows, whatever the number of teams."""
    rows = _report_rows(_persona_reports(user, persona, round_number=round_number))
    if not rows:
        return RoundPerspectives(round_number, (), (), 0, (), "")
    labels = _labels(rows)
    column = {row.report_id: index for index, row in enumerate(rows)}
    internal: dict[int, list[tuple[NoteRef, str]]] = {row.report_id: [] for row in rows}
    customer: dict[tuple, NoteRef] = {}
    cells: dict[tuple, list[bool | None]] = {}
    matches = (
        Match.objects.filter(report_id__in=list(column))
        .exclude(kind=MatchKind.ALSO)  # "also" rows repeat notes that have their own row
        .values(*_MATCH_FIELDS)
        .order_by("report_id", "id")
    )
    for match in matches:
        if match["internal_text"]:
            note = NoteRef(
                match["internal_segment"], match["internal_text"], match["internal_votes"]
            )
            internal[match["report_id"]].append((note, match["internal_verdict"]))
        if match["customer_text"]:
            key = _customer_key(match)
            customer.setdefault(
                key,
                NoteRef(match["customer_segment"], match["customer_text"], match["customer_votes"]),
            )
            line = cells.setdefault(key, [None] * len(rows))
            line[column[match["report_id"]]] = match["customer_verdict"] == Verdict.ANTICIPATED

    perspectives = []
    for row, label in zip(rows, labels, strict=True):
        verdicts = [verdict for _, verdict in internal[row.report_id]]
        perspectives.append(
            PerspectiveResult(
                label=label,
                report_id=row.report_id,
                internal_title=row.internal_title,
                customer_title=row.customer_title,
                scores={
                    key: pooled_score([segment_figures(row.summary, key)]) for key in SEGMENT_KEYS
                },
                overall=pooled_score([row.summary]),
                hypotheses=len(verdicts),
                confirmed=verdicts.count(Verdict.CONFIRMED),
                unconfirmed=verdicts.count(Verdict.UNCONFIRMED),
                anticipated=summary_count(row.summary, "anticipated"),
                customer_notes=summary_count(row.summary, "customer_count"),
            )
        )
    matrix = sorted(
        (MatrixRow(customer[key], tuple(line)) for key, line in cells.items()),
        key=lambda item: (
            SEGMENT_ORDER.get(item.note.segment, 99),
            item.anticipated_by,  # the notes nobody saw coming first
            -item.note.votes,
            item.note.text.casefold(),
        ),
    )
    disagreements, note = _disagreements(
        [[note for note, _ in internal[row.report_id]] for row in rows],
        labels,
        _lexical(rows[0].settings),
    )
    return RoundPerspectives(
        round=round_number,
        perspectives=tuple(perspectives),
        matrix=tuple(matrix[:MATRIX_ROW_LIMIT]),
        matrix_total=len(matrix),
        disagreements=tuple(disagreements),
        disagreement_note=note,
    )


def _disagreements(
    notes_by_team: Sequence[Sequence[NoteRef]], labels: Sequence[str], settings: engine.Settings
) -> tuple[list[Disagreement], str]:
    """Every two teams compared through the engine: a hypothesis with no counterpart at
    all (verdict "unconfirmed" as the first side, "missed" as the second) is one the
    other team did not have. Partial counterparts count as shared."""
    if len(labels) < 2:
        return [], ""
    if len(labels) > DISAGREEMENT_MAX_TEAMS:
        return [], (
            f"{len(labels)} perspectives: the pairwise comparison stops at "
            f"{DISAGREEMENT_MAX_TEAMS} teams."
        )
    largest = max(len(notes) for notes in notes_by_team)
    if largest > COMPARE_MAX_NOTES:
        return [], (
            f"A perspective has {largest:,} hypotheses; teams are compared with each other "
            f"up to {COMPARE_MAX_NOTES:,} each."
        )
    found = []
    for first in range(len(labels)):
        for second in range(first + 1, len(labels)):
            a, b = list(notes_by_team[first]), list(notes_by_team[second])
            result = _cached_compare(a, b, settings)
            only_a = _sorted_notes(
                a[int(v.id[1:])] for v in result.internal if v.verdict == "unconfirmed"
            )
            only_b = _sorted_notes(
                b[int(v.id[1:])] for v in result.customer if v.verdict == "missed"
            )
            found.append(
                Disagreement(
                    first=labels[first],
                    second=labels[second],
                    only_first=tuple(only_a[:LIST_LIMIT]),
                    only_second=tuple(only_b[:LIST_LIMIT]),
                    only_first_total=len(only_a),
                    only_second_total=len(only_b),
                )
            )
    return found, ""


PERSPECTIVE_HEATMAP_TITLE = "Empathy score by perspective and segment"
OVERESTIMATION_TITLE = "Hypotheses no customer supported, by perspective"


def perspective_heatmap(data: RoundPerspectives) -> go.Figure:
    """Perspectives (rows) against segments, coloured by empathy score 0-100."""
    rows = [
        charts.PersonaScores(persona=p.label, scores=p.scores, overall=p.overall)
        for p in data.perspectives
    ]
    fig = charts.persona_heatmap(rows, title=PERSPECTIVE_HEATMAP_TITLE)
    fig.update_layout(yaxis={"title": {"text": "Perspective"}})
    return fig


def perspective_table(data: RoundPerspectives) -> charts.Table:
    headers = ("Perspective", *(segment.label for segment in SEGMENTS), "Overall")
    return charts.Table(
        PERSPECTIVE_HEATMAP_TITLE,
        headers,
        tuple(
            (
                p.label,
                *(_format(p.scores.get(key)) for key in SEGMENT_KEYS),
                _format(p.overall),
            )
            for p in data.perspectives
        ),
    )


def _format(value: float | None) -> str:
    return charts.MISSING if value is None else f"{value:.1f}"


def _layout(title: str, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    def axis(text: str) -> dict[str, Any]:
        return {
            "title": {"text": charts.escape_for_plotly(text)},
            "gridcolor": charts.GRID_COLOUR,
            "zeroline": False,
            "automargin": True,
        }

    return {
        "template": go.layout.Template(),  # plotly's global default could change on import
        "title": {
            "text": charts.escape_for_plotly(title),
            "x": 0,
            "font": {"size": charts.TITLE_SIZE},
        },
        "font": {
            "family": charts.FONT_FAMILY,
            "size": charts.FONT_SIZE,
            "color": charts.TEXT_COLOUR,
        },
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"t": 80, "r": 30, "b": 30, "l": 30},
        "xaxis": axis(x_title),
        "yaxis": axis(y_title),
        **extra,
    }


def overestimation_bars(data: RoundPerspectives) -> go.Figure:
    """Per perspective, the share of its hypotheses no customer supported, the highest
    on top."""
    return _overestimation_figure(data.overestimation, OVERESTIMATION_TITLE, "Perspective")


def _overestimation_figure(
    ranked: Sequence[PerspectiveResult | TeamOverestimation], title: str, y_title: str
) -> go.Figure:
    """Horizontal bars of `unconfirmed_share`, in the given (ranked) order, top down."""
    ordered = [p for p in ranked if p.unconfirmed_share is not None]
    labels = [charts.escape_for_plotly(p.label) for p in ordered]  # unique: see _labels
    layout = _layout(
        title,
        "Unsupported hypotheses (% of the team's)",
        y_title,
        height=max(320, 160 + 56 * len(ordered)),
        showlegend=False,
    )
    layout["yaxis"].update(autorange="reversed", categoryorder="array", categoryarray=labels)
    layout["xaxis"]["range"] = [0, 105]
    return go.Figure(
        data=[
            go.Bar(
                orientation="h",
                x=[p.unconfirmed_share for p in ordered],
                y=labels,
                marker={"color": charts.VERDICT_COLOURS["unconfirmed"]},
                texttemplate="%{x:.0f}%",
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
            )
        ],
        layout=layout,
    )


def overestimation_table(data: RoundPerspectives) -> charts.Table:
    return charts.Table(
        OVERESTIMATION_TITLE,
        ("Perspective", "Hypotheses", "Unsupported", "Unsupported %", "Not confirmed %"),
        tuple(
            (
                p.label,
                str(p.hypotheses),
                str(p.unconfirmed),
                _format(p.unconfirmed_share),
                _format(p.not_confirmed_share),
            )
            for p in data.overestimation
        ),
    )


# --- 1b. perspectives on the dashboard ----------------------------------------------------


@dataclass(frozen=True)
class PersonaPerspectives:
    """One persona's latest round in the dashboard's view where several teams' internal
    maps were each compared with the same customer map."""

    persona_id: int
    persona: str
    round: int
    customer_title: str
    workshop_date: datetime.date
    dated_by_workshop: bool
    data: RoundPerspectives  # perspectives only: the matrix and disagreements are on the
    # round's own page (they need the match rows, one more query per round)


@dataclass(frozen=True)
class TeamOverestimation(_HypothesisShares):
    """One team (by its perspective label, case-insensitive) pooled over the personas
    whose latest round it took part in: "does management typically overestimate?"."""

    label: str
    personas: int
    hypotheses: int
    confirmed: int
    unconfirmed: int
    anticipated: int
    customer_notes: int
    overall: float | None


@dataclass(frozen=True)
class DashboardPerspectives:
    rounds: tuple[PersonaPerspectives, ...]
    teams: tuple[TeamOverestimation, ...]  # the most overconfident first

    @property
    def perspective_count(self) -> int:
        return sum(len(item.data.perspectives) for item in self.rounds)

    @property
    def most_overconfident(self) -> TeamOverestimation | None:
        ranked = [team for team in self.teams if team.unconfirmed_share is not None]
        return ranked[0] if ranked else None

    @property
    def least_overconfident(self) -> TeamOverestimation | None:
        ranked = [team for team in self.teams if team.unconfirmed_share is not None]
        return ranked[-1] if len(ranked) > 1 else None

    @property
    def combined(self) -> RoundPerspectives:
        """Every perspective of `rounds` in one list for the heatmap: labelled
        "persona · team" when more than one persona is shown."""
        prefixed = len(self.rounds) > 1
        return RoundPerspectives(
            round=0,
            perspectives=tuple(
                replace(p, label=f"{item.persona} · {p.label}") if prefixed else p
                for item in self.rounds
                for p in item.data.perspectives
            ),
            matrix=(),
            matrix_total=0,
            disagreements=(),
            disagreement_note="",
        )


def _perspective_of(result: PairResult, label: str) -> PerspectiveResult:
    """A perspective from a report's stored summary alone (no match rows): the summary's
    counts are the verdicts of exactly the rows `round_perspectives` counts."""
    summary = result.summary
    return PerspectiveResult(
        label=label,
        report_id=result.report_id,
        internal_title=result.internal_title,
        customer_title=result.customer_title,
        scores={key: pooled_score([segment_figures(summary, key)]) for key in SEGMENT_KEYS},
        overall=pooled_score([summary]),
        hypotheses=summary_count(summary, "internal_count"),
        confirmed=summary_count(summary, "confirmed"),
        unconfirmed=summary_count(summary, "unconfirmed"),
        anticipated=summary_count(summary, "anticipated"),
        customer_notes=summary_count(summary, "customer_count"),
    )


def dashboard_perspectives(results: Sequence[PairResult]) -> DashboardPerspectives:
    """The perspectives the dashboard shows side by side, from its loaded results (pure:
    no query, whatever the number of pairs, personas or teams).

    Per persona, its latest round in `results` (so the persona and date filters apply):
    each customer map of that round compared with more than one internal map is one
    `PersonaPerspectives`. Teams are then pooled across those rounds by label.
    """
    rounds = []
    by_persona: dict[int, list[PairResult]] = {}
    for result in results:
        by_persona.setdefault(result.persona_id, []).append(result)
    for persona_results in by_persona.values():
        latest = max(result.round for result in persona_results)
        by_customer: dict[int, list[PairResult]] = {}
        for result in persona_results:
            if result.round == latest:
                by_customer.setdefault(result.customer_map_id, []).append(result)
        for pairs in by_customer.values():
            if len(pairs) < 2:
                continue
            pairs.sort(key=lambda r: (r.team.casefold(), r.internal_title.casefold(), r.pair_id))
            perspectives = tuple(
                _perspective_of(result, label)
                for result, label in zip(pairs, _labels(pairs), strict=True)
            )
            first = pairs[0]
            rounds.append(
                PersonaPerspectives(
                    persona_id=first.persona_id,
                    persona=first.persona,
                    round=latest,
                    customer_title=first.customer_title,
                    workshop_date=min(result.workshop_date for result in pairs),
                    dated_by_workshop=all(result.dated_by_workshop for result in pairs),
                    data=RoundPerspectives(latest, perspectives, (), 0, (), ""),
                )
            )
    rounds.sort(key=lambda item: (item.persona.casefold(), item.persona_id, item.workshop_date))
    return DashboardPerspectives(rounds=tuple(rounds), teams=tuple(_pooled_teams(rounds)))


def _pooled_teams(rounds: Sequence[PersonaPerspectives]) -> list[TeamOverestimation]:
    pooled: dict[str, tuple[str, set[int], list[PerspectiveResult]]] = {}
    for item in rounds:
        for perspective in item.data.perspectives:
            label, persona_ids, members = pooled.setdefault(
                perspective.label.casefold(), (perspective.label, set(), [])
            )
            persona_ids.add(item.persona_id)
            members.append(perspective)
    teams = []
    for label, persona_ids, members in pooled.values():
        teams.append(
            TeamOverestimation(
                label=label,
                personas=len(persona_ids),
                hypotheses=sum(p.hypotheses for p in members),
                confirmed=sum(p.confirmed for p in members),
                unconfirmed=sum(p.unconfirmed for p in members),
                anticipated=sum(p.anticipated for p in members),
                customer_notes=sum(p.customer_notes for p in members),
                # pooled as the dashboard pools a round: one comparison keeps its figure
                overall=pooled_score(
                    [
                        {
                            "internal_count": p.hypotheses,
                            "customer_count": p.customer_notes,
                            "confirmed": p.confirmed,
                            "anticipated": p.anticipated,
                            "empathy_score": p.overall,
                        }
                        for p in members
                    ]
                ),
            )
        )
    return ranked_by_overestimation(teams)


TEAM_OVERESTIMATION_TITLE = "Hypotheses no customer supported, by team"
# Rows drawn in the dashboard's perspective heatmap; every row stays in its table.
PERSPECTIVE_CHART_ROW_LIMIT = 40


def dashboard_perspective_heatmap(data: DashboardPerspectives) -> go.Figure:
    combined = data.combined
    shown = replace(combined, perspectives=combined.perspectives[:PERSPECTIVE_CHART_ROW_LIMIT])
    return perspective_heatmap(shown)


def dashboard_perspective_table(data: DashboardPerspectives) -> charts.Table:
    return perspective_table(data.combined)


def team_overestimation_bars(data: DashboardPerspectives) -> go.Figure:
    return _overestimation_figure(data.teams, TEAM_OVERESTIMATION_TITLE, "Team")


def team_overestimation_table(data: DashboardPerspectives) -> charts.Table:
    return charts.Table(
        TEAM_OVERESTIMATION_TITLE,
        (
            "Team",
            "Personas",
            "Hypotheses",
            "Unsupported",
            "Unsupported %",
            "Precision %",
            "Coverage %",
            "Empathy score",
        ),
        tuple(
            (
                team.label,
                str(team.personas),
                str(team.hypotheses),
                str(team.unconfirmed),
                _format(team.unconfirmed_share),
                _format(team.precision),
                _format(team.coverage),
                _format(team.overall),
            )
            for team in data.teams
        ),
    )


# --- 2. per-participant overconfidence ----------------------------------------------------


@dataclass(frozen=True)
class ParticipantRow:
    author: str
    hypotheses: int
    confirmed: int
    unconfirmed: int
    anticipated: int  # customer notes this author's hypotheses anticipated
    anticipated_total: int  # all anticipated customer notes of the report

    @property
    def unconfirmed_share(self) -> float | None:
        return _share(self.unconfirmed, self.hypotheses)

    @property
    def anticipated_share(self) -> float | None:
        return _share(self.anticipated, self.anticipated_total)


def participant_overconfidence(report: Report) -> list[ParticipantRow]:
    """Per author of the report's hypotheses: how many, how many no customer supported,
    and their share of the anticipated customer notes. Two queries: the match rows, and
    the authors of the notes they point at (the rows keep no author; a deleted note's
    author is unknown).

    A customer note is credited to the author of its paired hypothesis, or, anticipated
    only through an "also matches" row, to the best-scoring one of those.
    """
    matches = list(report.matches.values(*_MATCH_FIELDS).order_by("id"))
    note_ids = {m["internal_note_id"] for m in matches if m["internal_note_id"]}
    authors = dict(Note.objects.filter(pk__in=note_ids).values_list("pk", "author"))

    def author_of(note_id: int | None) -> str:
        if note_id is None or note_id not in authors:
            return UNKNOWN_AUTHOR
        return authors[note_id].strip() or NO_AUTHOR

    counts: dict[str, list[int]] = {}  # author -> [hypotheses, confirmed, unconfirmed, anticipated]
    for match in matches:
        if match["kind"] != MatchKind.ALSO and match["internal_text"]:
            figures = counts.setdefault(author_of(match["internal_note_id"]), [0, 0, 0, 0])
            figures[0] += 1
            figures[1] += match["internal_verdict"] == Verdict.CONFIRMED
            figures[2] += match["internal_verdict"] == Verdict.UNCONFIRMED
    credited: dict[tuple, tuple[float, str]] = {}
    for match in matches:
        if not (match["internal_text"] and match["customer_text"]):
            continue
        if match["customer_verdict"] != Verdict.ANTICIPATED:
            continue
        key = _customer_key(match)
        # A pair row always wins over "also" rows; among those the best score.
        rank = float("inf") if match["kind"] == MatchKind.PAIR else (match["score"] or 0.0)
        if key not in credited or rank > credited[key][0]:
            credited[key] = (rank, author_of(match["internal_note_id"]))
    anticipated = {m_key: author for m_key, (_, author) in credited.items()}
    total = len(
        {
            _customer_key(m)
            for m in matches
            if m["customer_text"]
            and m["kind"] != MatchKind.ALSO
            and m["customer_verdict"] == Verdict.ANTICIPATED
        }
    )
    for author in anticipated.values():
        counts.setdefault(author, [0, 0, 0, 0])[3] += 1
    rows = [
        ParticipantRow(author, hyp, conf, unconf, antic, total)
        for author, (hyp, conf, unconf, antic) in counts.items()
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.unconfirmed_share is None,
            -(row.unconfirmed_share or 0.0),
            -row.hypotheses,
            row.author.casefold(),
        ),
    )


# --- 3. blind-spot segments ---------------------------------------------------------------


@dataclass(frozen=True)
class BlindSpot:
    """A segment across the dashboard's comparisons: customers' notes against the team's."""

    segment: str
    customer_notes: int
    internal_notes: int
    anticipated: int
    customer_share: float | None  # percent of all customer notes that are in this segment
    internal_share: float | None  # likewise for the team's hypotheses

    @property
    def label(self) -> str:
        return SEGMENT_LABELS.get(self.segment, self.segment)

    @property
    def coverage(self) -> float | None:
        return _share(self.anticipated, self.customer_notes)

    @property
    def attention_gap(self) -> float | None:
        """Percentage points by which customers spoke of this segment more than the team."""
        if self.customer_share is None or self.internal_share is None:
            return None
        return round(self.customer_share - self.internal_share, 1)

    @property
    def is_blind_spot(self) -> bool:
        if not self.customer_notes:
            return False
        low_coverage = self.coverage is not None and self.coverage < BLIND_SPOT_COVERAGE
        gap = self.attention_gap
        return low_coverage or (gap is not None and gap >= BLIND_SPOT_ATTENTION_GAP)


def blind_spots(results: Sequence[PairResult]) -> list[BlindSpot]:
    """The six segments ranked as blind spots, worst first, from the dashboard's loaded
    `PairResult.summary` figures (no query).

    Counts are summed over the comparisons (a customer workshop compared with three
    teams counts three times, once against each team's hypotheses). Ranking: flagged
    segments first, then lowest coverage, then the widest attention gap, then the most
    customer notes. Segments without customer notes come last.
    """
    totals = {key: [0, 0, 0] for key in SEGMENT_KEYS}  # customer, internal, anticipated
    for result in results:
        for key in SEGMENT_KEYS:
            figures = segment_figures(result.summary, key)
            totals[key][0] += summary_count(figures, "customer_count")
            totals[key][1] += summary_count(figures, "internal_count")
            totals[key][2] += summary_count(figures, "anticipated")
    all_customer = sum(figures[0] for figures in totals.values())
    all_internal = sum(figures[1] for figures in totals.values())
    spots = [
        BlindSpot(
            segment=key,
            customer_notes=customer,
            internal_notes=internal,
            anticipated=min(anticipated, customer),
            customer_share=_share(customer, all_customer),
            internal_share=_share(internal, all_internal) if all_internal else 0.0,
        )
        for key, (customer, internal, anticipated) in totals.items()
    ]

    def rank(spot: BlindSpot) -> tuple:
        return (
            not spot.customer_notes,
            not spot.is_blind_spot,
            spot.coverage if spot.coverage is not None else 101.0,
            -(spot.attention_gap or 0.0),
            -spot.customer_notes,
            SEGMENT_ORDER[spot.segment],
        )

    return sorted(spots, key=rank)


# --- 4. polarity --------------------------------------------------------------------------


@dataclass(frozen=True)
class PolarityFinding:
    """Same topic, opposite feeling: a hypothesis in Gains matched by a customer note in
    Pains, or the reverse."""

    internal: NoteRef
    customer: NoteRef
    score: float | None
    kind: str


_OPPOSITES = Q(internal_segment=Segment.GAINS, customer_segment=Segment.PAINS) | Q(
    internal_segment=Segment.PAINS, customer_segment=Segment.GAINS
)


def polarity_findings(report: Report) -> list[PolarityFinding]:
    """The report's matched notes (pairs and "also matches") across Gains and Pains, the
    strongest first. One query."""
    rows = (
        report.matches.filter(kind__in=(MatchKind.PAIR, MatchKind.ALSO))
        .filter(_OPPOSITES)
        .order_by(F("score").desc(nulls_last=True), "id")
        .values(*_MATCH_FIELDS)
    )
    return [
        PolarityFinding(
            internal=NoteRef(row["internal_segment"], row["internal_text"], row["internal_votes"]),
            customer=NoteRef(row["customer_segment"], row["customer_text"], row["customer_votes"]),
            score=row["score"],
            kind=row["kind"],
        )
        for row in rows
    ]


# --- 5. rounds: diffs and trend -----------------------------------------------------------


@dataclass(frozen=True)
class ChangedNote:
    old: NoteRef
    new: NoteRef
    score: float


@dataclass(frozen=True)
class NoteDiff:
    """Notes of one side between two rounds, matched by the engine: a pair scoring at least
    the threshold is the same note (changed when its text or segment differs)."""

    label: str
    new: tuple[NoteRef, ...]
    gone: tuple[NoteRef, ...]
    changed: tuple[ChangedNote, ...]
    unchanged: int
    skipped: str = ""  # why no diff was computed, else ""


def diff_notes(
    old: Sequence[NoteRef], new: Sequence[NoteRef], settings: engine.Settings, *, label: str = ""
) -> NoteDiff:
    """Pure: what is new, gone and changed from `old` to `new` (see NoteDiff)."""
    if max(len(old), len(new), 0) > COMPARE_MAX_NOTES:
        return NoteDiff(
            label,
            (),
            (),
            (),
            0,
            skipped=f"More than {COMPARE_MAX_NOTES:,} notes on one side: not diffed here.",
        )
    if not old or not new:
        return NoteDiff(label, tuple(_sorted_notes(new)), tuple(_sorted_notes(old)), (), 0)
    result = _cached_compare(list(old), list(new), settings)
    same_old, same_new, changed, unchanged = set(), set(), [], 0
    for pair in result.pairs:
        if pair.score < settings.threshold:
            continue
        before, after = old[int(pair.internal_id[1:])], new[int(pair.customer_id[1:])]
        same_old.add(pair.internal_id)
        same_new.add(pair.customer_id)
        if before.text == after.text and before.segment == after.segment:
            unchanged += 1
        else:
            changed.append(ChangedNote(before, after, pair.score))
    changed.sort(key=lambda item: (SEGMENT_ORDER.get(item.new.segment, 99), item.new.text))
    return NoteDiff(
        label=label,
        new=tuple(_sorted_notes(n for i, n in enumerate(new) if f"b{i}" not in same_new)),
        gone=tuple(_sorted_notes(n for i, n in enumerate(old) if f"a{i}" not in same_old)),
        changed=tuple(changed),
        unchanged=unchanged,
    )


@dataclass(frozen=True)
class TrendPoint:
    round: int
    workshop_date: datetime.date | None
    scores: Mapping[str, float | None]
    overall: float | None

    @property
    def label(self) -> str:
        return f"Round {self.round}"


@dataclass(frozen=True)
class RoundsDiff:
    old_round: int
    new_round: int
    customer: NoteDiff
    internal: tuple[NoteDiff, ...]  # one per team
    trend: tuple[TrendPoint, ...]


def segment_trend(rows: Sequence[ReportRow]) -> list[TrendPoint]:
    """Per customer-workshop round, each segment's empathy score pooled over the round's
    pairs (all teams), in round order."""
    by_round: dict[int, list[ReportRow]] = {}
    for row in rows:
        by_round.setdefault(row.round, []).append(row)
    points = []
    for round_number in sorted(by_round):
        in_round = by_round[round_number]
        dates = [row.workshop_date for row in in_round if row.workshop_date]
        points.append(
            TrendPoint(
                round=round_number,
                workshop_date=min(dates) if dates else None,
                scores={
                    key: pooled_score([segment_figures(row.summary, key) for row in in_round])
                    for key in SEGMENT_KEYS
                },
                overall=pooled_score([row.summary for row in in_round]),
            )
        )
    return points


def rounds_diff(user: AnyUser, persona: Persona, old_round: int, new_round: int) -> RoundsDiff:
    """Two rounds of a persona side by side, and the trend over all its rounds. Three
    queries: the latest reports, the two rounds' maps, their notes."""
    rows = _report_rows(_persona_reports(user, persona))
    settings = _lexical(rows[-1].settings if rows else None)
    maps = list(
        maps_for(user)
        .filter(persona=persona, round__in=(old_round, new_round))
        .prefetch_related(
            Prefetch("notes", queryset=Note.objects.order_by("segment", "order", "id"))
        )
        .order_by("round", "team", "title", "id")
    )

    def notes(round_number: int, perspective: str, team: str | None = None) -> list[NoteRef]:
        return [
            NoteRef(note.segment, note.text, note.votes)
            for empathy_map in maps
            if empathy_map.round == round_number
            and empathy_map.perspective == perspective
            and (team is None or _team(empathy_map) == team)
            for note in empathy_map.notes.all()
        ]

    teams = sorted(
        {_team(m) for m in maps if m.perspective == Perspective.INTERNAL}, key=str.casefold
    )
    return RoundsDiff(
        old_round=old_round,
        new_round=new_round,
        customer=diff_notes(
            notes(old_round, Perspective.CUSTOMER),
            notes(new_round, Perspective.CUSTOMER),
            settings,
            label="Customer workshop",
        ),
        internal=tuple(
            diff_notes(
                notes(old_round, Perspective.INTERNAL, team),
                notes(new_round, Perspective.INTERNAL, team),
                settings,
                label=team,
            )
            for team in teams
        ),
        trend=tuple(segment_trend(rows)),
    )


def _team(empathy_map: EmpathyMap) -> str:
    return empathy_map.team.strip() or NO_TEAM


def rounds_trend(user: AnyUser, persona: Persona) -> list[TrendPoint]:
    """The persona's segment trend alone (one query)."""
    return segment_trend(_report_rows(_persona_reports(user, persona)))


TREND_TITLE = "Empathy score by segment across rounds"


def segment_trend_figure(points: Sequence[TrendPoint]) -> go.Figure:
    """One line per segment (and the overall score) through the rounds."""
    layout = _layout(TREND_TITLE, "Round", "Empathy score (0–100)", height=520)
    layout["yaxis"]["range"] = [0, 100]
    x = [charts.escape_for_plotly(point.label) for point in points]
    layout["xaxis"].update(type="category", categoryorder="array", categoryarray=x)
    series = [(segment.label, segment.key) for segment in SEGMENTS] + [(charts.OVERALL, None)]
    traces = []
    for index, (label, key) in enumerate(series):
        traces.append(
            go.Scatter(
                name=charts.escape_for_plotly(label),
                x=x,
                y=[point.overall if key is None else point.scores.get(key) for point in points],
                mode="lines+markers",
                connectgaps=False,
                line={
                    "color": charts.SERIES_COLOURS[index % len(charts.SERIES_COLOURS)],
                    "dash": charts.SERIES_DASHES[index % len(charts.SERIES_DASHES)],
                    "width": 4 if key is None else 2,
                },
                marker={
                    "symbol": charts.SERIES_SYMBOLS[index % len(charts.SERIES_SYMBOLS)],
                    "size": 10,
                },
                hovertemplate=charts.escape_for_plotly(label) + "<br>%{x}: %{y:.1f}<extra></extra>",
            )
        )
    return go.Figure(data=traces, layout=layout)


def segment_trend_table(points: Sequence[TrendPoint]) -> charts.Table:
    return charts.Table(
        TREND_TITLE,
        ("Round", "Workshop date", *(segment.label for segment in SEGMENTS), charts.OVERALL),
        tuple(
            (
                point.label,
                point.workshop_date.isoformat() if point.workshop_date else charts.MISSING,
                *(_format(point.scores.get(key)) for key in SEGMENT_KEYS),
                _format(point.overall),
            )
            for point in points
        ),
    )
