"""The dashboard's perspectives section: per persona's latest round in view, the teams
compared with the same customer workshop side by side, and the teams pooled across
personas ("does management typically overestimate?"). Pure: from the dashboard's loaded
results, no query.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace

from comparison.pages.perspectives import (
    PerspectiveResult,
    RoundPerspectives,
    TeamOverestimation,
    perspective_labels,
    ranked_by_overestimation,
    segment_scores,
)
from comparison.scores import pooled_score, summary_count
from comparison.selectors.dashboard import PairResult


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
        scores=segment_scores(summary),
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
                for result, label in zip(pairs, perspective_labels(pairs), strict=True)
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
