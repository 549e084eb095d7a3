"""The pages, forms and mails of maps and accounts in German: segment names, plural
forms, dates in the German order (shown and typed), and an invitation mail written in
the inviter's language although the worker sends it outside any request."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import services, tasks
from maps.forms import MapForm
from tests.support.factories import EmpathyMapFactory, NoteFactory, PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """LocaleMiddleware leaves a German request's language active in this thread; the
    tests after these run in English, as the service calls outside requests expect."""
    yield
    translation.activate("en")


def german(user) -> Client:
    client = Client(headers={"accept-language": "de"})
    client.force_login(user)
    return client


@pytest.fixture
def customer_map(owner, workspace):
    persona = PersonaFactory(workspace=workspace, name="Lukas, Lagerleiter")
    empathy_map = EmpathyMapFactory(
        persona=persona,
        perspective="customer",
        title="Kundenworkshop Köln",
        held_on=datetime.date(2026, 3, 5),
    )
    NoteFactory(empathy_map=empathy_map, segment="sees", text="Volle Regale")
    for text in ("Zu wenig Personal", "Scanner fallen aus", "Lange Wege"):
        NoteFactory(empathy_map=empathy_map, segment="pains", text=text)
    return empathy_map


def test_the_board_speaks_german(owner, customer_map):
    page = german(owner).get(reverse("map-board", kwargs={"pk": customer_map.pk}))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="de">' in html
    for german_text in ("Sieht", "Schmerzen", "Denkt &amp; Fühlt", "Noch keine Notizen."):
        assert german_text in html
    assert "5. März 2026" in html  # the workshop date, the German way
    assert "Hypothesen versiegeln" not in html  # a customer map is not sealed
    assert "CSV exportieren" in html
    assert "Zum Inhalt springen" in html
    # plural forms: one note in Sieht, three in Schmerzen
    assert '1<span class="visually-hidden"> Notiz</span>' in html
    assert '3<span class="visually-hidden"> Notizen</span>' in html


def test_the_workspace_page_counts_in_german(owner, customer_map):
    page = german(owner).get(
        reverse("workspace-detail", kwargs={"pk": customer_map.persona.workspace_id})
    )

    html = page.content.decode()
    assert "Ihre Rolle:" in html
    assert "Inhaber" in html
    assert "1 Persona" in html
    assert "5. März 2026 · 4 Notizen · Runde 1" in html
    assert "Neues Kartenpaar" in html


def test_the_members_page_in_german(owner, workspace):
    page = german(owner).get(reverse("workspace-members", kwargs={"pk": workspace.pk}))

    html = page.content.decode()
    assert "3 Mitglieder" in html
    assert "Jemanden einladen" in html
    assert ">Bearbeiter<" in html
    assert ">Betrachter<" in html
    assert "Einladung senden" in html


def test_a_german_invitation_mail_from_a_german_inviter(
    owner, workspace, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = german(owner).post(
            reverse("member-invite", kwargs={"pk": workspace.pk}),
            {"email": "ada@example.com", "role": "editor"},
        )
    assert response.status_code == 302

    (args,) = queued
    assert args[-1] == "de"  # the inviter's language travels with the task
    # The worker has no request: English is active where it runs.
    with translation.override("en"):
        tasks.invitation_send_task.apply(args=args)

    (message,) = mail.outbox
    assert message.subject == "owner hat Sie zu „Acme“ auf Gapmap eingeladen"
    assert (
        "hat Sie als Bearbeiter in den Arbeitsbereich „Acme“ auf Gapmap eingeladen." in message.body
    )
    assert "7 Tage lang" in message.body
    html, _type = message.alternatives[0]
    assert '<html lang="de">' in html
    assert "Öffnen Sie die Einladung" in html


def test_an_english_inviter_writes_english(
    owner, workspace, queued, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("member-invite", kwargs={"pk": workspace.pk}),
            {"email": "ada@example.com", "role": "viewer"},
        )

    (args,) = queued
    assert args[-1] == "en"
    with translation.override("de"):  # whatever the worker's language, the mail is English
        tasks.invitation_send_task.apply(args=args)

    (message,) = mail.outbox
    assert message.subject == "owner invited you to “Acme” on Gapmap"
    assert "on Gapmap as viewer." in message.body


def test_the_password_reset_mail_is_german_when_asked_in_german(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    owner.email = "owner@example.com"
    owner.save()
    monkeypatch.setattr(
        tasks.mail_send_task, "delay", lambda **kwargs: tasks.mail_send_task.apply(kwargs=kwargs)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = Client(headers={"accept-language": "de"}).post(
            reverse("password_reset"), {"email": "owner@example.com"}
        )
    assert response.status_code == 302

    (message,) = mail.outbox
    assert message.subject == "Ihr Gapmap-Passwort zurücksetzen"
    assert "Guten Tag owner," in message.body


@pytest.mark.parametrize(
    ("language", "shown", "placeholder"),
    [("de", "05.03.2026", "TT.MM.JJJJ"), ("en", "2026-03-05", "YYYY-MM-DD")],
)
def test_the_workshop_date_is_shown_in_the_locales_order(language, shown, placeholder):
    with translation.override(language):
        field = str(MapForm(initial={"held_on": datetime.date(2026, 3, 5)})["held_on"])

    assert 'type="text"' in field
    assert f'value="{shown}"' in field
    assert f'placeholder="{placeholder}"' in field


@pytest.mark.parametrize(
    ("language", "typed"),
    [("de", "05.03.2026"), ("de", "2026-03-05"), ("en", "2026-03-05")],
)
def test_the_workshop_date_is_read_in_the_locales_order_and_as_iso(language, typed):
    data = {"perspective": "customer", "title": "Workshop", "held_on": typed}
    with translation.override(language):
        form = MapForm(data)
        assert form.is_valid(), form.errors

    assert form.cleaned_data["held_on"] == datetime.date(2026, 3, 5)


def test_a_german_date_saves_through_the_map_form(owner, customer_map):
    response = german(owner).post(
        reverse("map-edit", kwargs={"pk": customer_map.pk}),
        {"perspective": "customer", "title": "Kundenworkshop Köln", "held_on": "24.12.2026"},
    )

    assert response.status_code == 302
    customer_map.refresh_from_db()
    assert customer_map.held_on == datetime.date(2026, 12, 24)
    page = german(owner).get(reverse("map-edit", kwargs={"pk": customer_map.pk}))
    assert 'value="24.12.2026"' in page.content.decode()


def test_a_form_error_is_german(owner, customer_map):
    response = german(owner).post(
        reverse("map-edit", kwargs={"pk": customer_map.pk}),
        {"perspective": "customer", "title": "", "held_on": "31.02.2026"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in html  # Django's own German
    assert "Bitte ein gültiges Datum eingeben." in html


def test_the_invitation_page_in_german(owner, workspace):
    _invitation, token = services.invitation_create(
        user=owner,
        workspace=workspace,
        email="ada@example.com",
        role="editor",
        base_url="http://testserver/",
    )
    client = Client(headers={"accept-language": "de"})
    client.get(f"/invitations/{token}/")

    html = client.get("/invitations/accept/").content.decode()

    assert "„Acme“ beitreten" in html
    assert "als <strong>Bearbeiter</strong> in den Arbeitsbereich <strong>Acme</strong>" in html
    assert "Konto anlegen und beitreten" in html
    assert "Die Einladung gilt bis zum " in html


def test_the_error_pages_read_german(owner):
    client = german(owner)

    missing = client.get("/workspaces/999999/")

    assert missing.status_code == 404
    assert "Nicht gefunden" in missing.content.decode()
