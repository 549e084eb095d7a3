"""A known comparison for the report page and export tests (shared by both modules)."""

from __future__ import annotations

import datetime

from comparison import services, tasks
from comparison.models import Report
from maps import services as map_services

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"

# (segment, text, votes)
INTERNAL = [
    ("pains", "Too many tools that don't talk to each other", 5),
    ("gains", f"Lower prices from suppliers {SCRIPT}", 2),
    ("thinks_feels", "Wants to be seen as the one who saves money", 4),
    ("sees", "Approval workflows take weeks", 3),
]
CUSTOMER = [
    ("pains", "Too many tools that do not talk to each other", 4),
    ("hears", f"Auditors ask for a complete paper trail {IMG}", 1),
    ("says_does", '=HYPERLINK("http://evil.example","click")', 6),
    ("pains", "Approval workflows take weeks and weeks", 2),
]


def build_pair(owner, persona, internal=INTERNAL, customer=CUSTOMER):
    maps = []
    for perspective, notes, title in (
        ("internal", internal, "Sales team hypotheses"),
        ("customer", customer, "Customer workshop March"),
    ):
        empathy_map = map_services.map_create(
            user=owner,
            persona=persona,
            perspective=perspective,
            title=title,
            held_on=datetime.date(2026, 3, 12),
            facilitator="Fiona Facilitator",
            participants="Ana\nBen, Chris",
        )
        map_services.notes_bulk_create(
            user=owner,
            empathy_map=empathy_map,
            notes=[map_services.NoteData(segment=s, text=t, votes=v) for s, t, v in notes],
        )
        maps.append(empathy_map)
    return map_services.pair_create(user=owner, internal_map=maps[0], customer_map=maps[1])


def run_report(pair, user, monkeypatch) -> Report:
    """Queue and run the comparison synchronously (no broker)."""
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    report, _ = services.report_request(user=user, pair=pair)
    services.report_run(report_id=report.pk)
    report.refresh_from_db()
    return report
