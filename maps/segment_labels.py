"""The segments' labels and questions in the active language, for whatever shows them.

``maps.segments`` is pure and holds the English msgids; translate them here, when they
are shown (a page, an export, an API message), not when a module is imported.
``maps.models.Segment(key).label`` gives the same label, lazily.
"""

from __future__ import annotations

from django.utils.translation import gettext

from maps.segments import SEGMENT_LABELS, SEGMENTS

_QUESTIONS = {segment.key: segment.question for segment in SEGMENTS}


def segment_label(key: str) -> str:
    """The label of the segment ``key`` ("Sieht" in German); an unknown key as it is."""
    label = SEGMENT_LABELS.get(key)
    return gettext(label) if label else key


def segment_question(key: str) -> str:
    """The question a segment asks ("Was sieht der Kunde? …" in German)."""
    question = _QUESTIONS.get(key)
    return gettext(question) if question else ""


def segment_labels() -> dict[str, str]:
    """Every segment's label by key, in the canonical order (Sees to Gains)."""
    return {segment.key: gettext(segment.label) for segment in SEGMENTS}
