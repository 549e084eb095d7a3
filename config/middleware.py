"""Response defaults that hold for every dynamic answer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PRIVATE = "private, no-store"


class PrivateByDefaultMiddleware:
    """`Cache-Control: private, no-store` on every answer that says nothing itself.

    Pages, API answers and exports hold a workspace's research: no shared cache (a proxy, a
    CDN) may keep them, and no browser may store them on disk for the next user of the
    machine. A view that means to be cached says so (the plotly.js bundle is public for a
    day); static files never reach here (WhiteNoise answers them first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE
        return response
