"""A verdict in the words and glyph of `comparison.verdicts`, the one vocabulary the
report, its legend, the charts and the command line share; and a segment or an action's
kind in words.

`comparison.verdicts` and `maps.segments` are pure (no Django): their English words are
marked there for the catalogue and translated here, at display time, in the language
active for the page (the reader's, or a shared report's own).
"""

from __future__ import annotations

from django import template
from django.utils import dateformat
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, pgettext

from comparison import verdicts
from comparison.models import ActionKind
from maps.segments import SEGMENT_LABELS

register = template.Library()


def translated_verdict_label(verdict: str) -> str:
    """The verdict's words in the active language; an unknown key as it is."""
    label = verdicts.label(verdict)
    return gettext(label) if label else label


def translated_verdict_help(verdict: str) -> str:
    info = verdicts.BY_KEY.get(verdict)
    return gettext(info.help_text) if info else ""


def translated_segment_label(segment: str) -> str:
    """The segment's name in the active language; an unknown key as it is."""
    label = SEGMENT_LABELS.get(segment, segment)
    return gettext(label) if label else ""


@register.filter
def verdict_label(verdict: str) -> str:
    """`"partial"|verdict_label` is "Partly confirmed"; an unknown key shows as it is."""
    return translated_verdict_label(verdict)


@register.filter
def verdict_help(verdict: str) -> str:
    """The verdict's one-sentence explanation, translated."""
    return translated_verdict_help(verdict)


@register.filter
def verdict_icon(verdict: str) -> str:
    """`"missed"|verdict_icon` is "!"; nothing for an unknown key."""
    return verdicts.icon(verdict)


@register.filter
def segment_label(segment: str) -> str:
    """`"says_does"|segment_label` is "Says & Does" ("Sagt & Tut" in German)."""
    return translated_segment_label(segment)


@register.filter
def table_datetime(value) -> str:
    """A date and time in a table cell, compact in every language ("12 Mar 2026, 14:05";
    "12.03.2026, 14:05" in German); nothing for None."""
    if value is None or value == "":
        return ""
    return dateformat.format(
        template_localtime(value), pgettext("date and time in a table", "j M Y, H:i")
    )


@register.filter
def table_date(value) -> str:
    """A day in a table cell, compact in every language ("12 Mar 2026"; "12.03.2026")."""
    if value is None or value == "":
        return ""
    return dateformat.format(template_localtime(value), pgettext("date in a table", "j M Y"))


@register.filter
def action_kind_label(kind: str) -> str:
    """A next action's kind in words ("How might we…", "Test card")."""
    try:
        return gettext(str(ActionKind(kind).label))
    except ValueError:
        return kind
