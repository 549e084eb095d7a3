#!/usr/bin/env python
import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["compare_files"]:
        # compare_files reads two files and touches no database or setting: it skips
        # Django's start-up (most of a small comparison's time) and runs the pure CLI.
        from comparison.cli import main as compare_files

        sys.exit(compare_files(sys.argv[2:], prog="manage.py compare_files"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
