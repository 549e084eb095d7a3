"""Generated workshop notes: two maps of 6 segments x N notes per side, deterministic.

A vocabulary of workshop phrases; about a third of the customer notes are true paraphrases
of internal ones (shuffled word order, other inflections, typos). The engine tests, the
speed benchmark and the load run's seeded workspace all use these maps.

The generator is deliberately dense: 3-11 words per note from a fixed workshop vocabulary,
so at N = 2,000 an internal note has ~38 same-segment candidates at the default partial
threshold (40) and ~8 at the threshold (50), and all notes of a segment form one
connected candidate component.
That is a stress test of the assignment and of the also-match list, not a flattering case;
per pair, it is no denser than the hand-labelled dev set (whose look-alikes score higher).
"""

from __future__ import annotations

import random

from comparison.engine import NoteIn
from maps.segments import SEGMENT_KEYS

SEED = 20240611
PARAPHRASE_SHARE = 0.35  # share of customer notes that restate an internal note

_SUBJECTS = (
    "customer", "buyer", "team", "manager", "supplier", "partner", "colleague", "boss",
    "user", "engineer", "vendor", "client", "department", "finance", "support", "sales",
)  # fmt: skip
_VERBS = (
    "wants", "needs", "compares", "fears", "expects", "asks for", "complains about",
    "worries about", "prefers", "ignores", "trusts", "doubts", "praises", "avoids",
    "orders", "negotiates", "checks", "reviews", "delays", "questions", "requests",
    "cancels", "approves", "forgets", "tracks", "escalates", "postpones", "budgets for",
    "hears about", "reads about", "struggles with", "is proud of", "is annoyed by",
    "dreams of", "talks about", "plans", "measures", "recommends", "replaces", "tests",
)  # fmt: skip
_OBJECTS = (
    "discounts", "delivery dates", "invoices", "spare parts", "prices", "contracts",
    "support tickets", "shipping costs", "quality", "training", "approvals", "licenses",
    "reports", "dashboards", "quotes", "payment terms", "warranty", "onboarding",
    "integrations", "security", "data privacy", "lead times", "stock levels", "returns",
    "service hotline", "portal", "documentation", "updates", "budgets", "savings",
    "trade fairs", "newsletters", "webinars", "certificates", "audits", "deadlines",
    "forecasts", "spreadsheets", "purchase orders", "framework agreements", "samples",
    "spare part catalogues", "maintenance windows", "downtime", "overtime", "bonuses",
    "targets", "promotions", "reviews on forums", "peer recommendations", "case studies",
    "free trials", "price lists", "rebates", "minimum order quantities", "packaging",
    "sustainability reports", "carbon footprint", "energy costs", "staff shortages",
    "night shifts", "customer complaints", "quality checks", "recalls", "firmware",
    "cloud migration", "password resets", "access rights", "backups", "response times",
)  # fmt: skip
_MODIFIERS = (
    "every week", "before each order", "in every meeting", "at month end", "all the time",
    "from competitors", "without approval", "in real time", "too slowly", "by phone",
    "by email", "for small orders", "after updates", "during audits", "on the portal",
    "for the whole year", "with management", "in the morning", "under pressure", "again",
    "at trade fairs", "on LinkedIn", "in the canteen", "before holidays", "after lunch",
    "for the next quarter", "across all sites", "since the merger", "in the night shift",
    "for key accounts", "at the annual review", "in the warehouse", "on the road",
)  # fmt: skip
_ADJECTIVES = (
    "cheaper", "faster", "reliable", "late", "expensive", "clear", "missing", "wrong",
    "better", "simple", "complex", "new", "old", "urgent", "fair", "hidden", "flexible",
    "transparent", "confusing", "manual", "automatic", "digital", "local", "global",
    "monthly", "annual", "mandatory", "optional",
)  # fmt: skip
_NEGATIONS = ("never", "does not", "no longer")
_INFLECT = (("s", ""), ("es", ""), ("ing", ""), ("ed", ""), ("", "s"))


def _note_text(rng: random.Random) -> str:
    words = [rng.choice(_SUBJECTS), rng.choice(_VERBS)]
    if rng.random() < 0.5:
        words.append(rng.choice(_ADJECTIVES))
    words.append(rng.choice(_OBJECTS))
    if rng.random() < 0.7:
        words.append(rng.choice(_MODIFIERS))
    if rng.random() < 0.1:
        words.insert(1, rng.choice(_NEGATIONS))
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    position = rng.randrange(1, len(word) - 1)
    return word[:position] + word[position + 1] + word[position] + word[position + 2 :]


def _paraphrase(text: str, rng: random.Random) -> str:
    """Same idea, other surface: shuffled clauses, other inflections, a typo, an extra word."""
    words = text.lower().split()
    if len(words) > 3 and rng.random() < 0.5:
        cut = rng.randrange(2, len(words))
        words = words[cut:] + words[:cut]
    result = []
    for word in words:
        roll = rng.random()
        if roll < 0.15:
            old, new = rng.choice(_INFLECT)
            if old and word.endswith(old) and len(word) > len(old) + 2:
                word = word[: -len(old)] + new
            elif not old:
                word += new
        elif roll < 0.25:
            word = _typo(word, rng)
        result.append(word)
    if rng.random() < 0.3:
        result.insert(rng.randrange(len(result) + 1), rng.choice(("really", "always", "often")))
    text = " ".join(result)
    return text[0].upper() + text[1:]


def generate_maps(notes_per_segment: int, seed: int = SEED) -> tuple[list[NoteIn], list[NoteIn]]:
    """(internal, customer): 6 segments x `notes_per_segment` notes each, deterministic."""
    rng = random.Random(seed * 7919 + notes_per_segment)  # noqa: S311 - test data, not crypto
    internal: list[NoteIn] = []
    customer: list[NoteIn] = []
    for segment in SEGMENT_KEYS:
        texts = [_note_text(rng) for _ in range(notes_per_segment)]
        for index, text in enumerate(texts):
            internal.append(
                NoteIn(f"i-{segment}-{index}", segment, text, votes=rng.choice((0, 0, 1, 2, 3)))
            )
        for index in range(notes_per_segment):
            if rng.random() < PARAPHRASE_SHARE:
                text = _paraphrase(rng.choice(texts), rng)
            else:
                text = _note_text(rng)
            customer.append(
                NoteIn(f"c-{segment}-{index}", segment, text, votes=rng.choice((0, 0, 1, 2, 3)))
            )
    return internal, customer
