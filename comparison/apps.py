from django.apps import AppConfig


class ComparisonConfig(AppConfig):
    name = "comparison"
    verbose_name = "Comparisons"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from comparison.embeddings import refresh_queue_on_change
        from maps.signals import note_texts_changed

        note_texts_changed.connect(refresh_queue_on_change, dispatch_uid="embeddings-refresh")
