"""Gapmap in German: every page, the catalogues, the language switch and preferences.

The page test walks every HTML route of the authorisation matrix (so a new page is
covered the day it ships) as its owner with a German browser, and fails on visible text
left in English: English function words ("the", "your", "with" …), which German text
never uses, and any of the interface's own English phrases (the catalogue's messages).
What people typed (workspace, persona and map names, notes, commentary, e-mail
addresses) is English in the fixture world and is taken out first.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone, translation

from accounts.middleware import PreferencesMiddleware
from accounts.models import Preferences
from accounts.services import preferences as preferences_service
from tests.security.conftest import committed_world, fresh
from tests.security.test_authz_matrix import AUTHZ, PUBLIC, _url, routes

pytestmark = pytest.mark.django_db

PROJECT = Path(settings.BASE_DIR)
LOCALE = PROJECT / "locale"
# Debian's gettext, installed by the Makefile where missing.
MSGFMT = shutil.which("msgfmt") or "/usr/bin/msgfmt"
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}

# Words of English sentences that German never uses. ("was", "will", "an", "in", "so",
# "also", "die" are German words too, so they are not here.)
ENGLISH_WORDS = frozenset(
    (
        "the",
        "and",
        "your",
        "you",
        "with",
        "this",
        "that",
        "not",
        "for",
        "are",
        "is",
        "were",
        "from",
        "has",
        "have",
        "had",
        "what",
        "where",
        "which",
        "who",
        "how",
        "been",
        "yet",
        "of",
        "to",
        "by",
        "or",
        "it",
        "its",
        "there",
        "their",
        "they",
        "them",
        "these",
        "those",
        "than",
        "then",
        "when",
        "each",
        "every",
        "only",
        "more",
        "most",
        "some",
        "should",
        "would",
        "could",
        "can't",
        "don't",
        "isn't",
        "here",
        "please",
        "our",
        "we",
        "us",
    )
)

# Names and terms German uses as they are.
KEPT_AS_THEY_ARE = (
    "Gapmap",
    "Empathy Map",
    "Miro",
    "Mural",
    "Excel",
    "GitHub",
    "Isle of Man",  # time zones: Europe/Isle of Man, America/Port of Spain
    "Port of Spain",
)


class VisibleText(HTMLParser):
    """The text a person reads or hears: text outside scripts and styles, and the
    attributes shown or read out (title, alt, placeholder, aria-label)."""

    SHOWN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden_depth += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def typed_by_people(world) -> list[str]:
    """Everything in the world a person wrote, longest first (so a name inside a longer
    text is not cut out of it first)."""
    from comparison.models import NextAction, ReportCommentary
    from maps.models import EmpathyMap, Note, Persona, Workspace

    texts: set[str] = set()
    for model, fields in (
        (Workspace, ("name",)),
        (Persona, ("name", "description")),
        (EmpathyMap, ("title",)),
        (Note, ("text", "author")),
        (ReportCommentary, ("text",)),
        (NextAction, ("question", "hypothesis", "method", "owner")),
    ):
        concrete = [f for f in fields if f in {field.name for field in model._meta.fields}]
        for row in model.objects.values_list(*concrete):
            texts.update(value for value in row if isinstance(value, str) and value.strip())
    for user in world.users.values():
        texts.update({user.username, user.email})
    texts.add(world.invitation.email)
    return sorted((text for text in texts if text.strip()), key=len, reverse=True)


def english_phrases() -> list[str]:
    """The interface's own English phrases of two words or more whose German differs."""
    from django.utils.translation import trans_real

    phrases = []
    catalogue = trans_real.translation("de")._catalog
    for key, german in catalogue.items():
        english = key[1] if isinstance(key, tuple) else key
        if isinstance(key, tuple) and key[1] != 0:
            continue
        if not isinstance(english, str) or "\x04" in english:
            continue
        plain = re.sub(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>", "|", english)
        for fragment in plain.split("|"):
            fragment = fragment.strip(" .,:;!?()“”\"'…-")
            if len(fragment.split()) >= 2 and fragment not in german:
                phrases.append(fragment)
    return phrases


def english_left(text: str, typed: list[str]) -> list[str]:
    """The lines of `text` still in English (after what people typed and the names kept
    as they are are taken out), each with what gave it away."""
    for own in typed:
        text = text.replace(own, " ")
    for kept in KEPT_AS_THEY_ARE:
        text = text.replace(kept, " ")
    phrases = english_phrases()
    left = []
    for line in text.splitlines():
        words = sorted({w.lower() for w in re.findall(r"[A-Za-z']+", line)} & ENGLISH_WORDS)
        words += [phrase for phrase in phrases if phrase in line]
        if words:
            left.append(f"{line.strip()[:120]!r} ({', '.join(words[:4])})")
    return left


def _html_get_routes() -> list[tuple[str, bool]]:
    found = routes()
    pages = [
        (key, False)
        for key, route in AUTHZ.items()
        if not found[key].is_api and any(op.method == "get" for op in route.ops)
    ]
    public = [
        (key, True)
        for key in PUBLIC
        if not found[key].is_api and key not in {"logout", "favicon", "plotly-js", "set_language"}
    ]
    return sorted(pages + public)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    yield from committed_world(django_db_blocker)


@pytest.fixture
def world(module_world, db):
    return fresh(module_world)


@pytest.mark.parametrize(("key", "anonymous"), _html_get_routes())
def test_every_page_reads_german(world, key, anonymous):
    client = Client(**GERMAN)
    if not anonymous:
        client.force_login(world.users["owner"])
    url = _url(key, world) if key in AUTHZ else "/" + routes()[key].pattern.lstrip("^")

    response = client.get(url, follow=True)

    assert response.status_code in (200, 404), f"{url}: {response.status_code}"
    if "html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    assert '<html lang="de">' in html
    left = english_left(visible_text(html), typed_by_people(world))
    assert not left, f"{url} still shows English:\n" + "\n".join(left)


def test_the_error_pages_read_german(world):
    client = Client(**GERMAN)
    client.force_login(world.users["viewer"])

    missing = client.get("/workspaces/999999/")
    refused = client.post(f"/workspaces/{world.workspace.pk}/personas/new/", {"name": "X"})

    for response in (missing, refused):
        assert response.status_code in (403, 404)
        left = english_left(visible_text(response.content.decode()), typed_by_people(world))
        assert not left, "\n".join(left)


# --- the catalogues ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"

    checked = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )

    assert checked.returncode == 0, checked.stderr
    assert "untranslated" not in checked.stderr, checked.stderr
    assert "fuzzy" not in checked.stderr, checked.stderr


