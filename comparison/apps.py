import datetime

from django.apps import AppConfig


class ComparisonConfig(AppConfig):
    name = "comparison"
    verbose_name = "Comparisons"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils import dateformat
        from django.utils.translation import gettext, pgettext

        from comparison.charts import translation
        from comparison.embeddings import refresh_queue_on_change
        from maps.signals import note_texts_changed

        note_texts_changed.connect(refresh_queue_on_change, dispatch_uid="embeddings-refresh")

        def table_date(value: datetime.date) -> str:
            # Translators: a Django date format for the days in a chart's table.
            return dateformat.format(value, pgettext("date in a chart's table", "Y-m-d"))

        # The chart builders are pure; they translate through Django's active language.
        translation.use_translation(gettext=gettext, pgettext=pgettext, format_date=table_date)
