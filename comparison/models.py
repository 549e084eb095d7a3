from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comparison import verdicts
from maps.models import MapPair, Note, Segment, TimeStamped


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)


class Report(TimeStamped):
    """One comparison run of a pair: its settings, progress, outcome and summary."""

    pair = models.ForeignKey(MapPair, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    settings = models.JSONField(default=dict)
    engine_version = models.CharField(max_length=32, blank=True)
    notes_digest = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the compared notes")
    )
    summary = models.JSONField(default=dict, blank=True)
    # The internal map's seal as it was when the comparison read the notes (see
    # `comparison.services.runs._seal_snapshot`); null for reports run before it was kept.
    internal_seal = models.JSONField(
        null=True,
        blank=True,
        help_text=_("The internal map's seal when the comparison ran (null: not recorded)"),
    )
    error = models.TextField(blank=True)
    # What a client reads of this report (the shared page, exports) is in this language,
    # whatever the reader's browser asks for: by default the language of whoever ran it.
    language = models.CharField(
        max_length=8,
        choices=django_settings.LANGUAGES,
        default=django_settings.LANGUAGE_CODE,
        help_text=_("Language of the shared page and the exports"),
    )
    # The review decisions applied when the report was last computed (a person's accepted
    # or rejected pairs of its notes), and how many of them were learned: made on the same
    # two note texts elsewhere in the workspace (`comparison.services.results`).
    decisions_applied = models.PositiveIntegerField(default=0)
    decisions_learned = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pair", "status", "-finished_at"], name="report_latest")]
        constraints = [
            # Enqueuing twice, or concurrently, yields one active report per pair.
            models.UniqueConstraint(
                fields=["pair"],
                condition=models.Q(status__in=["queued", "running"]),
                name="report_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.SUCCEEDED, ReportStatus.FAILED)


class MatchKind(models.TextChoices):
    PAIR = "pair", pgettext_lazy("match kind", "Pair")
    ALSO = "also", _("Also matches")
    UNMATCHED = "unmatched", _("Unmatched")


class Verdict(models.TextChoices):
    """The stored verdicts; their words come from the one vocabulary, `comparison.verdicts`."""

    # The words are marked for translation in comparison.verdicts.
    CONFIRMED = "confirmed", _(verdicts.label("confirmed"))
    PARTIAL = "partial", _(verdicts.label("partial"))
    MISPLACED = "misplaced", _(verdicts.label("misplaced"))
    UNCONFIRMED = "unconfirmed", _(verdicts.label("unconfirmed"))
    ANTICIPATED = "anticipated", _(verdicts.label("anticipated"))
    MISSED = "missed", _(verdicts.label("missed"))


class MatchSource(models.TextChoices):
    ENGINE = "engine", _("Engine")
    # A person accepted the pair in this pair's review (accepted, confirmed or linked).
    MANUAL = "manual", _("Manual")
    # A person accepted the same two note texts elsewhere in the workspace (see
    # `comparison.services.results.review_decisions`).
    LEARNED = "learned", _("Learned from review")


class Match(models.Model):
    """A line of a report, with text snapshots so later map edits never change it.

    `pair` rows are the one-to-one assignment, `also` rows further notes above the
    threshold, `unmatched` rows a note with no counterpart (one side empty).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(max_length=16, choices=MatchKind.choices)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    score = models.FloatField(null=True, blank=True)
    shared_terms = models.JSONField(default=list, blank=True)
    source = models.CharField(
        max_length=16, choices=MatchSource.choices, default=MatchSource.ENGINE
    )

    internal_note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    internal_segment = models.CharField(max_length=16, choices=Segment.choices, blank=True)
    internal_text = models.TextField(blank=True)
    internal_votes = models.PositiveIntegerField(default=0)
    internal_verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)

    customer_note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_segment = models.CharField(max_length=16, choices=Segment.choices, blank=True)
    customer_text = models.TextField(blank=True)
    customer_votes = models.PositiveIntegerField(default=0)
    customer_verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)

    class Meta:
        ordering = ["report_id", "id"]
        verbose_name_plural = _("matches")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(internal_text="", customer_text=""),
                name="match_has_a_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.internal_text[:30]} ↔ {self.customer_text[:30]} ({self.verdict})"


class ReviewDecision(TimeStamped):
    """An editor's decision on a pair of notes, kept across re-runs of the pair while
    both note texts are unchanged."""

    pair = models.ForeignKey(MapPair, on_delete=models.CASCADE, related_name="decisions")
    internal_note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="+")
    customer_note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="+")
    internal_text = models.TextField()
    customer_text = models.TextField()
    accepted = models.BooleanField()
    decided_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A decision on a suggestion of a link-model run: the link model's features of the
    # pair in that run and the scorer ("semantic" or "hybrid"), which the workspace's later
    # runs of that scorer learn from (`engine.link_model.with_reviews`). Empty for a hand
    # link or a decision on a lexical report.
    features = models.JSONField(null=True, blank=True)
    scorer = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["pair_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "internal_note", "customer_note"], name="decision_unique_notes"
            ),
        ]

    def __str__(self) -> str:
        action = "accept" if self.accepted else "reject"
        return f"{action} {self.internal_note_id}↔{self.customer_note_id}"


# The engine suggests up to this many customer notes per hypothesis (issue 14: "up to 3").
MAX_SUGGESTIONS_PER_NOTE = 3


class SuggestionState(models.TextChoices):
    OPEN = "open", _("Awaits review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Suggestion(models.Model):
    """A customer note the engine suggests as evidence for one hypothesis of a report, with
    text snapshots like `Match`: up to MAX_SUGGESTIONS_PER_NOTE per hypothesis, `rank` 1 the
    most likely.

    `state` says whether a person confirmed or dismissed this pair of notes (a review
    decision applied when the report was computed); `learned` that the decision was made on
    the same two texts elsewhere in the workspace. Replaced with the Match rows on every
    run and every recompute after a review.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="suggestions")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    state = models.CharField(
        max_length=16, choices=SuggestionState.choices, default=SuggestionState.OPEN
    )
    learned = models.BooleanField(default=False)
    # The link model's features of the pair (semantic and hybrid runs), copied to the
    # ReviewDecision a person makes on this suggestion.
    features = models.JSONField(null=True, blank=True)

    internal_note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    internal_segment = models.CharField(max_length=16, choices=Segment.choices)
    internal_text = models.TextField()
    # The hypothesis' verdict in this report: only unconfirmed and partial ones ask for review.
    internal_verdict = models.CharField(max_length=16, choices=Verdict.choices)

    customer_note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_segment = models.CharField(max_length=16, choices=Segment.choices)
    customer_text = models.TextField()

    class Meta:
        ordering = ["report_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rank__gte=1, rank__lte=MAX_SUGGESTIONS_PER_NOTE),
                name="suggestion_rank_range",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=SuggestionState.values), name="suggestion_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.internal_text[:30]} ← {self.customer_text[:30]} ({self.rank}, {self.state})"


class CommentarySection(models.TextChoices):
    OVERALL = "overall", _("Overall reflection")
    RIGHT = "right", _("Where we were right")
    WRONG = "wrong", _("Where we were wrong")
    MISSED = "missed", _("What we missed")
    MISPLACED = "misplaced", _("Right insight, wrong segment")


MAX_COMMENTARY_CHARS = 5000


class ReportCommentary(TimeStamped):
    """A consultant's plain-text reflection on one section of a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="commentaries")
    section = models.CharField(max_length=16, choices=CommentarySection.choices)
    text = models.TextField(max_length=MAX_COMMENTARY_CHARS)
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["report_id", "section"]
        verbose_name_plural = _("report commentaries")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "section"], name="commentary_one_per_section"
            ),
            models.CheckConstraint(
                condition=models.Q(section__in=CommentarySection.values),
                name="commentary_section_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()} on report {self.report_id}"


class ShareLink(TimeStamped):
    """A read-only link to one report. Only the SHA-256 of the token is stored."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Share link {self.pk} for report {self.report_id}"


class NoteEmbedding(models.Model):
    """A cached sentence embedding of one note text for one model (float32 bytes)."""

    model_name = models.CharField(max_length=100)
    text_digest = models.CharField(max_length=64, help_text=_("SHA-256 of the embedded text"))
    dimensions = models.PositiveSmallIntegerField()
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model_name", "text_digest"], name="embedding_unique_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_name}:{self.text_digest[:12]}"


class ActionKind(models.TextChoices):
    HOW_MIGHT_WE = "hmw", _("How might we…")
    TEST_CARD = "test_card", _("Test card")


class NextAction(TimeStamped):
    """A next step drawn from a report: a "How might we…" question or a test card,
    editable, exportable and carried into the next round's internal map."""

    pair = models.ForeignKey(MapPair, on_delete=models.CASCADE, related_name="next_actions")
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="next_actions"
    )
    source_match = models.ForeignKey(
        Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    segment = models.CharField(max_length=16, choices=Segment.choices, blank=True)
    question = models.TextField(max_length=1000, blank=True)
    hypothesis = models.TextField(max_length=1000, blank=True)
    test = models.TextField(max_length=1000, blank=True)
    metric = models.TextField(max_length=500, blank=True)
    criterion = models.TextField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)
    carried_to_note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["pair_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ActionKind.values), name="next_action_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return (self.question or self.hypothesis)[:60]
