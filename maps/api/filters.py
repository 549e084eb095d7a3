"""Filters shared by the API's list endpoints."""

from django import forms
from django_filters import rest_framework as filters

# Primary keys are 64-bit (BigAutoField); a larger number cannot name a row, and SQLite
# raises OverflowError on it (a 500) instead of matching nothing.
MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """`?workspace=12`: a whole, positive ID; anything else is a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
