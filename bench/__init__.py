"""Developer tooling: speed, quality and load benchmarks (`make bench`, `python -m bench`).

Not part of the product: the wheel does not ship this package (pyproject's package list
names only config, maps and comparison), nothing under config/, maps/ or comparison/
imports it (tests/bench/test_outside_the_product.py checks both), and it may use
development-only packages (locust) and data from outside the repository (STS-B).
"""

import os


def setup_django() -> None:
    """Django for the entry points that touch the database, configured as `manage.py`
    does it (the environment's settings module, else the base settings)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
