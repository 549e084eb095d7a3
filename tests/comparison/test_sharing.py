"""Share links: services, the management page, the anonymous shared page and the API."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import secrets
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from comparison import sharing
from comparison.models import Report, ShareLink
from tests.support.builders import build_comparison
from tests.support.factories import PersonaFactory

pytestmark = pytest.mark.django_db

SCRIPT_NOTE = "<script>alert(1)</script>"
IMG_NOTE = "<img src=x onerror=alert(2)>"
PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}
SHARED_URL = "/shared/"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def report(owner, editor, persona) -> Report:
    return build_comparison(
        owner,
        persona,
        internal=[("pains", "Too many tools that don't talk"), ("sees", SCRIPT_NOTE)],
        customer=[("pains", "Too many tools that do not talk"), ("hears", IMG_NOTE)],
        compared_by=editor,
    )


@pytest.fixture
def other_report(outsider, other_workspace) -> Report:
    persona = PersonaFactory(workspace=other_workspace, name="Bob, buyer")
    return build_comparison(
        outsider,
        persona,
        internal=[("pains", "Slow invoices")],
        customer=[("pains", "Invoices slow")],
    )


@pytest.fixture
def link_and_token(editor, report) -> tuple[ShareLink, str]:
    return sharing.share_link_create(user=editor, report=report, expires_in_days=14)


@pytest.fixture
def visitor() -> Client:
    return Client()


def _open(client: Client, token: str, **extra):
    return client.get(reverse("share-open", kwargs={"token": token}), **extra)


def _assert_private(response) -> None:
    for header, value in PRIVATE_HEADERS.items():
        assert response[header] == value, f"{header} on {response.status_code}"


def _db_text() -> str:
    """Every value of every row of every table (sessions included), as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


# --- services -------------------------------------------------------------------------------


def test_create_returns_a_256_bit_token_and_stores_only_its_hash(editor, report):
    link, token = sharing.share_link_create(user=editor, report=report, expires_in_days=7)

    assert len(token) >= 43  # token_urlsafe(32): 32 bytes, 256 bits
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in _db_text()
    assert sharing.shared_report_for_token(token) == report
    assert link.created_by == editor
    expected = timezone.now() + datetime.timedelta(days=7)
    assert abs((link.expires_at - expected).total_seconds()) < 60


@pytest.mark.parametrize("days", [0, 91, -1, True, "7"])
def test_expiry_outside_one_to_ninety_days_is_refused_and_nothing_is_created(editor, report, days):
    with pytest.raises(ValidationError) as error:
        sharing.share_link_create(user=editor, report=report, expires_in_days=days)

    assert "expires_in_days" in error.value.message_dict
    assert not ShareLink.objects.exists()


def test_expiry_message_names_the_range(editor, report):
    with pytest.raises(ValidationError) as error:
        sharing.share_link_create(user=editor, report=report, expires_in_days=91)
    assert error.value.message_dict["expires_in_days"] == [
        "A share link expires after 1 to 90 days; 91 is outside that range."
    ]


@pytest.mark.parametrize("days", [1, 90])
def test_expiry_bounds_are_accepted(editor, report, days):
    link, _ = sharing.share_link_create(user=editor, report=report, expires_in_days=days)
    assert link.pk


def test_viewers_and_outsiders_cannot_create_or_revoke(viewer, outsider, editor, report):
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            sharing.share_link_create(user=user, report=report, expires_in_days=7)
    assert not ShareLink.objects.exists()
    link, _ = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    with pytest.raises(PermissionDenied):
        sharing.share_link_revoke(user=viewer, link=link)
    link.refresh_from_db()
    assert link.revoked_at is None


def test_only_a_finished_report_can_be_shared(editor, report):
    Report.objects.filter(pk=report.pk).update(status="failed")
    report.refresh_from_db()

    with pytest.raises(ValidationError, match="Only a finished report can be shared"):
        sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    assert not ShareLink.objects.exists()


def test_revoke_is_idempotent(editor, link_and_token):
    link, _ = link_and_token
    first = sharing.share_link_revoke(user=editor, link=link).revoked_at
    second = sharing.share_link_revoke(user=editor, link=link).revoked_at
    assert first is not None
    assert second == first


