"""Model invariants, enforced by the database as well as by `full_clean()`."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maps import services
from maps.models import EmpathyMap, MapPair, Membership, Note
from tests.support.factories import EmpathyMapFactory, PersonaFactory

pytestmark = pytest.mark.django_db


def _integrity_error(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_pair_needs_an_internal_and_a_customer_map_in_the_database(persona):
    internal = EmpathyMapFactory(persona=persona, perspective="internal", title="A")
    other_internal = EmpathyMapFactory(persona=persona, perspective="internal", title="B")
    customer = EmpathyMapFactory(persona=persona, perspective="customer", title="C")

    _integrity_error(
        lambda: MapPair.objects.create(internal_map=internal, customer_map=other_internal)
    )
    _integrity_error(lambda: MapPair.objects.create(internal_map=customer, customer_map=internal))
    MapPair.objects.create(internal_map=internal, customer_map=customer)
    assert MapPair.objects.count() == 1


def test_pair_needs_one_persona_in_the_database(workspace, persona):
    other = PersonaFactory(workspace=workspace, name="Lukas")
    internal = EmpathyMapFactory(persona=persona, perspective="internal")
    customer = EmpathyMapFactory(persona=other, perspective="customer")
    _integrity_error(lambda: MapPair.objects.create(internal_map=internal, customer_map=customer))


def test_pair_update_is_checked_in_the_database(persona):
    internal = EmpathyMapFactory(persona=persona, perspective="internal", title="A")
    customer = EmpathyMapFactory(persona=persona, perspective="customer", title="C")
    other_internal = EmpathyMapFactory(persona=persona, perspective="internal", title="B")
    pair = MapPair.objects.create(internal_map=internal, customer_map=customer)
    _integrity_error(lambda: MapPair.objects.filter(pk=pair.pk).update(customer_map=other_internal))


def test_a_paired_map_cannot_switch_perspective_or_persona(workspace, persona):
    internal = EmpathyMapFactory(persona=persona, perspective="internal")
    customer = EmpathyMapFactory(persona=persona, perspective="customer")
    MapPair.objects.create(internal_map=internal, customer_map=customer)
    other = PersonaFactory(workspace=workspace, name="Lukas")
    _integrity_error(
        lambda: EmpathyMap.objects.filter(pk=customer.pk).update(perspective="internal")
    )
    _integrity_error(lambda: EmpathyMap.objects.filter(pk=customer.pk).update(persona=other))
    # Unrelated edits stay possible.
    EmpathyMap.objects.filter(pk=customer.pk).update(title="Renamed")
    assert EmpathyMap.objects.get(pk=customer.pk).title == "Renamed"


def test_pair_clean_explains_what_is_wrong(persona):
    internal = EmpathyMapFactory(persona=persona, perspective="internal", title="A")
    other_internal = EmpathyMapFactory(persona=persona, perspective="internal", title="B")
    with pytest.raises(ValidationError) as error:
        MapPair(internal_map=internal, customer_map=other_internal).full_clean()
    assert "customer_map" in error.value.message_dict


def test_same_pair_twice_is_refused(owner, persona):
    internal = EmpathyMapFactory(persona=persona, perspective="internal")
    customer = EmpathyMapFactory(persona=persona, perspective="customer")
    services.pair_create(user=owner, internal_map=internal, customer_map=customer)
    with pytest.raises(ValidationError):
        services.pair_create(user=owner, internal_map=internal, customer_map=customer)


def test_a_customer_map_may_belong_to_several_pairs(owner, persona):
    customer = EmpathyMapFactory(persona=persona, perspective="customer")
    for title in ("Management", "Sales"):
        services.pair_create(
            user=owner,
            internal_map=EmpathyMapFactory(persona=persona, perspective="internal", title=title),
            customer_map=customer,
        )
    assert customer.pairs_as_customer.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [("segment", "feelings"), ("votes", -1), ("text", ""), ("text", "x" * 501)],
)
def test_note_constraints_hold_in_the_database(internal_map, field, value):
    note = internal_map.notes.first()
    _integrity_error(lambda: Note.objects.filter(pk=note.pk).update(**{field: value}))


def test_note_of_500_characters_is_accepted(internal_map):
    note = internal_map.notes.first()
    Note.objects.filter(pk=note.pk).update(text="x" * 500)
    assert Note.objects.get(pk=note.pk).text == "x" * 500


def test_membership_is_unique_and_role_is_valid(workspace, viewer):
    _integrity_error(lambda: Membership.objects.create(workspace=workspace, user=viewer))
    membership = Membership.objects.get(workspace=workspace, user=viewer)
    _integrity_error(lambda: Membership.objects.filter(pk=membership.pk).update(role="admin"))


def test_persona_names_are_unique_per_workspace(owner, workspace, persona):
    with pytest.raises(ValidationError):
        services.persona_create(user=owner, workspace=workspace, name=persona.name)
