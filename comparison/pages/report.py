"""The reflection report: what `comparison/_report_body.html` needs, for the report page,
the anonymous shared page and the HTML export.

Built from the stored report (its match rows, summary and commentaries), never by running
the engine again. A fixed number of queries: the matches and the commentaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comparison import charts, verdicts
from comparison.models import (
    MAX_COMMENTARY_CHARS,
    Match,
    MatchKind,
    Report,
    ReportStatus,
    Suggestion,
    Verdict,
)
from comparison.selectors.reports import report_commentary_blocks, report_seal
from comparison.selectors.suggestions import awaits_review, report_suggestions
from comparison.templatetags.verdict_tags import (
    translated_segment_label,
    translated_verdict_help,
    translated_verdict_label,
)
from maps.segments import SEGMENTS
from maps.selectors import map_edited_after_workshop

MEASURE_HELP = {
    "empathy_score": gettext_lazy("harmonic mean of precision and coverage"),
    "precision": gettext_lazy("share of the team's hypotheses that customers confirmed"),
    "coverage": gettext_lazy("share of the customers' notes the team anticipated"),
}
RIGHT_VERDICTS = (Verdict.CONFIRMED, Verdict.PARTIAL)
WEIGHTED_SCORES_TITLE = gettext_lazy("Vote-weighted scores by segment")
# The report's first screen names this many items per question; the sections below list
# them all. Three fit a 1440x900 screen next to the scores (tests/e2e/test_report_layout.py).
SUMMARY_TOP_ITEMS = 3


@dataclass(frozen=True)
class ReportNote:
    """One note of a report's side-by-side maps: the text snapshot and its verdict."""

    text: str
    votes: int
    verdict: str
    segment: str

    @property
    def label(self) -> str:
        return translated_verdict_label(self.verdict)

    @property
    def icon(self) -> str:
        return verdicts.icon(self.verdict)

    @property
    def segment_label(self) -> str:
        return translated_segment_label(self.segment)


@dataclass(frozen=True)
class Evidence:
    """A suggestion shown under its hypothesis: a customer note that may confirm it."""

    suggestion: Suggestion

    @property
    def key(self) -> str:
        """Its stable id on a page: the two notes, which outlive the row (a recompute
        replaces every suggestion row)."""
        s = self.suggestion
        return f"suggestion-{s.internal_note_id}-{s.customer_note_id}"

    @property
    def confidence(self) -> int:
        return round(self.suggestion.score)

    @property
    def segment_label(self) -> str:
        return translated_segment_label(self.suggestion.customer_segment)

    @property
    def same_segment(self) -> bool:
        return self.suggestion.customer_segment == self.suggestion.internal_segment


@dataclass(frozen=True)
class ReportRow:
    """A pair or unmatched row of the report, with the open suggestions of its hypothesis
    (unconfirmed and partial hypotheses only) and its anchor (`note-<id>`)."""

    match: Match
    evidence: tuple[Evidence, ...] = ()

    @property
    def anchor(self) -> str:
        return f"note-{self.match.internal_note_id}" if self.match.internal_note_id else ""


def _open_evidence(suggestions: list[Suggestion]) -> dict[int, tuple[Evidence, ...]]:
    """The suggestions awaiting review per hypothesis note id, most likely first."""
    by_note: dict[int, list[Evidence]] = {}
    for suggestion in sorted(suggestions, key=lambda s: (s.internal_note_id or 0, s.rank)):
        if awaits_review(suggestion):
            by_note.setdefault(suggestion.internal_note_id, []).append(Evidence(suggestion))
    return {note_id: tuple(items) for note_id, items in by_note.items()}


def report_review_status(report: Report, suggestions: list[Suggestion]) -> dict[str, int]:
    """How many suggestions await review, and the review decisions the report applies
    (all of them, and those learned from the same two texts elsewhere in the workspace),
    and how many earlier decisions on suggestions the link model was refitted with."""
    awaiting = sum(1 for suggestion in suggestions if awaits_review(suggestion))
    semantic = (report.summary or {}).get("semantic") or {}
    return {
        "awaiting": awaiting,
        "reviewed": report.decisions_applied,
        "learned": report.decisions_learned,
        "total": awaiting + report.decisions_applied,
        "refitted": semantic.get("reviewed", 0),
    }


