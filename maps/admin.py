from django.contrib import admin

from maps.models import (
    EmpathyMap,
    MapPair,
    Membership,
    MembershipEvent,
    Note,
    Persona,
    Workspace,
)
from maps.services.memberships import membership_record_admin_change


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


def _old_roles(memberships) -> dict[int, str]:
    ids = [membership.pk for membership in memberships if membership.pk]
    return dict(Membership.objects.filter(pk__in=ids).values_list("pk", "role"))


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change) -> None:
        """Membership changes made in the inline go into the workspace's history."""
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        old_roles = _old_roles(f.instance for f in formset.forms)
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects:
            membership_record_admin_change(actor=request.user, membership=membership, old_role=None)
        for membership, _fields in formset.changed_objects:
            membership_record_admin_change(
                actor=request.user, membership=membership, old_role=old_roles.get(membership.pk)
            )
        for membership in formset.deleted_objects:
            membership_record_admin_change(
                actor=request.user, membership=membership, old_role=None, deleted=True
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "workspace"]
    search_fields = ["user__username", "workspace__name"]

    # Changes made here go into the workspace's history, as on the members page.
    def save_model(self, request, obj, form, change) -> None:
        old_role = _old_roles([obj]).get(obj.pk) if change else None
        super().save_model(request, obj, form, change)
        membership_record_admin_change(actor=request.user, membership=obj, old_role=old_role)

    def delete_model(self, request, obj) -> None:
        membership_record_admin_change(
            actor=request.user, membership=obj, old_role=None, deleted=True
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset.select_related("user"):
            membership_record_admin_change(
                actor=request.user, membership=membership, old_role=None, deleted=True
            )
        super().delete_queryset(request, queryset)


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "created_at"]
    list_select_related = ["workspace"]
    search_fields = ["name"]


class NoteInline(admin.TabularInline):
    model = Note
    extra = 0
    fields = ["segment", "text", "votes", "author", "order"]


@admin.register(EmpathyMap)
class EmpathyMapAdmin(admin.ModelAdmin):
    list_display = ["title", "persona", "perspective", "held_on", "facilitator"]
    list_filter = ["perspective"]
    list_select_related = ["persona"]
    search_fields = ["title", "persona__name"]
    inlines = [NoteInline]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["text", "segment", "votes", "author", "map"]
    list_filter = ["segment"]
    list_select_related = ["map"]
    search_fields = ["text", "author"]


@admin.register(MapPair)
class MapPairAdmin(admin.ModelAdmin):
    list_display = ["internal_map", "customer_map", "created_by", "created_at"]
    list_select_related = ["internal_map", "customer_map", "created_by"]
    raw_id_fields = ["internal_map", "customer_map"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    """Read-only: the history is what happened. Changes made in the admin's membership
    pages are not recorded here; the members page and the API record theirs."""

    list_display = ["created_at", "workspace", "action", "member_username", "actor"]
    list_filter = ["action"]
    search_fields = ["member_username", "workspace__name"]
    readonly_fields = [field.name for field in MembershipEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
