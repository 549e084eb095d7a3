"""Compare two map files (the import formats) without touching the database.

The work is done by the pure `comparison.cli` (also runnable as `python -m comparison.cli`,
without Django's start-up); this command is its `manage.py` entry point.
"""

import sys

from django.core.management.base import BaseCommand

from comparison import cli


class Command(BaseCommand):
    help = "Compare an internal and a customer map file (CSV or JSON) and print the report."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, **options):
        try:
            cli.run(
                **{name: options[name] for name in cli.OPTION_NAMES},
                stdout=self.stdout,
            )
        except cli.BadInput as error:
            for line in error.lines:
                self.stderr.write(line)
            # CommandError would exit 1; bad files exit 2 as documented.
            sys.exit(cli.EXIT_BAD_INPUT)
