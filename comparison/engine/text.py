"""Normalisation: turn a note's text into comparable stems (pure Python, no Django).

NFKC, case-fold, contractions ("don't" → "do not"), punctuation out, stop words out
(negations stay in, as one shared token), Snowball stems for English or German, and
German umlauts, ß and other diacritics folded. The original text is kept elsewhere for
display; `display` maps each stem to the first word form that produced it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import snowballstemmer

LANGUAGES: tuple[str, ...] = ("auto", "en", "de")

# Every negation becomes this one token, so "never", "not", "nie" and "kein" agree with
# each other and a negated note never looks identical to its affirmative twin.
NEGATION_TOKEN = "not"  # noqa: S105 - a word, not a password

NEGATIONS: frozenset[str] = frozenset(
    {
        # English
        "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot",
        "nowhere", "hardly",
        # contractions typed without the apostrophe, common on sticky notes
        "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "couldnt",
        "wont", "wouldnt", "shouldnt", "havent", "hasnt", "hadnt",
        # German (case-folded, so ß is already "ss")
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals",
        "nichts", "niemand", "weder", "nirgends", "kaum",
    }
)  # fmt: skip


def _word_set(words_text: str) -> frozenset[str]:
    return frozenset(words_text.split())


# Short function-word lists (no negations!). Kept small on purpose: a word that carries
# meaning in a sticky note ("without", "ohne", "more", "mehr") stays.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _word_set(
        """
        a an the and or but if then so than that this these those there here of to in on at
        by for from with about as into onto over under up down out off is are was were be
        been being am do does did doing done have has had having will would shall should can
        could may might must i me my mine we us our ours you your yours he him his she her
        hers it its they them their theirs who whom whose which what when where why how all
        any both each every few some such own same too very just also only again even still
        yet s t d ll m re ve ca wo get gets got really quite lot lots one ones thing things
        """
    ),
    "de": _word_set(
        """
        der die das den dem des ein eine einen einem einer eines und oder aber wenn dann als
        wie so dass dass ob zu zum zur im in an am auf aus bei mit nach von vom vor uber
        unter fur um durch gegen bis ist sind war waren sein bin bist seid wird werden wurde
        wurden worden hat haben hatte hatten habe hast kann konnen konnte muss mussen soll
        sollen will wollen wir uns unser unsere unseren ich mich mir mein meine du dich dir
        dein er ihn ihm sein seine sie ihr ihre ihnen es man wer wen wem was wo wann warum
        welche welcher welches dies diese dieser dieses jene jener hier dort da auch nur
        noch schon sehr mal doch ja eben halt etwa sich selbst immer wieder alle alles jede
        jeder jedes einfach eigentlich
        """
    ),
}

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_CONTRACTION = re.compile(r"n't\b")
_CANNOT = re.compile(r"\bcannot\b")
_WORD = re.compile(r"[^\W_]+")
_GERMAN_LETTERS = re.compile(r"[äöüß]")

_STEMMERS = {"en": snowballstemmer.stemmer("english"), "de": snowballstemmer.stemmer("german")}
# Per-word caches: notes reuse a small vocabulary, so each distinct word is folded and
# stemmed once (this is most of the normalisation time on big maps).
_FOLD_CACHE: dict[str, str] = {}
# Notes reuse a small vocabulary; stemming each distinct word once keeps big maps fast.
_STEM_CACHE: dict[tuple[str, str], str] = {}
_STEM_CACHE_LIMIT = 200_000  # about 30 MB at worst; cleared when full
# (language, word) -> the token it contributes (None for a stop word), see `_token_of`.
_TOKEN_CACHE: dict[tuple[str, str], str | None] = {}


@dataclass(frozen=True)
class Prepared:
    """A note ready to be scored."""

    stems: tuple[str, ...]  # in reading order, duplicates kept
    negated: bool
    display: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def stem_set(self) -> frozenset[str]:
        # Cached on the instance: pairs ask for it many times.
        try:
            return self.__dict__["_stem_set"]
        except KeyError:
            cached = frozenset(self.stems)
            object.__setattr__(self, "_stem_set", cached)
        return cached

    @property
    def ordered(self) -> str:
        return " ".join(self.stems)

    @property
    def sorted_tokens(self) -> str:
        return " ".join(sorted(self.stems))

    @property
    def sorted_set(self) -> str:
        return " ".join(sorted(set(self.stems)))


def fold(word: str) -> str:
    """Strip diacritics (ä→a, é→e) and expand ß, keeping other scripts intact."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.replace("ß", "ss"))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped)


