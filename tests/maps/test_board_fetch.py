"""Reading a board straight from Miro's or Mural's API with the person's token: paging,
board links, errors and limits. Recorded answers only (built from the fixtures in
tests/data/boards); nothing here touches the network."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from maps.io import boards
from maps.io.boards import BoardFileError, fetch_board, parse_board, parse_board_pages, remote
from maps.views.board_imports import BOARD_SESSION_KEY

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "boards"
TOKEN = "eyJtaXJvLm9yaWdpbiI6ImV1MDEifQ_TEST"


class Recorded:
    """An opener answering from recorded pages, keyed by the cursor asked for; the tags
    list from ``tags`` (404 when there is none)."""

    def __init__(
        self, pages: dict[str, object], key: str, tags: object = None, members: object = None
    ) -> None:
        self.pages = pages
        self.key = key
        self.lists = {"tags": tags, "members": members}
        self.requests: list = []

    def __call__(self, request, timeout):
        self.requests.append(request)
        url = urllib.parse.urlsplit(request.full_url)
        listed = url.path.rsplit("/", 1)[-1]
        if listed in self.lists:
            answer = self.lists[listed] if self.lists[listed] is not None else _http(404)
        else:
            pointer = urllib.parse.parse_qs(url.query).get(self.key, [""])[0]
            answer = self.pages[pointer]
        if isinstance(answer, Exception):
            raise answer
        body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        return io.BytesIO(body)


def miro_recorded() -> Recorded:
    first, second = json.loads((FIXTURES / "miro_v2_pages.json").read_bytes())
    return Recorded({"": first, first["cursor"]: second}, "cursor")


def test_miro_pages_are_followed_by_cursor_with_the_token():
    opener = miro_recorded()

    pages = fetch_board(
        "miro", "https://miro.com/app/board/uXjVTEST=/?share_link_id=1", TOKEN, opener=opener
    )

    assert [request.full_url for request in opener.requests] == [
        "https://api.miro.com/v2/boards/uXjVTEST%3D/items?limit=50",
        "https://api.miro.com/v2/boards/uXjVTEST%3D/items?limit=50&cursor=MzQ1ODc2NDYwMDAwMDAwMTAz",
        "https://api.miro.com/v2/boards/uXjVTEST%3D/tags",  # 404 here: imported without
        "https://api.miro.com/v2/boards/uXjVTEST%3D/members?limit=100",  # 404 too
    ]
    assert {r.get_header("Authorization") for r in opener.requests} == {f"Bearer {TOKEN}"}
    assert parse_board_pages(pages) == parse_board((FIXTURES / "miro_v2_pages.json").read_bytes())


def test_miro_authors_are_named_from_the_board_members():
    first, second = json.loads((FIXTURES / "miro_v2_pages.json").read_bytes())
    members = {
        "data": [
            {"id": "3458764500000000001", "name": "Lena Kraus", "role": "owner"},
            {"id": "3458764500000000002", "name": "Omar", "role": "editor"},
        ],
        "total": 2,
    }
    opener = Recorded({"": first, first["cursor"]: second}, "cursor", members=members)

    preview = parse_board_pages(fetch_board("miro", "uXjVTEST=", TOKEN, opener=opener))

    assert {note.author for area in preview.areas for note in area.notes} == {"Lena Kraus"}


def test_mural_pages_are_followed_by_next():
    document = json.loads((FIXTURES / "mural_widgets_api.json").read_bytes())
    first = {"value": document["value"][:3], "next": "cGFnZTI="}
    second = {"value": document["value"][3:]}
    tags = {"value": document["tags"]}  # GET /murals/{id}/tags
    opener = Recorded({"": first, "cGFnZTI=": second}, "next", tags=tags)

    pages = fetch_board(
        "mural",
        "https://app.mural.co/t/acme/m/acme/1712345678/abc123?sender=u1",
        TOKEN,
        opener=opener,
    )

    assert opener.requests[0].full_url == (
        "https://app.mural.co/api/public/v1/murals/acme.1712345678/widgets?limit=100"
    )
    assert opener.requests[1].full_url.endswith("widgets?limit=100&next=cGFnZTI%3D")
    assert opener.requests[2].full_url == (
        "https://app.mural.co/api/public/v1/murals/acme.1712345678/tags"
    )
    preview = parse_board_pages(pages)
    assert preview.format == "mural"
    assert preview.note_count == 2
    # the tag "3 votes", named by id on the sticky, came with the tags list
    assert preview.areas[0].notes[0].votes == 3


@pytest.mark.parametrize(
    ("source", "link", "board"),
    [
        ("miro", "uXjVO1a2b3c=", "uXjVO1a2b3c="),
        ("miro", "https://miro.com/app/board/uXjVO1a2b3c=/", "uXjVO1a2b3c="),
        ("miro", "https://miro.com/app/board/uXjVO1a2b3c%3D/?moveToWidget=1", "uXjVO1a2b3c="),
        ("mural", "acme.1712345678", "acme.1712345678"),
        ("mural", "https://app.mural.co/t/acme/m/acme/1712345678/9f8e7d", "acme.1712345678"),
    ],
)
def test_board_links_give_the_board_id(source, link, board):
    assert remote.board_id_from(source, link) == board


@pytest.mark.parametrize(
    "link", ["../../users/me", "https://evil.example/app/board", "a b", "", "x" * 200]
)
def test_anything_but_a_board_id_is_refused_before_any_request(link):
    opener = Recorded({}, "cursor")
    with pytest.raises(BoardFileError) as caught:
        fetch_board("miro", link, TOKEN, opener=opener)
    assert "that is no Miro board link or id" in caught.value.problems[0]
    assert opener.requests == []


@pytest.mark.parametrize("token", ["", "   ", "two words", "x" * 2001])
def test_a_malformed_token_is_refused_before_any_request(token):
    opener = Recorded({}, "cursor")
    with pytest.raises(BoardFileError, match="access token is missing or malformed"):
        fetch_board("miro", "uXjVTEST=", token, opener=opener)
    assert opener.requests == []


def _http(code: int) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://api.miro.com/", code, "x", {}, None)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (_http(401), "api.miro.com refused the access token (401)"),
        (_http(403), "refused the access token (403)"),
        (_http(404), "api.miro.com knows no board 'uXjVTEST=', or the token may not open it"),
        (_http(429), "asks to slow down (429, rate limit)"),
        (_http(502), "api.miro.com answered 502; try again later"),
        (urllib.error.URLError("Name or service not known"), "could not be reached"),
        (TimeoutError("timed out"), "could not be reached (timed out)"),
        (b"<html>Bad gateway</html>", "answered with something that is not JSON"),
        (b"[1, 2]", "answered with an unexpected shape"),
    ],
)
def test_api_failures_are_said_plainly(answer, message):
    with pytest.raises(BoardFileError) as caught:
        fetch_board("miro", "uXjVTEST=", TOKEN, opener=Recorded({"": answer}, "cursor"))
    (problem,) = caught.value.problems
    assert message in problem
    assert TOKEN not in problem


def test_page_limit(monkeypatch):
    monkeypatch.setattr(remote, "MAX_REMOTE_PAGES", 3)

    class Endless:
        calls = 0

        def __call__(self, request, timeout):
            self.calls += 1
            return io.BytesIO(json.dumps({"data": [], "cursor": f"c{self.calls}"}).encode())

    opener = Endless()
    with pytest.raises(BoardFileError, match="more than 3 pages"):
        fetch_board("miro", "uXjVTEST=", TOKEN, opener=opener)
    assert opener.calls == 3


def test_time_limit(monkeypatch):
    clock = iter(range(0, 10_000, 25))  # each look at the clock: 25 s later
    monkeypatch.setattr(remote, "time", SimpleNamespace(monotonic=lambda: next(clock)))

    class Endless:
        def __call__(self, request, timeout):
            return io.BytesIO(json.dumps({"data": [], "cursor": "again"}).encode())

    with pytest.raises(BoardFileError, match=r"took more than 60 s \(2 pages\)"):
        fetch_board("miro", "uXjVTEST=", TOKEN, opener=Endless())


def test_byte_limit(monkeypatch):
    monkeypatch.setattr(remote, "MAX_REMOTE_BYTES", 1_000)
    big = {"data": [{"id": str(i), "type": "text"} for i in range(100)]}
    with pytest.raises(BoardFileError, match="weigh more than"):
        fetch_board("miro", "uXjVTEST=", TOKEN, opener=Recorded({"": big}, "cursor"))


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def fetch_on(settings):
    settings.GAPMAP_BOARD_FETCH = True


@pytest.fixture
def browser(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.mark.usefixtures("fetch_on")
def test_web_fetch_shows_the_preview_and_keeps_no_token(browser, internal_map, monkeypatch):
    opener = miro_recorded()
    monkeypatch.setattr(boards, "fetch_board", lambda *args: fetch_board(*args, opener=opener))

    response = browser.post(
        f"/maps/{internal_map.pk}/import-board/",
        {"source": "miro", "board": "https://miro.com/app/board/uXjVTEST=/", "access_token": TOKEN},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Check the mapping" in page
    assert "Miro board uXjVTEST=: a Miro board (Miro REST API v2 items)" in page
    assert TOKEN not in page
    assert TOKEN not in json.dumps(dict(browser.session.items()))
    assert BOARD_SESSION_KEY in browser.session
    assert internal_map.notes.count() == 2


@pytest.mark.usefixtures("fetch_on")
def test_web_fetch_failure_is_listed_and_stores_nothing(browser, internal_map, monkeypatch):
    opener = Recorded({"": _http(401)}, "cursor")
    monkeypatch.setattr(boards, "fetch_board", lambda *args: fetch_board(*args, opener=opener))

    response = browser.post(
        f"/maps/{internal_map.pk}/import-board/",
        {"source": "miro", "board": "uXjVTEST=", "access_token": TOKEN},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "refused the access token (401)" in page
    assert TOKEN not in page
    assert BOARD_SESSION_KEY not in browser.session


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("fetch_on")
def test_api_reads_the_board_with_a_token_and_imports_it(api, editor, internal_map, monkeypatch):
    opener = miro_recorded()
    monkeypatch.setattr(boards, "fetch_board", lambda *args: fetch_board(*args, opener=opener))

    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import-board/",
        {
            "source": "miro",
            "board": "uXjVTEST=",
            "access_token": TOKEN,
            "mapping": json.dumps({"Pains & Gains": "pains"}),
        },
        format="multipart",
    )

    assert response.status_code == 201
    assert response.json()["added"] == 3
    assert TOKEN not in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"source": "miro", "board": "uXjVTEST="},
        {"board": "uXjVTEST=", "access_token": TOKEN},
        {},
    ],
)
def test_api_needs_a_file_or_all_three_fields(api, editor, internal_map, fields):
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import-board/", fields, format="multipart"
    )
    assert response.status_code == 400
    assert "or `source`, `board` and `access_token`" in response.json()["non_field_errors"][0]


def test_switched_off_the_server_asks_nobody(browser, api, editor, internal_map, monkeypatch):
    def forbidden(*args):
        raise AssertionError("no request may be made")

    monkeypatch.setattr(boards, "fetch_board", forbidden)
    fields = {"source": "miro", "board": "uXjVTEST=", "access_token": TOKEN}

    page = browser.get(f"/maps/{internal_map.pk}/import-board/").content.decode()
    assert "Or read the board directly" not in page
    response = browser.post(f"/maps/{internal_map.pk}/import-board/", fields)
    assert response.status_code == 400
    assert "switched off on this server" in response.content.decode()
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import-board/", fields, format="multipart"
    )
    assert response.status_code == 400
    assert "switched off on this server" in response.json()["errors"][0]


@settings(max_examples=200, deadline=None)
@given(
    answers=st.lists(
        st.binary(max_size=200)
        | st.sampled_from(
            [
                b'{"data": [], "cursor": "next"}',
                b'{"data": [{"id": "1", "type": "sticky_note", "data": {"content": "x"}}]}',
                b'{"value": [], "next": 3}',
                b"null",
            ]
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_api_answer_ends_in_pages_or_a_board_error(answers):
    replies = iter(answers)

    def opener(request, timeout):
        return io.BytesIO(next(replies, b'{"data": []}'))

    try:
        pages = fetch_board("miro", "uXjVTEST=", TOKEN, opener=opener)
        found = len(parse_board_pages(pages).areas)
    except BoardFileError as error:
        found = len(error.problems)
    assert found
