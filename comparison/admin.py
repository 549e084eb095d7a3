from django.contrib import admin

from comparison.models import Match, Report, ReviewDecision


class MatchInline(admin.TabularInline):
    model = Match
    extra = 0
    can_delete = False
    fields = ["kind", "verdict", "score", "internal_text", "customer_text", "source"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "pair", "status", "progress", "engine_version", "created_at"]
    list_filter = ["status"]
    list_select_related = ["pair__internal_map", "pair__customer_map"]
    readonly_fields = ["notes_digest", "summary", "settings", "engine_version", "attempts"]
    inlines = [MatchInline]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    list_display = ["pair", "internal_text", "customer_text", "accepted", "decided_by"]
    list_select_related = ["pair", "decided_by"]
    raw_id_fields = ["pair", "internal_note", "customer_note"]
