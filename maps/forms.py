"""Forms of the web pages. They only parse input; the services validate and write.

Field lengths mirror the models so browsers can stop overlong input early; the
services remain the source of truth and their errors are put back onto these forms
(see `maps.views.pages.add_service_errors`).
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from maps.io import boards, limits
from maps.models import EmpathyMap, Persona, Perspective, Segment
from maps.services.empathy_maps import MAP_FIELDS, MAX_ROUND

_TEXTAREA_ROWS = 3


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class PersonaForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("Who the maps are about, e.g. “Jane, procurement lead”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": _TEXTAREA_ROWS}),
    )


class MapForm(forms.Form):
    perspective = forms.ChoiceField(
        label=_("Perspective"),
        choices=Perspective.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Internal: your team's hypotheses. Customer: what customers said in their workshop."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    # A text input in the locale's order (German 05.03.2026, English 2026-03-05), which
    # also accepts ISO dates; the placeholder shows the order (see `date_placeholder`).
    held_on = forms.DateField(
        label=_("Workshop date"),
        required=False,
        localize=True,
        widget=forms.DateInput(attrs={"autocomplete": "off"}),
    )
    facilitator = forms.CharField(label=_("Facilitator"), max_length=120, required=False)
    participants = forms.CharField(
        label=_("Participants"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": _TEXTAREA_ROWS}),
        help_text=_("One per line or comma-separated."),
    )
    round = forms.IntegerField(
        label=_("Round"),
        min_value=1,
        max_value=MAX_ROUND,
        initial=1,
        required=False,
        help_text=_("Workshop round of this persona: 1 for the first, 2 for the next…"),
    )
    team = forms.CharField(
        label=_("Team"),
        max_length=60,
        required=False,
        help_text=_("Whose hypotheses, for internal maps: management, sales, front line…"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget.attrs["placeholder"] = date_placeholder()

    def clean(self) -> dict:
        cleaned = super().clean()
        # Left empty: a new map starts at round 1 (the service's default) and an edited
        # map keeps its round, so forms and scripts without the field change nothing.
        if cleaned.get("round") is None and "round" not in self.errors:
            cleaned.pop("round", None)
        return cleaned


class MapCreateForm(MapForm):
    """A new map also names its persona; an existing map keeps its persona."""

    field_order = ["persona", *MAP_FIELDS]

    persona = forms.ModelChoiceField(
        label=_("Persona"), queryset=Persona.objects.none(), empty_label=None
    )

    def __init__(self, *args, personas: QuerySet[Persona], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas


def date_placeholder() -> str:
    """The active locale's date input order for a placeholder: "TT.MM.JJJJ" in German,
    "YYYY-MM-DD" in English (from the first of the locale's DATE_INPUT_FORMATS)."""
    order = formats.get_format("DATE_INPUT_FORMATS")[0]
    for code, letters in (
        ("%d", pgettext("date placeholder", "DD")),
        ("%m", pgettext("date placeholder", "MM")),
        ("%Y", pgettext("date placeholder", "YYYY")),
        ("%y", pgettext("date placeholder", "YY")),
    ):
        order = order.replace(code, letters)
    return order


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=limits.MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("New note…")}),
    )
    votes = forms.IntegerField(label=_("Votes"), min_value=0, max_value=limits.MAX_VOTES, initial=0)
    author = forms.CharField(label=_("Author"), max_length=limits.MAX_AUTHOR_CHARS, required=False)


class NoteEditForm(NoteForm):
    field_order = ["segment", "text", "votes", "author"]

    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices)


class PasteForm(forms.Form):
    lines = forms.CharField(
        label=_("One note per line"),
        # Bounded so a paste never exceeds what one map may hold.
        max_length=limits.MAX_NOTES_PER_MAP * (limits.MAX_NOTE_CHARS + 1),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("One note per line")}),
    )


