"""Settings from the environment and Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks.security.base import check_debug
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x7Qp2L9v" * 6,
    "DJANGO_ALLOWED_HOSTS": "gapmap.example.com",
    "DJANGO_DEBUG": "false",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    own = ("DJANGO_", "GAPMAP_", "CELERY_", "DATABASE_URL")
    clean = {key: value for key, value in os.environ.items() if not key.startswith(own)}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_debug_is_reported_by_the_deploy_check():
    with override_settings(DEBUG=True):
        assert [warning.id for warning in check_debug(None)] == ["security.W018"]


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "GAPMAP_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_secret_key_is_required_without_debug(tmp_path):
    env = {**PRODUCTION_ENV, "GAPMAP_DATA_DIR": str(tmp_path)}
    del env["DJANGO_SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_defaults_to_false_and_the_embedded_defaults_apply(tmp_path):
    env = {**PRODUCTION_ENV, "GAPMAP_DATA_DIR": str(tmp_path)}
    del env["DJANGO_DEBUG"]
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CELERY_BROKER_URL)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    debug, engine, name, broker = result.stdout.split()
    assert debug == "False"
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "gapmap.sqlite3")
    assert broker.startswith("filesystem://")


def test_database_and_broker_urls_are_read(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "GAPMAP_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://gapmap:pw@db.internal:5432/gapmap",
        "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    }
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['NAME'], s.CELERY_BROKER_URL, "
        "s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "gapmap",
        "redis://redis.internal:6379/0",
        "1800",
    ]
