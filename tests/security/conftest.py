"""A two-tenant world for the security tests.

Workspace A holds an owner, an editor and a viewer and one of everything (persona, both
maps with notes, a spare customer map, a pair, a finished report with a commentary and a
share link). The outsider owns workspace B. Every name and note in A carries MARKER, so a
test can prove that no response to the outsider contains A's data.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, fields

import pytest
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invitation_create
from comparison.models import NextAction, ReportCommentary, ShareLink
from maps import services
from maps.models import EmpathyMap, MapPair, Membership, Note, Persona, Workspace
from tests.support.factories import (
    EmpathyMapFactory,
    MapPairFactory,
    MembershipFactory,
    PersonaFactory,
    ReportFactory,
    UserFactory,
    WorkspaceFactory,
)

MARKER = "zqalpha"


@dataclass
class World:
    users: dict
    workspace: Workspace
    persona: Persona
    internal: EmpathyMap
    customer: EmpathyMap
    spare_customer: EmpathyMap
    note: Note
    customer_note: Note
    pair: MapPair
    report: object
    viewer_membership: Membership
    share_link: ShareLink
    share_token: str
    next_action: NextAction
    other_workspace: Workspace
    invitation: Invitation


def build_world() -> World:
    owner = UserFactory(username="owner")
    editor = UserFactory(username="editor")
    viewer = UserFactory(username="viewer")
    outsider = UserFactory(username="outsider")
    UserFactory(username="newcomer")
    workspace = WorkspaceFactory(owner=owner, name=f"Acme {MARKER} workspace")
    MembershipFactory(workspace=workspace, user=editor, role="editor")
    MembershipFactory(workspace=workspace, user=viewer, role="viewer")
    persona = PersonaFactory(workspace=workspace, name=f"Jane {MARKER}")
    maps = {
        key: EmpathyMapFactory(persona=persona, perspective=perspective, title=title)
        for key, perspective, title in [
            ("internal", "internal", f"Team {MARKER} hypotheses"),
            ("customer", "customer", f"Customer {MARKER} workshop"),
            ("spare", "customer", f"Second {MARKER} workshop"),
        ]
    }
    internal_notes = services.notes_bulk_create(
        user=owner,
        empathy_map=maps["internal"],
        notes=[
            services.NoteData(segment="pains", text=f"Too many {MARKER} tools"),
            services.NoteData(segment="gains", text=f"One {MARKER} place for data"),
        ],
    )
    customer_notes = services.notes_bulk_create(
        user=owner,
        empathy_map=maps["customer"],
        notes=[services.NoteData(segment="pains", text=f"Tools {MARKER} do not talk")],
    )
    pair = MapPairFactory(internal_map=maps["internal"], customer_map=maps["customer"])
    # The run is sent after commit, which never happens inside a test transaction: the
    # report is run here directly.
    report = ReportFactory(pair=pair, by=editor)
    ReportCommentary.objects.create(
        report=report, section="overall", text=f"We {MARKER} were wrong", updated_by=owner
    )
    token = secrets.token_urlsafe(32)
    share_link = ShareLink.objects.create(
        report=report,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
        created_by=owner,
    )
    next_action = NextAction.objects.create(
        pair=pair,
        report=report,
        kind="hmw",
        segment="pains",
        question=f"How might we {MARKER}?",
        created_by=owner,
    )
    # Its mail would be queued on commit, which never comes inside a test transaction.
    invitation, _token = invitation_create(
        user=owner,
        workspace=workspace,
        email=f"{MARKER}@example.com",
        role="viewer",
        base_url="http://testserver/",
    )
    other_workspace = WorkspaceFactory(owner=outsider, name="Globex workspace")
    other_persona = PersonaFactory(workspace=other_workspace, name="Bob")
    EmpathyMapFactory(
        persona=other_persona, perspective="internal", title="Globex map", held_on=None
    )
    return World(
        users={"owner": owner, "editor": editor, "viewer": viewer, "outsider": outsider},
        workspace=workspace,
        persona=persona,
        internal=maps["internal"],
        customer=maps["customer"],
        spare_customer=maps["spare"],
        note=internal_notes[0],
        customer_note=customer_notes[0],
        pair=pair,
        report=report,
        viewer_membership=Membership.objects.get(workspace=workspace, user=viewer),
        share_link=share_link,
        share_token=token,
        next_action=next_action,
        other_workspace=other_workspace,
        invitation=invitation,
    )


def committed_world(django_db_blocker) -> Iterator[World]:
    """Build the world once, committed, for a whole test module; flush it afterwards.

    Each test still runs in its own transaction (rolled back), so what a test writes is
    gone before the next, and the world's ~0.2 s are spent once instead of per test (the
    matrix has over a thousand). The world's queued comparison and invitation mail are
    dropped: nothing would consume them, and the report is run here directly.
    """
    with django_db_blocker.unblock():
        with transaction.atomic():
            world = build_world()
            transaction.get_connection().run_on_commit.clear()
        yield world
        call_command("flush", interactive=False, verbosity=0)


def fresh(world: World) -> World:
    """The same world read anew from the database: a test that changed an object in memory
    (sealed a map, renamed a workspace) leaves nothing behind for the next."""
    values = {}
    for item in fields(world):
        value = getattr(world, item.name)
        if isinstance(value, models.Model):
            value = type(value).objects.get(pk=value.pk)
        elif isinstance(value, dict):
            value = {key: type(user).objects.get(pk=user.pk) for key, user in value.items()}
        values[item.name] = value
    return World(**values)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from committed_world(django_db_blocker)


@pytest.fixture
def world(module_world, db) -> World:
    return fresh(module_world)
