"""`make run`'s demo: loaded once, with every pair's comparison queued for the worker."""

import io

import pytest
from django.core.management import call_command

from comparison import tasks
from comparison.models import Report, ReportStatus
from maps.models import MapPair

pytestmark = pytest.mark.django_db


def test_the_demo_queues_a_comparison_of_every_pair_once(
    monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    sent = []
    monkeypatch.setattr(tasks.report_run_task, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        first = io.StringIO()
        call_command("load_demo", "--force", stdout=first)
        again = io.StringIO()
        call_command("load_demo", "--force", stdout=again)

    reports = Report.objects.all()
    assert reports.count() == 5  # Jane: sales, management, front line; Lukas: two teams
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.QUEUED}
    assert sorted(sent) == sorted(reports.values_list("pk", flat=True))
    assert "5 comparisons queued" in first.getvalue()
    assert "already loaded" in again.getvalue()
    assert "Log in as 'demo' with password" in first.getvalue()


def test_each_demo_workshop_is_paired_with_several_teams(monkeypatch, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)

    call_command("load_demo", "--force", stdout=io.StringIO())

    teams = {}
    for pair in MapPair.objects.select_related("internal_map__persona", "customer_map"):
        teams.setdefault((pair.internal_map.persona.name, pair.customer_map_id), set()).add(
            pair.internal_map.team
        )
    assert sorted(teams.values(), key=len) == [
        {"Sales", "Management"},
        {"Sales", "Management", "Front line"},
    ]


def test_demo_hypotheses_are_not_flagged_as_changed_after_the_workshop(
    monkeypatch, settings, tmp_path
):
    from maps import selectors

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    call_command("load_demo", "--force", stdout=io.StringIO())
    pairs = MapPair.objects.select_related("internal_map", "customer_map")
    assert pairs.exists()
    for pair in pairs:
        assert not selectors.map_edited_after_workshop(
            pair.internal_map, workshop_date=pair.customer_map.held_on
        )
