"""The workspace page lists each persona's pairs by their workshop round and team, with the
newest comparison's status or empathy score, and leads to the persona's rounds."""

import pytest
from django.urls import reverse

from comparison import tasks
from maps.services import NoteData
from tests.support.builders import build_round, build_round_pairs

pytestmark = pytest.mark.django_db

TOOLS = NoteData("pains", "Too many tools that do not talk to each other")


def test_pairs_show_their_round_team_and_score(client, owner, persona, workspace, monkeypatch):
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    # given two teams compared in round 2, and a pair of round 3 not compared yet
    reports = build_round(
        owner, persona, customer=[TOOLS], teams={"sales": [TOOLS], "support": []}, round_number=2
    )
    build_round_pairs(owner, persona, customer=[TOOLS], teams={"sales": [TOOLS]}, round_number=3)
    client.force_login(owner)

    text = client.get(reverse("workspace-detail", kwargs={"pk": workspace.pk})).content.decode()

    # then each pair is named by its workshop round, not by its place in the list
    assert "Round 2 · sales:" in text
    assert "Round 2 · support:" in text
    assert "Round 3 · sales:" in text
    assert "Round 1" not in text
    sales = reports["sales"]
    assert f"empathy score {round(sales.summary['empathy_score'])}</a>" in text
    assert reverse("report-page", kwargs={"pk": sales.pk}) in text
    assert "not compared yet" in text
    assert reverse("persona-rounds", kwargs={"pk": persona.pk}) in text
