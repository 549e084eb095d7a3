"""A verdict in the words and glyph of `comparison.verdicts`, the one vocabulary the
report, its legend, the charts and the command line share."""

from __future__ import annotations

from django import template

from comparison import verdicts

register = template.Library()


@register.filter
def verdict_label(verdict: str) -> str:
    """`"partial"|verdict_label` is "Partly confirmed"; an unknown key shows as it is."""
    return verdicts.label(verdict)


@register.filter
def verdict_icon(verdict: str) -> str:
    """`"missed"|verdict_icon` is "!"; nothing for an unknown key."""
    return verdicts.icon(verdict)
