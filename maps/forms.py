"""Forms of the web pages. They only parse input; the services validate and write.

Field lengths mirror the models so browsers can stop overlong input early; the
services remain the source of truth and their errors are put back onto these forms
(see `maps.views.pages.add_service_errors`).
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from maps.io import boards, limits
from maps.models import EmpathyMap, Persona, Perspective, Segment
from maps.services.empathy_maps import MAP_FIELDS, MAX_ROUND

_TEXTAREA_ROWS = 3


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=120)


class PersonaForm(forms.Form):
    name = forms.CharField(
        max_length=120, help_text='Who the maps are about, e.g. "Jane, procurement lead".'
    )
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": _TEXTAREA_ROWS})
    )


class MapForm(forms.Form):
    perspective = forms.ChoiceField(
        choices=Perspective.choices,
        widget=forms.RadioSelect,
        help_text="Internal: your team's hypotheses. Customer: what customers said in their "
        "workshop.",
    )
    title = forms.CharField(max_length=200)
    held_on = forms.DateField(
        label="Workshop date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    facilitator = forms.CharField(max_length=120, required=False)
    participants = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": _TEXTAREA_ROWS}),
        help_text="One per line or comma-separated.",
    )
    round = forms.IntegerField(
        min_value=1,
        max_value=MAX_ROUND,
        initial=1,
        required=False,
        help_text="Workshop round of this persona: 1 for the first, 2 for the next…",
    )
    team = forms.CharField(
        max_length=60,
        required=False,
        help_text="Whose hypotheses, for internal maps: management, sales, front line…",
    )

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

    persona = forms.ModelChoiceField(queryset=Persona.objects.none(), empty_label=None)

    def __init__(self, *args, personas: QuerySet[Persona], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=limits.MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "New note…"}),
    )
    votes = forms.IntegerField(min_value=0, max_value=limits.MAX_VOTES, initial=0)
    author = forms.CharField(max_length=limits.MAX_AUTHOR_CHARS, required=False)


class NoteEditForm(NoteForm):
    field_order = ["segment", "text", "votes", "author"]

    segment = forms.ChoiceField(choices=Segment.choices)


class PasteForm(forms.Form):
    lines = forms.CharField(
        label="One note per line",
        # Bounded so a paste never exceeds what one map may hold.
        max_length=limits.MAX_NOTES_PER_MAP * (limits.MAX_NOTE_CHARS + 1),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "One note per line"}),
    )


def _refuse_oversized(upload: UploadedFile) -> UploadedFile:
    """An upload within the import size limit; checked before reading, so an oversized
    upload is never loaded into memory."""
    if upload.size > limits.MAX_FILE_BYTES:
        raise forms.ValidationError(
            f"The file is {upload.size:,} bytes; at most 2 MB "
            f"({limits.MAX_FILE_BYTES:,} bytes) can be imported."
        )
    return upload


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel, CSV or JSON file",
        help_text="Columns segment, text, votes, author, id (English or German names); "
        "at most 2 MB.",
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,.csv,.json,.txt,.tsv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    sheet = forms.CharField(
        label="Sheet (Excel only)",
        required=False,
        max_length=31,  # Excel's limit for a sheet name
        help_text="Leave empty to read the first sheet.",
    )
    replace = forms.BooleanField(
        label="Replace existing notes",
        required=False,
        help_text="Otherwise the file's notes are added; rows whose id names a note of this "
        "map update that note.",
    )

    def clean_file(self):
        return _refuse_oversized(self.cleaned_data["file"])


class FileImportConfirmForm(forms.Form):
    """Confirm a previewed map file: its notes wait in the session under `token`."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    replace = forms.BooleanField(
        label="Replace existing notes",
        required=False,
        help_text="Otherwise the file's notes are added; rows whose id names a note of this "
        "map update that note.",
    )


class BoardUploadForm(forms.Form):
    file = forms.FileField(
        label="Miro or Mural board (JSON file)",
        help_text="Frames or areas titled with the segments or their questions (English or "
        "German); at most 2 MB.",
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        return _refuse_oversized(self.cleaned_data["file"])


class BoardFetchForm(forms.Form):
    """Fetch a board through the vendor's API with the person's own access token."""

    source = forms.ChoiceField(choices=[("miro", "Miro"), ("mural", "Mural")], label="Tool")
    board = forms.CharField(
        label="Board link or id",
        max_length=500,
        help_text="The address of the board in your browser, or its id.",
    )
    access_token = forms.CharField(
        label="Access token",
        max_length=2_000,
        # Never sent back to the browser, and kept nowhere: used for these requests only.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Used once to read the board, never stored.",
    )


BOARD_SEGMENT_CHOICES = [
    ("", "— choose a segment —"),
    *Segment.choices,
    (boards.SKIP, "Skip these notes"),
]


class BoardMappingForm(forms.Form):
    """One segment choice per area of a board preview; fields are `area_<n>` by position,
    because area ids come from the file and need not be valid field names."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    replace = forms.BooleanField(
        label="Replace the map's notes with the board's",
        required=False,
        help_text="Otherwise the board's notes are added; notes imported from this board "
        "before are updated, not added twice.",
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
                error_messages={"required": "Choose a segment for these notes, or skip them."},
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
    persona = forms.ModelChoiceField(queryset=Persona.objects.none(), empty_label=None)

    def __init__(self, *args, personas: QuerySet[Persona], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas


class PairForm(forms.Form):
    """Offers the persona's internal and customer maps; any map of the workspace is
    accepted, so that a wrong choice reaches `services.pair_create`, which explains it."""

    internal_map = forms.ModelChoiceField(
        queryset=EmpathyMap.objects.none(), label="Internal map (hypotheses)", empty_label=None
    )
    customer_map = forms.ModelChoiceField(
        queryset=EmpathyMap.objects.none(), label="Customer map (workshop)", empty_label=None
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
    date = f"{held_on.day} {held_on:%b %Y}" if held_on else "no date"
    return f"{empathy_map.title} ({date})"
