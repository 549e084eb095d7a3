"""The six empathy-map segments and the names people use for them.

Pure Python (no Django) so the importers and the comparison engine share one
definition with the models. Labels and questions are English msgids, marked for
makemessages with ``maps.translation.gettext_noop``; the Django layer translates them when it
shows them (``maps.segment_labels``, or ``maps.models.Segment``'s choice labels).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from maps.translation import gettext_noop


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    question: str


# The canonical order (Sees to Gains), used everywhere segments are listed.
SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "sees",
        gettext_noop("Sees"),
        gettext_noop("What does the customer see? (environment, offers, competitors)"),
    ),
    Segment(
        "says_does",
        gettext_noop("Says & Does"),
        gettext_noop("What does the customer say and do? (behaviour, attitude)"),
    ),
    Segment(
        "hears",
        gettext_noop("Hears"),
        gettext_noop("What does the customer hear? (family, colleagues, media)"),
    ),
    Segment(
        "thinks_feels",
        gettext_noop("Thinks & Feels"),
        gettext_noop("What really counts, what occupies them, what they ponder at night"),
    ),
    Segment("pains", gettext_noop("Pains"), gettext_noop("Fears, frustrations, obstacles")),
    Segment(
        "gains",
        gettext_noop("Gains"),
        gettext_noop("What success looks like, what they want to achieve"),
    ),
)

SEGMENT_KEYS: tuple[str, ...] = tuple(segment.key for segment in SEGMENTS)
SEGMENT_LABELS: dict[str, str] = {segment.key: segment.label for segment in SEGMENTS}

# Names a whole cell or title may be, folded by _alias_key (case, accents, "&"/"and"/
# "und", punctuation). Gerunds and the German 4-quadrant names are here because
# workshop templates use them as headings; the 4-quadrant map's Says/Does and
# Thinks/Feels fold into our combined segments. Longer titles and questions are read by
# maps.io.titles, which uses these names first.
_ALIASES: dict[str, tuple[str, ...]] = {
    "sees": ("see", "seeing", "sieht", "sehen", "sehen sie"),
    "says_does": (
        "say and do",
        "says",
        "does",
        "say",
        "do",
        "saying",
        "doing",
        "saying and doing",
        "sagt",
        "tut",
        "sagen",
        "tun",
        "sagt und tut",
        "sagen und tun",
    ),
    "hears": ("hear", "hearing", "hort", "horen"),
    "thinks_feels": (
        "think and feel",
        "thinks",
        "feels",
        "think",
        "feel",
        "thinking",
        "feeling",
        "thinking and feeling",
        "denkt",
        "fuhlt",
        "denken",
        "fuhlen",
        "denkt und fuhlt",
        "denken und fuhlen",
    ),
    "pains": (
        "pain",
        "pain points",
        "painpoints",
        "schmerzen",
        "schmerz",
        "frust",
        "frustrationen",
        "angste",
        "probleme",
    ),
    "gains": ("gain", "gewinne", "gewinn", "nutzen", "wunsche ziele", "ziele", "wunsche"),
}


_CONNECTIVES = frozenset({"and", "und"})


def _alias_key(name: str) -> str:
    """Fold a segment name so that 'Says & Does', 'says_and_does' and 'SAYS-DOES' agree."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.sub(r"[^a-z0-9]+", " ", ascii_only).split()
    return " ".join(word for word in words if word not in _CONNECTIVES)


_LOOKUP: dict[str, str] = {}
_QUESTIONS = {segment.key: segment.question for segment in SEGMENTS}
for _key, _names in _ALIASES.items():
    # Gapmap's own questions too: a board drawn from our template uses them as titles.
    for _name in (_key, SEGMENT_LABELS[_key], _QUESTIONS[_key], *_names):
        _LOOKUP[_alias_key(_name)] = _key


def resolve_segment(name: str) -> str | None:
    """Return the canonical key for a segment name or alias, or None if unknown."""
    return _LOOKUP.get(_alias_key(name))
