"""`make run`'s demo, in English and in German: loaded once, with every pair's comparison
queued for the worker."""

import io

import pytest
from django.core.management import call_command

from comparison import services as comparison_services
from comparison import tasks
from comparison.models import MatchKind, Report, ReportStatus
from maps import demo
from maps.models import MapPair, Workspace

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
    # English: Jane (three teams), Luke (two); German: Lukas (three), Sabine (two)
    assert reports.count() == 10
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.QUEUED}
    assert sorted(sent) == sorted(reports.values_list("pk", flat=True))
    assert first.getvalue().count("5 comparisons queued") == 2
    assert again.getvalue().count("already loaded") == 2
    assert "Log in as 'demo' with password" in first.getvalue()
    # the German workspace's reports share and export in German
    languages = {
        report.pair.internal_map.persona.workspace.name: report.language
        for report in reports.select_related("pair__internal_map__persona__workspace")
    }
    assert languages == {demo.DEMO_WORKSPACE: "en", demo.DEMO_WORKSPACE_DE: "de"}


def test_each_demo_workshop_is_paired_with_several_teams(monkeypatch, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)

    call_command("load_demo", "--force", stdout=io.StringIO())

    teams = {}
    for pair in MapPair.objects.select_related("internal_map__persona", "customer_map"):
        workshop = (pair.internal_map.persona.name, pair.customer_map.title)
        teams.setdefault(workshop, set()).add(pair.internal_map.team)
    assert teams == {
        ("Jane, procurement lead", "Customer workshop, Hamburg"): {
            "Sales",
            "Management",
            "Front line",
        },
        ("Luke, warehouse manager", "Customer workshop, Leeds"): {"Sales", "Management"},
        ("Lukas, Lagerleiter", "Kundenworkshop Köln"): {
            "Vertrieb",
            "Geschäftsführung",
            "Kundenservice",
        },
        ("Sabine, Einkaufsleiterin", "Kundenworkshop München"): {"Vertrieb", "Geschäftsführung"},
    }


def test_the_german_demo_is_a_workspace_of_its_own_with_the_same_member(
    monkeypatch, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)

    call_command("load_demo", "--force", stdout=io.StringIO())

    english = Workspace.objects.get(name=demo.DEMO_WORKSPACE)
    german = Workspace.objects.get(name=demo.DEMO_WORKSPACE_DE)
    assert {m.user.username for m in german.memberships.all()} == {demo.DEMO_USERNAME}
    assert {m.user.username for m in english.memberships.all()} == {demo.DEMO_USERNAME}
    assert set(german.personas.values_list("name", flat=True)) == {
        "Lukas, Lagerleiter",
        "Sabine, Einkaufsleiterin",
    }
    assert set(english.personas.values_list("name", flat=True)) == {
        "Jane, procurement lead",
        "Luke, warehouse manager",
    }
    titles = set(
        MapPair.objects.filter(internal_map__persona__workspace=german).values_list(
            "customer_map__title", flat=True
        )
    )
    assert titles == {"Kundenworkshop Köln", "Kundenworkshop München"}


def test_the_german_demo_report_links_german_hypotheses_to_customer_notes(
    monkeypatch, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    call_command("load_demo", "--force", stdout=io.StringIO())
    pair = MapPair.objects.get(
        internal_map__persona__workspace__name=demo.DEMO_WORKSPACE_DE,
        internal_map__persona__name="Lukas, Lagerleiter",
        internal_map__team="Vertrieb",
    )

    # when the sales team's hypotheses are compared with the Cologne workshop
    report = comparison_services.report_run(report_id=pair.reports.get().pk)

    # then German notes are linked: paper work, costs and typing errors at least
    assert report.status == ReportStatus.SUCCEEDED
    linked = {
        (match.internal_text, match.customer_text)
        for match in report.matches.filter(kind=MatchKind.PAIR)
    }
    assert len(linked) >= 5
    internal_linked = {internal for internal, _ in linked}
    assert {"Weniger Papierkram", "Sorge, dass die Kosten explodieren"} <= internal_linked


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
