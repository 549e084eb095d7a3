"""The importers', services' and API's messages in German: the client's Accept-Language (or
the active language) picks them, with German numbers and plural forms; the segment names
are the German ones. Tests elsewhere keep the English wording."""

import io
import json

import pytest
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from config.errors import server_error
from config.parsers import loads_bounded
from config.throttling import bad_request, login_locked_message
from maps import services
from maps.io import boards, map_files, messages
from maps.models import Segment
from maps.segment_labels import segment_label, segment_labels, segment_question
from maps.segments import SEGMENT_LABELS

pytestmark = pytest.mark.django_db

GERMAN = {"accept-language": "de"}


def _reasons(data: bytes, filename: str = "notes.csv") -> list[str]:
    with pytest.raises(map_files.MapFileError) as raised:
        map_files.parse_map_file(data, filename=filename)
    return [error.reason for error in raised.value.errors]


# --- segment names --------------------------------------------------------------------------


def test_segment_labels_and_questions_are_german_when_german_is_active():
    with translation.override("de"):
        assert segment_labels() == {
            "sees": "Sieht",
            "says_does": "Sagt & Tut",
            "hears": "Hört",
            "thinks_feels": "Denkt & Fühlt",
            "pains": "Schmerzen",
            "gains": "Gewinne",
        }
        assert str(Segment("says_does").label) == "Sagt & Tut"
        assert segment_question("sees").startswith("Was sieht der Kunde?")
    # the pure module keeps the English msgids, and English stays English
    assert SEGMENT_LABELS["thinks_feels"] == "Thinks & Feels"
    assert segment_label("pains") == "Pains"
    assert segment_label("no_such_key") == "no_such_key"


# --- map files ------------------------------------------------------------------------------


def test_map_file_row_errors_are_german_with_the_row_still_named():
    data = b"segment;text;votes\nsees;Prospekte;zwei\nweather;Etwas;1\n"

    with translation.override("de"):
        reasons = _reasons(data)

    assert reasons[0] == "die Stimmen müssen eine ganze Zahl ab 0 sein; gefunden wurde 'zwei'"
    assert reasons[1].startswith("unbekanntes Segment 'weather'; erlaubt: sees, says_does")
    # the same file in English, as everywhere else
    assert _reasons(data)[1].startswith("unknown segment 'weather'; accepted: sees")


def test_an_ambiguous_segment_names_the_german_segment_labels():
    data = b"segment,text\nPains and gains,Approval takes weeks\n"
    with translation.override("de"):
        (reason,) = _reasons(data)
    assert "könnte Schmerzen oder Gewinne meinen" in reason


def test_file_level_errors_are_german_with_german_numbers():
    rows = "".join(f"sees,Notiz {index}\n" for index in range(5_002))
    with translation.override("de"):
        (too_many,) = _reasons(rows.encode())
        (empty,) = _reasons(b"   \n")
        (board,) = _reasons(json.dumps({"data": [{"type": "sticky_note"}]}).encode(), "b.json")
    assert too_many == "die Datei hat 5.002 Notizen; eine Karte fasst höchstens 5.000"
    assert empty == "keine Notizen gefunden: Die Datei ist leer"
    assert "„Miro-/Mural-Board importieren“" in board


def test_notices_have_german_plural_forms():
    one = b"segment,text,priority\nsees,Prospekte,hoch\n"
    two = b"segment,text,priority,datum\nsees,Prospekte,hoch,heute\n"
    with translation.override("de"):
        (notice_one,) = map_files.read_map_file(one).notices
        (notice_two,) = map_files.read_map_file(two).notices
    assert notice_one.startswith("Spalte 'priority' ignoriert: kein Feld einer Notiz")
    assert notice_two.startswith("Spalten 'priority', 'datum' ignoriert: keine Felder")


def test_the_summary_of_a_map_file_error_is_german():
    with translation.override("de"):
        error = map_files.MapFileError([map_files.RowError(3, "text", "der Text ist leer")])
        assert str(error) == (
            "die Kartendatei kann nicht importiert werden: Zeile 3, text: der Text ist leer"
        )


# --- boards ---------------------------------------------------------------------------------


def _board(*stickies: dict) -> bytes:
    return json.dumps({"data": list(stickies)}).encode()


def test_board_errors_and_the_outside_area_are_german():
    sticky = {"id": "1", "type": "sticky_note", "data": {"content": "Zu viele Tools"}}
    with translation.override("de"):
        preview = boards.parse_board(_board(sticky))
        (area,) = preview.areas
        assert area.title == "(außerhalb aller Frames und Bereiche)"
        with pytest.raises(boards.BoardFileError) as raised:
            boards.assign_segments(preview, {})
        assert raised.value.problems == [
            "Bereich '(außerhalb aller Frames und Bereiche)' (1 Notiz) hat kein Segment: "
            'Ordnen Sie ihn sees, says_does, hears, thinks_feels, pains, gains oder "skip" zu'
        ]
        # a client that maps the pseudo-area by its English title is understood
        assert boards.assign_segments(preview, {boards.OUTSIDE_TITLE: "pains"})

        with pytest.raises(boards.BoardFileError) as raised:
            boards.parse_board(b"segment,text\nsees,x\n", filename="karte.csv")
        assert raised.value.problems == [
            "karte.csv: dies ist eine CSV-Datei, kein Board-Export: Verwenden Sie stattdessen "
            "„Import“ (Excel, CSV oder JSON) auf der Karte"
        ]


def test_a_board_file_holding_one_page_is_recognised_in_german_too():
    page = {
        "data": [{"id": "1", "type": "sticky_note", "data": {"content": "x"}}],
        "total": 80,
        "cursor": "next-page",
    }
    with translation.override("de"):
        # the map-file importer still tells a partial board from a map file
        (reason,) = _reasons(json.dumps(page).encode(), "board.json")
    assert reason.startswith("dies ist ein Miro- oder Mural-Board-Export, keine Kartendatei")


