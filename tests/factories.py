"""Test data, created through the services so tests exercise the real write path."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from maps import services
from maps.models import EmpathyMap, Persona, Workspace


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            obj.save()


def make_workspace(owner, name: str = "Acme") -> Workspace:
    return services.workspace_create(user=owner, name=name)


def add_member(workspace: Workspace, user, role: str) -> None:
    owner = workspace.memberships.filter(role="owner").first().user
    services.membership_add(user=owner, workspace=workspace, username=user.username, role=role)


def make_persona(workspace: Workspace, name: str = "Jane, procurement lead") -> Persona:
    owner = workspace.memberships.filter(role="owner").first().user
    return services.persona_create(user=owner, workspace=workspace, name=name)


def make_map(
    persona: Persona,
    perspective: str = "internal",
    title: str | None = None,
    notes: list[tuple[str, str]] | None = None,
) -> EmpathyMap:
    owner = persona.workspace.memberships.filter(role="owner").first().user
    empathy_map = services.map_create(
        user=owner,
        persona=persona,
        perspective=perspective,
        title=title or f"{perspective.title()} map",
        held_on=datetime.date(2026, 10, 1),
    )
    if notes:
        services.notes_bulk_create(
            user=owner,
            empathy_map=empathy_map,
            notes=[services.NoteData(segment=segment, text=text) for segment, text in notes],
        )
    return empathy_map
