"""`make serve` (and `make run` after its set-up): the web server and two Celery workers
(comparisons on the `interactive` queue, with beat; note embedding on `background`),
started together and stopped together.

    python bin/serve.py [ADDRESS:PORT]

Ctrl-C (SIGINT to the terminal's process group) and SIGTERM (a process manager or a
container stop signalling the whole group) end here, once: each worker gets one SIGTERM,
a warm shutdown that lets a running comparison finish, and the web server stops. A
second Ctrl-C asks the workers for a cold shutdown. If any child exits on its own, the
others are stopped too.

Each child runs in its own session, so a signal to our group never reaches the worker's
pool processes directly: a pool process killed that way can die holding the pool's queue
lock and leave the worker hung in its shutdown (the reason supervisord's `stopasgroup` is
not recommended for Celery). Developer tooling, not part of the wheel.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.2  # how soon a child's own exit is noticed; signals are handled at once
WORKERS = ("worker", "background")  # the Celery workers: interactive (with beat), background


class Supervisor:
    def __init__(self, address: str) -> None:
        python = sys.executable
        celery = str(Path(python).with_name("celery"))
        self.requested: list[int] = []
        worker = [celery, "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1"]
        # One worker per queue (CELERY_TASK_ROUTES): comparisons never wait behind the
        # background embedding of a big import. Beat (the reaper) runs in the first.
        commands = {
            "worker": [*worker, "-Q", "interactive", "-n", "interactive@%h", "--beat"],
            "background": [*worker, "-Q", "background", "-n", "background@%h"],
            "web": [python, "manage.py", "runserver", address],
        }
        self.children: dict[str, subprocess.Popen] = {
            name: subprocess.Popen(command, cwd=ROOT, start_new_session=True)  # noqa: S603 - our own programs
            for name, command in commands.items()
        }

    def on_signal(self, signum: int, _frame: object) -> None:
        """First signal: stop both children gracefully. A second SIGINT (an impatient
        Ctrl-C): cold shutdown. Further SIGTERMs (make forwards the one it got) change
        nothing."""
        first = not self.requested
        self.requested.append(signum)
        if first:
            print(  # noqa: T201 - what the person at the terminal needs to know
                "Stopping the web server and the worker (a running comparison finishes "
                "first; Ctrl-C again to stop at once)",
                file=sys.stderr,
                flush=True,
            )
            self.stop(signal.SIGTERM)
        elif signum == signal.SIGINT:
            self.stop(signal.SIGQUIT)  # Celery's cold shutdown

    def stop(self, worker_signal: int) -> None:
        web = self.children["web"]
        # Each worker's main process only: it shuts its pool down itself.
        for name in WORKERS:
            worker = self.children[name]
            if worker.poll() is None:
                worker.send_signal(worker_signal)
        # runserver's whole session: the autoreloader and the server it restarts.
        if web.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.killpg(web.pid, signal.SIGTERM)

    def run(self) -> int:
        while not self.requested and all(c.poll() is None for c in self.children.values()):
            time.sleep(POLL_SECONDS)
        if not self.requested:
            self.stop(signal.SIGTERM)  # one child exited on its own: stop the other one
        codes = {name: child.wait() for name, child in self.children.items()}
        if self.requested:
            return 0
        return next((code for code in codes.values() if code), 0)


def main(argv: list[str]) -> int:
    address = argv[0] if argv else "127.0.0.1:8000"
    # Handlers first: a signal that arrives while the children start still stops them.
    supervisor: Supervisor | None = None
    early: list[int] = []

    def handler(signum: int, frame: object) -> None:
        if supervisor is None:
            early.append(signum)
        else:
            supervisor.on_signal(signum, frame)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    supervisor = Supervisor(address)
    for signum in early:
        supervisor.on_signal(signum, None)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
