"""The `compare_files` command: its arguments, the run, and reading the map files.

Pure (engine + file parser): it touches no database, so it does not pay for Django's
start-up, which is most of the time a small comparison takes as a whole process.
Bad input is reported on stderr, one line per problem, with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from comparison import embeddings, engine
from comparison.cli import text_output, translation
from comparison.cli.translation import gettext
from maps.io import map_files

EXIT_BAD_INPUT = 2
# Local files, not uploads: larger than the import limits so benchmark-size maps
# (6 x 2,000 notes) compare, yet bounded so a wrong file fails clearly.
CLI_MAX_BYTES = 64 * 1024 * 1024
CLI_MAX_NOTES = 100_000


OPTION_NAMES = (
    "internal",
    "customer",
    "format",
    "threshold",
    "partial_threshold",
    "scorer",
    "language",
    "no_cross_segment",
    "output_language",
)


class BadInput(Exception):
    """The files or settings cannot be compared; `lines` says why, one problem each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # The help is in English: it is built before the output language is known.
    parser.add_argument("internal", help="internal (hypotheses) map file, CSV or JSON")
    parser.add_argument("customer", help="customer workshop map file, CSV or JSON")
    parser.add_argument("--format", choices=["json", "text"], default="text")
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--partial-threshold", type=float)
    parser.add_argument(
        "--scorer",
        choices=engine.SCORER_CHOICES,
        help="default: hybrid with the semantic extra installed, else blend (lexical)",
    )
    parser.add_argument(
        "--language",
        choices=["auto", "en", "de"],
        help="the language of the notes, for matching (default: auto)",
    )
    parser.add_argument(
        "--no-cross-segment",
        action="store_true",
        help="do not look for right insights in the wrong segment",
    )
    parser.add_argument(
        "--output-language",
        choices=translation.LANGUAGES,
        help="the language of the text output and messages "
        "(default: from LANGUAGE, LC_ALL, LC_MESSAGES or LANG, else en)",
    )


def run(
    *,
    internal: str,
    customer: str,
    format: str = "text",
    threshold: float | None = None,
    partial_threshold: float | None = None,
    scorer: str | None = None,
    language: str | None = None,
    no_cross_segment: bool = False,
    output_language: str | None = None,
    stdout: TextIO,
) -> None:
    """Compare the two files and write the report to `stdout`; raise BadInput (its lines
    in the output language too)."""
    translation.activate(output_language)
    overrides = {
        "threshold": threshold,
        "partial_threshold": partial_threshold,
        "scorer": scorer or embeddings.default_mode(),
        "language": language,
    }
    settings_data: dict[str, object] = {
        key: value for key, value in overrides.items() if value is not None
    }
    if no_cross_segment:
        settings_data["cross_segment"] = False
    try:
        run_settings = engine.Settings.from_dict(settings_data)
    except ValueError as error:
        raise BadInput([gettext("settings: %(error)s") % {"error": error}]) from None
    internal_notes = read_notes(internal)
    customer_notes = read_notes(customer)
    embedder = _embedder_for(run_settings, [*internal_notes, *customer_notes])
    result = engine.compare(internal_notes, customer_notes, run_settings, embedder=embedder)
    if format == "json":
        # One write of compact JSON: the C encoder, and no per-chunk wrapper overhead
        # (large maps produce hundreds of thousands of chunks).
        stdout.write(json.dumps(result.to_json_dict(), ensure_ascii=False) + "\n")
    else:
        stdout.write(text_output.result_as_text(result).rstrip("\n") + "\n")


def _embedder_for(
    run_settings: engine.Settings, notes: Sequence[engine.NoteIn]
) -> engine.semantic.Embedder | None:
    """The bundled model for a semantic or hybrid run that will embed, else None: a
    lexical run, or one with more texts than a run embeds (it falls back to lexical),
    never loads the model."""
    if run_settings.mode == "lexical":
        return None
    if not engine.semantic.needs_embedder(note.text for note in notes):
        return None
    return embeddings.default_embedder()


def read_notes(path: str) -> list[engine.NoteIn]:
    """The notes of one map file, or BadInput naming the file, row and column."""
    file = Path(path)
    try:
        if file.stat().st_size > CLI_MAX_BYTES:
            raise BadInput(
                [
                    gettext("%(path)s: larger than %(megabytes)s MB")
                    % {"path": path, "megabytes": CLI_MAX_BYTES // 1024 // 1024}
                ]
            )
        data = file.read_bytes()
    except OSError as error:
        raise BadInput(
            [
                gettext("%(path)s: cannot read the file (%(reason)s)")
                % {"path": path, "reason": error.strerror}
            ]
        ) from None
    try:
        parsed = map_files.parse_map_file(
            data, filename=file.name, max_notes=CLI_MAX_NOTES, max_bytes=CLI_MAX_BYTES
        )
    except map_files.MapFileError as error:
        raise BadInput(
            [f"{path}: {text_output.describe_row_error(row)}" for row in error.errors]
        ) from None
    return [
        engine.NoteIn(
            id=note.id or f"row-{note.row}", segment=note.segment, text=note.text, votes=note.votes
        )
        for note in parsed
    ]


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m comparison.cli") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Compare an internal and a customer map file (CSV or JSON).",
    )
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    try:
        run(**options, stdout=sys.stdout)
    except BadInput as error:
        for line in error.lines:
            sys.stderr.write(line + "\n")
        return EXIT_BAD_INPUT
    return 0
