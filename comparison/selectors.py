"""Reads of reports and matches, scoped through maps.selectors.workspaces_for."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from comparison import charts
from comparison.models import (
    MAX_COMMENTARY_CHARS,
    CommentarySection,
    Match,
    MatchKind,
    Report,
    ReportCommentary,
    ReportStatus,
    ReviewDecision,
    Verdict,
)
from maps.models import MapPair
from maps.segments import SEGMENT_LABELS, SEGMENTS
from maps.selectors import AnyUser, map_edited_after_workshop, workspaces_for


def reports_for(user: AnyUser) -> QuerySet[Report]:
    return Report.objects.filter(
        pair__internal_map__persona__workspace__in=workspaces_for(user)
    ).select_related("pair__internal_map__persona__workspace", "pair__customer_map", "created_by")


def decisions_for(user: AnyUser) -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(
        pair__internal_map__persona__workspace__in=workspaces_for(user)
    ).select_related("decided_by")


def latest_report(pair: MapPair) -> Report | None:
    """The pair's newest report of any status (what the pair page shows)."""
    return pair.reports.order_by("-created_at", "-id").first()


def report_sections(report: Report, *, matches: list[Match] | None = None) -> dict:
    """A report's rows laid out for its page: per segment (canonical order) the pair and
    unmatched rows with the segment's figures, the also-matches, and the notes that can be
    linked by hand. Pass `matches` when already fetched."""
    if matches is None:
        matches = list(report.matches.all())
    segment_figures = report.summary.get("segments", {})
    rows_by_segment: dict[str, list[Match]] = {segment.key: [] for segment in SEGMENTS}
    for match in matches:
        if match.kind != MatchKind.ALSO:
            # A misplaced pair is listed under the hypothesis' segment.
            rows_by_segment[match.internal_segment or match.customer_segment].append(match)

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
                "label": segment.label,
                "figures": segment_figures.get(segment.key, {}),
                "rows": rows_by_segment[segment.key],
            }
            for segment in SEGMENTS
        ],
        "also_matches": [match for match in matches if match.kind == MatchKind.ALSO],
        "internal_notes": linkable("internal"),
        "customer_notes": linkable("customer"),
    }


# --- the reflection report ----------------------------------------------------------------

# The verdicts in legend order: the team's four, then the customers' two.
REPORT_VERDICTS: tuple[str, ...] = (*charts.INTERNAL_VERDICTS, *charts.CUSTOMER_VERDICTS)
# A glyph per verdict, so a note's verdict reads without colour (greyscale print, colour
# blindness) even before its text label.
VERDICT_ICONS: dict[str, str] = {
    "confirmed": "✓",
    "partial": "◐",
    "misplaced": "⇄",
    "unconfirmed": "✗",
    "anticipated": "✓",
    "missed": "!",
}
VERDICT_HELP: dict[str, str] = {
    "confirmed": "A customer said it, in the same segment.",
    "partial": "Customers said something close to it.",
    "misplaced": "Customers said it, but in another segment.",
    "unconfirmed": "No customer said anything like it.",
    "anticipated": "The team had predicted it.",
    "missed": "The team had not predicted it.",
}
MEASURE_NAMES: tuple[tuple[str, str, str], ...] = (
    ("empathy_score", "Empathy score", "harmonic mean of precision and coverage"),
    ("precision", "Precision", "share of the team's hypotheses that customers confirmed"),
    ("coverage", "Coverage", "share of the customers' notes the team anticipated"),
)
RIGHT_VERDICTS = ("confirmed", "partial")


@dataclass(frozen=True)
class ReportNote:
    """One note of a report's side-by-side maps: the text snapshot and its verdict."""

    text: str
    votes: int
    verdict: str
    segment: str

    @property
    def label(self) -> str:
        return charts.VERDICT_LABELS.get(self.verdict, self.verdict)

    @property
    def icon(self) -> str:
        return VERDICT_ICONS.get(self.verdict, "")

    @property
    def segment_label(self) -> str:
        return SEGMENT_LABELS.get(self.segment, self.segment)


@dataclass(frozen=True)
class ReportChart:
    """A report figure without any per-request value (the nonce is added when rendering:
    see the `report_chart` template tag) and its table fallback."""

    id: str
    parts: charts.FigureParts
    table: charts.Table


