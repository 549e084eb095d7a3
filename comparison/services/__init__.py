"""The comparison app's writes (services; the reads are selectors).

    runs        request a report, run it (the Celery task calls `report_run`), fail it,
                and re-send or fail the runs a lost message or a dead worker left behind
    results     the way through the engine that runs and reviews share: notes and
                decisions in, Match rows and summary out
    review      accept, reject or link the matches of a finished report; recompute it
    commentary  the consultant's commentary on a report's sections

Callers (the tasks, views, API, commands) call the functions named here through the
package, `services.report_run(...)`, so patching `services.report_run` patches what the
task calls.
"""

from comparison.services.commentary import commentary_save
from comparison.services.review import decision_record
from comparison.services.runs import (
    report_fail,
    report_request,
    report_run,
    reports_reap,
    settings_from_request,
)

__all__ = [
    "commentary_save",
    "decision_record",
    "report_fail",
    "report_request",
    "report_run",
    "reports_reap",
    "settings_from_request",
]
