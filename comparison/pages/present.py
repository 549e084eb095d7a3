"""The presentation of a report: slides a facilitator steps through on a projector after
the workshop, an overview (the empathy score and the three questions' counts), then one
slide per segment (Sees to Gains) with what the team got right, what it got wrong and
what it missed there.

Built from what the report page computes (`report_reflection`, `report_summary`, the
stored summary), never by running the engine again: one query, the matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from comparison.models import Match, Report, ReportStatus, Verdict
from comparison.pages.report import ReportNote, report_reflection, report_summary, unquoted
from comparison.templatetags.verdict_tags import translated_segment_label
from maps.segments import SEGMENT_KEYS, SEGMENTS

OVERVIEW = "overview"
# A slide lists this many items per question, most-voted first, the rest as "+N more":
# five long notes with their customer quotes still fit a 1920x1080 projector in large
# type (six did not; looked at in Chromium).
SLIDE_ITEMS = 5
# From this many items in one list a slide is set a little smaller (css/present.css).
DENSE_ITEMS = 4
QUESTIONS = {segment.key: segment.question for segment in SEGMENTS}


@dataclass(frozen=True)
class SlideItem:
    """One line of a slide's list: the note, its votes, and (right only) the customer
    note that confirmed it."""

    text: str
    votes: int
    evidence: str = ""
    partial: bool = False


@dataclass(frozen=True)
class SlideList:
    """One of a segment slide's three lists, capped at `SLIDE_ITEMS`."""

    key: str  # right, wrong, missed: the question it answers
    title: str
    verdict: str  # the verdict whose colour and icon it wears
    count: int
    items: tuple[SlideItem, ...]

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class Slide:
    key: str  # OVERVIEW or a segment key
    title: str
    position: int  # 1-based
    question: str = ""  # the segment's question, or the overview's subtitle
    score: float | None = None  # the segment's empathy score; None without notes
    internal_count: int = 0
    customer_count: int = 0
    lists: tuple[SlideList, ...] = ()

    @property
    def dense(self) -> bool:
        """Long lists: the slide sets them a little smaller, so that they still fit."""
        return any(len(items.items) >= DENSE_ITEMS for items in self.lists)

    @property
    def is_overview(self) -> bool:
        return self.key == OVERVIEW

    @property
    def query(self) -> str:
        """The slide's query string: none for the overview."""
        return "" if self.is_overview else f"?segment={self.key}"


def _capped(key: str, title: str, verdict: str, items: list[SlideItem]) -> SlideList:
    return SlideList(key, title, verdict, len(items), tuple(items[:SLIDE_ITEMS]))


def _note_items(notes: list[ReportNote], segment: str) -> list[SlideItem]:
    return [SlideItem(note.text, note.votes) for note in notes if note.segment == segment]


def _segment_slide(
    segment: str, position: int, reflection: dict, figures: dict, titles: dict[str, str]
) -> Slide:
    right: list[Match] = reflection["right"]  # most-voted first already, like the others
    internal_count = figures.get("internal_count", 0)
    customer_count = figures.get("customer_count", 0)
    has_notes = bool(internal_count or customer_count)
    return Slide(
        key=segment,
        title=translated_segment_label(segment),
        position=position,
        question=gettext(QUESTIONS[segment]),
        score=figures.get("empathy_score") if has_notes else None,
        internal_count=internal_count,
        customer_count=customer_count,
        lists=(
            _capped(
                "right",
                titles["right"],
                Verdict.CONFIRMED,
                [
                    SlideItem(
                        m.internal_text,
                        m.internal_votes,
                        evidence=unquoted(m.customer_text),
                        partial=m.verdict == Verdict.PARTIAL,
                    )
                    for m in right
                    if m.internal_segment == segment
                ],
            ),
            _capped(
                "wrong",
                titles["wrong"],
                Verdict.UNCONFIRMED,
                _note_items(reflection["wrong"], segment),
            ),
            _capped(
                "missed",
                titles["missed"],
                Verdict.MISSED,
                _note_items(reflection["missed"], segment),
            ),
        ),
    )


def present_slides(report: Report) -> tuple[list[Slide], list[Any]]:
    """The slides of a succeeded report in order (the overview, then Sees to Gains) and
    the three questions of the overview (`report_summary`: titles, counts, totals)."""
    reflection = report_reflection(list(report.matches.all()))
    questions = report_summary(reflection)
    titles = {question.key: question.title for question in questions}
    segment_figures = (report.summary or {}).get("segments") or {}
    slides = [Slide(OVERVIEW, str(report.pair.internal_map.persona.name), 1)]
    slides += [
        _segment_slide(segment, index + 2, reflection, segment_figures.get(segment) or {}, titles)
        for index, segment in enumerate(SEGMENT_KEYS)
    ]
    return slides, questions


def present_page_context(report: Report, *, segment: str | None) -> dict[str, Any]:
    """What `comparison/present.html` needs: every slide (the screen shows `current`, a
    print shows them all, one per page), the current one's neighbours for the previous
    and next links, and the overview's figures.

    `segment` None is the overview; an unknown key raises `KeyError` (the view's 404).
    A report that has not succeeded has no slides: the page says why instead.
    """
    key = segment or OVERVIEW
    if key != OVERVIEW and key not in SEGMENT_KEYS:
        raise KeyError(key)
    context: dict[str, Any] = {"report": report, "pair": report.pair, "slides": []}
    if report.status != ReportStatus.SUCCEEDED:
        return context
    slides, questions = present_slides(report)
    index = next(i for i, slide in enumerate(slides) if slide.key == key)
    context.update(
        slides=slides,
        current=slides[index],
        previous=slides[index - 1] if index > 0 else None,
        next=slides[index + 1] if index + 1 < len(slides) else None,
        first=slides[0],
        last=slides[-1],
        questions=questions,
        empathy_score=(report.summary or {}).get("empathy_score"),
    )
    return context