def _refuse_oversized(upload: UploadedFile) -> UploadedFile:
    """An upload within the import size limit; checked before reading, so an oversized
    upload is never loaded into memory."""
    if upload.size > limits.MAX_FILE_BYTES:
        raise forms.ValidationError(
            gettext("The file is %(size)s bytes; at most 2 MB (%(limit)s bytes) can be imported.")
            % {
                "size": formats.number_format(upload.size, force_grouping=True),
                "limit": formats.number_format(limits.MAX_FILE_BYTES, force_grouping=True),
            }
        )
    return upload


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel, CSV or JSON file"),
        help_text=_(
            "Columns segment, text, votes, author, id (English or German names); at most 2 MB."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,.csv,.json,.txt,.tsv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    sheet = forms.CharField(
        label=_("Sheet (Excel only)"),
        required=False,
        max_length=31,  # Excel's limit for a sheet name
        help_text=_("Leave empty to read the first sheet."),
    )
    replace = forms.BooleanField(
        label=_("Replace existing notes"),
        required=False,
        help_text=_(
            "Otherwise the file's notes are added; rows whose id names a note of this "
            "map update that note."
        ),
    )

    def clean_file(self):
        return _refuse_oversized(self.cleaned_data["file"])


class FileImportConfirmForm(forms.Form):
    """Confirm a previewed map file: its notes wait in the session under `token`."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    replace = forms.BooleanField(
        label=_("Replace existing notes"),
        required=False,
        help_text=_(
            "Otherwise the file's notes are added; rows whose id names a note of this "
            "map update that note."
        ),
    )


class BoardUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Miro or Mural board (JSON file)"),
        help_text=_(
            "Frames or areas titled with the segments or their questions (English or "
            "German); at most 2 MB."
        ),
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        return _refuse_oversized(self.cleaned_data["file"])


class BoardFetchForm(forms.Form):
    """Fetch a board through the vendor's API with the person's own access token."""

    source = forms.ChoiceField(choices=[("miro", "Miro"), ("mural", "Mural")], label=_("Tool"))
    board = forms.CharField(
        label=_("Board link or id"),
        max_length=500,
        help_text=_("The address of the board in your browser, or its id."),
    )
    access_token = forms.CharField(
        label=_("Access token"),
        max_length=2_000,
        # Never sent back to the browser, and kept nowhere: used for these requests only.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Used once to read the board, never stored."),
    )


BOARD_SEGMENT_CHOICES = [
    ("", _("— choose a segment —")),
    *Segment.choices,
    (boards.SKIP, _("Skip these notes")),
]


class BoardMappingForm(forms.Form):
    """One segment choice per area of a board preview; fields are `area_<n>` by position,
    because area ids come from the file and need not be valid field names."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    replace = forms.BooleanField(
        label=_("Replace the map's notes with the board's"),
        required=False,
        help_text=_(
            "Otherwise the board's notes are added; notes imported from this board "
            "before are updated, not added twice."
        ),
    )

    def __init__(self, *args, areas: list[boards.BoardArea], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for position, area in enumerate(areas):
            self.fields[f"area_{position}"] = forms.ChoiceField(
                choices=BOARD_SEGMENT_CHOICES,
                required=True,
                initial=area.segment or "",
                label=area.title,
                error_messages={"required": _("Choose a segment for these notes, or skip them.")},
            )

    def rows(self) -> list[tuple[boards.BoardArea, forms.BoundField]]:
        return [(area, self[f"area_{position}"]) for position, area in enumerate(self.areas)]

    def mapping(self) -> dict[str, str]:
        """The chosen segment of each area, keyed by area id (ids are unique, titles not)."""
        return {
            area.id: self.cleaned_data[f"area_{position}"]
            for position, area in enumerate(self.areas)
        }


class PersonaPickForm(forms.Form):
    persona = forms.ModelChoiceField(
        label=_("Persona"), queryset=Persona.objects.none(), empty_label=None
    )

    def __init__(self, *args, personas: QuerySet[Persona], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas


class PairForm(forms.Form):
    """Offers the persona's internal and customer maps; any map of the workspace is
    accepted, so that a wrong choice reaches `services.pair_create`, which explains it."""

    internal_map = forms.ModelChoiceField(
        queryset=EmpathyMap.objects.none(), label=_("Internal map (hypotheses)"), empty_label=None
    )
    customer_map = forms.ModelChoiceField(
        queryset=EmpathyMap.objects.none(), label=_("Customer map (workshop)"), empty_label=None
    )

    def __init__(
        self,
        *args,
        allowed: QuerySet[EmpathyMap],
        internal: QuerySet[EmpathyMap],
        customer: QuerySet[EmpathyMap],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["internal_map"].queryset = allowed
        self.fields["customer_map"].queryset = allowed
        self.fields["internal_map"].choices = _map_choices(internal)
        self.fields["customer_map"].choices = _map_choices(customer)


def _map_choices(maps: QuerySet[EmpathyMap]) -> list[tuple[int, str]]:
    return [
        (empathy_map.pk, _map_label(empathy_map))
        for empathy_map in maps.order_by("-held_on", "title")
    ]


def _map_label(empathy_map: EmpathyMap) -> str:
    held_on = empathy_map.held_on
    date = formats.date_format(held_on, gettext("j M Y")) if held_on else gettext("no date")
    return f"{empathy_map.title} ({date})"
