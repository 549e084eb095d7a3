"""Seed the load benchmark's throwaway database: `python -m bench.seed --out plan.json`,
run by `bench.load` in its own process against the database of its environment."""

import argparse
import secrets
from pathlib import Path

from bench import load, setup_django


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed",
        description="Create a workspace of compared pairs for the load benchmark; write its plan.",
    )
    parser.add_argument("--out", required=True, help="where to write the plan (JSON)")
    parser.add_argument("--pairs", type=int, default=load.LOAD_PAIRS)
    arguments = parser.parse_args(argv)
    setup_django()
    plan = load.seed(username="load", password=secrets.token_urlsafe(16), pairs=arguments.pairs)
    load.write_plan(plan, Path(arguments.out))
    print(f"Seeded {arguments.pairs} compared pairs; plan in {arguments.out}")  # noqa: T201 - a CLI


if __name__ == "__main__":
    main()
