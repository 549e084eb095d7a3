"""Static files: plotly.js is one of them, and collected files are served compressed under
hashed names that browsers keep for good; a second collection reuses the compressed copies."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings

from comparison import charts
from config.staticfiles import PLOTLY_STATIC_PATH

HASHED_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.staticfiles.HashedStaticFilesStorage"},
}
# Compressible enough that brotli pays (WhiteNoise keeps a copy only when it is smaller).
STYLESHEET = "".join(f".rule-{n} {{ color: #123456; margin: {n}px; }}\n" for n in range(400))


def test_plotly_js_is_a_static_file_from_the_installed_package():
    assert finders.find(PLOTLY_STATIC_PATH) == str(charts.plotlyjs_path())
    listed = {path for finder in finders.get_finders() for path, _ in finder.list([])}
    assert "plotly.min.js" in listed
    # and nothing else of the plotly package (its 5 MB widget bundle, its data sets)
    assert not finders.find("vendor/widgetbundle.js")


@pytest.fixture
def collected(tmp_path, settings):
    """A static folder of one stylesheet, collected with the production storage."""
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text(STYLESHEET)
    root = tmp_path / "root"
    with override_settings(
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STATIC_ROOT=root,
        STORAGES=HASHED_STORAGE,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_KEEP_ONLY_HASHED_FILES=True,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def test_collected_files_are_served_compressed_and_cached_for_good(collected):
    from django.templatetags.static import static

    # the page names the hashed file, also with DEBUG on once collected
    with override_settings(DEBUG=True):
        url = static("css/site.css")
    assert url != "/static/css/site.css"
    (hashed,) = (collected / "css").glob("site.*.css")
    assert url.endswith(hashed.name)
    assert (collected / "css" / f"{hashed.name}.br").exists()
    assert (collected / "css" / f"{hashed.name}.gz").exists()

    response = Client().get(url, headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert int(response["Content-Length"]) < len(STYLESHEET) / 4
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]


def test_a_second_collection_reuses_the_compressed_copies(collected):
    (hashed,) = (collected / "css").glob("site.*.css")
    brotli_copy = collected / "css" / f"{hashed.name}.br"
    # given an old time on the compressed copy, so a rewrite would show
    os.utime(brotli_copy, (1_000_000_000, 1_000_000_000))

    call_command("collectstatic", interactive=False, verbosity=0)

    assert Path(brotli_copy).stat().st_mtime == 1_000_000_000


def test_favicon_ico_leads_to_the_icon(client):
    from django.templatetags.static import static

    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")


def test_make_run_serves_the_collected_files_under_debug():
    """`make run` (DEBUG on, GAPMAP_STATIC_COLLECTED) uses the production storage, and
    WhiteNoise, not runserver, answers /static/ (runserver knows no hashed names)."""
    import json
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.base';"
        "from django.conf import settings as s;"
        "print(json.dumps([s.DEBUG, s.STORAGES['staticfiles']['BACKEND'], s.INSTALLED_APPS,"
        " s.WHITENOISE_USE_FINDERS]))"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(DJANGO_DEBUG="true", GAPMAP_STATIC_COLLECTED="true")
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    debug, storage, apps, use_finders = json.loads(result.stdout)
    assert debug is True
    assert storage == "config.staticfiles.HashedStaticFilesStorage"
    assert apps.index("whitenoise.runserver_nostatic") < apps.index("django.contrib.staticfiles")
    assert use_finders is False