def test_share_links_for_is_scoped_to_the_users_workspaces(
    editor, outsider, link_and_token, other_report
):
    other_link, _ = sharing.share_link_create(user=outsider, report=other_report, expires_in_days=7)
    assert list(sharing.share_links_for(editor)) == [link_and_token[0]]
    assert list(sharing.share_links_for(outsider)) == [other_link]


def test_record_view_counts_atomically(link_and_token):
    link, _ = link_and_token
    sharing.share_link_record_view(link)
    sharing.share_link_record_view(link)
    link.refresh_from_db()
    assert link.view_count == 2
    assert link.last_viewed_at is not None


# --- the anonymous side: lifecycle ----------------------------------------------------------


def test_lifecycle_open_redirects_to_a_token_free_page_that_shows_the_report(
    visitor, link_and_token
):
    link, token = link_and_token

    # when
    opened = _open(visitor, token)

    # then: the token moved into the session, the next URL does not carry it
    assert opened.status_code == 302
    assert opened["Location"] == SHARED_URL
    assert token not in opened["Location"]
    _assert_private(opened)
    assert visitor.session["shared_link_id"] == link.pk
    assert token not in _db_text()  # not in the session row either

    page = visitor.get(opened["Location"])
    assert page.status_code == 200
    _assert_private(page)
    html = page.content.decode()
    assert "Too many tools that do not talk" in html
    assert "Too many tools that don&#x27;t talk" in html
    assert token not in html
    link.refresh_from_db()
    assert link.view_count == 1
    assert link.last_viewed_at is not None

    visitor.get(SHARED_URL)
    link.refresh_from_db()
    assert link.view_count == 2


def _bad_cases(editor, report, visitor) -> dict[str, object]:
    """One response per bad case, each from a fresh situation."""
    responses = {}
    # forged: a well-formed token nobody issued; unknown: a real token with one change
    responses["forged"] = _open(visitor, secrets.token_urlsafe(32))
    _, token = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    responses["unknown"] = _open(visitor, altered)
    responses["garbage"] = _open(visitor, "x")
    responses["too long"] = _open(visitor, "a" * 500)

    expired, expired_token = sharing.share_link_create(
        user=editor, report=report, expires_in_days=7
    )
    ShareLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    responses["expired"] = _open(visitor, expired_token)

    revoked, revoked_token = sharing.share_link_create(
        user=editor, report=report, expires_in_days=7
    )
    sharing.share_link_revoke(user=editor, link=revoked)
    responses["revoked"] = _open(visitor, revoked_token)
    responses["no link in the session"] = Client().get(SHARED_URL)
    return responses


def test_every_bad_case_answers_the_same_404_with_private_headers(editor, report, visitor):
    responses = _bad_cases(editor, report, visitor)

    bodies = {name: response.content for name, response in responses.items()}
    for name, response in responses.items():
        assert response.status_code == 404, name
        _assert_private(response)
    assert len(set(bodies.values())) == 1, "the 404 body differs between bad cases"
    assert b"This link does not open a report" in bodies["forged"]
    # Nothing of the site behind it: no login link, no navigation.
    assert reverse("login").encode() not in bodies["forged"]
    assert ShareLink.objects.filter(view_count__gt=0).count() == 0


def test_revoking_closes_the_page_for_a_visitor_who_already_opened_it(
    editor, visitor, link_and_token
):
    link, token = link_and_token
    _open(visitor, token)
    first = visitor.get(SHARED_URL)
    assert first.status_code == 200
    not_found = Client().get(SHARED_URL).content

    sharing.share_link_revoke(user=editor, link=link)
    again = visitor.get(SHARED_URL)

    assert again.status_code == 404
    assert again.content == not_found
    _assert_private(again)
    assert _open(visitor, token).status_code == 404
    link.refresh_from_db()
    assert link.view_count == 1


def test_expiry_closes_the_page_for_a_visitor_who_already_opened_it(visitor, link_and_token):
    link, token = link_and_token
    _open(visitor, token)
    assert visitor.get(SHARED_URL).status_code == 200

    ShareLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert visitor.get(SHARED_URL).status_code == 404
    assert _open(visitor, token).status_code == 404


def test_a_report_that_is_no_longer_finished_is_not_shown(visitor, report, link_and_token):
    _, token = link_and_token
    Report.objects.filter(pk=report.pk).update(status="failed")
    assert _open(visitor, token).status_code == 404


