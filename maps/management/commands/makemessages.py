"""`makemessages` with Gapmap's defaults, so every run writes the catalogues the same way.

New messages never start as fuzzy guesses from similar ones (a fuzzy entry is not used
and hides a missing translation); locations name the file only, so a moved line does not
rewrite the catalogue; what is not the product (tests, benchmarks, the virtualenv, data)
is not scanned. `make messages` runs it for every language in settings.LANGUAGES.
"""

from django.core.management.commands import makemessages

NOT_THE_PRODUCT = [".venv/*", "var/*", "tests/*", "bench/*", "deploy/*", "docs/*", "build/*"]


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *NOT_THE_PRODUCT]
        options["add_location"] = options.get("add_location") or "file"
        options["no_obsolete"] = True
        return super().handle(*args, **options)