def report_sections(
    report: Report,
    *,
    matches: list[Match] | None = None,
    suggestions: list[Suggestion] | None = None,
) -> dict:
    """A report's rows laid out for its page: per segment (canonical order) the pair and
    unmatched rows (`ReportRow`, with the open suggestions of their hypothesis) and the
    segment's figures, the also-matches, and the notes that can be linked by hand. Pass
    `matches` and `suggestions` when already fetched."""
    if matches is None:
        matches = list(report.matches.all())
    if suggestions is None:
        suggestions = report_suggestions(report)
    evidence = _open_evidence(suggestions)
    segment_figures = report.summary.get("segments", {})
    rows_by_segment: dict[str, list[ReportRow]] = {segment.key: [] for segment in SEGMENTS}
    for match in matches:
        if match.kind != MatchKind.ALSO:
            row = ReportRow(match)
            if match.internal_note_id and match.internal_verdict in (
                Verdict.UNCONFIRMED,
                Verdict.PARTIAL,
            ):
                row = ReportRow(match, evidence.get(match.internal_note_id, ()))
            # A misplaced pair is listed under the hypothesis' segment.
            rows_by_segment[match.internal_segment or match.customer_segment].append(row)

    def linkable(prefix: str) -> list[tuple[int, str]]:
        notes = {
            (getattr(m, f"{prefix}_note_id"), getattr(m, f"{prefix}_text"))
            for m in matches
            if getattr(m, f"{prefix}_note_id")
        }
        return sorted(notes, key=lambda note: note[1].casefold())

    return {
        "segments": [
            {
                "key": segment.key,
                "label": translated_segment_label(segment.key),
                "figures": segment_figures.get(segment.key, {}),
                "rows": rows_by_segment[segment.key],
            }
            for segment in SEGMENTS
        ],
        "also_matches": [match for match in matches if match.kind == MatchKind.ALSO],
        "internal_notes": linkable("internal"),
        "customer_notes": linkable("customer"),
    }


def _verdict_legend() -> list[dict[str, str]]:
    """The verdicts in legend order: the team's four, then the customers' two."""
    return [
        {
            "key": verdict.key,
            "label": translated_verdict_label(verdict.key),
            "icon": verdict.icon,
            "help": translated_verdict_help(verdict.key),
            "side": verdict.side,
        }
        for verdict in verdicts.VERDICTS
    ]


def _board(notes: list[ReportNote], side: str) -> dict:
    """One side's notes per segment (keyed by segment key, for the classic layout)."""
    by_segment: dict[str, list[ReportNote]] = {segment.key: [] for segment in SEGMENTS}
    for note in notes:
        by_segment.setdefault(note.segment, []).append(note)
    return {
        "side": side,
        "segments": {
            segment.key: {
                "key": segment.key,
                "label": translated_segment_label(segment.key),
                "notes": sorted(
                    by_segment[segment.key], key=lambda n: (-n.votes, n.text.casefold())
                ),
            }
            for segment in SEGMENTS
        },
        "count": len(notes),
    }


def report_reflection(matches: list[Match]) -> dict:
    """The four reflection sections and the two boards, from a report's rows (no query).

    Every note appears once among the pair and unmatched rows; also-matches repeat notes
    already listed, so they are left out of everything but their own list.
    """
    rows = [match for match in matches if match.kind != MatchKind.ALSO]
    internal_notes = [
        ReportNote(m.internal_text, m.internal_votes, m.internal_verdict, m.internal_segment)
        for m in rows
        if m.internal_text
    ]
    customer_notes = [
        ReportNote(m.customer_text, m.customer_votes, m.customer_verdict, m.customer_segment)
        for m in rows
        if m.customer_text
    ]
    pairs = [m for m in rows if m.kind == MatchKind.PAIR]
    # Most-voted first, like the other sections: the hypothesis' votes, then its customer
    # note's, then the score.
    right = sorted(
        (m for m in pairs if m.verdict in RIGHT_VERDICTS),
        key=lambda m: (
            -m.internal_votes,
            -m.customer_votes,
            -(m.score or 0),
            m.internal_text.casefold(),
        ),
    )
    misplaced = sorted(
        (m for m in pairs if m.verdict == Verdict.MISPLACED),
        key=lambda m: (-(m.score or 0), m.internal_text.casefold()),
    )
    wrong = sorted(
        (n for n in internal_notes if n.verdict == Verdict.UNCONFIRMED),
        key=lambda n: (-n.votes, n.text.casefold()),
    )
    missed = sorted(
        (n for n in customer_notes if n.verdict == Verdict.MISSED),
        key=lambda n: (-n.votes, n.text.casefold()),
    )
    return {
        "right": right,
        "wrong": wrong,
        "missed": missed,
        "misplaced": misplaced,
        "boards": [_board(internal_notes, "internal"), _board(customer_notes, "customer")],
    }