def test_every_marked_message_is_in_the_catalogues(tmp_path, monkeypatch):
    """makemessages run on a copy of the product adds nothing to a copy of the catalogues:
    no text is marked for translation but missing from locale/ (run `make messages` and
    translate it). A message planted in the copy proves the check sees what is missing.
    (On the project itself makemessages would write into the real locale/.)"""
    project = tmp_path / "project"
    for package in ("accounts", "comparison", "config", "maps", "templates"):
        shutil.copytree(
            PROJECT / package,
            project / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static"),
        )
    shutil.copytree(LOCALE, project / "locale", ignore=shutil.ignore_patterns("*.mo"))
    (project / "maps" / "planted.py").write_text(
        'from django.utils.translation import gettext\n\ngettext("A planted message")\n'
    )
    before = (LOCALE / "de" / "LC_MESSAGES" / "django.po").read_bytes()
    monkeypatch.chdir(project)

    with override_settings(LOCALE_PATHS=[project / "locale"]):
        call_command("makemessages", locale=["de"], verbosity=0)

    def msgids(path: Path) -> set[str]:
        """Each msgid whole, however its lines are wrapped."""
        entries = re.findall(r'^msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)', path.read_text(), re.M)
        return {"".join(re.findall(r'"((?:[^"\\]|\\.)*)"', entry)) for entry in entries} - {""}

    generated = msgids(project / "locale" / "de" / "LC_MESSAGES" / "django.po")
    kept = msgids(LOCALE / "de" / "LC_MESSAGES" / "django.po")
    assert generated - kept == {"A planted message"}
    assert (LOCALE / "de" / "LC_MESSAGES" / "django.po").read_bytes() == before


