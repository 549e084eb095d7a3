from django.conf import settings as django_settings
from django.db import models

from maps.models import MapPair, Note, Segment, TimeStamped


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


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
        max_length=64, blank=True, help_text="SHA-256 of the compared notes"
    )
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
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
    PAIR = "pair", "Pair"
    ALSO = "also", "Also matches"
    UNMATCHED = "unmatched", "Unmatched"


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    PARTIAL = "partial", "Partially confirmed"
    MISPLACED = "misplaced", "Right insight, wrong segment"
    UNCONFIRMED = "unconfirmed", "Unconfirmed"
    ANTICIPATED = "anticipated", "Anticipated"
    MISSED = "missed", "Missed"


class MatchSource(models.TextChoices):
    ENGINE = "engine", "Engine"
    MANUAL = "manual", "Manual"


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
        verbose_name_plural = "matches"
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