def _verdict_legend() -> list[dict[str, str]]:
    return [
        {
            "key": verdict,
            "label": charts.VERDICT_LABELS[verdict],
            "icon": VERDICT_ICONS[verdict],
            "help": VERDICT_HELP[verdict],
            "side": "team" if verdict in charts.INTERNAL_VERDICTS else "customers",
        }
        for verdict in REPORT_VERDICTS
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
                "label": segment.label,
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
    right = sorted(
        (m for m in pairs if m.verdict in RIGHT_VERDICTS),
        key=lambda m: (-(m.score or 0), m.internal_text.casefold()),
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


def _chart(chart_id: str, figure, table: charts.Table) -> ReportChart:
    return ReportChart(id=chart_id, parts=charts.figure_parts(figure), table=table)


def report_charts(summary: dict, reflection: dict) -> dict[str, ReportChart]:
    """The report's figures: verdicts and scores per segment, and the most-voted wrong
    hypotheses and missed customer notes (note texts reach plotly escaped: see charts)."""
    wrong_title = "Most-voted hypotheses no customer confirmed"
    missed_title = "Most-voted customer notes the team missed"
    wrong = [charts.RankedNote(n.text, n.votes, segment=n.segment) for n in reflection["wrong"]]
    missed = [charts.RankedNote(n.text, n.votes, segment=n.segment) for n in reflection["missed"]]
    result = {
        "verdicts": _chart(
            "report-chart-verdicts",
            charts.verdict_bars(summary),
            charts.verdict_bars_table(summary),
        ),
        "scores": _chart(
            "report-chart-scores",
            charts.segment_scores(summary),
            charts.segment_scores_table(summary),
        ),
        "weighted_scores": _chart(
            "report-chart-weighted-scores",
            charts.segment_scores(summary, weighted=True, title="Vote-weighted scores by segment"),
            charts.segment_scores_table(
                summary, weighted=True, title="Vote-weighted scores by segment"
            ),
        ),
    }
    if wrong:
        result["wrong"] = _chart(
            "report-chart-wrong",
            charts.top_items(wrong, wrong_title, verdict="unconfirmed"),
            charts.top_items_table(wrong, wrong_title),
        )
    if missed:
        result["missed"] = _chart(
            "report-chart-missed",
            charts.top_items(missed, missed_title, verdict="missed"),
            charts.top_items_table(missed, missed_title),
        )
    return result


def report_scores(summary: dict) -> dict:
    """Overall and per-segment figures, each with its vote-weighted variant."""

    def figures(metrics: dict) -> list[dict]:
        return [
            {
                "key": key,
                "label": label,
                "help": help_text,
                "value": metrics.get(key),
                "weighted": metrics.get(f"weighted_{key}"),
            }
            for key, label, help_text in MEASURE_NAMES
        ]

    segments = summary.get("segments") or {}
    return {
        "overall": figures(summary),
        "segments": [
            {
                "key": segment.key,
                "label": segment.label,
                "figures": figures(segments.get(segment.key) or {}),
                "internal_count": (segments.get(segment.key) or {}).get("internal_count", 0),
                "customer_count": (segments.get(segment.key) or {}).get("customer_count", 0),
            }
            for segment in SEGMENTS
        ],
    }


def report_commentaries(report: Report) -> dict[str, ReportCommentary]:
    """The report's commentary per section key (one query)."""
    return {
        commentary.section: commentary
        for commentary in report.commentaries.select_related("updated_by")
    }


def report_commentary_blocks(report: Report) -> dict[str, dict]:
    """Per section key: its label and commentary (None when nobody wrote one)."""
    commentaries = report_commentaries(report)
    return {
        section.value: {
            "key": section.value,
            "label": section.label,
            "commentary": commentaries.get(section.value),
        }
        for section in CommentarySection
    }


def _participants(text: str) -> list[str]:
    """`participants` holds one name per line or comma-separated."""
    return [name.strip() for name in text.replace("\n", ",").split(",") if name.strip()]


@dataclass(frozen=True)
class ReportSeal:
    """The internal map's seal as recorded when the report's comparison ran (never the
    map's current state). `recorded` is False for reports run before it was kept."""

    recorded: bool
    sealed: bool | None = None
    sealed_at: datetime.datetime | None = None
    sealed_by: str = ""
    seal_digest: str = ""
    compared_digest: str = ""
    # True: the comparison used exactly the sealed hypotheses; None: not sealed.
    compared_sealed_notes: bool | None = None

    @property
    def mismatch(self) -> bool:
        """Sealed, yet the compared notes are not the sealed ones (written around the seal)."""
        return bool(self.sealed) and self.compared_sealed_notes is False

    def as_json(self) -> dict[str, Any]:
        """The API's and the JSON export's `internal_seal` (same keys when not recorded)."""
        return {
            "recorded": self.recorded,
            "sealed": self.sealed,
            "sealed_at": self.sealed_at.isoformat() if self.sealed_at else None,
            "sealed_by": self.sealed_by,
            "seal_digest": self.seal_digest,
            "compared_digest": self.compared_digest,
            "compared_sealed_notes": self.compared_sealed_notes,
        }


def _aware(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def report_seal(report: Report) -> ReportSeal:
    """What `Report.internal_seal` recorded, read defensively (no query)."""
    data = report.internal_seal
    if not isinstance(data, Mapping):
        return ReportSeal(recorded=False)
    sealed = data.get("sealed") is True
    matches = data.get("compared_sealed_notes")
    return ReportSeal(
        recorded=True,
        sealed=sealed,
        sealed_at=_aware(data.get("sealed_at")) if sealed else None,
        sealed_by=str(data.get("sealed_by") or ""),
        seal_digest=str(data.get("seal_digest") or ""),
        compared_digest=str(data.get("compared_digest") or ""),
        compared_sealed_notes=matches if sealed and isinstance(matches, bool) else None,
    )


def report_page_context(
    report: Report,
    *,
    can_edit: bool = False,
    shared: bool = False,
    export: bool = False,
    nonce: str | None = None,
) -> dict:
    """Everything `comparison/_report_body.html` needs, for the report page (`shared`
    False), the anonymous shared page and the HTML export (`shared` True: read-only).

    `export` inlines the stylesheet and plotly.js instead of linking them; `nonce`
    overrides the request's CSP nonce for the chart scripts (the export has no request).
    A fixed number of queries: the matches and the commentaries.
    """
    read_only = shared or export
    matches = list(report.matches.all())
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
                (report.pair.internal_map, "Team"),
                (report.pair.customer_map, "Customers"),
            )
        ],
        **report_sections(report, matches=matches),
    }
    if nonce is not None:
        context["chart_nonce"] = nonce
    if report.status == ReportStatus.SUCCEEDED:
        reflection = report_reflection(matches)
        context.update(
            reflection=reflection,
            scores=report_scores(report.summary or {}),
            charts=report_charts(report.summary or {}, reflection),
        )
    return context
