"""Real worker processes under faults: one of two prefork workers SIGKILLed mid-run, and
Redis restarted (without persistence) while comparisons wait in the queue.

The workers are separate processes on the production setup: these tests need PostgreSQL as
the test database and run in the PostgreSQL pass of `.ci/run`. Each test starts its own
redis-server on a spare port, so restarting it disturbs nothing else.
"""

from __future__ import annotations

import datetime
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comparison import services
from comparison.models import Match, MatchKind, Report, ReportStatus
from config.celery_app import app
from maps.services import NoteData
from tests.conftest import IN_CI
from tests.support.builders import build_round_pairs
from tests.support.factories import PersonaFactory
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_server]

PROJECT = Path(__file__).resolve().parents[2]
# Short enough that a killed worker's message comes back within the test, and longer than
# the other 49 comparisons of the kill test take on a busy 2-core machine: the held
# message is handed out again after this long, and a second worker blocking on the held
# row too would leave nobody to run the rest.
VISIBILITY_TIMEOUT = 30
SEGMENTS = ("sees", "says_does", "hears", "thinks_feels", "pains", "gains")
WORDS = [
    "tools",
    "approvals",
    "budget",
    "invoices",
    "suppliers",
    "support",
    "portal",
    "reports",
    "audit",
    "prices",
    "delivery",
    "contract",
    "training",
    "onboarding",
    "dashboards",
    "security",
    "licences",
    "travel",
    "meetings",
    "spreadsheets",
    "deadlines",
    "quality",
    "compliance",
    "forecasts",
    "inventory",
]


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}; CI=true requires the fault tests.")
    pytest.skip(reason)


@pytest.fixture
def shared_database() -> dict:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL as the test database: these faults are those of the production "
            "setup (worker processes on PostgreSQL and Redis); runs in .ci/run's PostgreSQL pass"
        )
    return connection.settings_dict


@dataclass
class SpareRedis:
    url: str
    start: Callable[[], None]
    stop: Callable[[], None]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _waiting_on_empty_queue(url: str) -> bool:
    """A worker is blocked reading the task queue (BRPOP) and the queue holds nothing:
    it has asked for work and found none, so nothing queued before now will run."""
    client = redis.Redis.from_url(url)
    try:
        reading = any(entry.get("cmd") == "brpop" for entry in client.client_list())
        return reading and client.llen(app.conf.task_default_queue) == 0
    finally:
        client.close()


