"""The one verdict vocabulary (`comparison.verdicts`) and everything that reads it."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext

from comparison import charts, verdicts
from comparison.cli import text_output
from comparison.models import Verdict

REPORT_CSS = Path(__file__).resolve().parents[2] / "templates/static/css/report.css"


def test_every_stored_verdict_has_its_words_and_no_other():
    assert [verdict.key for verdict in verdicts.VERDICTS] == Verdict.values
    assert dict(Verdict.choices) == verdicts.LABELS


def test_each_verdict_has_its_own_words_and_a_glyph():
    labels = [verdict.label for verdict in verdicts.VERDICTS]
    assert len(set(labels)) == len(labels)
    assert all(verdict.icon and verdict.help_text for verdict in verdicts.VERDICTS)
    assert tuple(Verdict.values) == verdicts.INTERNAL_VERDICTS + verdicts.CUSTOMER_VERDICTS


def test_the_stylesheet_colours_are_the_vocabulary_colours():
    css = REPORT_CSS.read_text(encoding="utf-8")
    found = dict(re.findall(r"--verdict-([a-z]+):\s*(#[0-9a-fA-F]{6})", css))
    assert {key: colour.upper() for key, colour in found.items()} == verdicts.COLOURS


def test_the_slides_colour_the_verdicts_they_show_as_the_vocabulary_does():
    css = (REPORT_CSS.parent / "present.css").read_text(encoding="utf-8")
    found = dict(re.findall(r"--verdict-([a-z]+):\s*(#[0-9a-fA-F]{6})", css))
    assert found
    assert {key: colour.upper() for key, colour in found.items()} == {
        key: verdicts.COLOURS[key] for key in found
    }


def test_charts_and_command_line_use_the_vocabulary():
    assert charts.VERDICT_LABELS == verdicts.LABELS
    assert charts.VERDICT_COLOURS == verdicts.COLOURS
    assert text_output.verdict_words("partial") == "partly confirmed"


def test_the_vocabulary_reads_in_german():
    with translation.override("de"):
        assert [gettext(verdict.label) for verdict in verdicts.VERDICTS] == [
            "Bestätigt",
            "Teilweise bestätigt",
            "Richtige Erkenntnis, falsches Segment",
            "Nicht bestätigt",
            "Vorhergesehen",
            "Übersehen",
        ]
        assert (
            gettext(verdicts.BY_KEY["missed"].help_text) == "Das Team hatte es nicht vorhergesagt."
        )
        assert charts.verdict_bars_table({}).headers[1:3] == ("Bestätigt", "Teilweise bestätigt")


def test_template_filters_read_the_vocabulary():
    template = Template(
        "{% load verdict_tags %}{{ 'unconfirmed'|verdict_label }} {{ 'missed'|verdict_icon }}"
        " {{ 'unknown'|verdict_label }}[{{ 'unknown'|verdict_icon }}]"
    )
    assert template.render(Context()) == "Not confirmed ! unknown[]"
