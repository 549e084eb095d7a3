"""`compare_files` without Django: compare two map files and print the report.

    python -m comparison.cli internal.csv customer.csv [--format json]
    python manage.py compare_files ...        # the same command, through Django

`compare_files` parses the arguments and runs the comparison, `text_output` renders the
result as text. Both are pure (engine + file parser): the package imports no Django.
"""

from comparison.cli.compare_files import (
    EXIT_BAD_INPUT,
    OPTION_NAMES,
    BadInput,
    add_arguments,
    main,
    read_notes,
    run,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "OPTION_NAMES",
    "BadInput",
    "add_arguments",
    "main",
    "read_notes",
    "run",
]
