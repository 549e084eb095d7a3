from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and invitations"

    def ready(self) -> None:
        # Connects the lock-out's reset of the username+IP counter on a successful login.
        from accounts import signals  # noqa: F401
        from config import throttling  # noqa: F401
