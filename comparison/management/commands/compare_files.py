"""Compare two map files (the import formats) without touching the database."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comparison import engine, reporting
from maps import importers

EXIT_BAD_INPUT = 2
# Local files, not uploads: larger than the import limits so benchmark-size maps
# (6 x 2,000 notes) compare, yet bounded so a wrong file fails clearly.
CLI_MAX_BYTES = 64 * 1024 * 1024
CLI_MAX_NOTES = 100_000


class Command(BaseCommand):
    help = "Compare an internal and a customer map file (CSV or JSON) and print the report."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("internal", help="internal (hypotheses) map file, CSV or JSON")
        parser.add_argument("customer", help="customer workshop map file, CSV or JSON")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--threshold", type=float)
        parser.add_argument("--partial-threshold", type=float)
        parser.add_argument("--scorer", choices=engine.SCORERS)
        parser.add_argument("--language", choices=["auto", "en", "de"])
        parser.add_argument(
            "--no-cross-segment",
            action="store_true",
            help="do not look for right insights in the wrong segment",
        )

    def handle(self, *args, **options):
        overrides = {
            "threshold": options["threshold"],
            "partial_threshold": options["partial_threshold"],
            "scorer": options["scorer"],
            "language": options["language"],
        }
        settings_data = {key: value for key, value in overrides.items() if value is not None}
        if options["no_cross_segment"]:
            settings_data["cross_segment"] = False
        try:
            run_settings = engine.Settings.from_dict(settings_data)
        except ValueError as error:
            self._bad_input([f"settings: {error}"])
        internal = self._read(options["internal"])
        customer = self._read(options["customer"])
        result = engine.compare(internal, customer, run_settings)
        if options["format"] == "json":
            # One write of compact JSON: the C encoder, and no per-chunk wrapper overhead
            # (large maps produce hundreds of thousands of chunks).
            self.stdout.write(json.dumps(result.to_json_dict(), ensure_ascii=False))
        else:
            self.stdout.write(reporting.result_as_text(result))

    def _read(self, path: str) -> list[engine.NoteIn]:
        file = Path(path)
        try:
            if file.stat().st_size > CLI_MAX_BYTES:
                self._bad_input([f"{path}: larger than {CLI_MAX_BYTES // 1024 // 1024} MB"])
            data = file.read_bytes()
        except OSError as error:
            self._bad_input([f"{path}: cannot read the file ({error.strerror})"])
        try:
            parsed = importers.parse_map_file(
                data, filename=file.name, max_notes=CLI_MAX_NOTES, max_bytes=CLI_MAX_BYTES
            )
        except importers.MapFileError as error:
            self._bad_input(
                [f"{path}: {reporting.describe_row_error(row)}" for row in error.errors]
            )
        return [
            engine.NoteIn(
                id=note.id or f"row-{note.row}",
                segment=note.segment,
                text=note.text,
                votes=note.votes,
            )
            for note in parsed
        ]

    def _bad_input(self, lines: list[str]):
        for line in lines:
            self.stderr.write(line)
        # CommandError would exit 1; bad files exit 2 as documented.
        sys.exit(EXIT_BAD_INPUT)
        raise CommandError("unreachable")
