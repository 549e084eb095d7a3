"""Locust users for the load benchmark (`bench.load`): a workshop team reading
the dashboard and reports and adding notes to its boards.

Run only by `python -m locust -f bench/locustfile.py` in its own process (locust
patches the standard library with gevent); the plan file written by the seeding step says
which workspace, reports and maps to use.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["GAPMAP_LOAD_PLAN"], encoding="utf-8").read())  # noqa: PTH123, SIM115
_note_numbers = itertools.count(1)
_user_numbers = itertools.count()


class WorkshopMember(HttpUser):
    # Think time of a person clicking through pages, not a tight loop.
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        # A session prepared by the seeding step (see bench.load._sessions); the CSRF cookie
        # comes with the first page that holds a form.
        self.client.cookies.set("sessionid", PLAN["sessions"][next(_user_numbers)])
        self.client.get(f"/maps/{PLAN['maps'][0]}/", name="board")

    @task(3)
    def dashboard(self) -> None:
        self.client.get(f"/workspaces/{PLAN['workspace']}/dashboard/", name="dashboard")

    @task(3)
    def report(self) -> None:
        self.client.get(f"/reports/{random.choice(PLAN['reports'])}/", name="report")  # noqa: S311

    @task(2)
    def board(self) -> None:
        self.client.get(f"/maps/{random.choice(PLAN['maps'])}/", name="board")  # noqa: S311

    @task(1)
    def add_note(self) -> None:
        empathy_map = random.choice(PLAN["maps"])  # noqa: S311
        self.client.post(
            f"/maps/{empathy_map}/notes/",
            data={
                "segment": random.choice(PLAN["segments"]),  # noqa: S311
                "text": f"Load test note {next(_note_numbers)}",
                "votes": "0",
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/maps/{empathy_map}/"},
            name="add note",
        )
