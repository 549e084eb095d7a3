"""Fetching a board straight from Miro's or Mural's REST API with the person's own access
token, page by page (with the board's tags, which carry votes, and Miro's board members,
who name authors), into the same pages a saved export holds (``formats.collect``).

Only two fixed hosts are ever asked (``api.miro.com``, ``app.mural.co``); the board id is
percent-encoded into the path, so no input can reach another address. The token is sent
in the ``Authorization`` header of these requests only: it is never stored or logged.
Limits: ``MAX_REMOTE_PAGES`` pages, ``MAX_REMOTE_BYTES`` in all, ``REMOTE_TIMEOUT_SECONDS``
a request and ``REMOTE_TOTAL_SECONDS`` for the whole board.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Protocol

from maps.io.boards.preview import BoardFileError
from maps.io.messages import gettext as _
from maps.io.messages import ngettext

MAX_REMOTE_PAGES = 200  # Miro: 50 items a page, 10,000 items: past any map's 5,000 notes
MAX_REMOTE_BYTES = 20 * 1024 * 1024  # what 200 full pages of items may weigh, with images
REMOTE_TIMEOUT_SECONDS = 15  # a page answers in well under a second
# The pages are read while the person waits for the preview: past this, the answer is
# an error that says so rather than a request the proxy cuts off.
REMOTE_TOTAL_SECONDS = 60
MAX_TOKEN_CHARS = 2_000  # OAuth tokens are a few hundred characters

MIRO_ITEMS = "https://api.miro.com/v2/boards/{board}/items"
MIRO_TAGS = "https://api.miro.com/v2/boards/{board}/tags"
MIRO_MEMBERS = "https://api.miro.com/v2/boards/{board}/members?limit=100"
MURAL_WIDGETS = "https://app.mural.co/api/public/v1/murals/{board}/widgets"
MURAL_TAGS = "https://app.mural.co/api/public/v1/murals/{board}/tags"
_MIRO_PAGE_SIZE = 50  # the API's maximum
_MURAL_PAGE_SIZE = 100
# Board links as the browser shows them; the id is what the API wants.
_MIRO_LINK = re.compile(r"miro\.com/app/board/([^/?#]+)")
_MURAL_LINK = re.compile(r"mural\.co/t/[^/]+/m/([^/]+)/(\d+)")
_ID = re.compile(r"[A-Za-z0-9=_.\-]{1,120}")


class Response(Protocol):
    status: int

    def read(self, amount: int = -1) -> bytes: ...
    def __enter__(self) -> Response: ...
    def __exit__(self, *args: object) -> None: ...


Opener = Callable[..., Response]


def board_id_from(source: str, link_or_id: str) -> str:
    """The board id of a board link as the browser shows it, or the id itself."""
    text = link_or_id.strip()
    if source == "miro":
        match = _MIRO_LINK.search(text)
        board = urllib.parse.unquote(match.group(1)) if match else text
    else:
        match = _MURAL_LINK.search(text)
        board = f"{match.group(1)}.{match.group(2)}" if match else text
    if not _ID.fullmatch(board):
        example = (
            "https://miro.com/app/board/uXjVO1a2b3c=/"
            if source == "miro"
            else "https://app.mural.co/t/acme/m/acme/1712345678/…"
        )
        raise BoardFileError(
            [
                _("that is no %(tool)s board link or id; e.g. %(example)s")
                % {"tool": source.title(), "example": example}
            ]
        )
    return board


def fetch_board(
    source: str,
    link_or_id: str,
    token: str,
    *,
    opener: Opener = urllib.request.urlopen,
) -> list[dict]:
    """Every page of a board's items (Miro) or widgets (Mural), following the cursor or
    ``next`` until the API says there is no more; raises BoardFileError saying what went
    wrong (a refused token, an unknown board, a limit)."""
    if source not in ("miro", "mural"):
        raise BoardFileError(
            [_("unknown source %(source)s: miro or mural") % {"source": repr(source)}]
        )
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_CHARS or any(c.isspace() for c in token):
        raise BoardFileError([_("the access token is missing or malformed")])
    board = board_id_from(source, link_or_id)
    template, size, key = (
        (MIRO_ITEMS, _MIRO_PAGE_SIZE, "cursor")
        if source == "miro"
        else (MURAL_WIDGETS, _MURAL_PAGE_SIZE, "next")
    )
    base = template.format(board=urllib.parse.quote(board, safe=""))
    pages: list[dict] = []
    budget = MAX_REMOTE_BYTES
    pointer = ""
    deadline = time.monotonic() + REMOTE_TOTAL_SECONDS
    while True:
        if time.monotonic() > deadline:
            raise BoardFileError(
                [
                    ngettext(
                        "reading the board took more than %(seconds)s s (%(pages)s page); "
                        "save it as a file and upload that instead",
                        "reading the board took more than %(seconds)s s (%(pages)s pages); "
                        "save it as a file and upload that instead",
                        len(pages),
                    )
                    % {"seconds": REMOTE_TOTAL_SECONDS, "pages": len(pages)}
                ]
            )
        if len(pages) == MAX_REMOTE_PAGES:
            raise BoardFileError(
                [
                    _("the board has more than %(limit)s pages of items; that is too large")
                    % {"limit": MAX_REMOTE_PAGES}
                ]
            )
        query = {"limit": str(size), **({key: pointer} if pointer else {})}
        page, used = _get(f"{base}?{urllib.parse.urlencode(query)}", token, budget, opener, board)
        budget -= used
        pages.append(page)
        pointer = _pointer(page, key)
        if not pointer:
            break
    # Lists the items name by id: tags carry votes ("3 votes"); Miro names an item's
    # author by user id only, the board's members by name. Both are optional: a token
    # that may not read them still imports the notes, without those votes or authors.
    quoted_board = urllib.parse.quote(board, safe="")
    if source == "miro":
        extras = ((MIRO_TAGS, "data", "tags"), (MIRO_MEMBERS, "data", "members"))
    else:
        extras = ((MURAL_TAGS, "value", "tags"),)
    for template_url, listed_key, as_key in extras:
        try:
            answer, used = _get(
                template_url.format(board=quoted_board), token, budget, opener, board
            )
        except BoardFileError:
            continue
        budget -= used
        listed = answer.get(listed_key)
        if isinstance(listed, list):
            pages.append({listed_key: [], as_key: listed})
    return pages


def _pointer(page: dict, key: str) -> str:
    value = page.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return ""


def _get(url: str, token: str, budget: int, opener: Opener, board: str) -> tuple[dict, int]:
    request = urllib.request.Request(  # noqa: S310 - fixed https hosts (module docstring)
        url,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    host = urllib.parse.urlsplit(url).hostname
    try:
        with opener(request, timeout=REMOTE_TIMEOUT_SECONDS) as response:
            body = response.read(budget + 1)
    except urllib.error.HTTPError as error:
        raise BoardFileError([_http_problem(error.code, host, board)]) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise BoardFileError(
            [
                _("%(host)s could not be reached (%(reason)s); try again")
                % {"host": host, "reason": reason}
            ]
        ) from None
    if len(body) > budget:
        raise BoardFileError(
            [
                _("the board's items weigh more than %(limit)s MB")
                % {"limit": MAX_REMOTE_BYTES // 1024 // 1024}
            ]
        )
    try:
        page = json.loads(body)
    except (ValueError, RecursionError):
        raise BoardFileError(
            [_("%(host)s answered with something that is not JSON") % {"host": host}]
        ) from None
    if not isinstance(page, dict):
        raise BoardFileError([_("%(host)s answered with an unexpected shape") % {"host": host}])
    return page, len(body)


def _http_problem(code: int, host: str | None, board: str) -> str:
    if code in (401, 403):
        return _(
            "%(host)s refused the access token (%(code)s): check that it is current and may "
            "read boards (Miro: boards:read; Mural: murals:read)"
        ) % {"host": host, "code": code}
    if code == 404:
        return _("%(host)s knows no board %(board)s, or the token may not open it (404)") % {
            "host": host,
            "board": repr(board),
        }
    if code == 429:
        return _("%(host)s asks to slow down (429, rate limit); try again in a minute") % {
            "host": host
        }
    return _("%(host)s answered %(code)s; try again later") % {"host": host, "code": code}
