"""Next actions: the services' limits on one draft and on a report's list.

The tests lower a limit on the services module itself, whose globals the services read.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from comparison.next_actions import services as actions

pytestmark = pytest.mark.django_db


def test_draft_limit_leaves_the_rest_for_the_next_draft(editor, report, monkeypatch):
    monkeypatch.setattr(actions, "MAX_DRAFT_ACTIONS", 2)

    first = actions.next_actions_draft(user=editor, report=report)
    second = actions.next_actions_draft(user=editor, report=report)

    assert (len(first.created), first.left_out) == (2, 1)
    assert (len(second.created), second.left_out) == (1, 0)


def test_report_limit_is_enforced(editor, report, monkeypatch):
    monkeypatch.setattr(actions, "MAX_ACTIONS_PER_REPORT", 1)
    outcome = actions.next_actions_draft(user=editor, report=report)
    assert (len(outcome.created), outcome.left_out) == (1, 2)
    with pytest.raises(ValidationError, match="at most 1 next actions"):
        actions.next_action_create(user=editor, report=report, kind="hmw", question="More?")
