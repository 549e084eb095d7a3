"""A real database outage longer than the retry schedule (RELIABILITY 31), with real
processes: a Celery worker reaches PostgreSQL through a TCP forwarder in this test, and
"stopping the database" closes the forwarder (every connection cut, new ones refused).
Stopping the PostgreSQL server itself would take every other test run on the machine down.

The worker's schedule is shortened to seconds (GAPMAP_RUN_RETRIES=3,
GAPMAP_RUN_RETRY_MAX_SECONDS=1, GAPMAP_FAIL_RETRY_SECONDS=1); the shipped one is the
same shape over about 10 minutes. Runs in .ci/run's PostgreSQL pass.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from comparison import services
from comparison.models import Report, ReportStatus
from config.celery_app import app
from tests.conftest import IN_CI
from tests.support.factories import MapPairFactory
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_server]

PROJECT = Path(__file__).resolve().parents[2]
# The suite's other Redis users: 13 (tests/comparison), 14 (cache), 15 (broker) in CI;
# each pytest-xdist worker has its own four (config/settings/test.py).
OUTAGE_REDIS_DB = 12 - settings.TEST_REDIS_DATABASE_OFFSET


class Forwarder:
    """127.0.0.1:<port> -> the database; `stop()` is the outage, `start()` the return."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below
            listener.close()
        with self.lock:
            for sock in self.open:
                self._close(sock)
            self.open.clear()

    @staticmethod
    def _close(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed by the other side
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._close(sink)


@pytest.fixture
def database() -> dict:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL as the test database; runs in .ci/run's PostgreSQL pass")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        reason = "needs a Redis broker (CELERY_BROKER_URL=redis://...)"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true requires the fault tests.")
        pytest.skip(reason)
    return connection.settings_dict


@pytest.fixture
def broker_url(database) -> Iterator[str]:
    """A Redis database of its own, emptied, for this process's sends and the worker: the
    suite's broker holds messages of earlier tests that no worker took."""
    import redis

    parts = urlsplit(settings.CELERY_BROKER_URL)
    url = urlunsplit(parts._replace(path=f"/{OUTAGE_REDIS_DB}"))
    client = redis.Redis.from_url(url)
    client.flushdb()
    names = ("broker_url", "broker_read_url", "broker_write_url")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(dict.fromkeys(names, url))
    app._after_fork()  # noqa: SLF001 - Celery's own way to forget its pooled connections
    try:
        yield url
    finally:
        app.conf.update(saved)
        app._after_fork()  # noqa: SLF001
        client.flushdb()
        client.close()


@pytest.fixture
def forwarder(database) -> Iterator[Forwarder]:
    forwarder = Forwarder((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    forwarder.start()
    yield forwarder
    forwarder.stop()


@pytest.fixture
def worker(database, forwarder, broker_url, tmp_path) -> Iterator[Path]:
    user = database["USER"] or "postgres"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{user}{password}@127.0.0.1:{forwarder.port}/"
        f"{database['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "GAPMAP_RUN_RETRIES": "3",
        "GAPMAP_RUN_RETRY_MAX_SECONDS": "1",
        "GAPMAP_FAIL_RETRY_SECONDS": "1",
        # no connection kept between tasks: each one meets the outage afresh
        "DJANGO_CONN_MAX_AGE": "0",
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork"]
            + ["--concurrency=1", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
            + ["-Q", "interactive", "-n", "outage@%h"],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: " ready." in log.read_text(errors="replace"), 60, message="worker")
        yield log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_an_outage_longer_than_the_retries_ends_failed_and_the_pair_compares_again(
    forwarder, worker, owner, persona
):
    pair = MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", "Too many tools")],
        customer_map__notes=[("pains", "Too many different tools")],
    )

    def worker_log() -> str:
        return worker.read_text(errors="replace")

    # given the database out of the worker's reach
    forwarder.stop()

    # when a comparison is requested (the web side still reaches the database)
    report, _ = services.report_request(user=owner, pair=pair)

    # then the worker retries, gives up, and cannot even write the failure...
    wait_until(
        lambda: f"Report {report.pk}: cannot record the failure yet" in worker_log(),
        60,
        message=lambda: f"the worker to give up:\n{worker_log()[-3000:]}",
    )
    assert Report.objects.get(pk=report.pk).status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    # ...until the database is back: then the report ends failed, with the reason
    forwarder.start()
    wait_until(
        lambda: Report.objects.get(pk=report.pk).status == ReportStatus.FAILED,
        60,
        message=lambda: f"the report to end failed:\n{worker_log()[-3000:]}",
    )
    report.refresh_from_db()
    assert "database was unavailable" in report.error

    # and the pair can be compared again at once
    again, created = services.report_request(user=owner, pair=pair)
    assert created
    wait_until(
        lambda: Report.objects.get(pk=again.pk).status == ReportStatus.SUCCEEDED,
        60,
        message=lambda: f"the new comparison to succeed:\n{worker_log()[-3000:]}",
    )