def test_the_token_reads_only_its_report(visitor, report, link_and_token, other_report):
    _, token = link_and_token
    _open(visitor, token)

    # Other pages still need a login: the session holds a link id, not a user.
    for url in (
        reverse("report-page", kwargs={"pk": report.pk}),
        reverse("report-page", kwargs={"pk": other_report.pk}),
        reverse("dashboard", kwargs={"pk": report.pair.internal_map.persona.workspace_id}),
        reverse("report-share", kwargs={"pk": report.pk}),
    ):
        response = visitor.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))
    assert visitor.get(reverse("api-report-share-links", kwargs={"pk": report.pk})).status_code in (
        401,
        403,
    )
    assert "Invoices slow" not in visitor.get(SHARED_URL).content.decode()


def test_other_methods_answer_405_with_private_headers(visitor, link_and_token):
    _, token = link_and_token
    response = visitor.post(reverse("share-open", kwargs={"token": token}))
    assert response.status_code == 405
    _assert_private(response)
    assert visitor.post(SHARED_URL).status_code == 405


# --- the shared page's content ---------------------------------------------------------------


class _Resources(HTMLParser):
    """Collects every URL-carrying attribute and the tags seen."""

    URL_ATTRS = {"src", "href", "action", "srcset", "poster", "data", "formaction"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.urls.extend(value or "" for name, value in attrs if name in self.URL_ATTRS)


def test_shared_page_escapes_notes(visitor, link_and_token):
    _, token = link_and_token
    _open(visitor, token)
    html = visitor.get(SHARED_URL).content.decode()

    assert SCRIPT_NOTE not in html
    assert IMG_NOTE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_shared_page_loads_nothing_from_other_origins_and_has_no_forms(visitor, link_and_token):
    _, token = link_and_token
    _open(visitor, token)
    parser = _Resources()
    parser.feed(visitor.get(SHARED_URL).content.decode())

    assert parser.urls, "the parser found no URLs at all (stylesheet expected)"
    off_origin = [
        url for url in parser.urls if url.strip().lower().startswith(("http:", "https:", "//"))
    ]
    assert off_origin == []
    assert "form" not in parser.tags
    assert not any(url.startswith(reverse("login")) for url in parser.urls)


def test_shared_page_query_count_is_bounded_and_independent_of_report_size(
    owner, editor, persona, django_assert_max_num_queries
):
    small = build_comparison(
        owner,
        persona,
        internal=[("pains", "One pain")],
        customer=[("pains", "One pain here")],
        compared_by=editor,
    )
    many = [
        (segment, f"Note {n} about {segment}")
        for n in range(8)
        for segment in ("pains", "gains", "sees")
    ]
    large = build_comparison(owner, persona, internal=many, customer=many, compared_by=editor)

    def queries_for(report: Report) -> int:
        _, token = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
        client = Client()
        _open(client, token)
        with django_assert_max_num_queries(12) as captured:
            assert client.get(SHARED_URL).status_code == 200
        return len(captured)

    assert queries_for(small) == queries_for(large)


# --- tokens never in logs --------------------------------------------------------------------


def test_tokens_never_reach_the_logs(editor, report, link_and_token, visitor, caplog):
    _, good_token = link_and_token
    caplog.set_level(logging.DEBUG)

    _open(visitor, good_token)
    visitor.get(SHARED_URL)
    visitor.post(reverse("share-open", kwargs={"token": good_token}))
    bad_tokens = [secrets.token_urlsafe(32) for _ in range(2)]
    for token in bad_tokens:
        _open(visitor, token)
    sharing.share_link_revoke(user=editor, link=link_and_token[0])
    _open(visitor, good_token)
    with override_settings(GAPMAP_SHARE_MAX_FAILURES=0):
        assert _open(visitor, good_token).status_code == 429

    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__.get('status_code')}"
        for record in caplog.records
    )
    for token in [good_token, *bad_tokens]:
        assert token not in logged
    # The refusals are still logged, with the token cut out.
    assert "Not Found: /s/[redacted]/" in logged
    assert "Too Many Requests: /s/[redacted]/" in logged


# --- rate limit -----------------------------------------------------------------------------


def test_rate_limit_defaults():
    from django.conf import settings

    assert settings.GAPMAP_SHARE_MAX_FAILURES == 30
    assert settings.GAPMAP_SHARE_WINDOW_SECONDS == 600