def test_plural_forms_read_right_in_german():
    with translation.override("de"):
        one = translation.ngettext("%(count)s note", "%(count)s notes", 1) % {"count": 1}
        three = translation.ngettext("%(count)s note", "%(count)s notes", 3) % {"count": 3}

    assert (one, three) == ("1 Notiz", "3 Notizen")


# --- choosing the language --------------------------------------------------------------------


def test_the_browser_language_is_the_default():
    german = Client(**GERMAN).get("/login/")
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").get("/login/")

    assert '<html lang="de">' in german.content.decode()
    assert '<html lang="en">' in english.content.decode()


def test_the_switch_remembers_the_choice_in_a_cookie_for_anyone():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    switched = client.post("/language/", {"language": "de"}, HTTP_REFERER="/login/")
    page = client.get("/login/")

    assert switched.status_code == 302
    assert switched["Location"] == "/login/"
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert '<html lang="de">' in page.content.decode()


def test_the_switch_refuses_an_unknown_language_and_an_outside_address(world):
    client = Client()
    client.force_login(world.users["owner"])

    answer = client.post(
        "/language/", {"language": "xx"}, HTTP_REFERER="https://evil.example/steal"
    )

    assert answer.status_code == 302
    assert answer["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies
    assert not Preferences.objects.filter(user=world.users["owner"]).exists()


def test_a_signed_in_persons_choice_follows_them_to_another_device(world):
    owner = world.users["owner"]
    laptop = Client(HTTP_ACCEPT_LANGUAGE="en")
    laptop.force_login(owner)
    laptop.post("/language/", {"language": "de"})

    phone = Client(HTTP_ACCEPT_LANGUAGE="en")  # no cookie: a new device
    phone.force_login(owner)
    page = phone.get("/")

    assert Preferences.objects.get(user=owner).language == "de"
    assert '<html lang="de">' in page.content.decode()


def test_preferences_page_sets_language_and_time_zone(world):
    owner = world.users["owner"]
    client = Client()
    client.force_login(owner)

    saved = client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})
    refused = client.post("/preferences/", {"language": "de", "time_zone": "Mars/Olympus"})

    assert saved.status_code == 302
    assert refused.status_code == 400
    preferences = Preferences.objects.get(user=owner)
    assert (preferences.language, preferences.time_zone) == ("de", "Europe/Berlin")


def test_each_request_runs_in_the_persons_time_zone_and_language(rf):
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["language"] = translation.get_language()
        return HttpResponse()

    request = rf.get("/")
    request.session = {
        preferences_service.SESSION_TIME_ZONE: "Asia/Tokyo",
        preferences_service.SESSION_LANGUAGE: "de",
    }
    PreferencesMiddleware(view)(request)

    assert seen == {"zone": "Asia/Tokyo", "language": "de"}
    noon_utc = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        assert timezone.localtime(noon_utc).hour == 21


def test_login_copies_the_preferences_into_the_session(world):
    owner = world.users["owner"]
    preferences_service.preferences_update(user=owner, language="de", time_zone="Europe/Berlin")
    client = Client()

    client.force_login(owner)

    assert client.session[preferences_service.SESSION_LANGUAGE] == "de"
    assert client.session[preferences_service.SESSION_TIME_ZONE] == "Europe/Berlin"


def test_every_page_of_a_signed_in_person_links_their_preferences(world):
    # The name at the top right links them too, but a phone's header has no room for it.
    client = Client(**GERMAN)
    client.force_login(world.users["viewer"])

    page = client.get("/").content.decode()

    assert 'href="/preferences/">Ihre Einstellungen</a>' in page
