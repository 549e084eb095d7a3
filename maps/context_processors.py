from django.http import HttpRequest

from maps import selectors


def workspace_switcher(request: HttpRequest) -> dict:
    """The base layout's workspace switcher, on every page of a logged-in user.

    The queryset is lazy: pages that do not render the switcher run no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show_switcher": False}
    return {"show_switcher": True, "nav_workspaces": selectors.workspaces_for(user)}
