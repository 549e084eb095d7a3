from django import template

from comparison import selectors
from comparison.embeddings import availability
from maps.models import MapPair, Role
from maps.selectors import has_role

register = template.Library()


@register.inclusion_tag("comparison/_pair_status.html", takes_context=True)
def pair_comparison_panel(context, pair: MapPair) -> dict:
    """The pair page's comparison panel: the latest run and a Compare button."""
    user = context["request"].user
    return {
        "pair": pair,
        "report": selectors.latest_report(pair),
        "can_edit": has_role(user, pair.internal_map.persona.workspace_id, Role.EDITOR),
        "csrf_token": context.get("csrf_token"),
        "semantic": availability(),
    }
