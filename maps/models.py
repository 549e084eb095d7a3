from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from maps.io.limits import MAX_COLOUR_CHARS, MAX_ID_CHARS, MAX_NOTE_CHARS
from maps.segments import SEGMENTS

# `text__length` in the note's check constraint.
models.TextField.register_lookup(Length)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")

    @property
    def in_sentence(self) -> str:
        """The role as a sentence names it ("… is now editor."): lower case in English,
        a noun (capitalised) in German."""
        return str(ROLE_IN_SENTENCE[self.value])


ROLE_IN_SENTENCE = {
    "owner": pgettext_lazy("role in a sentence", "owner"),
    "editor": pgettext_lazy("role in a sentence", "editor"),
    "viewer": pgettext_lazy("role in a sentence", "viewer"),
}


class Segment(models.TextChoices):
    # Built from maps.segments so the pure engine and the models share one list; the
    # labels are marked there (gettext_noop) and translated when shown.
    SEES = SEGMENTS[0].key, _(SEGMENTS[0].label)
    SAYS_DOES = SEGMENTS[1].key, _(SEGMENTS[1].label)
    HEARS = SEGMENTS[2].key, _(SEGMENTS[2].label)
    THINKS_FEELS = SEGMENTS[3].key, _(SEGMENTS[3].label)
    PAINS = SEGMENTS[4].key, _(SEGMENTS[4].label)
    GAINS = SEGMENTS[5].key, _(SEGMENTS[5].label)


class Perspective(models.TextChoices):
    INTERNAL = "internal", _("Internal (hypotheses)")
    CUSTOMER = "customer", _("Customer workshop")


class Workspace(TimeStamped):
    name = models.CharField(max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="workspaces"
    )

    class Meta:
        verbose_name = pgettext_lazy("model name", "workspace")
        verbose_name_plural = pgettext_lazy("model name", "workspaces")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStamped):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = pgettext_lazy("model name", "membership")
        verbose_name_plural = pgettext_lazy("model name", "memberships")
        ordering = ["workspace_id", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.workspace}"


