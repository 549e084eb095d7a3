"""/api/docs/ under the strict CSP: Swagger UI from this origin only (drf-spectacular-
sidecar), its start-up script a same-origin file, its inline style carrying the nonce."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.styles: list[dict] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        {"script": self.scripts, "style": self.styles, "link": self.links}.get(tag, []).append(
            dict(attrs)
        )


@pytest.fixture
def docs():
    response = Client().get("/api/docs/")
    assets = _Assets()
    assets.feed(response.content.decode())
    return response, assets


def test_docs_load_nothing_from_other_origins(docs):
    response, assets = docs
    html = response.content.decode()

    assert response.status_code == 200
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert assets.scripts, "Swagger UI's scripts are missing"
    for script in assets.scripts:
        assert script.get("src", "").startswith("/"), f"inline or foreign script: {script}"
    for link in assets.links:
        assert link["href"].startswith("/")


def test_docs_inline_style_carries_the_nonce_of_the_header(docs):
    response, assets = docs
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert [style.get("nonce") for style in assets.styles] == [nonce] * len(assets.styles)


def test_docs_scripts_are_shipped_with_the_app(docs):
    """Static files are served by whitenoise after collectstatic; here, found by the finders."""
    _response, assets = docs
    static = [s["src"] for s in assets.scripts if s["src"].startswith(settings.STATIC_URL)]
    assert len(static) == 2
    for src in static:
        assert finders.find(src.removeprefix(settings.STATIC_URL)), src
    start_up = Client().get(next(s["src"] for s in assets.scripts if "script=" in s["src"]))
    assert start_up.status_code == 200
    assert "javascript" in start_up["Content-Type"]


# The same page in a real browser: tests/e2e/test_api_docs_browser.py.