def words(text: str) -> list[str]:
    """The lower-cased words of a text, contractions expanded, punctuation dropped."""
    if text.isascii():
        # NFKC leaves ASCII as it is; only the backtick needs the apostrophe table.
        text = text.lower()
        if "`" in text:
            text = text.translate(_APOSTROPHES)
    else:
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    if "n't" in text:
        text = _CONTRACTION.sub(" not", text)
    if "cannot" in text:
        text = _CANNOT.sub("can not", text)
    return _WORD.findall(text)


def stem(word: str, language: str) -> str:
    """Snowball stem of a lower-cased word, diacritics folded afterwards (the German
    stemmer needs the umlauts and reads "ae"/"oe"/"ue" spellings as umlauts itself)."""
    key = (language, word)
    cached = _STEM_CACHE.get(key)
    if cached is None:
        folded_input = word.casefold()
        if language == "en":
            folded_input = fold(folded_input)
        cached = fold(_STEMMERS[language].stemWord(folded_input))
        if len(_STEM_CACHE) >= _STEM_CACHE_LIMIT:
            _STEM_CACHE.clear()
        _STEM_CACHE[key] = cached
    return cached


def folded_word(word: str) -> str:
    """Case-folded, diacritics-free form of a word (cached): the stop-word lookup key."""
    cached = _FOLD_CACHE.get(word)
    if cached is None:
        cached = fold(word.casefold())
        if len(_FOLD_CACHE) >= _STEM_CACHE_LIMIT:
            _FOLD_CACHE.clear()
        _FOLD_CACHE[word] = cached
    return cached


def _token_of(word: str, language: str) -> str | None:
    """The token a word contributes in `language` (cached): the shared negation token, its
    stem, or None for a stop word."""
    key = (language, word)
    if key in _TOKEN_CACHE:
        return _TOKEN_CACHE[key]
    folded = folded_word(word)
    if folded in NEGATIONS:
        token: str | None = NEGATION_TOKEN
    elif folded in STOP_WORDS[language]:
        token = None
    else:
        token = stem(word, language)
    if len(_TOKEN_CACHE) >= _STEM_CACHE_LIMIT:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[key] = token
    return token


def prepare(text: str, language: str, all_words: list[str] | None = None) -> Prepared:
    """Normalise one note's text for scoring in `language` ("en" or "de"); `all_words`
    may pass `words(text)` when the caller has it already."""
    stems: list[str] = []
    display: dict[str, str] = {}
    negated = False
    if all_words is None:
        all_words = words(text)
    cache = _TOKEN_CACHE
    for word in all_words:
        key = (language, word)
        token = cache[key] if key in cache else _token_of(word, language)
        if token is None:
            continue
        if token == NEGATION_TOKEN and folded_word(word) in NEGATIONS:
            negated = True
        stems.append(token)
        if token not in display:
            display[token] = word
    if not stems:
        # A note made of stop words only ("Who are we?") still matches its own wording.
        for word in all_words:
            token = stem(word, language)
            stems.append(token)
            display.setdefault(token, word)
    prepared = Prepared(stems=tuple(stems), negated=negated, display=display)
    object.__setattr__(prepared, "_stem_set", frozenset(stems))  # see `stem_set`
    return prepared


