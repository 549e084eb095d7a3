"""Seed the load benchmark's throwaway database (run by `comparison.loadbench`)."""

import secrets
from pathlib import Path

from django.core.management.base import BaseCommand

from comparison import loadbench


class Command(BaseCommand):
    help = "Create a workspace of compared pairs for the load benchmark; write its plan."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="where to write the plan (JSON)")
        parser.add_argument("--pairs", type=int, default=loadbench.LOAD_PAIRS)

    def handle(self, *args, out: str, pairs: int, **options):
        plan = loadbench.seed(username="load", password=secrets.token_urlsafe(16), pairs=pairs)
        loadbench.write_plan(plan, Path(out))
        self.stdout.write(f"Seeded {pairs} compared pairs; plan in {out}")
