"""The production shape (RELIABILITY 32, 29): nginx with the repository's configuration
(deploy/nginx/) in front of gunicorn (deploy/gunicorn.conf.py) in front of Django, all on
loopback, against the test database.

- 50 slow clients, each sending one header line a second, do not starve a normal request;
- a spoofed `X-Forwarded-For` changes nothing: nginx replaces it with the address it saw;
- budgets key on the real client address: a second loopback address (127.0.0.2, 127.0.0.3:
  Linux answers on all of 127/8) keeps its own login and share-link budgets while the
  first is locked out;
- neither access log holds a share token.

Skipped where nginx is not installed (`make test` installs it where it can: the `proxy`
target); under CI=true a missing nginx fails instead.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import IN_CI
from tests.support.factories import PASSWORD, UserFactory
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_TIMEOUT = 60  # seconds: gunicorn's workers importing Django on a busy 2-core machine
SLOW_CLIENTS = 50
# A normal request must be answered within this while the slow clients hold their
# connections (directly on gunicorn's 2 sync workers it waits for them: up to nginx's and
# gunicorn's time-outs); generous so a loaded CI machine does not fail it.
NORMAL_ANSWER_SECONDS = 5
CLIENT, OTHER_CLIENT = "127.0.0.2", "127.0.0.3"

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@dataclass
class Stack:
    port: int
    nginx_log: Path
    gunicorn_log: Path

    def request(
        self,
        method: str,
        path: str,
        *,
        source: str = CLIENT,
        body: dict | None = None,
        headers: dict | None = None,
        timeout: float = 20,
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=timeout, source_address=(source, 0)
        )
        try:
            payload = json.dumps(body).encode() if body is not None else None
            all_headers = {"Host": "127.0.0.1", **(headers or {})}
            if payload is not None:
                all_headers["Content-Type"] = "application/json"
            conn.request(method, path, body=payload, headers=all_headers)
            answer = conn.getresponse()
            return answer.status, answer.read()
        finally:
            conn.close()


def _nginx_config(prefix: Path, port: int, upstream: int) -> Path:
    # The repository's two files, verbatim; only what differs on a test machine is here:
    # the ports, the log and temporary paths, running in the foreground.
    user = "user root;\n" if os.geteuid() == 0 else ""  # temp files under the test's tmp
    config = prefix / "nginx.conf"
    config.write_text(
        f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {DEPLOY}/nginx/gapmap-http.conf;
    upstream gapmap_app {{ server 127.0.0.1:{upstream}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        access_log {prefix}/access.log gapmap;
        include {DEPLOY}/nginx/gapmap-proxy.conf;
    }}
}}
"""
    )
    return config


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def stack(transactional_db, tmp_path) -> Iterator[Stack]:
    if not Path(NGINX).exists():
        reason = "nginx is not installed (make proxy installs Debian's nginx)"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true requires the proxy test.")
        pytest.skip(reason)
    data_dir = tmp_path / "data"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GAPMAP_"))},
        # Production settings but for unhashed static files and the tests' password hasher.
        "DJANGO_SETTINGS_MODULE": "tests.e2e.proxy_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DATABASE_URL": _database_url(),
        "GAPMAP_DATA_DIR": str(data_dir),
        # Shared by gunicorn's workers, as Redis is in production.
        "GAPMAP_CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "GAPMAP_TRUSTED_PROXIES": "127.0.0.1",
        "GAPMAP_LOGIN_MAX_FAILURES_PER_IP": "5",
        "GAPMAP_SHARE_MAX_FAILURES": "3",
        "GAPMAP_LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    python = sys.executable
    upstream, port = _free_port(), _free_port()
    gunicorn_log = tmp_path / "gunicorn-access.log"
    gunicorn = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
        + [
            "--bind",
            f"127.0.0.1:{upstream}",
            "--workers",
            "2",
            "--access-logfile",
            str(gunicorn_log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.err").open("wb"),
    )
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    config = _nginx_config(prefix, port, upstream)
    check = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        [NGINX, "-c", str(config), "-g", "daemon off;"], stderr=subprocess.DEVNULL
    )
    stack = Stack(port=port, nginx_log=prefix / "access.log", gunicorn_log=gunicorn_log)
    try:

        def up() -> bool:
            try:
                return stack.request("GET", "/login/", timeout=5)[0] == 200
            except OSError:
                return False

        wait_until(
            up,
            START_TIMEOUT,
            interval=0.5,
            # the start of gunicorn's output: a worker's import error comes first
            message=lambda: (
                "nginx -> gunicorn to answer /login/: "
                + (tmp_path / "gunicorn.err").read_text()[:4000]
            ),
        )
        yield stack
    finally:
        _stop(nginx)
        _stop(gunicorn)


