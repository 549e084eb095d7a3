"""The client's address comes from the trusted proxy only (RELIABILITY 29).

Without a proxy, a rotating `X-Forwarded-For` changes nothing: the token endpoint, the API
budget, the login lock-out and share links all key on the connection's address. Behind the
trusted proxy each client gets its own budget, so one attacker cannot lock everyone out,
and what a client wrote into the header left of the proxy's entry is ignored.
"""

from __future__ import annotations

import secrets

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config.proxies import client_address, trusted_networks
from tests.support.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
behind_proxy = override_settings(GAPMAP_TRUSTED_PROXIES=[PROXY])


def _token(client: APIClient, username: str, password: str, **extra):
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json", **extra
    )


def _spoofed(index: int) -> dict:
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{index % 250}, 203.0.113.{index % 250}"}


# --- the address rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("192.0.2.7", "198.51.100.1", "192.0.2.7"),  # no proxy: the header is ignored
        ("127.0.0.1", "", "127.0.0.1"),  # the proxy sent no header: the proxy itself
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # client-written part ignored
        ("127.0.0.1", "198.51.100.1, 10.0.0.2", "198.51.100.1"),  # an inner trusted hop
        ("127.0.0.1", "garbage, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, garbage", "127.0.0.1"),  # proxy's own entry unreadable
        ("127.0.0.1", " 2001:db8::1 ", "2001:db8::1"),
        ("127.0.0.1", "[2001:db8::2]", "2001:db8::2"),
    ],
)
def test_the_client_address_is_the_right_most_untrusted_hop(peer, header, expected):
    networks = trusted_networks(["127.0.0.1", "10.0.0.0/8"])

    assert client_address(peer, header, networks) == expected


def test_a_bad_trusted_proxy_setting_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="not-an-address"):
        trusted_networks(["not-an-address"])


# --- without a proxy: X-Forwarded-For changes nothing --------------------------------------------


def test_rotating_x_forwarded_for_does_not_escape_the_token_endpoint_throttle():
    UserFactory(username="alice")
    client = APIClient()
    answers = [
        _token(client, "alice", "wrong", **_spoofed(index)).status_code for index in range(40)
    ]

    assert 429 in answers
    assert _token(client, "alice", PASSWORD, **_spoofed(99)).status_code == 429


def test_the_token_endpoint_shares_the_login_lock_out(monkeypatch):
    # The endpoint's own rate is out of the way: the lock-out alone refuses the right password.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "1000/min"})
    UserFactory(username="alice")
    client = APIClient()
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES):
        assert _token(client, "alice", "wrong").status_code == 400

    locked = _token(client, "alice", PASSWORD)
    web = Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.json()["detail"]
    assert "token" not in locked.json()
    assert locked["Retry-After"] == str(settings.GAPMAP_LOGIN_WINDOW_SECONDS)
    assert web.status_code == 429  # failures on the API count for the web form too


def test_failed_web_logins_lock_the_token_endpoint_too():
    UserFactory(username="alice")
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES):
        Client().post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert _token(APIClient(), "alice", PASSWORD).status_code == 429


def test_a_right_password_on_the_api_resets_the_username_counter():
    UserFactory(username="alice")
    client = APIClient()
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES - 1):
        _token(client, "alice", "wrong")
    assert _token(client, "alice", PASSWORD).status_code == 200
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES - 1):
        assert _token(client, "alice", "wrong").status_code == 400
    assert _token(client, "alice", PASSWORD).status_code == 200


@pytest.mark.parametrize("body", [[1, 2], "text", None])
def test_a_token_request_that_is_not_an_object_is_a_400(body):
    answer = APIClient().post("/api/auth/token/", body, format="json")

    assert answer.status_code == 400


def test_rotating_x_forwarded_for_does_not_escape_the_anonymous_budget(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "5/min", "user": "1000/min"})
    client = APIClient()
    answers = [client.get("/api/schema/", **_spoofed(index)).status_code for index in range(8)]

    assert answers == [200] * 5 + [429] * 3


@override_settings(GAPMAP_SHARE_MAX_FAILURES=3)
def test_rotating_x_forwarded_for_does_not_escape_the_share_link_budget():
    client = Client()
    answers = [
        client.get(f"/s/{secrets.token_urlsafe(32)}/", **_spoofed(index)).status_code
        for index in range(5)
    ]

    assert answers == [404, 404, 404, 429, 429]


# --- behind the trusted proxy: one budget per real client ----------------------------------------


@behind_proxy
@override_settings(GAPMAP_LOGIN_MAX_FAILURES_PER_IP=10)
def test_behind_the_proxy_one_attacker_cannot_lock_everyone_out_of_the_login():
    UserFactory(username="alice")
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for index in range(12):
        Client().post(reverse("login"), {"username": f"nobody{index}", "password": "x"}, **attacker)

    locked = Client().post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, **attacker
    )
    other = Client().post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )

    assert locked.status_code == 429
    assert other.status_code == 302


@behind_proxy
@override_settings(GAPMAP_SHARE_MAX_FAILURES=3)
def test_behind_the_proxy_one_client_cannot_use_up_everyone_s_share_lookups():
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for _ in range(4):
        Client().get(f"/s/{secrets.token_urlsafe(32)}/", **attacker)

    assert Client().get(f"/s/{secrets.token_urlsafe(32)}/", **attacker).status_code == 429
    other = Client().get(
        f"/s/{secrets.token_urlsafe(32)}/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert other.status_code == 404


@behind_proxy
def test_behind_the_proxy_a_client_written_hop_does_not_escape_the_token_throttle():
    UserFactory(username="alice")
    client = APIClient()
    answers = [
        _token(
            client,
            "alice",
            "wrong",
            REMOTE_ADDR=PROXY,
            # The client writes the first address; the proxy appends the one it saw.
            HTTP_X_FORWARDED_FOR=f"198.51.100.{index}, 203.0.113.66",
        ).status_code
        for index in range(40)
    ]

    assert 429 in answers
    other = _token(
        client, "alice", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert other.status_code == 200
