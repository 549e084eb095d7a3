import datetime

from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = "Empathy maps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The pure modules (file readers, chart builders, segments, verdicts) translate
        # through maps.translation: hand it Django's functions, so what they write reads
        # in the request's language, with its number and date formats.
        from django.utils import dateformat
        from django.utils.formats import number_format
        from django.utils.translation import gettext, ngettext, pgettext

        from maps import translation

        def table_date(value: datetime.date) -> str:
            # Translators: a Django date format for the days in a chart's table.
            return dateformat.format(value, pgettext("date in a chart's table", "Y-m-d"))

        translation.install(
            gettext=gettext,
            ngettext=ngettext,
            pgettext=pgettext,
            number=lambda value: number_format(value, force_grouping=True),
            format_date=table_date,
        )
