"""Reading an area's title as a segment: names, questions and synonyms, English and German.

Workshop templates title their areas in many ways: the segment names ("Says & Does",
"Denkt & Fühlt"), the 4-quadrant names (Says / Does / Thinks / Feels, Sagt / Tut / Denkt /
Fühlt), gerunds ("Thinking"), questions (XPLANE's "What do they SAY?", persona templates'
"What does she think and feel?", "Was sagt und tut der Kunde?") and synonyms ("Fears",
"Wünsche & Ziele", "Ängste"). A title is read as the concepts it names; it matches a
segment only when every concept it names belongs to that one segment. A title that names
concepts of two segments ("Pains and gains") is *ambiguous*, one that names none is
*unknown*: both are left for the person to map, never guessed.

The auxiliary "do/does/did" of an English question ("What does she think and feel?") and
the German "macht/tut" of a phrase such as "Was macht ihm Sorgen?" name an action only
when the title names nothing else, so they never outvote the verb that follows them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from maps.segments import SEGMENT_KEYS, resolve_segment


def _words(*lines: str) -> tuple[str, ...]:
    return tuple(" ".join(lines).split())


# Each word (folded: lower case, no accents, ß as ss) names a concept; a concept belongs
# to one segment. Plurals and verb forms are listed rather than stemmed: a stemmer would
# join "feel" and "feet" and guess at German, and this list is what the tests check.
_CONCEPT_WORDS: dict[str, tuple[str, ...]] = {
    "sees": _words(
        "see sees seeing seen sight sights observe observes observing "
        "sieht sehen siehst sieh gesehen beobachtet beobachten"
    ),
    "says": _words(
        "say says saying said quote quotes speak speaks speaking talk talks talking "
        "sagt sagen sagst gesagt spricht sprechen aussagen zitate aussage"
    ),
    "does": _words(
        "doing act acts action actions behaviour behavior behaviours behaviors "
        "handelt handeln handlungen verhalten"
    ),
    "hears": _words("hear hears hearing heard listen listens listening hort horen horst gehort"),
    "thinks": _words(
        "think thinks thinking thought thoughts believe believes beliefs ponder ponders "
        "denkt denken denkst gedanken glaubt glauben uberzeugungen"
    ),
    "feels": _words(
        "feel feels feeling feelings emotion emotions "
        "fuhlt fuhlen fuhlst gefuhle gefuhl emotionen empfindet empfinden"
    ),
    "pains": _words(
        "pain pains painpoints fear fears frustration frustrations frustrated obstacle "
        "obstacles worry worries worried concern concerns anxiety anxieties problem problems "
        "challenge challenges risk risks struggle struggles hurdles annoyances "
        "schmerz schmerzen frust frustrationen frustration angst angste sorge sorgen "
        "problem probleme hindernis hindernisse herausforderung herausforderungen "
        "befurchtungen risiken argernisse hurden schmerzpunkte afraid scared annoyances "
        "painful"
    ),
    "gains": _words(
        "gain gains want wants need needs goal goals wish wishes hope hopes desire desires "
        "benefit benefits success aspiration aspirations achieve achievements measures "
        "gewinn gewinne nutzen wunsch wunsche ziel ziele hoffnung hoffnungen bedurfnis "
        "bedurfnisse erfolg erfolge mehrwert vorteile"
    ),
}
# Words that are a verb of their own only in a title that names nothing else.
_WEAK_DOES = frozenset(_words("do does did tut tun macht machen"))
_CONCEPT_SEGMENT = {
    "sees": "sees",
    "says": "says_does",
    "does": "says_does",
    "hears": "hears",
    "thinks": "thinks_feels",
    "feels": "thinks_feels",
    "pains": "pains",
    "gains": "gains",
}
_WORD_CONCEPT = {word: concept for concept, words in _CONCEPT_WORDS.items() for word in words}
# Two-word phrases read before single words ("pain points": the pain concept, once).
_PHRASES = {("pain", "points"): "pains", ("pain", "point"): "pains"}
# A headline before "?", ":", "(", a dash or a line break, when what follows explains it
# in a few words: "What do they SAY? What have we heard them say?" is about saying, not
# hearing, and "Hears – what do friends say?" about hearing. "Pains – Gains" is no
# headline and its explanation: both names count, and the title is ambiguous.
_HEADLINE_END = re.compile(r"\?|:|\(|\n|\|| [–—-] ")
_MIN_EXPLANATION_WORDS = 3
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s*")


@dataclass(frozen=True)
class TitleMatch:
    """What a title says about its segment: ``segment`` when it names exactly one,
    otherwise None with ``candidates`` holding the segments it names (two or more:
    ambiguous; none: unknown)."""

    segment: str | None
    candidates: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.segment is None and len(self.candidates) > 1


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _segments_named(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", _fold(text))
    concepts: set[str] = set()
    weak = False
    skip_next = False
    for position, word in enumerate(words):
        if skip_next:
            skip_next = False
            continue
        pair = (word, words[position + 1]) if position + 1 < len(words) else None
        if pair in _PHRASES:
            concepts.add(_PHRASES[pair])
            skip_next = True
        elif word in _WORD_CONCEPT:
            concepts.add(_WORD_CONCEPT[word])
        elif word in _WEAK_DOES:
            weak = True
    if weak and not concepts:
        concepts.add("does")
    return {_CONCEPT_SEGMENT[concept] for concept in concepts}


def match_title(title: str) -> TitleMatch:
    """The segment a frame's or area's title names, or why it names none (see the module)."""
    cleaned = _NUMBERING.sub("", title).strip()
    if not cleaned:
        return TitleMatch(None)
    exact = resolve_segment(cleaned)
    if exact is not None:
        return TitleMatch(exact, (exact,))
    named = _segments_named(cleaned)
    if len(named) != 1:
        parts = _HEADLINE_END.split(cleaned, maxsplit=1)
        explanation = parts[1] if len(parts) == 2 else ""
        if len(re.findall(r"\w+", explanation)) >= _MIN_EXPLANATION_WORDS:
            in_headline = _segments_named(parts[0])
            if len(in_headline) == 1:
                named = in_headline
    ordered = tuple(key for key in SEGMENT_KEYS if key in named)
    return TitleMatch(ordered[0] if len(ordered) == 1 else None, ordered)


def segment_for_title(title: str) -> str | None:
    """The one segment a title names, or None when it names none or several."""
    return match_title(title).segment
