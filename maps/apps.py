from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = "Empathy maps"
    default_auto_field = "django.db.models.BigAutoField"
