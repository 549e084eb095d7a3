"""The load benchmark's pieces that can be checked without a server: the seeded plan logs
the simulated users in, and locust's statistics are read and judged correctly."""

import io

import pytest
from django.urls import reverse

from bench import load
from comparison import tasks


@pytest.mark.django_db
def test_seeded_sessions_open_the_pages_the_users_visit(client, monkeypatch):
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)

    plan = load.seed(username="load", password="a-long-password", pairs=2)

    assert len(plan["sessions"]) == load.LOAD_USERS
    assert len(plan["reports"]) == 2
    assert len(plan["maps"]) == 4
    client.cookies["sessionid"] = plan["sessions"][-1]
    dashboard = reverse("dashboard", kwargs={"pk": plan["workspace"]})
    assert client.get(dashboard).status_code == 200
    assert client.get(reverse("report-page", kwargs={"pk": plan["reports"][0]})).status_code == 200


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,\
80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,dashboard,178,0,19,30,5,700,50000,6.1,0.0,19,25,30,40,60,96,300,610,700,700,700
,Aggregated,575,2,35,45,5,900,40000,19.8,0.1,35,50,60,70,120,320,400,470,900,900,900
"""


def test_locust_statistics_are_read_and_judged(tmp_path):
    path = tmp_path / "load_stats.csv"
    path.write_text(STATS)

    rows = load.read_stats(path)
    out = io.StringIO()
    load.print_stats(rows, out, seconds=30, users=20)

    assert [row.name for row in rows] == ["dashboard", "Aggregated"]
    assert rows[1].p95 == 320
    assert "MISSED (2 errors, p95 320 ms)" in out.getvalue()
