"""`make bench`: speed figures for the engine, the CLI, the Celery job and the dashboard.

Runs against the database configured by the environment; `make bench` points it at a
throwaway data directory so benchmark rows never mix with real ones.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from comparison import benchmark, evaluation, loadbench
from comparison.models import Report, ReportStatus
from maps import services as map_services
from maps.segments import SEGMENT_KEYS

JOB_NOTES_PER_SEGMENT = 30  # a realistic workshop: 6 x 30 notes per side
JOB_REPORTS = 20
WORKER_TIMEOUT_SECONDS = 180


class Command(BaseCommand):
    help = "Print benchmark figures (engine, compare_files, Celery job throughput)."

    def add_arguments(self, parser):
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

    def handle(
        self,
        *args,
        sizes: str,
        skip_jobs: bool,
        skip_semantic: bool,
        skip_load: bool,
        **options,
    ):
        sizes_list = tuple(int(size) for size in sizes.split(","))
        self.stdout.write("== Engine (in-process) against the rapidfuzz baselines")
        benchmark.run_benchmark(sizes=sizes_list, out=self.stdout)
        if not skip_semantic:
            self.stdout.write("\n== Matching quality: lexical, semantic and hybrid")
            evaluation.print_semantic_report(self.stdout)
            self.stdout.write("\n== Semantic and hybrid scorers: embedding, cold and warm runs")
            benchmark.run_semantic_benchmark(self.stdout)
        self.stdout.write("\n== compare_files and the baselines as whole processes")
        self._cli(sizes_list)
        if not skip_jobs:
            self.stdout.write("\n== Comparisons through the Celery task on the database")
            self._jobs()
        self.stdout.write("\n== Dashboard render time by workspace size")
        loadbench.run_dashboard_benchmark(self.stdout)
        if not skip_load:
            self.stdout.write("\n== Load: locust users against gunicorn on PostgreSQL")
            loadbench.run_load_benchmark(self.stdout, project=Path(settings.BASE_DIR))

    def _cli(self, sizes: tuple[int, ...]) -> None:
        with tempfile.TemporaryDirectory() as directory:
            benchmark.run_process_benchmark(
                sizes, self.stdout, cwd=Path(settings.BASE_DIR), directory=Path(directory)
            )

    def _jobs(self) -> None:
        user, _ = get_user_model().objects.get_or_create(username="bench")
        workspace = map_services.workspace_create(user=user, name="Benchmark")
        persona = map_services.persona_create(user=user, workspace=workspace, name="Bench")
        internal_notes, customer_notes = benchmark.generate_maps(JOB_NOTES_PER_SEGMENT)
        pairs = []
        for index in range(JOB_REPORTS + 1):
            maps = {}
            for perspective, notes in (("internal", internal_notes), ("customer", customer_notes)):
                maps[perspective] = map_services.map_create(
                    user=user,
                    persona=persona,
                    perspective=perspective,
                    title=f"{perspective} {index}",
                )
                map_services.notes_bulk_create(
                    user=user,
                    empathy_map=maps[perspective],
                    notes=[
                        map_services.NoteData(note.segment, note.text, note.votes) for note in notes
                    ],
                )
            pairs.append(
                map_services.pair_create(
                    user=user, internal_map=maps["internal"], customer_map=maps["customer"]
                )
            )

        from comparison import services

        worker = subprocess.Popen(  # noqa: S603 - our own celery
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                f"--concurrency={min(2, os.cpu_count() or 1)}",
                "--loglevel=ERROR",
            ],
            cwd=settings.BASE_DIR,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
        )
        try:
            warm_up, _ = services.report_request(user=user, pair=pairs[0])
            self._wait([warm_up.pk], worker)
            started = time.perf_counter()
            report_ids = [services.report_request(user=user, pair=pair)[0].pk for pair in pairs[1:]]
            self._wait(report_ids, worker)
            elapsed = time.perf_counter() - started
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        broker = settings.CELERY_BROKER_URL.split(":")[0]
        pairs_scored = JOB_NOTES_PER_SEGMENT**2 * len(SEGMENT_KEYS) * JOB_REPORTS
        self.stdout.write(
            f"{JOB_REPORTS} reports of 6 x {JOB_NOTES_PER_SEGMENT} notes per side in "
            f"{elapsed:.2f} s: {JOB_REPORTS / elapsed:.1f} comparisons/s "
            f"({pairs_scored / elapsed:,.0f} note pairs/s), broker {broker}"
        )

    def _wait(self, report_ids: list[int], worker: subprocess.Popen) -> None:
        deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise RuntimeError(f"The Celery worker exited with status {worker.returncode}.")
            done = Report.objects.filter(
                pk__in=report_ids, status__in=[ReportStatus.SUCCEEDED, ReportStatus.FAILED]
            ).count()
            if done == len(report_ids):
                return
            time.sleep(0.05)
        raise TimeoutError("The Celery worker did not finish the benchmark reports in time.")
