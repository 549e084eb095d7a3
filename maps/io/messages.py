"""The readers' messages in the reader's language, without importing Django.

``maps.io`` is pure (an import-linter contract), yet its refusals and notices are what a
person reads on the import pages and in the API's answers. So every message is written
with these functions, which makemessages finds by their names (``gettext``, ``ngettext``),
and the Django layer installs the real translation at start-up (``maps.apps``:
``install(gettext=…, ngettext=…, number=…)``). Without it (the engine's tests, a script)
the messages stay English and numbers are grouped with commas.

Messages are rendered when they are made, in the language active then: a request's (the
page or API answer that shows them) — previews kept in the session between upload and
confirm keep the language of the upload.
"""

from __future__ import annotations

from collections.abc import Callable


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _grouped(value: int | float) -> str:
    return f"{value:,}"


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural
_number: Callable[[int | float], str] = _grouped


def install(
    *,
    gettext: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
    number: Callable[[int | float], str],
) -> None:
    """Use these to translate messages and to format numbers (the Django layer's)."""
    global _gettext, _ngettext, _number  # noqa: PLW0603 - one hook, set once at start-up
    _gettext, _ngettext, _number = gettext, ngettext, number


def gettext(message: str) -> str:
    """``message`` in the active language."""
    return _gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for ``count``, in the active language."""
    return _ngettext(singular, plural, count)


def gettext_noop(message: str) -> str:
    """Mark a constant for makemessages; translate it with ``gettext`` when it is used."""
    return message


def number(value: int | float) -> str:
    """A whole number (or a size) as the active language groups it: 5,000 / 5.000."""
    return _number(value)


def either(items: list[str]) -> str:
    """ "A or B", "A, B or C" in the active language."""
    if len(items) < 2:
        return "".join(items)
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def both(items: list[str]) -> str:
    """ "A and B", "A, B and C" in the active language."""
    if len(items) < 2:
        return "".join(items)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def too_large(size: int, limit: int) -> str:
    """Why a file of ``size`` bytes is refused when ``limit`` bytes may be imported."""
    megabytes = limit / 1024 / 1024
    return gettext(
        "the file is %(size)s bytes; at most %(megabytes)s MB (%(limit)s bytes) can be imported"
    ) % {
        "size": number(size),
        "megabytes": number(int(megabytes) if megabytes.is_integer() else round(megabytes, 1)),
        "limit": number(limit),
    }
