from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = "Empathy maps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # maps.io is pure (no Django): give its messages Django's translation and number
        # formatting, so import errors read in the request's language (maps.io.messages).
        from django.utils.formats import number_format
        from django.utils.translation import gettext, ngettext

        from maps.io import messages

        messages.install(
            gettext=gettext,
            ngettext=ngettext,
            number=lambda value: number_format(value, force_grouping=True),
        )
