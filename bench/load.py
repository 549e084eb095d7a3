"""The load benchmark of `make bench`: gunicorn on PostgreSQL, locust users on loopback.

`run_load_benchmark` creates a throwaway PostgreSQL database, migrates it, seeds a
workspace with compared pairs (`seed`, through the services, run by `python -m
bench.seed`), starts gunicorn and runs locust headless (`bench/locustfile.py`); it prints
throughput, latency percentiles and errors per page and overall. Without a reachable
PostgreSQL it says so and skips.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlparse

LOAD_USERS = 20
LOAD_SECONDS = 30
SPAWN_RATE = 10  # users started per second: all 20 within two seconds
LOAD_PAIRS = 10
NOTES_PER_SEGMENT = 12  # per side: a busy but realistic workshop board
GUNICORN_WORKERS = 3  # (2 x cores) - 1 on the 2-core bench machine, with threads below
GUNICORN_THREADS = 4
P95_TARGET_MS = 300
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def seed(*, username: str, password: str, pairs: int = LOAD_PAIRS) -> dict:
    """A workspace of `pairs` personas, each with a compared pair; returns the plan the
    locust users follow (ids and the login)."""
    from django.contrib.auth import get_user_model

    from comparison import services
    from maps import services as map_services
    from maps.segments import SEGMENT_KEYS
    from tests.support.notes import generate_maps

    user = get_user_model().objects.create_user(username=username, password=password)
    workspace = map_services.workspace_create(user=user, name="Load test")
    internal_notes, customer_notes = generate_maps(NOTES_PER_SEGMENT)
    reports, maps = [], []
    for number in range(pairs):
        persona = map_services.persona_create(
            user=user, workspace=workspace, name=f"Persona {number + 1}"
        )
        pair_maps = []
        for perspective, notes in (("internal", internal_notes), ("customer", customer_notes)):
            empathy_map = map_services.map_create(
                user=user, persona=persona, perspective=perspective, title=perspective.title()
            )
            map_services.notes_bulk_create(
                user=user,
                empathy_map=empathy_map,
                notes=[
                    map_services.NoteData(note.segment, note.text, note.votes) for note in notes
                ],
            )
            pair_maps.append(empathy_map)
        pair = map_services.pair_create(
            user=user, internal_map=pair_maps[0], customer_map=pair_maps[1]
        )
        report, _ = services.report_request(user=user, pair=pair)
        services.report_run(report_id=report.pk)
        reports.append(report.pk)
        maps.extend(empathy_map.pk for empathy_map in pair_maps)
    return {
        "username": username,
        "password": password,
        "sessions": _sessions(user, LOAD_USERS),
        "workspace": workspace.pk,
        "reports": reports,
        "maps": maps,
        "segments": list(SEGMENT_KEYS),
    }


def _sessions(user, count: int) -> list[str]:
    """Logged-in session keys, one per simulated user: the load run measures the pages,
    not twenty password hashes (deliberately slow) at the same moment."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.backends import BACKEND_PATH

    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        # The backend that logs people in, not the lock-out's (first, and without get_user).
        session[BACKEND_SESSION_KEY] = BACKEND_PATH
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def _database_url(server_url: str, name: str) -> str:
    return urlparse(server_url)._replace(path=f"/{name}").geturl()