class Persona(TimeStamped):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)

    class Meta:
        verbose_name = pgettext_lazy("model name", "persona")
        verbose_name_plural = pgettext_lazy("model name", "personas")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"],
                name="persona_unique_name",
                violation_error_message=_("A persona with this name already exists here."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmpathyMap(TimeStamped):
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="maps")
    perspective = models.CharField(max_length=16, choices=Perspective.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField(null=True, blank=True, help_text=_("Date of the workshop"))
    facilitator = models.CharField(max_length=120, blank=True)
    participants = models.TextField(
        blank=True, max_length=2000, help_text=_("Who took part, one per line or comma-separated")
    )
    round = models.PositiveSmallIntegerField(
        default=1, help_text=_("Workshop round of this persona: 1 for the first, 2 for the next…")
    )
    team = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("Whose hypotheses, for internal maps: management, sales, front line…"),
    )
    # Sealing freezes an internal map's hypotheses before the customer workshop.
    sealed_at = models.DateTimeField(null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seal_digest = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the notes when the map was sealed")
    )

    class Meta:
        verbose_name = pgettext_lazy("model name", "empathy map")
        verbose_name_plural = pgettext_lazy("model name", "empathy maps")
        ordering = ["persona_id", "round", "-held_on", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(perspective__in=Perspective.values),
                name="map_perspective_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_internal(self) -> bool:
        return self.perspective == Perspective.INTERNAL

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None


class SealAction(models.TextChoices):
    SEALED = "sealed", _("Sealed")
    UNSEALED = "unsealed", _("Unsealed")


class MapSealEvent(models.Model):
    """Audit trail of sealing: who sealed or unsealed a map, when, and its digest then."""

    map = models.ForeignKey(EmpathyMap, on_delete=models.CASCADE, related_name="seal_events")
    action = models.CharField(max_length=16, choices=SealAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "seal event")
        verbose_name_plural = pgettext_lazy("model name", "seal events")
        ordering = ["map_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=SealAction.values), name="seal_event_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.map} {self.action} at {self.created_at:%Y-%m-%d %H:%M}"


class Note(TimeStamped):
    map = models.ForeignKey(EmpathyMap, on_delete=models.CASCADE, related_name="notes")
    segment = models.CharField(max_length=16, choices=Segment.choices)
    text = models.TextField(max_length=MAX_NOTE_CHARS)
    votes = models.PositiveIntegerField(default=0)
    author = models.CharField(max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)
    # Where a board import found the note: the sticky's id on the Miro/Mural board (so a
    # re-import updates the note instead of adding it again) and its colour.
    source_id = models.CharField(max_length=MAX_ID_CHARS, blank=True, default="")
    colour = models.CharField(max_length=MAX_COLOUR_CHARS, blank=True, default="")

    class Meta:
        verbose_name = pgettext_lazy("model name", "note")
        verbose_name_plural = pgettext_lazy("model name", "notes")
        ordering = ["map_id", "segment", "order", "id"]
        indexes = [models.Index(fields=["map", "segment", "order"], name="note_board_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(segment__in=Segment.values), name="note_segment_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(text__length__gte=1, text__length__lte=MAX_NOTE_CHARS),
                name="note_text_length",
            ),
            models.CheckConstraint(condition=models.Q(votes__gte=0), name="note_votes_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class MapPair(TimeStamped):
    """One internal and one customer map of the same persona: a workshop round.

    The rule spans rows, so besides `clean()` the database enforces it with triggers
    (migration 0002) on both SQLite and PostgreSQL.
    """

    internal_map = models.ForeignKey(
        EmpathyMap, on_delete=models.CASCADE, related_name="pairs_as_internal"
    )
    customer_map = models.ForeignKey(
        EmpathyMap, on_delete=models.CASCADE, related_name="pairs_as_customer"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("model name", "pair")
        verbose_name_plural = pgettext_lazy("model name", "pairs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["internal_map", "customer_map"],
                name="pair_unique_maps",
                violation_error_message=_("These two maps are already paired."),
            ),
            models.CheckConstraint(
                condition=~models.Q(internal_map=models.F("customer_map")),
                name="pair_distinct_maps",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.internal_map} ↔ {self.customer_map}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        internal = self.internal_map if self.internal_map_id else None
        customer = self.customer_map if self.customer_map_id else None
        if internal is not None and internal.perspective != Perspective.INTERNAL:
            errors["internal_map"] = gettext("This map is not an internal (hypotheses) map.")
        if customer is not None and customer.perspective != Perspective.CUSTOMER:
            errors["customer_map"] = gettext("This map is not a customer workshop map.")
        if (
            internal is not None
            and customer is not None
            and not errors
            and internal.persona_id != customer.persona_id
        ):
            errors["customer_map"] = gettext("Both maps must belong to the same persona.")
        if errors:
            raise ValidationError(errors)

    @property
    def persona(self) -> Persona:
        return self.internal_map.persona


class MembershipAction(models.TextChoices):
    CREATED = "created", _("Created the workspace")
    JOINED = "joined", _("Joined by invitation")
    ADDED = "added", _("Added")
    ROLE_CHANGED = "role_changed", _("Role changed")
    REMOVED = "removed", _("Removed")
    LEFT = "left", _("Left")


class MembershipEvent(models.Model):
    """Audit trail of a workspace's membership: who changed whose role, and when.

    The member's username is copied, so the record still reads after the account is gone.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="membership_events"
    )
    action = models.CharField(max_length=16, choices=MembershipAction.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    member_username = models.CharField(max_length=150)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    old_role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    new_role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "membership event")
        verbose_name_plural = pgettext_lazy("model name", "membership events")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=MembershipAction.values),
                name="membership_event_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_username} {self.action} in {self.workspace_id}"

    @property
    def old_role_in_sentence(self) -> str:
        return Role(self.old_role).in_sentence if self.old_role else ""

    @property
    def new_role_in_sentence(self) -> str:
        return Role(self.new_role).in_sentence if self.new_role else ""
