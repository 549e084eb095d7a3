"""Comparisons through the Celery task on the database (`make bench`): a real worker
process takes workshop-size reports from the configured broker; prints comparisons/s."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TextIO

from maps.segments import SEGMENT_KEYS
from tests.support.notes import generate_maps

JOB_NOTES_PER_SEGMENT = 30  # a realistic workshop: 6 x 30 notes per side
JOB_REPORTS = 20
WORKER_TIMEOUT_SECONDS = 180


def run_job_benchmark(out: TextIO) -> float:
    """Seconds the worker took for JOB_REPORTS reports, after one warm-up report."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from comparison import services
    from maps import services as map_services

    user, _ = get_user_model().objects.get_or_create(username="bench")
    workspace = map_services.workspace_create(user=user, name="Benchmark")
    persona = map_services.persona_create(user=user, workspace=workspace, name="Bench")
    internal_notes, customer_notes = generate_maps(JOB_NOTES_PER_SEGMENT)
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
        _wait([warm_up.pk], worker)
        started = time.perf_counter()
        report_ids = [services.report_request(user=user, pair=pair)[0].pk for pair in pairs[1:]]
        _wait(report_ids, worker)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    broker = settings.CELERY_BROKER_URL.split(":")[0]
    pairs_scored = JOB_NOTES_PER_SEGMENT**2 * len(SEGMENT_KEYS) * JOB_REPORTS
    out.write(
        f"{JOB_REPORTS} reports of 6 x {JOB_NOTES_PER_SEGMENT} notes per side in "
        f"{elapsed:.2f} s: {JOB_REPORTS / elapsed:.1f} comparisons/s "
        f"({pairs_scored / elapsed:,.0f} note pairs/s), broker {broker}\n"
    )
    return elapsed


def _wait(report_ids: list[int], worker: subprocess.Popen) -> None:
    from comparison.models import Report, ReportStatus

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
