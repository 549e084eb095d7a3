from django.conf import settings
from django.http import HttpRequest


def signup(request: HttpRequest) -> dict:
    """Whether the login page offers sign-up (GAPMAP_OPEN_SIGNUP)."""
    return {"open_signup": settings.GAPMAP_OPEN_SIGNUP}