def _slow_client(port: int, stop: threading.Event, opened: list) -> None:
    """One header line a second, never finishing the request (a slowloris client)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            opened.append(1)
            while not stop.wait(1):
                sock.sendall(b"X-Slow: 1\r\n")
    except OSError:
        pass  # nginx closed it (client_header_timeout): as intended


def test_slow_clients_do_not_starve_a_normal_request(stack):
    stop, opened = threading.Event(), []
    threads = [
        threading.Thread(target=_slow_client, args=(stack.port, stop, opened), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: len(opened) == SLOW_CLIENTS, 10, message="the slow clients to connect")
        time.sleep(2)  # let them dribble: each has sent headers for a while

        started = time.monotonic()
        status, body = stack.request("GET", "/login/", timeout=NORMAL_ANSWER_SECONDS)
        waited = time.monotonic() - started
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)

    assert status == 200
    assert b"<form" in body
    assert waited < NORMAL_ANSWER_SECONDS


def test_a_spoofed_x_forwarded_for_does_not_escape_the_token_throttle(stack):
    UserFactory(username="alice")
    statuses = [
        stack.request(
            "POST",
            "/api/auth/token/",
            body={"username": "alice", "password": "wrong"},
            headers={"X-Forwarded-For": f"198.51.100.{index}"},
        )[0]
        for index in range(25)
    ]

    assert 429 in statuses
    right = stack.request(
        "POST",
        "/api/auth/token/",
        body={"username": "alice", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.200"},
    )
    assert right[0] == 429  # still locked: the header did not make a new client


def test_budgets_key_on_the_real_client_address(stack):
    UserFactory(username="alice")
    # one client guesses usernames until its address is locked out (5 failures per address)
    for index in range(6):
        stack.request(
            "POST", "/api/auth/token/", body={"username": f"nobody{index}", "password": "x"}
        )
    locked = stack.request(
        "POST", "/api/auth/token/", body={"username": "alice", "password": PASSWORD}
    )
    # and uses up its share-link lookups (3)
    shares = [stack.request("GET", f"/s/{secrets.token_urlsafe(32)}/")[0] for _ in range(4)]

    other_login = stack.request(
        "POST",
        "/api/auth/token/",
        source=OTHER_CLIENT,
        body={"username": "alice", "password": PASSWORD},
    )
    other_share = stack.request("GET", f"/s/{secrets.token_urlsafe(32)}/", source=OTHER_CLIENT)

    assert locked[0] == 429
    assert shares == [404, 404, 404, 429]
    assert other_login[0] == 200
    assert "token" in json.loads(other_login[1])
    assert other_share[0] == 404


def test_limits_at_the_proxy(stack):
    long_header = stack.request("GET", "/login/", headers={"X-Big": "x" * 9000})
    big_body = stack.request("POST", "/api/auth/token/", body={"pad": "x" * 3_200_000})

    assert long_header[0] == 400
    assert big_body[0] == 413


def test_no_access_log_holds_a_share_token(stack):
    token = secrets.token_urlsafe(32)

    assert stack.request("GET", f"/s/{token}/?utm=1")[0] == 404

    def logged() -> bool:
        return all(
            path.exists() and "/s/[redacted]" in path.read_text()
            for path in (stack.nginx_log, stack.gunicorn_log)
        )

    wait_until(logged, 10, message="both access logs to record the request")
    for path in (stack.nginx_log, stack.gunicorn_log):
        assert token not in path.read_text(), path
