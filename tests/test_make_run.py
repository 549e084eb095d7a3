"""`make run` stops cleanly when its process group is signalled: SIGINT (Ctrl-C in a
terminal) and SIGTERM (a process manager, a container stop).

Runs the Makefile's real `serve` recipe (what `make run` starts after migrating and
loading the demo) on a throwaway data directory, waits until the web server answers and
the Celery worker says it is ready, signals the whole group and checks that every process
it started (make, bin/serve.py, runserver and its reloader, the worker, its pool and beat,
whichever session they run in) is gone within 15 seconds, and that no pool process was
killed by the signal itself (that can leave the worker hung in its shutdown)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120  # seconds: Django and Celery start-up on a busy 2-core machine
STOP_TIMEOUT = 15  # seconds: what a process manager waits before SIGKILL is often 10-30
PROC = Path("/proc")

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or not PROC.is_dir(),
    reason="needs GNU make and Linux /proc",
)


def _environment(data_dir: Path) -> dict[str, str]:
    """The caller's environment without the settings of a test run or of CI's server
    pass (DATABASE_URL, CELERY_BROKER_URL, ...): `make run` on a bare machine."""
    dropped = ("DJANGO_", "GAPMAP_", "CELERY_", "MAKE", "MFLAGS")
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    env.pop("DATABASE_URL", None)
    env["GAPMAP_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A migrated throwaway data directory (SQLite and the filesystem queue)."""
    directory = tmp_path_factory.mktemp("make-run")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**_environment(directory), "DJANGO_DEBUG": "true"},  # as `make run` migrates
        check=True,
        timeout=300,
    )
    return directory


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:  # noqa: S310 - loopback
            response.read()
    except HTTPError:
        return True  # any HTTP answer: the server is up
    except (URLError, OSError):
        return False
    return True


def _processes() -> dict[int, tuple[int, int, str]]:
    """Live (not zombie) processes: pid -> (parent pid, process group, command line)."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue  # gone meanwhile
        # Fields after the command name in parentheses: state, ppid, pgrp, ...
        state, ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if state != "Z":
            found[int(entry.name)] = (int(ppid), int(pgrp), cmdline)
    return found


def _family(root: int) -> dict[int, str]:
    """`root`, its descendants and the rest of its process group: pid -> command line."""
    processes = _processes()
    family = {pid for pid, (_, pgrp, _) in processes.items() if pgrp == root}
    family |= {root} & processes.keys()
    grew = True
    while grew:
        children = {pid for pid, (ppid, _, _) in processes.items() if ppid in family}
        grew = not children <= family
        family |= children
    return {pid: processes[pid][2] for pid in family}


def _alive(pids: dict[int, str]) -> dict[int, str]:
    processes = _processes()
    return {pid: line for pid, line in pids.items() if pid in processes}


def _wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_make_serve_stops_every_process_on_a_signal_to_its_group(data_dir, tmp_path, signum):
    # given: `make serve` in its own session, as a process manager or a terminal runs it
    port = _free_port()
    log_path = tmp_path / "make-serve.log"
    with log_path.open("wb") as log:
        make = subprocess.Popen(
            # -o: never reinstall here, even if pyproject.toml is newer than the stamp;
            # BIN: the interpreter running the tests, wherever its venv is.
            ["make", "--no-print-directory", "-o", ".venv/.installed", "serve"]
            + [f"PORT={port}", f"BIN={Path(sys.executable).parent}"],
            cwd=ROOT,
            env=_environment(data_dir),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    group = make.pid

    def log_text() -> str:
        return log_path.read_text(errors="replace")

    def up() -> bool:
        if make.poll() is not None:
            raise AssertionError(f"make serve exited ({make.returncode}):\n{log_text()}")
        return " ready." in log_text() and _answers(port)

    started: dict[int, str] = {}
    try:
        assert _wait_for(up, START_TIMEOUT), f"not up in {START_TIMEOUT}s:\n{log_text()}"
        started = _family(group)
        assert any("celery" in line for line in started.values()), started
        assert any("runserver" in line for line in started.values()), started

        # when
        os.killpg(group, signum)

        # then
        def stopped() -> bool:
            make.poll()  # reap make, our child; the others are not ours to reap
            return not _alive(started)

        assert _wait_for(stopped, STOP_TIMEOUT), (
            f"still running {STOP_TIMEOUT}s after {signum.name}: {_alive(started)}\n"
            f"{log_text()[-3000:]}"
        )
        assert "exited with 'signal" not in log_text(), log_text()[-3000:]
        # once per worker (interactive and background), never twice for one
        assert log_text().count("Warm shutdown") == 2, log_text()[-3000:]
    finally:
        for pid in _alive(started or _family(group)):
            os.kill(pid, signal.SIGKILL)
        if make.poll() is None:
            os.killpg(group, signal.SIGKILL)
        make.wait(timeout=30)