def _admin(server_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(statement)


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on port {port} within {timeout:.0f}s")


def _warm_up(port: int, plan_path: Path) -> None:
    """A few requests to every page first: gunicorn's workers import and compile lazily,
    and that one-off cost is not what the load run measures."""
    from urllib.request import Request, urlopen

    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    cookie = f"sessionid={plan['sessions'][0]}"
    paths = [f"/workspaces/{plan['workspace']}/dashboard/", f"/reports/{plan['reports'][0]}/"]
    paths.append(f"/maps/{plan['maps'][0]}/")
    for _ in range(GUNICORN_WORKERS * 2):
        for path in paths:
            request = Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
            with urlopen(request, timeout=30) as response:  # noqa: S310 - our loopback server
                response.read()


def read_stats(path: Path) -> list[Row]:
    """Locust's `<prefix>_stats.csv`: one row per page name, then "Aggregated"."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Row(
                name=record["Name"],
                requests=int(record["Request Count"]),
                failures=int(record["Failure Count"]),
                rps=float(record["Requests/s"]),
                p50=float(record["50%"]),
                p95=float(record["95%"]),
                p99=float(record["99%"]),
            )
            for record in csv.DictReader(handle)
        ]


def print_stats(rows: list[Row], out: TextIO, *, seconds: int, users: int) -> None:
    out.write(
        f"{users} users for {seconds} s (think time 0.5-1.5 s), gunicorn "
        f"{GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads on PostgreSQL\n"
    )
    out.write(
        f"{'page':<16}{'requests':>9}{'errors':>8}{'req/s':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}\n"
    )
    for row in rows:
        out.write(
            f"{row.name:<16}{row.requests:>9}{row.failures:>8}{row.rps:>8.1f}"
            f"{row.p50:>8.0f}{row.p95:>8.0f}{row.p99:>8.0f}\n"
        )
    total = next((row for row in rows if row.name == "Aggregated"), None)
    if total is not None:
        verdict = "met" if total.failures == 0 and total.p95 < P95_TARGET_MS else "MISSED"
        out.write(
            f"Target (zero errors, p95 under {P95_TARGET_MS} ms): {verdict} "
            f"({total.failures} errors, p95 {total.p95:.0f} ms)\n"
        )


def run_load_benchmark(
    out: TextIO, *, project: Path, users: int = LOAD_USERS, seconds: int = LOAD_SECONDS
) -> list[Row] | None:
    server_url = os.environ.get("GAPMAP_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    if not _reachable(server_url):
        out.write(f"Skipped: PostgreSQL at {urlparse(server_url).netloc} is unreachable.\n")
        return None
    name = f"gapmap_load_{os.getpid()}"
    python = sys.executable
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(server_url, name),
            "GAPMAP_DATA_DIR": str(work),
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "GAPMAP_LOG_LEVEL": "WARNING",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        _admin(server_url, f'DROP DATABASE IF EXISTS "{name}"')
        _admin(server_url, f'CREATE DATABASE "{name}"')
        server = None
        try:
            manage = [python, "manage.py"]
            for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput"]):
                subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                    manage + command, cwd=project, env=env, check=True, capture_output=True
                )
            plan = work / "plan.json"
            subprocess.run(  # noqa: S603
                [python, "-m", "bench.seed", "--out", str(plan)],
                cwd=project,
                env=env,
                check=True,
                capture_output=True,
            )
            port = _free_port()
            server = subprocess.Popen(  # noqa: S603
                [python, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", str(GUNICORN_WORKERS), "--threads", str(GUNICORN_THREADS)]
                + ["--worker-class", "gthread", "--log-level", "warning"],
                cwd=project,
                env=env,
                start_new_session=True,
            )
            _wait_for_port(port, server)
            _warm_up(port, plan)
            prefix = work / "load"
            subprocess.run(  # noqa: S603
                [python, "-m", "locust", "-f", str(project / "bench" / "locustfile.py")]
                + ["--headless", "--users", str(users), "--spawn-rate", str(SPAWN_RATE)]
                + ["--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}"]
                + ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                cwd=project,
                env={**env, "GAPMAP_LOAD_PLAN": str(plan)},
                check=False,
                capture_output=True,
            )
            rows = read_stats(Path(f"{prefix}_stats.csv"))
        finally:
            if server is not None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(30)
            _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(work / "staticfiles", ignore_errors=True)
    print_stats(rows, out, seconds=seconds, users=users)
    return rows


def write_plan(plan: dict, path: Path) -> None:
    path.write_text(json.dumps(plan), encoding="utf-8")
