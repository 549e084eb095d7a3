"""A Miro board and a German Excel CSV imported in a real browser: the board's preview asks
about the title that could mean two segments, the file's preview says how it was read."""

import re
from pathlib import Path

import pytest

from tests.support.factories import (
    PASSWORD,
    EmpathyMapFactory,
    PersonaFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

BOARD = Path(__file__).resolve().parents[1] / "data" / "boards" / "miro_v2_pages.json"
GERMAN_EXCEL = (
    "sep=;\r\nBereich;Notiz;Stimmen;Autor;Priorität\r\n"
    "Schmerzen;Zu viele Tools für 5 € im Monat;3;Jürgen Groß;hoch\r\n"
)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$|/workspaces/"))


def test_a_board_and_a_spreadsheet_are_previewed_then_imported(live_server, new_page, tmp_path):
    # given an editor's empty map
    owner = UserFactory(username="olivia")
    workspace = WorkspaceFactory(owner=owner, name="Acme Research")
    empathy_map = EmpathyMapFactory(persona=PersonaFactory(workspace=workspace), title="Team map")
    page = new_page()
    base = live_server.url
    log_in(page, base, "olivia")

    # when she uploads a Miro board whose frame "Pains & Gains" could mean two segments
    page.goto(f"{base}/maps/{empathy_map.pk}/")
    page.get_by_role("link", name="Import Miro/Mural board").click()
    page.get_by_label("Miro or Mural board (JSON file)").set_input_files(str(BOARD))
    page.get_by_role("button", name="Preview").click()

    # then the preview asks, naming both, and lists what it leaves out
    row = page.locator("tr", has_text="Pains & Gains")
    row.get_by_text("could be Pains or Gains").wait_for()
    assert row.locator("select").input_value() == ""
    page.get_by_text("2 items of the board will not be imported").wait_for()
    # and the question-style titles were read as their segments
    assert (
        page.locator("tr", has_text="What does she think and feel?").locator("select").input_value()
        == "thinks_feels"
    )

    # when she answers and imports
    row.locator("select").select_option("pains")
    page.get_by_role("button", name="Import the notes").click()

    # then the notes are on the board, and the answer says what was left out
    page.locator("#seg-pains").get_by_text("Approval takes weeks").wait_for()
    page.locator("#seg-thinks_feels").get_by_text("Worries about the wrong supplier").wait_for()
    page.get_by_text("Not imported: 1 × an empty sticky note").wait_for()

    # when she previews a German Excel CSV
    csv_file = tmp_path / "Notizen.csv"
    csv_file.write_bytes(GERMAN_EXCEL.encode("cp1252"))
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Excel, CSV or JSON file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Preview").click()

    # then the preview says how it was read, and importing stores the note
    page.get_by_text("CSV, Windows-1252").first.wait_for()
    page.get_by_text("column 'Priorität' ignored").wait_for()
    page.get_by_role("button", name="Import 1 note").click()
    page.locator("#seg-pains").get_by_text("Zu viele Tools für 5 € im Monat").wait_for()
    assert page.console_errors == []