# --- the services ---------------------------------------------------------------------------


def test_a_sealed_map_says_so_in_german_with_a_german_month(owner, internal_map):
    services.note_create(user=owner, empathy_map=internal_map, segment="sees", text="Prospekte")
    services.map_seal(user=owner, empathy_map=internal_map)
    internal_map.refresh_from_db()
    with translation.override("de"), pytest.raises(ValidationError) as raised:
        services.note_create(user=owner, empathy_map=internal_map, segment="sees", text="Mehr")
    (message,) = raised.value.messages
    assert message.startswith(f"Die Karte „{internal_map.title}“ ist versiegelt (seit ")
    assert "von owner): Ihre Notizen und Angaben lassen sich nur lesen." in message


# --- the API --------------------------------------------------------------------------------


def test_the_import_api_answers_in_the_clients_language(api, owner, internal_map):
    client = api(owner)
    upload = io.BytesIO(b"segment,text\nweather,Etwas\n")
    upload.name = "notes.csv"

    answer = client.post(
        f"/api/maps/{internal_map.pk}/import/",
        {"file": upload},
        format="multipart",
        headers=GERMAN,
    )

    assert answer.status_code == 400
    body = answer.json()
    assert body["detail"] == "Die Datei wurde nicht importiert; es wurde nichts gespeichert."
    assert body["errors"][0]["row"] == 1
    assert body["errors"][0]["column"] == "segment"  # a key, not translated
    assert body["errors"][0]["reason"].startswith("unbekanntes Segment 'weather'")


def test_the_board_import_api_answers_in_german(api, owner, internal_map):
    client = api(owner)
    upload = io.BytesIO(b"{}")
    upload.name = "board.json"
    answer = client.post(
        f"/api/maps/{internal_map.pk}/import-board/",
        {"file": upload, "mapping": "[1, 2]"},
        format="multipart",
        headers=GERMAN,
    )
    assert answer.status_code == 400
    assert answer.json()["mapping"] == [
        "mapping muss ein JSON-Objekt sein, das Bereichstitel auf Segmente abbildet, "
        'z. B. {"Ideas": "gains"}.'
    ]


def test_too_deeply_nested_json_is_refused_in_german(api, owner):
    body = "[" * 40 + "]" * 40
    answer = api(owner).post(
        "/api/workspaces/", body, content_type="application/json", headers=GERMAN
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] == (
        "Das JSON ist zu tief verschachtelt: höchstens 32 Ebenen aus [ ] und { }."
    )
    with translation.override("de"), pytest.raises(ValueError, match="zu tief verschachtelt"):
        loads_bounded(body)


def test_a_service_validation_error_reaches_the_api_in_german(api, owner, internal_map):
    answer = api(owner).post(f"/api/maps/{internal_map.pk}/unseal/", headers=GERMAN)
    assert answer.status_code == 400
    assert answer.json() == {
        "non_field_errors": [f"Die Karte „{internal_map.title}“ ist nicht versiegelt."]
    }
    sealed = api(owner).post(f"/api/maps/{internal_map.pk}/seal/", headers=GERMAN)
    assert sealed.status_code == 200
    again = api(owner).post(f"/api/maps/{internal_map.pk}/seal/", headers=GERMAN)
    assert again.status_code == 409
    assert "ist versiegelt (seit " in again.json()["detail"]


# --- config: limits, lock-out, outage -------------------------------------------------------


def test_the_request_limits_lock_out_and_outage_messages_are_german(settings):
    request = RequestFactory().post("/api/maps/", headers=GERMAN)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    settings.GAPMAP_LOGIN_WINDOW_SECONDS = 60
    with translation.override("de"):
        too_big = json.loads(bad_request(request, RequestDataTooBig()).content)["detail"]
        locked = login_locked_message()
        try:
            raise OperationalError("database is down")
        except OperationalError:
            outage = server_error(request)
    assert too_big.startswith("Die Anfrage ist zu groß: Neben hochgeladenen Dateien sind ")
    assert "2.621.440 Bytes (2,5 MB)" in too_big
    assert locked.startswith("Zu viele fehlgeschlagene Anmeldungen. Warten Sie 1 Minute ")
    assert outage.status_code == 503
    assert json.loads(outage.content)["detail"].startswith("Der Dienst ist vorübergehend")


def test_the_pure_readers_speak_english_without_the_django_hook(monkeypatch):
    # maps.io imports no Django: until maps.apps installs the translation, messages are
    # English and numbers are grouped with commas, whatever language is active.
    from maps import translation as hook

    monkeypatch.setattr(hook, "_gettext", hook._english)
    monkeypatch.setattr(hook, "_ngettext", hook._english_plural)
    monkeypatch.setattr(hook, "_number", hook._grouped)
    with translation.override("de"):
        assert messages.too_large(3_000_000, 2 * 1024 * 1024) == (
            "the file is 3,000,000 bytes; at most 2 MB (2,097,152 bytes) can be imported"
        )


@pytest.mark.parametrize("build", [map_files.template_csv, map_files.template_xlsx])
def test_the_german_import_template_is_german_and_imports_as_it_is(build):
    with translation.override("de"):
        data = build()
        read = map_files.read_map_file(data)
    if build is map_files.template_csv:
        header, first = data.decode("utf-8-sig").splitlines()[:2]
        assert header == "Segment,Text,Stimmen,Verfasser"
        assert first.startswith("Sieht,Prospekte von drei Wettbewerbern")
    assert [note.segment for note in read.notes] == list(segment_labels())
    assert read.notices == ()
