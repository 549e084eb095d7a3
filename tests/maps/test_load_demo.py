"""`make run`'s demo: loaded once, with every pair's comparison queued for the worker."""

import io

import pytest
from django.core.management import call_command

from comparison import tasks
from comparison.models import Report, ReportStatus

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
    assert reports.count() == 2
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.QUEUED}
    assert sorted(sent) == sorted(reports.values_list("pk", flat=True))
    assert "2 comparisons queued" in first.getvalue()
    assert "already loaded" in again.getvalue()
    assert "Log in as 'demo' with password" in first.getvalue()
