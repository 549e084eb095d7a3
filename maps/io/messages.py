"""The readers' messages in the reader's language, without importing Django.

``maps.io`` is pure (an import-linter contract), yet its refusals and notices are what a
person reads on the import pages and in the API's answers. So every message is written
with the functions of ``maps.translation`` (the one hook every pure module translates
through), and the Django layer installs the real translation at start-up (``maps.apps``).
Without it (the engine's tests, a script) the messages stay English and numbers are
grouped with commas.

Messages are rendered when they are made, in the language active then: a request's (the
page or API answer that shows them) — previews kept in the session between upload and
confirm keep the language of the upload.
"""

from __future__ import annotations

from maps.translation import gettext, gettext_noop, ngettext, number

__all__ = ["both", "either", "gettext", "gettext_noop", "ngettext", "number", "too_large"]


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