@dataclass(frozen=True)
class SummaryItem:
    """One of the top items of a question on the report's first screen."""

    text: str
    votes: int
    segment_label: str
    # The customer note that confirmed a hypothesis ("Where we were right" only).
    evidence: str = ""


@dataclass(frozen=True)
class SummaryQuestion:
    """One of the three questions the report answers, with its count and top items."""

    key: str  # the anchor of its section below: right, wrong, missed
    title: str
    verdict: str  # the verdict whose colour and icon it wears
    count: int
    total: int  # hypotheses (right, wrong) or customer notes (missed)
    total_label: str
    items: tuple[SummaryItem, ...]
    partial: int = 0  # of `count`, the partly confirmed ones (right only)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


QUOTES = '"„“”«»'


def unquoted(text: str) -> str:
    """A note written as a quotation, without its own quotation marks: the page quotes
    it (Customers: “…”) and would otherwise show the marks twice."""
    if len(text) > 2 and text[0] in QUOTES and text[-1] in QUOTES:
        return text[1:-1].strip()
    return text


def report_summary(reflection: dict) -> list[SummaryQuestion]:
    """The three questions as the report's first screen answers them: how many notes each,
    and the top `SUMMARY_TOP_ITEMS`, most-voted first (no query; from `report_reflection`).
    """
    boards = {board["side"]: board for board in reflection["boards"]}
    hypotheses = boards["internal"]["count"]
    customer_notes = boards["customer"]["count"]
    right = reflection["right"]  # most-voted first already
    top = SUMMARY_TOP_ITEMS
    return [
        SummaryQuestion(
            key="right",
            title=_("Where we were right"),
            verdict=Verdict.CONFIRMED,
            count=len(right),
            total=hypotheses,
            total_label=_("hypotheses"),
            partial=sum(1 for m in right if m.verdict == Verdict.PARTIAL),
            items=tuple(
                SummaryItem(
                    m.internal_text,
                    m.internal_votes,
                    translated_segment_label(m.internal_segment),
                    evidence=unquoted(m.customer_text),
                )
                for m in right[:top]
            ),
        ),
        SummaryQuestion(
            key="wrong",
            title=_("Where we were wrong"),
            verdict=Verdict.UNCONFIRMED,
            count=len(reflection["wrong"]),
            total=hypotheses,
            total_label=_("hypotheses"),
            items=tuple(
                SummaryItem(n.text, n.votes, n.segment_label) for n in reflection["wrong"][:top]
            ),
        ),
        SummaryQuestion(
            key="missed",
            title=_("What we missed"),
            verdict=Verdict.MISSED,
            count=len(reflection["missed"]),
            total=customer_notes,
            total_label=_("customer notes"),
            items=tuple(
                SummaryItem(n.text, n.votes, n.segment_label) for n in reflection["missed"][:top]
            ),
        ),
    ]


