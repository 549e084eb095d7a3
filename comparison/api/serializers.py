from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from comparison.embeddings import availability
from comparison.models import (
    MAX_COMMENTARY_CHARS,
    CommentarySection,
    Match,
    Report,
    ReviewDecision,
    Suggestion,
)
from comparison.selectors import report_seal
from comparison.selectors.suggestions import awaits_review


class MatchingSerializer(serializers.Serializer):
    """Whether this server can match by meaning (the `semantic` extra is installed)."""

    semantic_available = serializers.BooleanField()
    default_scorer = serializers.ChoiceField(
        choices=["hybrid", "lexical"], help_text="What a comparison naming no scorer runs"
    )
    model = serializers.CharField(allow_blank=True)
    max_uncached_texts = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)


class ReportSealSerializer(serializers.Serializer):
    """The internal map's seal as recorded when the comparison ran; a later unseal or
    re-seal does not change it. `recorded` is false for reports run before it was kept
    (then `sealed` and `compared_sealed_notes` are null)."""

    recorded = serializers.BooleanField()
    sealed = serializers.BooleanField(allow_null=True)
    sealed_at = serializers.DateTimeField(allow_null=True)
    sealed_by = serializers.CharField(allow_blank=True)
    seal_digest = serializers.CharField(allow_blank=True, help_text="SHA-256 at sealing")
    compared_digest = serializers.CharField(
        allow_blank=True, help_text="The same digest of the notes the comparison used"
    )
    compared_sealed_notes = serializers.BooleanField(
        allow_null=True,
        help_text="True when the comparison used exactly the sealed hypotheses; "
        "null when the map was not sealed",
    )


class ReportSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    matching = serializers.SerializerMethodField()
    internal_seal = serializers.SerializerMethodField()

    @extend_schema_field(MatchingSerializer)
    def get_matching(self, report: Report) -> dict:
        return availability()

    @extend_schema_field(ReportSealSerializer)
    def get_internal_seal(self, report: Report) -> dict:
        return report_seal(report).as_json()

    class Meta:
        model = Report
        fields = [
            "id",
            "pair",
            "status",
            "progress",
            "settings",
            "engine_version",
            "notes_digest",
            "summary",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "matching",
            "internal_seal",
        ]
        read_only_fields = fields


class CompareRequestSerializer(serializers.Serializer):
    """Optional engine settings; omitted values take the defaults chosen from data."""

    scorer = serializers.CharField(required=False, max_length=40)
    threshold = serializers.FloatField(required=False, min_value=0, max_value=100)
    partial_threshold = serializers.FloatField(required=False, min_value=0, max_value=100)
    cross_segment = serializers.BooleanField(required=False)
    language = serializers.ChoiceField(choices=["auto", "en", "de"], required=False)


class CompareResponseSerializer(serializers.Serializer):
    report = serializers.IntegerField()
    status = serializers.CharField()


class MatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Match
        fields = [
            "id",
            "kind",
            "verdict",
            "score",
            "shared_terms",
            "source",
            "internal_note",
            "internal_segment",
            "internal_text",
            "internal_votes",
            "internal_verdict",
            "customer_note",
            "customer_segment",
            "customer_text",
            "customer_votes",
            "customer_verdict",
        ]
        read_only_fields = fields


class SuggestionSerializer(serializers.ModelSerializer):
    """A customer note the engine suggests as evidence for a hypothesis (`rank` 1 is the
    most likely of up to 3). `state` open, confirmed or dismissed; `learned` when the
    decision was made on the same two note texts elsewhere in the workspace;
    `awaits_review` when it is open and its hypothesis unconfirmed or partly confirmed.
    Confirm or dismiss it through `POST /api/reports/{id}/decisions/` (accepted true or
    false)."""

    awaits_review = serializers.SerializerMethodField()

    def get_awaits_review(self, suggestion: Suggestion) -> bool:
        return awaits_review(suggestion)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "rank",
            "score",
            "state",
            "learned",
            "awaits_review",
            "internal_note",
            "internal_segment",
            "internal_text",
            "internal_verdict",
            "customer_note",
            "customer_segment",
            "customer_text",
        ]
        read_only_fields = fields


class DecisionInputSerializer(serializers.Serializer):
    internal_note = serializers.IntegerField()
    customer_note = serializers.IntegerField()
    accepted = serializers.BooleanField()


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)

    class Meta:
        model = ReviewDecision
        fields = [
            "id",
            "internal_note",
            "customer_note",
            "internal_text",
            "customer_text",
            "accepted",
            "decided_by",
            "created_at",
        ]
        read_only_fields = fields


# --- consultant commentary ----------------------------------------------------------------


class CommentarySerializer(serializers.Serializer):
    """One section's commentary (plain text; clients must escape it when showing it)."""

    section = serializers.ChoiceField(choices=CommentarySection.choices, read_only=True)
    label = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    updated_by = serializers.CharField(allow_null=True, read_only=True)
    updated_at = serializers.DateTimeField(allow_null=True, read_only=True)


class CommentaryInputSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=CommentarySection.choices)
    text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_COMMENTARY_CHARS + 1000,  # surrounding whitespace is trimmed later
        help_text=(
            f"Plain text with line breaks, up to {MAX_COMMENTARY_CHARS} characters; "
            "an empty text removes the section's commentary."
        ),
    )
