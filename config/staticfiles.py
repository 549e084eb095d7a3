"""Static files: plotly.js from the installed plotly package as one more static file, and
the storage that serves every static file compressed under a content-hashed name.

plotly.js is 4.8 MB; as a static file it is collected once, compressed once (brotli and
gzip: about 1 MB on the wire) and, under its hashed name, cached by browsers for good, so
a page with charts costs it only on the first visit after a plotly upgrade.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

PLOTLY_STATIC_PATH = "vendor/plotly.min.js"
# A name as ManifestStaticFilesStorage hashes it: "report.3f2a9c81d0e4.css".
_HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[^.]+$")


def _plotly_package_data() -> Path:
    return Path(str(resources.files("plotly") / "package_data"))


class PlotlyFinder(BaseFinder):
    """Finds `vendor/plotly.min.js` in the installed plotly package, and nothing else of
    that package (its data sets and the 5 MB widget bundle stay out of the static files)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(_plotly_package_data()))
        self.storage.prefix = str(Path(PLOTLY_STATIC_PATH).parent)

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        if path != PLOTLY_STATIC_PATH:
            return []  # no match, as Django's own finders answer it
        found = str(_plotly_package_data() / Path(PLOTLY_STATIC_PATH).name)
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        yield Path(PLOTLY_STATIC_PATH).name, self.storage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with hashed URLs also under DEBUG once
    `collectstatic` has written the manifest (`make run`): the demo then loads its pages as
    production does. Before that (a bare `runserver`) URLs stay plain and the finders serve
    the files, as Django does under DEBUG."""

    def url(self, name: str | None, force: bool = False) -> str:
        return super().url(name, force=force or bool(self.hashed_files))

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return ReusingCompressor(**kwargs)


class ReusingCompressor(Compressor):
    """Keeps the compressed copies of a file written by an earlier `collectstatic` instead
    of compressing it again: brotli at its best takes tens of seconds on plotly.js alone,
    and `make run` collects on every start. Only for content-hashed names, whose content the
    name fixes (Django rewrites some of them on every run, so their dates say nothing)."""

    def compress(self, path: str) -> list[str]:
        wanted = [
            path + suffix
            for suffix, used in ((".br", self.use_brotli), (".gz", self.use_gzip))
            if used
        ]
        if _HASHED_NAME.search(os.path.basename(path)) and all(map(os.path.exists, wanted)):
            return wanted
        return super().compress(path)


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """`/favicon.ico`, which browsers and tools ask for whatever the page names: the SVG
    icon the pages link to."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
