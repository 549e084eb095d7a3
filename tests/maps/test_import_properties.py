"""Import never answers 5xx, and what it stores is the NFC form of the trimmed text."""

import csv
import io
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maps.models import Note

pytestmark = pytest.mark.django_db


def _csv_file(text: str) -> io.BytesIO:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["segment", "text"])
    writer.writerow(["pains", text])
    upload = io.BytesIO(buffer.getvalue().encode("utf-8", errors="surrogatepass"))
    upload.name = "notes.csv"
    return upload


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=600))
def test_import_answers_201_or_400_and_stores_normalised_text(api, editor, internal_map, text):
    before = set(Note.objects.values_list("pk", flat=True))
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import/", {"file": _csv_file(text)}, format="multipart"
    )
    assert response.status_code in {201, 400}, response.content
    added = Note.objects.exclude(pk__in=before)
    if response.status_code == 400:
        assert not added.exists()
        return
    expected = unicodedata.normalize("NFC", text.strip())
    # A formula-neutralising apostrophe the exporter would have added is removed on import.
    assert [note.text for note in added] in ([expected], [expected[1:]])
    added.delete()


def test_nul_in_a_note_is_rejected(api, editor, internal_map):
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import/",
        {"file": _csv_file("before\x00after")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "text"