def prepare_many(notes_words: Sequence[list[str]], language: str) -> list[Prepared]:
    """`prepare` for many notes given their `words`, the same results, faster: each distinct
    word is looked up once, then every note is a few comprehensions."""
    tokens: dict[str, str | None] = {}
    negation_words: set[str] = set()
    for note_words in notes_words:
        for word in note_words:
            if word not in tokens:
                token = tokens[word] = _token_of(word, language)
                if token == NEGATION_TOKEN and folded_word(word) in NEGATIONS:
                    negation_words.add(word)
    result = []
    for note_words in notes_words:
        kept = [word for word in note_words if tokens[word] is not None]
        if not kept:
            result.append(prepare("", language, note_words))
            continue
        stems = [tokens[word] for word in kept]
        # Reversed, so the first word form of each stem is the one that stays.
        display = dict(zip(reversed(stems), reversed(kept), strict=True))
        prepared = Prepared(
            stems=tuple(stems), negated=not negation_words.isdisjoint(kept), display=display
        )
        object.__setattr__(prepared, "_stem_set", frozenset(stems))
        result.append(prepared)
    return result


def detect_language(texts: Iterable[str]) -> str:
    """ "en" or "de" for a whole map (see `detect_language_of_words`)."""
    return detect_language_of_words(words(text) for text in texts)


def detect_language_of_words(notes: Iterable[list[str]]) -> str:
    """ "en" or "de" from which stop-word list the words hit more often (German letters
    count as German evidence). Cheap and good enough for sticky notes; a map with no
    evidence either way is treated as English."""
    counts: dict[str, int] = {}
    for note_words in notes:
        for word in note_words:
            counts[word] = counts.get(word, 0) + 1
    english = german = 0
    english_words, german_words = STOP_WORDS["en"], STOP_WORDS["de"]
    for word, count in counts.items():
        if not word.isascii():
            german += count * len(_GERMAN_LETTERS.findall(word))
        folded = folded_word(word)
        english += count * (folded in english_words)
        german += count * (folded in german_words)
    return "de" if german > english else "en"


# Contractions whose stem changes without the "n't" (the rest just drop it: don't -> do).
_IRREGULAR_CONTRACTIONS = {"can't": "can", "cannot": "can", "won't": "will", "shan't": "shall"}
_IRREGULAR_CONTRACTION = re.compile(r"\b(?:can't|cannot|won't|shan't)\b", re.IGNORECASE)
_NOT_SUFFIX = re.compile(r"n't\b", re.IGNORECASE)
_SPACES = re.compile(r"\s{2,}")
_LOOSE_ENDS = " ,;:-\u2013"


def affirmative_twin(text: str) -> str | None:
    """The note with its negations taken out ("Never asks for a discount" -> "asks for a
    discount", "Keine Zeit nach der Arbeit" -> "Zeit nach der Arbeit"), or None when it
    has none (or nothing but them). Case and punctuation are kept, so the twin embeds like
    the original does; the semantic negation guard compares the two
    (comparison.engine.semantic)."""
    if not any(folded_word(word) in NEGATIONS for word in words(text)):
        return None
    twin = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    twin = _IRREGULAR_CONTRACTION.sub(
        lambda match: _IRREGULAR_CONTRACTIONS[match.group(0).lower()], twin
    )
    twin = _NOT_SUFFIX.sub("", twin)
    twin = _WORD.sub(
        lambda match: "" if folded_word(match.group(0)) in NEGATIONS else match.group(0), twin
    )
    twin = _SPACES.sub(" ", twin).strip(_LOOSE_ENDS)
    return twin if _WORD.search(twin) else None


def clear_caches() -> None:
    """Forget every cached word (for timing normalisation from scratch)."""
    _FOLD_CACHE.clear()
    _STEM_CACHE.clear()
    _TOKEN_CACHE.clear()