@override_settings(GAPMAP_SHARE_MAX_FAILURES=3)
def test_failed_lookups_are_limited_per_address(visitor, link_and_token):
    _, token = link_and_token
    for _ in range(3):
        assert _open(visitor, secrets.token_urlsafe(32)).status_code == 404

    limited = _open(visitor, secrets.token_urlsafe(32))

    assert limited.status_code == 429
    _assert_private(limited)
    assert limited["Retry-After"] == "600"
    assert b"Too many attempts" in limited.content
    assert b"Wait 10 minutes" in limited.content
    # Once limited, even the real token waits; another address does not.
    assert _open(visitor, token).status_code == 429
    assert _open(Client(), token, REMOTE_ADDR="10.0.0.9").status_code == 302


@override_settings(GAPMAP_SHARE_MAX_FAILURES=3)
def test_opening_a_valid_link_does_not_use_up_the_budget(link_and_token):
    _, token = link_and_token
    for _ in range(10):
        assert _open(Client(), token).status_code == 302


# --- management page --------------------------------------------------------------------------


def _page(report: Report) -> str:
    return reverse("report-share", kwargs={"pk": report.pk})


def test_editor_creates_a_link_and_sees_its_url_exactly_once(client, editor, report):
    client.force_login(editor)

    created = client.post(_page(report), {"expires_in_days": "30"})

    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    link = ShareLink.objects.get()
    html = created.content.decode()
    prefix = "http://testserver/s/"
    start = html.index(prefix)
    token = html[start + len(prefix) : html.index("/", start + len(prefix))]
    assert hashlib.sha256(token.encode()).hexdigest() == link.token_hash
    assert abs((link.expires_at - timezone.now()).days - 30) <= 1
    assert token not in _db_text()  # neither in the link nor in a session or message
    again = client.get(_page(report)).content.decode()
    assert token not in again
    assert "Active" in again


def test_a_resent_form_creates_no_second_link_and_says_so(client, editor, report):
    client.force_login(editor)
    page = client.get(_page(report)).content.decode()
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)

    first = client.post(_page(report), {"expires_in_days": "30", "request_key": key})
    # the browser sends the same form again (a reload of the answer page)
    again = client.post(_page(report), {"expires_in_days": "30", "request_key": key})

    assert ShareLink.objects.count() == 1
    assert "/s/" in first.content.decode()
    text = again.content.decode()
    assert "/s/" not in text
    assert "This form had been sent before" in text
    # and the page offers a fresh form, which does create another link
    fresh = re.search(r'name="request_key" value="([^"]+)"', text).group(1)
    assert fresh != key
    client.post(_page(report), {"expires_in_days": "30", "request_key": fresh})
    assert ShareLink.objects.count() == 2


@pytest.mark.parametrize("days", ["0", "91"])
def test_page_refuses_expiry_outside_the_range_with_a_message(client, editor, report, days):
    client.force_login(editor)

    response = client.post(_page(report), {"expires_in_days": days})

    assert response.status_code == 200
    assert "A share link expires after 1 to 90 days" in response.content.decode()
    assert "/s/" not in response.content.decode()
    assert not ShareLink.objects.exists()


def test_page_lists_links_with_status_views_and_revokes(client, editor, report):
    active, _ = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    expired, _ = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    revoked, _ = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    ShareLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    sharing.share_link_revoke(user=editor, link=revoked)
    ShareLink.objects.filter(pk=active.pk).update(view_count=5, last_viewed_at=timezone.now())
    client.force_login(editor)

    html = client.get(_page(report)).content.decode()

    assert html.count('class="share-active"') == 1
    assert html.count('class="share-expired"') == 1
    assert html.count('class="share-revoked"') == 1
    assert "<td>5</td>" in html
    assert html.count(">Revoke</button>") == 1

    response = client.post(reverse("share-link-revoke", kwargs={"pk": active.pk}))
    assert response.status_code == 302
    assert response["Location"] == _page(report)
    active.refresh_from_db()
    assert active.revoked_at is not None


