from django.apps import AppConfig


class ComparisonConfig(AppConfig):
    name = "comparison"
    verbose_name = "Comparisons"
    default_auto_field = "django.db.models.BigAutoField"
