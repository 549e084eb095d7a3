"""Production settings: secure cookies, HSTS, SSL redirect, a strict CSP, and a clean
`check --deploy`; and the security headers on every page and endpoint."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import Client, override_settings

from tests.security.test_authz_matrix import AUTHZ, _url, routes

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "gapmap.example.com",
}

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    name: getattr(settings, name) for name in [
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SECURE_CSP",
        "MIDDLEWARE",
    ]
}))
"""


def _production(*args: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GAPMAP_SECURE"))
    }
    env.update(PRODUCTION_ENV)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def production_settings() -> dict:
    result = _production("-c", "import django; django.setup()\n" + PROBE.strip())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_are_secure(production_settings):
    s = production_settings
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_HSTS_PRELOAD"] is True
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_REFERRER_POLICY"] in ("same-origin", "no-referrer", "strict-origin")
    assert s["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in s["MIDDLEWARE"]


def test_production_csp_allows_no_inline_script_and_no_other_origin(production_settings):
    csp = production_settings["SECURE_CSP"]
    for directive in ("default-src", "script-src", "style-src", "connect-src", "img-src"):
        sources = csp[directive]
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources
        assert not [s for s in sources if "://" in s or s in ("*", "https:", "http:")]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_deploy_check_is_clean_with_production_settings():
    result = _production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@override_settings(DEBUG=True)
def test_the_deploy_check_would_catch_debug():
    # Django's own pattern: proves the check that guards production actually runs.
    ids = {
        message.id
        for message in checks.run_checks(
            include_deployment_checks=True, tags=[checks.Tags.security]
        )
    }
    assert "security.W018" in ids


# --- headers on every response -----------------------------------------------------------


def _get_routes() -> list[str]:
    return [
        key
        for key, route in AUTHZ.items()
        if key in routes() and any(op.method == "get" for op in route.ops)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("key", _get_routes())
def test_security_headers_on_every_page(world, key):
    client = Client()
    client.force_login(world.users["owner"])

    response = client.get(_url(key, world), secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "http" not in script_src
