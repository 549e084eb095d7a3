"""`make bench`: speed figures for the engine, the CLI, the Celery job and the dashboard,
matching quality, and the load run.

    python -m bench [--sizes 50,500,2000] [--skip-jobs] [--skip-semantic] [--skip-load]

Runs against the database configured by the environment; `make bench` points it at a
throwaway data directory so benchmark rows never mix with real ones.
"""

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bench import setup_django


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Print benchmark figures (engine, compare_files, Celery job throughput).",
    )
    parser.add_argument(
        "--sizes", default="50,500,2000", help="notes per segment and side, comma-separated"
    )
    parser.add_argument("--skip-jobs", action="store_true", help="skip the Celery job run")
    parser.add_argument(
        "--skip-semantic",
        action="store_true",
        help="skip the matching quality and semantic scorer figures",
    )
    parser.add_argument(
        "--skip-load", action="store_true", help="skip the gunicorn + locust load run"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> None:
    arguments = _arguments(argv)
    setup_django()
    from django.conf import settings

    from bench import dashboard, jobs, load, page_weight, quality, review_learning, speed

    project = Path(settings.BASE_DIR)
    sizes = tuple(int(size) for size in arguments.sizes.split(","))
    out.write("== Engine (in-process) against the rapidfuzz baselines\n")
    speed.run_benchmark(sizes=sizes, out=out)
    if not arguments.skip_semantic:
        out.write("\n== Matching quality: lexical, semantic and hybrid\n")
        quality.print_semantic_report(out)
        out.write("\n== Learning from review\n")
        review_learning.main(out)
        out.write("\n== Semantic and hybrid scorers: embedding, cold and warm runs\n")
        speed.run_semantic_benchmark(out)
    out.write("\n== compare_files and the baselines as whole processes\n")
    with tempfile.TemporaryDirectory() as directory:
        speed.run_process_benchmark(sizes, out, cwd=project, directory=Path(directory))
    if not arguments.skip_jobs:
        out.write("\n== Comparisons through the Celery task on the database\n")
        jobs.run_job_benchmark(out)
    out.write("\n== Dashboard render time by workspace size\n")
    dashboard.run_dashboard_benchmark(out)
    out.write("\n== Report page weight: first and second visit on loopback\n")
    page_weight.run_page_weight_benchmark(out)
    if not arguments.skip_load:
        out.write("\n== Load: locust users against gunicorn on PostgreSQL\n")
        load.run_load_benchmark(out, project=project)


if __name__ == "__main__":
    main()