@pytest.fixture
def spare_redis(tmp_path) -> Iterator[SpareRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable("redis-server is not installed")
    port = _free_port()
    process: list[subprocess.Popen] = []

    def start() -> None:
        # No persistence, like a cache-configured Redis: a restart loses queued messages.
        process.append(
            subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
                + ["--appendonly", "no", "--dir", str(tmp_path)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_until(lambda: _answers(port), 10, message="redis-server to start")

    def stop() -> None:
        while process:
            running = process.pop()
            running.terminate()
            running.wait(10)

    start()
    yield SpareRedis(url=f"redis://127.0.0.1:{port}/0", start=start, stop=stop)
    stop()


@contextmanager
def broker(url: str) -> Iterator[None]:
    """Point this process's Celery app (what `report_request` sends with) at `url`."""
    names = ("broker_url", "broker_read_url", "broker_write_url", "broker_transport_options")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(
        broker_url=url,
        broker_read_url=url,
        broker_write_url=url,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    )
    app._after_fork()  # noqa: SLF001 - Celery's own way to forget its pooled connections
    try:
        yield
    finally:
        app.conf.update(saved)
        app._after_fork()  # noqa: SLF001


class Workers:
    """`celery worker` processes (prefork, one child each) on the test database."""

    def __init__(self, database: dict, broker_url: str, log_dir: Path) -> None:
        user = database["USER"] or "postgres"
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{user}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "GAPMAP_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "GAPMAP_RESTORE_SWEEP_SECONDS": "1",
        }
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork"]
            + ["--concurrency=1", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
            + ["-n", f"{name}@%h"],
            cwd=PROJECT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL takes the child too
        )

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def busy(self, name: str) -> bool:
        log = self.log(name)
        return log.count("] received") > len(re.findall(r"\] succeeded in", log))

    def kill(self, name: str) -> None:
        """SIGKILL the whole worker: its parent and its pool child."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes.pop(name).wait(10)

    def kill_child(self, name: str) -> None:
        """SIGKILL only the pool child running the task; the parent sees the worker lost."""
        children = subprocess.run(
            ["pgrep", "-P", str(self.processes[name].pid)],  # noqa: S607 - procps
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for child in children:
            os.kill(int(child), signal.SIGKILL)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def workers(shared_database, spare_redis, tmp_path) -> Iterator[Workers]:
    pool = Workers(shared_database, spare_redis.url, tmp_path)
    yield pool
    pool.stop_all()


def _notes(rng: random.Random, count: int) -> list[NoteData]:
    return [
        NoteData(
            segment=SEGMENTS[index % len(SEGMENTS)],
            text=" ".join(rng.sample(WORDS, rng.randint(3, 7))).capitalize(),
            votes=rng.randint(0, 5),
        )
        for index in range(count)
    ]


def _pairs(owner, workspace, count: int, notes_per_map: int) -> list:
    rng = random.Random(20261123)
    pairs = []
    for number in range(count):
        persona = PersonaFactory(workspace=workspace, name=f"Persona {number}")
        internal = _notes(rng, notes_per_map)
        customer = _notes(rng, notes_per_map)
        pairs.append(
            build_round_pairs(
                owner, persona, customer=customer, teams={"": internal}, held_on=None
            )[""]
        )
    return pairs


def _assert_complete(report: Report) -> None:
    """Every note of both maps once among the pair and unmatched rows: nothing lost, nothing
    written twice by a redelivered run."""
    rows = Match.objects.filter(report=report).exclude(kind=MatchKind.ALSO)
    pair = report.pair
    for side, empathy_map in (("internal", pair.internal_map), ("customer", pair.customer_map)):
        stored = sorted(
            rows.exclude(**{f"{side}_text": ""}).values_list(f"{side}_note_id", flat=True)
        )
        assert stored == sorted(empathy_map.notes.values_list("pk", flat=True)), report.pk


def _counts() -> dict[str, int]:
    return {status: Report.objects.filter(status=status).count() for status in ReportStatus.values}


@contextmanager
def row_locked(database: dict, report_id: int) -> Iterator[None]:
    """Hold the report's row lock from another connection: the worker that takes this
    report blocks inside its run (at the claim's SELECT ... FOR UPDATE) until released."""
    import psycopg

    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"] or "postgres",
        password=database["PASSWORD"] or None,
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
    ) as locker:
        locker.execute("SELECT id FROM comparison_report WHERE id = %s FOR UPDATE", [report_id])
        yield
        locker.rollback()


@pytest.mark.parametrize("target", ["whole worker", "pool child"])
def test_a_worker_killed_mid_run_loses_no_comparison(
    owner, workspace, workers, spare_redis, shared_database, target
):
    # given 50 comparisons queued for two worker processes, one of them held mid-run
    pairs = _pairs(owner, workspace, count=50, notes_per_map=60)
    with broker(spare_redis.url):
        reports = [services.report_request(user=owner, pair=pair)[0] for pair in pairs]
    held = reports[len(reports) // 2]
    with row_locked(shared_database, held.pk):
        workers.start("alpha")
        workers.start("beta")
        wait_until(
            lambda: _counts()["succeeded"] == len(reports) - 1,
            120,
            message=lambda: f"every comparison but the held one (now {_counts()})",
        )
        # when the worker inside the held run is SIGKILLed: all of it (the message comes
        # back after the visibility timeout) or only its pool child (the parent rejects
        # the message at once: reject_on_worker_lost)
        victim = next(name for name in ("alpha", "beta") if workers.busy(name))
        survivor = "beta" if victim == "alpha" else "alpha"
        if target == "whole worker":
            workers.kill(victim)
        else:
            workers.kill_child(victim)

    # then the survivor gets the interrupted message back and finishes it
    wait_until(
        lambda: _counts()["succeeded"] == len(reports),
        120,
        message=lambda: f"the interrupted comparison to succeed (now {_counts()})",
    )
    assert _counts() == {"queued": 0, "running": 0, "succeeded": 50, "failed": 0}
    for report in Report.objects.select_related("pair__internal_map", "pair__customer_map"):
        _assert_complete(report)
    # each report succeeded exactly once: one "succeeded" line per report across both logs
    succeeded = re.findall(r"Report (\d+) succeeded", workers.log("alpha") + workers.log("beta"))
    assert sorted(map(int, succeeded)) == sorted(report.pk for report in reports)
    if target == "whole worker":
        assert f"Report {held.pk} succeeded" in workers.log(survivor)
        assert f"Report {held.pk} succeeded" not in workers.log(victim)
    else:
        lost = "the parent to report the lost job"
        wait_until(lambda: "WorkerLostError" in workers.log(victim), 15, message=lost)
    # and nothing is left for the reaper
    assert services.reports_reap() == {"requeued": 0, "failed": 0}


def test_a_redis_restart_loses_queued_messages_but_no_acknowledged_comparison(
    owner, editor, workspace, workers, spare_redis, api
):
    # given ten comparisons accepted (202) while no worker runs yet
    pairs = _pairs(owner, workspace, count=10, notes_per_map=30)
    client = api(editor)
    with broker(spare_redis.url):
        accepted = [
            client.post(reverse("api-pair-compare", kwargs={"pk": pair.pk}), format="json")
            for pair in pairs[:8]
        ]
        assert [response.status_code for response in accepted] == [202] * 8

        # when Redis restarts without persistence: the queued messages are gone
        spare_redis.stop()
        # ...and two more are requested while it is down: still accepted, still recorded
        down = [
            client.post(reverse("api-pair-compare", kwargs={"pk": pair.pk}), format="json")
            for pair in pairs[8:]
        ]
        assert [response.status_code for response in down] == [202] * 2
        spare_redis.start()

        workers.start("gamma")
        wait_until(
            lambda: _waiting_on_empty_queue(spare_redis.url),
            30,
            message="the worker to block on its empty queue",
        )
        # what happens: the worker finds an empty queue, every report waits as queued
        assert _counts()["queued"] == 10
        assert _counts()["succeeded"] == 0
        assert "] received" not in workers.log("gamma")

        # then the reaper re-sends the reports whose message was lost, and all complete
        later = timezone.now() + datetime.timedelta(seconds=settings.GAPMAP_REQUEUE_QUEUED_AFTER)
        assert services.reports_reap(now=later) == {"requeued": 10, "failed": 0}
    wait_until(
        lambda: _counts()["succeeded"] == 10,
        60,
        message=lambda: f"the re-sent comparisons ({_counts()})",
    )
    for report in Report.objects.select_related("pair__internal_map", "pair__customer_map"):
        _assert_complete(report)
