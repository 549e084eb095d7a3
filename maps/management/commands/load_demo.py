import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from maps import demo, services
from maps.models import MapPair, Workspace


class Command(BaseCommand):
    help = "Load the demo workspaces, English and German (idempotent: existing data is kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Allow loading with DJANGO_DEBUG=false."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("The demo is for local use; pass --force to load it anyway.")
        user, password = self._demo_user()
        for language, spec in demo.WORKSPACES.items():
            name = spec["name"]
            if Workspace.objects.filter(name=name, memberships__user=user).exists():
                self.stdout.write(f"Demo workspace “{name}” already loaded; existing data kept.")
                continue
            workspace = services.demo_load(user=user, language=language)
            queued = self._compare_all(user, workspace, language)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo workspace “{name}” loaded; {queued} "
                    f"comparison{'s' * (queued != 1)} queued for the worker."
                )
            )
        login = f"Log in as '{demo.DEMO_USERNAME}'"
        if password:
            login += f" with password '{password}'"
            self._password_file().write_text(password + "\n")
        elif self._password_file().exists():
            login += f" with password '{self._password_file().read_text().strip()}'"
        self.stdout.write(self.style.SUCCESS(login + "."))

    def _compare_all(self, user, workspace, language: str) -> int:
        """Queue a comparison of every demo pair, so the reports and the dashboard have
        something to show as soon as the worker has run them; the reports' shared pages
        and exports speak the workspace's language."""
        from comparison import services as comparison_services

        pairs = MapPair.objects.filter(internal_map__persona__workspace=workspace)
        for pair in pairs.select_related("internal_map__persona", "customer_map"):
            comparison_services.report_request(user=user, pair=pair, language=language)
        return pairs.count()

    def _password_file(self):
        return settings.DATA_DIR / "demo-password.txt"

    def _demo_user(self):
        """Create the demo user with a random password, printed once and kept in the
        data directory so re-runs can show it again."""
        user_model = get_user_model()
        user = user_model.objects.filter(username=demo.DEMO_USERNAME).first()
        if user is not None:
            return user, None
        password = secrets.token_urlsafe(9)
        user = user_model.objects.create_user(username=demo.DEMO_USERNAME, password=password)
        return user, password