def test_viewer_reads_the_page_but_cannot_create_or_revoke(client, viewer, editor, report):
    link, _ = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    client.force_login(viewer)

    page = client.get(_page(report))
    assert page.status_code == 200
    assert b'<form method="post" class="stack-form"' not in page.content
    assert b">Revoke</button>" not in page.content

    assert client.post(_page(report), {"expires_in_days": "7"}).status_code == 403
    assert client.post(reverse("share-link-revoke", kwargs={"pk": link.pk})).status_code == 403
    assert ShareLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_outsider_gets_404_on_the_page_and_the_revoke(client, outsider, editor, report):
    link, _ = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    client.force_login(outsider)

    assert client.get(_page(report)).status_code == 404
    assert client.post(_page(report), {"expires_in_days": "7"}).status_code == 404
    assert client.post(reverse("share-link-revoke", kwargs={"pk": link.pk})).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert ShareLink.objects.count() == 1


# --- API ------------------------------------------------------------------------------------


def _links_url(report: Report) -> str:
    return reverse("api-report-share-links", kwargs={"pk": report.pk})


def _link_url(link: ShareLink) -> str:
    return reverse("api-share-link-detail", kwargs={"pk": link.pk})


def test_api_create_answers_the_url_once_and_the_link_opens(api, editor, report):
    response = api(editor).post(_links_url(report), {"expires_in_days": 3}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "url", "expires_at"}
    assert body["url"].startswith("http://testserver/s/")
    link = ShareLink.objects.get(pk=body["id"])
    token = body["url"].removeprefix("http://testserver/s/").rstrip("/")
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in _db_text()
    assert _open(Client(), token).status_code == 302

    listed = api(editor).get(_links_url(report))
    assert listed.status_code == 200
    assert token not in listed.content.decode()
    assert link.token_hash not in listed.content.decode()
    (item,) = listed.json()["results"]
    assert set(item) == {
        "id",
        "status",
        "created_at",
        "expires_at",
        "revoked_at",
        "view_count",
        "last_viewed_at",
        "created_by",
    }
    assert item["status"] == "active"
    assert item["view_count"] == 0


@pytest.mark.parametrize("days", [0, 91])
def test_api_refuses_expiry_outside_the_range(api, editor, report, days):
    response = api(editor).post(_links_url(report), {"expires_in_days": days}, format="json")

    assert response.status_code == 400
    assert response.json()["expires_in_days"] == ["A share link expires after 1 to 90 days."]
    assert not ShareLink.objects.exists()


def test_api_refuses_sharing_an_unfinished_report(api, editor, report):
    Report.objects.filter(pk=report.pk).update(status="failed")
    response = api(editor).post(_links_url(report), {"expires_in_days": 7}, format="json")
    assert response.status_code == 400
    assert "Only a finished report can be shared" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_api_delete_revokes_and_the_link_stops_working(api, editor, link_and_token):
    link, token = link_and_token

    response = api(editor).delete(_link_url(link))

    assert response.status_code == 204
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert _open(Client(), token).status_code == 404
    assert api(editor).delete(_link_url(link)).status_code == 204  # idempotent


def test_api_roles(api, viewer, outsider, report, link_and_token):
    link, _ = link_and_token

    # viewers read, never write
    assert api(viewer).get(_links_url(report)).status_code == 200
    assert api(viewer).post(_links_url(report), {"expires_in_days": 7}).status_code == 403
    assert api(viewer).post(_links_url(report), {"expires_in_days": 0}).status_code == 403
    assert api(viewer).delete(_link_url(link)).status_code == 403
    # outsiders see nothing of workspace A
    assert api(outsider).get(_links_url(report)).status_code == 404
    assert api(outsider).post(_links_url(report), {"expires_in_days": 7}).status_code == 404
    assert api(outsider).delete(_link_url(link)).status_code == 404
    # anonymous callers are not let in
    assert api().get(_links_url(report)).status_code in (401, 403)
    assert api().post(_links_url(report), {"expires_in_days": 7}).status_code in (401, 403)
    assert ShareLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_api_another_workspaces_report_and_link_are_404(api, editor, outsider, other_report):
    other_link, _ = sharing.share_link_create(user=outsider, report=other_report, expires_in_days=7)

    assert api(editor).get(_links_url(other_report)).status_code == 404
    assert api(editor).post(_links_url(other_report), {"expires_in_days": 7}).status_code == 404
    assert api(editor).delete(_link_url(other_link)).status_code == 404
    other_link.refresh_from_db()
    assert other_link.revoked_at is None
    assert ShareLink.objects.count() == 1
