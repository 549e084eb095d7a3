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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "workspace"]
    search_fields = ["user__username", "workspace__name"]


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
