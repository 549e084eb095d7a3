"""The verdicts of a comparison in one vocabulary: key, words, icon, colour, pattern, help.

Everything that shows a verdict reads it here: the model's choices (`models.Verdict`), the
report page and its legend (template filters `verdict_label` and `verdict_icon`), the
charts, the command line's text output. Pure: plain Python, no Django.

The stylesheet `css/report.css` repeats the colours as `--verdict-<key>` variables, since
CSS cannot import them; tests/comparison/test_verdicts.py holds the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from maps.translation import gettext_noop

TEAM = "team"  # a verdict on one of the team's hypotheses
CUSTOMERS = "customers"  # a verdict on one of the customers' notes


@dataclass(frozen=True)
class VerdictInfo:
    key: str  # the stored value (`Match.verdict`, the engine's output)
    label: str  # capitalised, for chips, legends and table headers (English: see gettext_noop)
    icon: str  # a glyph, so the verdict reads without colour (greyscale print, colour blindness)
    colour: str
    pattern: str  # plotly bar pattern shape; "" is solid
    help_text: str
    side: str  # TEAM or CUSTOMERS


# Okabe-Ito colours (safe for the common colour-vision deficiencies). Lightness alone
# separates the four team verdicts (greyscale ~87 / 158 / 213 / 119 of 255) and the two
# customer ones (106 / 162); the patterns tell them apart on a greyscale print too.
VERDICTS: tuple[VerdictInfo, ...] = (
    VerdictInfo(
        "confirmed",
        gettext_noop("Confirmed"),
        "✓",
        "#0072B2",  # blue
        "",
        gettext_noop("A customer said it, in the same segment."),
        TEAM,
    ),
    VerdictInfo(
        "partial",
        gettext_noop("Partly confirmed"),
        "◐",
        "#56B4E9",  # sky blue
        "/",
        gettext_noop("Customers said something close to it."),
        TEAM,
    ),
    VerdictInfo(
        "misplaced",
        gettext_noop("Right insight, wrong segment"),
        "⇄",
        "#F0E442",  # yellow
        ".",
        gettext_noop("Customers said it, but in another segment."),
        TEAM,
    ),
    VerdictInfo(
        "unconfirmed",
        gettext_noop("Not confirmed"),
        "✗",
        "#D55E00",  # vermillion
        "x",
        gettext_noop("No customer said anything like it."),
        TEAM,
    ),
    VerdictInfo(
        "anticipated",
        gettext_noop("Anticipated"),
        "✓",
        "#009E73",  # bluish green
        "",
        gettext_noop("The team had predicted it."),
        CUSTOMERS,
    ),
    VerdictInfo(
        "missed",
        gettext_noop("Missed"),
        "!",
        "#E69F00",  # orange
        "\\",
        gettext_noop("The team had not predicted it."),
        CUSTOMERS,
    ),
)

BY_KEY: dict[str, VerdictInfo] = {verdict.key: verdict for verdict in VERDICTS}
# In legend order: the team's four, then the customers' two.
INTERNAL_VERDICTS: tuple[str, ...] = tuple(v.key for v in VERDICTS if v.side == TEAM)
CUSTOMER_VERDICTS: tuple[str, ...] = tuple(v.key for v in VERDICTS if v.side == CUSTOMERS)
LABELS: dict[str, str] = {verdict.key: verdict.label for verdict in VERDICTS}
ICONS: dict[str, str] = {verdict.key: verdict.icon for verdict in VERDICTS}
COLOURS: dict[str, str] = {verdict.key: verdict.colour for verdict in VERDICTS}
PATTERNS: dict[str, str] = {verdict.key: verdict.pattern for verdict in VERDICTS}


def label(key: str) -> str:
    """The verdict's words; an unknown key is shown as it is."""
    return LABELS.get(key, key)


def icon(key: str) -> str:
    """The verdict's glyph; nothing for an unknown key."""
    return ICONS.get(key, "")
