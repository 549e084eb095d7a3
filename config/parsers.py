"""JSON with a bounded nesting depth, for every JSON request body and JSON-in-a-field.

Python's `json` recurses once per `[` or `{`: 20,000 of them (40 KB) raise RecursionError,
which DRF's JSONParser does not catch, so such a body answered an HTML 500 with a logged
traceback. No Gapmap input is deeper than a few levels (the deepest, a bulk note edit, is a
list of objects of scalars), so anything deeper than `MAX_JSON_DEPTH` is refused as a 400
naming the limit, before or after decoding: the decoder's own recursion guard stops the
deepest bodies, and a walk of the decoded value (no recursion, so it cannot overflow)
stops the rest.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Gapmap's deepest valid body nests 3 levels; 32 leaves ample room for clients that wrap
# values and stays far below Python's recursion limit (1,000).
MAX_JSON_DEPTH = 32


def too_deep_message() -> str:
    """The refusal in the request's language (a function: it is translated when raised)."""
    return _("The JSON is nested too deeply: at most %(levels)d levels of [ ] and { }.") % {
        "levels": MAX_JSON_DEPTH
    }


class JSONTooDeep(ValueError):
    pass


def json_depth(value: Any) -> int:
    """Nesting depth of a decoded JSON value (a scalar is 0, `[]` is 1), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def loads_bounded(text: str | bytes) -> Any:
    """`json.loads`, raising JSONTooDeep for values nested deeper than MAX_JSON_DEPTH
    (and json.JSONDecodeError for malformed text, as json does)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JSONTooDeep(too_deep_message()) from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise JSONTooDeep(too_deep_message())
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser with the depth bound: a too-deep body is a ParseError (400 JSON)."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            value = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep_message()) from None
        if json_depth(value) > MAX_JSON_DEPTH:
            raise ParseError(too_deep_message())
        return value