def report_charts(summary: dict) -> dict[str, charts.Chart]:
    """The report's figures: verdicts and scores per segment, and the vote-weighted scores.

    The most-voted wrong hypotheses and missed notes are not drawn: the first screen names
    the top ones and the sections below list them all, so a chart would say it a third
    time."""
    return {
        "verdicts": charts.page_chart(
            "report-chart-verdicts",
            charts.verdict_bars(summary),
            charts.verdict_bars_table(summary),
        ),
        "scores": charts.page_chart(
            "report-chart-scores",
            charts.segment_scores(summary),
            charts.segment_scores_table(summary),
        ),
        "weighted_scores": charts.page_chart(
            "report-chart-weighted-scores",
            charts.segment_scores(summary, weighted=True, title=str(WEIGHTED_SCORES_TITLE)),
            charts.segment_scores_table(summary, weighted=True, title=str(WEIGHTED_SCORES_TITLE)),
        ),
    }


def report_scores(summary: dict) -> dict:
    """Overall and per-segment figures, each with its vote-weighted variant."""

    def figures(metrics: dict) -> list[dict]:
        return [
            {
                "key": key,
                "label": _(charts.MEASURE_LABELS[key]),
                "help": str(MEASURE_HELP[key]),
                "value": metrics.get(key),
                "weighted": metrics.get(f"weighted_{key}"),
            }
            for key in charts.MEASURES
        ]

    segments = summary.get("segments") or {}
    return {
        "overall": figures(summary),
        "segments": [
            {
                "key": segment.key,
                "label": translated_segment_label(segment.key),
                "figures": figures(segments.get(segment.key) or {}),
                "internal_count": (segments.get(segment.key) or {}).get("internal_count", 0),
                "customer_count": (segments.get(segment.key) or {}).get("customer_count", 0),
            }
            for segment in SEGMENTS
        ],
    }


def _participants(text: str) -> list[str]:
    """`participants` holds one name per line or comma-separated."""
    return [name.strip() for name in text.replace("\n", ",").split(",") if name.strip()]


def report_page_context(
    report: Report,
    *,
    can_edit: bool = False,
    shared: bool = False,
    export: bool = False,
    nonce: str | None = None,
) -> dict[str, Any]:
    """Everything `comparison/_report_body.html` needs, for the report page (`shared`
    False), the anonymous shared page and the HTML export (`shared` True: read-only).

    `export` inlines the stylesheet and plotly.js instead of linking them; `nonce`
    overrides the request's CSP nonce for the chart scripts (the export has no request).
    A fixed number of queries: the matches, the suggestions and the commentaries.
    """
    read_only = shared or export
    matches = list(report.matches.all())
    suggestions = report_suggestions(report)
    context = {
        "report": report,
        "pair": report.pair,
        "shared": read_only,
        "export": export,
        "can_edit": can_edit and not read_only,
        "legend": _verdict_legend(),
        "commentary_blocks": report_commentary_blocks(report),
        "max_commentary_chars": MAX_COMMENTARY_CHARS,
        # Recorded when the comparison ran: a later unseal or re-seal does not change it.
        "seal": report_seal(report),
        "workshops": [
            {
                "map": empathy_map,
                "heading": heading,
                "participants": _participants(empathy_map.participants),
                # Judged against the customer workshop's day: a hypothesis changed after
                # the team heard the customers is no longer a prior belief.
                "edited_after_workshop": empathy_map.is_internal
                and map_edited_after_workshop(
                    empathy_map, workshop_date=report.pair.customer_map.held_on
                ),
            }
            for empathy_map, heading in (
                (report.pair.internal_map, gettext_lazy("Team")),
                (report.pair.customer_map, gettext_lazy("Customers")),
            )
        ],
        "review": report_review_status(report, suggestions),
        **report_sections(report, matches=matches, suggestions=suggestions),
    }
    if nonce is not None:
        context["chart_nonce"] = nonce
    if report.status == ReportStatus.SUCCEEDED:
        reflection = report_reflection(matches)
        context.update(
            reflection=reflection,
            scores=report_scores(report.summary or {}),
            summary_questions=report_summary(reflection),
            charts=report_charts(report.summary or {}),
        )
    return context


def report_review_update_context(report: Report, *, can_edit: bool) -> dict[str, Any]:
    """What a review decision made in place sends back (`_report_review_update.html`):
    the report page's own context, so that the summary, the reflection sections, the maps
    and every note with its evidence are swapped in as the page would show them."""
    return report_page_context(report, can_edit=can_edit)
