"""factory_boy factories for the models; each creates through its service, as the app does.

A factory's `by` is the user who does the write; it defaults to the owner of the
workspace, who may do every write. Attributes that are not model fields (`owner`, `by`,
`notes`, `run`) are handed to the service, not to the model.

    workspace = WorkspaceFactory(owner=owner, name="Acme")
    MembershipFactory(workspace=workspace, user=editor, role="editor")
    internal = EmpathyMapFactory(persona=persona, notes=[("pains", "Too many tools")])
    report = ReportFactory(pair=MapPairFactory(internal_map=internal, customer_map=customer))
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import factory
from django.contrib.auth import get_user_model

from comparison import services as comparison_services
from comparison.models import Report, ReportStatus
from maps import services
from maps.models import EmpathyMap, MapPair, Membership, Note, Persona, Role, Workspace

PASSWORD = "pw-for-tests"  # noqa: S105 - every test user's password
# The day every map is held on unless a test says otherwise (the demo's first workshop).
HELD_ON = datetime.date(2026, 10, 1)

# A note as tests write it: NoteData, or (segment, text) or (segment, text, votes).
NoteLike = services.NoteData | tuple


def owner_of(workspace: Workspace):
    """The workspace's first owner: the user the factories write as by default."""
    return workspace.memberships.filter(role=Role.OWNER).order_by("id").first().user


def note_data(notes: Iterable[NoteLike]) -> list[services.NoteData]:
    return [
        note if isinstance(note, services.NoteData) else services.NoteData(*note) for note in notes
    ]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    """`services.workspace_create`: the workspace and its owner's membership."""

    class Meta:
        model = Workspace

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Workspace {n}")

    @classmethod
    def _create(cls, model_class, *, owner, name, **kwargs):
        return services.workspace_create(user=owner, name=name)


class MembershipFactory(factory.django.DjangoModelFactory):
    """`services.membership_add`, done by the workspace's owner."""

    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER
    by = factory.LazyAttribute(lambda o: owner_of(o.workspace))

    @classmethod
    def _create(cls, model_class, *, workspace, user, role, by, **kwargs):
        return services.membership_add(
            user=by, workspace=workspace, username=user.get_username(), role=role
        )


class PersonaFactory(factory.django.DjangoModelFactory):
    """`services.persona_create`."""

    class Meta:
        model = Persona

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Persona {n}")
    description = ""
    by = factory.LazyAttribute(lambda o: owner_of(o.workspace))

    @classmethod
    def _create(cls, model_class, *, workspace, name, description, by, **kwargs):
        return services.persona_create(
            user=by, workspace=workspace, name=name, description=description
        )


class EmpathyMapFactory(factory.django.DjangoModelFactory):
    """`services.map_create`, then `services.notes_bulk_create` for `notes` (if any)."""

    class Meta:
        model = EmpathyMap

    persona = factory.SubFactory(PersonaFactory)
    perspective = "internal"
    title = factory.LazyAttribute(lambda o: f"{o.perspective.title()} map")
    held_on = HELD_ON
    facilitator = ""
    participants = ""
    round = 1
    team = ""
    notes = ()
    by = factory.LazyAttribute(lambda o: owner_of(o.persona.workspace))

    @classmethod
    def _create(cls, model_class, *, notes, by, **fields):
        empathy_map = services.map_create(user=by, **fields)
        if notes:
            services.notes_bulk_create(user=by, empathy_map=empathy_map, notes=note_data(notes))
        return empathy_map


class NoteFactory(factory.django.DjangoModelFactory):
    """`services.note_create` on `empathy_map`."""

    class Meta:
        model = Note

    empathy_map = factory.SubFactory(EmpathyMapFactory)
    segment = "pains"
    text = factory.Sequence(lambda n: f"Note number {n}")
    votes = 0
    author = ""
    by = factory.LazyAttribute(lambda o: owner_of(o.empathy_map.persona.workspace))

    @classmethod
    def _create(cls, model_class, *, by, **fields):
        return services.note_create(user=by, **fields)


class MapPairFactory(factory.django.DjangoModelFactory):
    """`services.pair_create`: an internal map and a customer map of one persona."""

    class Meta:
        model = MapPair

    internal_map = factory.SubFactory(EmpathyMapFactory, perspective="internal")
    customer_map = factory.SubFactory(
        EmpathyMapFactory,
        perspective="customer",
        persona=factory.SelfAttribute("..internal_map.persona"),
    )
    by = factory.LazyAttribute(lambda o: owner_of(o.internal_map.persona.workspace))

    @classmethod
    def _create(cls, model_class, *, internal_map, customer_map, by, **kwargs):
        return services.pair_create(user=by, internal_map=internal_map, customer_map=customer_map)


class ReportFactory(factory.django.DjangoModelFactory):
    """A comparison requested (`report_request`) and, unless `run=False`, run in this
    process (`report_run`) to a successful end.

    The run is queued only after commit, which never comes inside a test's transaction,
    so nothing reaches a broker there; a `transaction=True` test stubs the task's `delay`.
    """

    class Meta:
        model = Report

    pair = factory.SubFactory(MapPairFactory)
    settings = None
    run = True
    by = factory.LazyAttribute(lambda o: owner_of(o.pair.internal_map.persona.workspace))

    @classmethod
    def _create(cls, model_class, *, pair, settings, run, by, **kwargs):
        report, created = comparison_services.report_request(user=by, pair=pair, settings=settings)
        assert created, f"pair {pair.pk} already has a report queued or running"
        if run:
            comparison_services.report_run(report_id=report.pk)
            report.refresh_from_db()
            assert report.status == ReportStatus.SUCCEEDED, report.error
        return report
