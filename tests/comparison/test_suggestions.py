"""Evidence suggestions and one-click review: stored with a report, shown under each
unconfirmed or partly confirmed hypothesis, confirmed or dismissed in place (htmx) or with
plain forms, walked through in review mode, listed by the API."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from comparison import engine, exports
from comparison.models import Match, ReviewDecision, Suggestion
from maps.models import Note
from tests.support.builders import SCRIPT
from tests.support.factories import MapPairFactory, ReportFactory

pytestmark = pytest.mark.django_db

HYPOTHESIS = "Price sensitive"
CONFIRMED = "Too many tools that don't talk"
# Customer notes sharing no word with the hypothesis, so no scorer pairs them by itself.
COSTS = f"I add up what everything costs, every single week {SCRIPT}"
LUNCH = "£4.50 a lunch adds up fast with two kids"
SWITCH = "I switch supermarkets for a 10p discount"
TOOLS = "Too many tools that do not talk"


@pytest.fixture
def suggest(monkeypatch):
    """The engine suggests exactly what a test plans (hypothesis text -> [(customer text,
    score)], most likely first) and nothing else, so the tests do not depend on how the
    engine ranks. A dismissed pair stays among the suggestions, the case the report must
    hide by itself."""
    plan: dict[str, list[tuple[str, float]]] = {}
    real = engine.compare

    def compare(internal, customer, settings, **kwargs):
        result = real(internal, customer, settings, **kwargs)
        by_text = {note.text: note for note in customer}
        for verdict in result.internal:
            verdict.suggestions = [
                engine.BestMatch(id=by_text[text].id, segment=by_text[text].segment, score=score)
                for text, score in plan.get(verdict.text, [])
            ]
        return result

    monkeypatch.setattr(engine, "compare", compare)
    return plan


@pytest.fixture
def pair(persona):
    return MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", HYPOTHESIS, 3), ("sees", CONFIRMED)],
        customer_map__notes=[
            ("pains", COSTS),
            ("pains", LUNCH),
            ("says_does", SWITCH),
            ("sees", TOOLS),
        ],
    )


@pytest.fixture
def report(pair, editor, suggest):
    suggest[HYPOTHESIS] = [(COSTS, 47.6), (LUNCH, 41.0), (SWITCH, 33.2)]
    return ReportFactory(pair=pair, by=editor)


def note(text: str) -> Note:
    return Note.objects.get(text=text)


def page(client, user, report, name: str = "report-page") -> str:
    client.force_login(user)
    response = client.get(reverse(name, kwargs={"pk": report.pk}))
    assert response.status_code == 200
    return response.content.decode()


def evidence_of(text: str, hypothesis: Note) -> str:
    """The markup from a hypothesis' row to the end of its possible evidence."""
    start = text.index(f'id="note-{hypothesis.pk}"')
    end = text.index("</tr>", text.index("evidence-row", start))
    return text[start:end]


def row_of(text: str, hypothesis: Note) -> str:
    """The table row of a hypothesis (its `<tr>` carries the anchor)."""
    anchor = text.index(f'id="note-{hypothesis.pk}"')
    return text[text.rindex("<tr", 0, anchor) : text.index("</tr>", anchor)]


def decide(client, user, report, customer: str, decision: str, *, htmx=False, **extra):
    client.force_login(user)
    data = {
        "internal_note": note(HYPOTHESIS).pk,
        "customer_note": note(customer).pk,
        "decision": decision,
        "anchor": f"note-{note(HYPOTHESIS).pk}",
        **extra,
    }
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("report-decide", kwargs={"pk": report.pk}), data, headers=headers)


# --- stored with the report -----------------------------------------------------------------


def test_a_run_stores_the_engines_suggestions_most_likely_first(persona, editor):
    # given a pair compared with the real engine (lexical, as every test)
    pair = MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", "Worried about the costs"), ("gains", "Fast delivery")],
        customer_map__notes=[
            ("pains", "The costs worry me"),
            ("pains", "Costs keep rising"),
            ("gains", "Delivery must be fast"),
            ("sees", "Competitors deliver fast"),
        ],
    )
    report = ReportFactory(pair=pair, by=editor)

    # then the rows hold what the engine suggests on the same notes, in its order
    notes = [
        engine.NoteIn(id=str(n.pk), segment=n.segment, text=n.text, votes=n.votes)
        for n in (pair.internal_map, pair.customer_map)[0].notes.order_by("segment", "order", "id")
    ]
    customer = [
        engine.NoteIn(id=str(n.pk), segment=n.segment, text=n.text, votes=n.votes)
        for n in pair.customer_map.notes.order_by("segment", "order", "id")
    ]
    result = engine.compare(notes, customer, engine.Settings.from_dict(report.settings))
    expected = {
        (verdict.id, rank, best.id, best.score)
        for verdict in result.internal
        for rank, best in enumerate(verdict.suggestions[:3], start=1)
    }
    stored = {
        (str(s.internal_note_id), s.rank, str(s.customer_note_id), s.score)
        for s in report.suggestions.all()
    }
    assert stored == expected
    assert stored, "the engine suggests evidence for every hypothesis with a candidate"
    for hypothesis in pair.internal_map.notes.all():
        scores = [s.score for s in report.suggestions.filter(internal_note=hypothesis)]
        assert scores == sorted(scores, reverse=True)


def test_suggestions_keep_snapshots_rank_and_the_hypothesis_verdict(report):
    rows = list(Suggestion.objects.filter(report=report).order_by("rank"))
    assert [(s.rank, s.customer_text, s.score) for s in rows] == [
        (1, COSTS, 47.6),
        (2, LUNCH, 41.0),
        (3, SWITCH, 33.2),
    ]
    assert {s.internal_text for s in rows} == {HYPOTHESIS}
    assert {s.internal_verdict for s in rows} == {"unconfirmed"}
    assert {s.state for s in rows} == {"open"}
    assert rows[2].customer_segment == "says_does"


def test_a_rerun_replaces_the_suggestions(report, pair, editor, suggest):
    suggest[HYPOTHESIS] = [(LUNCH, 44.0)]
    again = ReportFactory(pair=pair, by=editor)
    assert [s.customer_text for s in again.suggestions.all()] == [LUNCH]
    assert report.suggestions.count() == 3  # the earlier report keeps its own


# --- the report page ---------------------------------------------------------------------


def test_the_page_shows_possible_evidence_under_the_hypothesis(client, editor, report):
    text = page(client, editor, report)

    evidence = evidence_of(text, note(HYPOTHESIS))
    assert "Possible evidence" in evidence
    positions = [evidence.index(html.escape(t).replace("&#x27;", "'")) for t in (LUNCH, SWITCH)]
    assert evidence.index("I add up what everything costs") < positions[0] < positions[1]
    assert "confidence <strong>48</strong>" in evidence
    assert evidence.count('value="confirm"') == 3
    assert evidence.count('value="dismiss"') == 3
    assert f'hx-post="{reverse("report-decide", kwargs={"pk": report.pk})}"' in evidence
    assert "3 suggestions await review" in text
    assert reverse("report-review", kwargs={"pk": report.pk}) in text
    # A confirmed hypothesis has its partner; it shows no possible evidence.
    confirmed = text.index(f'id="note-{note(CONFIRMED).pk}"')
    assert "evidence-row" not in text[confirmed : text.index("</tr>", confirmed) + 40]


def test_a_suggested_note_is_escaped_everywhere(client, editor, report):
    escaped = html.escape(SCRIPT)
    for name in ("report-page", "report-review"):
        text = page(client, editor, report, name)
        assert SCRIPT not in text
        assert escaped in text
    fragment = decide(client, editor, report, LUNCH, "dismiss", htmx=True).content.decode()
    assert SCRIPT not in fragment
    assert escaped in fragment


def test_the_editors_page_loads_htmx_from_this_origin_with_the_nonce(client, editor, report):
    client.force_login(editor)
    response = client.get(reverse("report-page", kwargs={"pk": report.pk}))
    text = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert re.search(rf'<script src="/static/django_htmx/htmx-2[^"]*" defer nonce="{nonce}">', text)
    assert f'<script src="/static/js/review.js" defer nonce="{nonce}">' in text
    assert '"allowScriptTags": false' in text  # swapped content never runs a script
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1]


# --- confirm and dismiss ---------------------------------------------------------------------


def test_confirming_with_htmx_returns_the_changed_parts_with_the_new_verdict(
    client, editor, report
):
    before = report.summary["precision"]

    response = decide(client, editor, report, COSTS, "confirm", htmx=True)

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert 'id="all-matches"' in fragment
    # the summary (scores and the three questions), the reflection sections and the maps
    # are swapped in place, out of band; each element once
    for element in ("summary", "right", "wrong", "missed", "misplaced", "maps"):
        assert len(re.findall(rf'id="{element}"[^>]* hx-swap-oob="true"', fragment)) == 1
    assert 'id="report-scores"' in fragment
    assert fragment.count("hx-swap-oob") == 8  # those 6, the review status and the feedback
    assert re.search(r'<div id="review-status"[^>]* hx-swap-oob="true"', fragment)
    assert "Evidence confirmed; scores updated." in fragment
    row = row_of(fragment, note(HYPOTHESIS))
    assert "verdict-confirmed" in row
    assert ">reviewed</span>" in row
    assert "evidence-row" not in fragment  # no hypothesis awaits evidence any more
    report.refresh_from_db()
    assert report.summary["precision"] > before
    assert f">{report.summary['precision']:.0f}%<" in fragment.replace("%</span>", "%<")
    decision = ReviewDecision.objects.get()
    assert (decision.internal_note, decision.customer_note, decision.accepted) == (
        note(HYPOTHESIS),
        note(COSTS),
        True,
    )
    pair_row = Match.objects.get(report=report, kind="pair", internal_text=HYPOTHESIS)
    assert (pair_row.customer_text, pair_row.verdict, pair_row.source) == (
        COSTS,
        "confirmed",
        "manual",
    )
    assert Suggestion.objects.get(report=report, customer_text=COSTS).state == "confirmed"


def test_confirming_a_note_that_confirms_another_hypothesis_confirms_both(client, editor, report):
    # given the customer note linked by hand to another hypothesis
    client.force_login(editor)
    client.post(
        reverse("report-decide", kwargs={"pk": report.pk}),
        {
            "internal_note": note(CONFIRMED).pk,
            "customer_note": note(COSTS).pk,
            "decision": "accept",
        },
    )

    fragment = decide(client, editor, report, COSTS, "confirm", htmx=True).content.decode()

    # pairs stay one-to-one: the link is kept as an also-match, and still confirms
    assert "confirms another hypothesis too" in fragment
    assert "verdict-confirmed" in row_of(fragment, note(HYPOTHESIS))
    assert Match.objects.filter(report=report, kind="also", customer_text=COSTS).exists()
    report.refresh_from_db()
    assert (report.summary["confirmed"], report.summary["misplaced"]) == (1, 1)


def test_confirming_without_htmx_comes_back_to_the_hypothesis(client, editor, report):
    response = decide(client, editor, report, COSTS, "confirm")

    assert response.status_code == 302
    page_url = reverse("report-page", kwargs={"pk": report.pk})
    assert response["Location"] == f"{page_url}#note-{note(HYPOTHESIS).pk}"
    text = page(client, editor, report)
    assert "Evidence confirmed; scores updated." in text
    assert "No suggestion awaits review; 1 pair of notes reviewed." in text


def test_a_return_anchor_that_is_not_ours_is_ignored(client, editor, report):
    response = decide(client, editor, report, COSTS, "confirm", anchor="x//evil.example")
    assert response["Location"] == reverse("report-page", kwargs={"pk": report.pk})


def test_dismissing_removes_the_suggestion_from_the_open_ones(client, editor, report):
    response = decide(client, editor, report, LUNCH, "dismiss", htmx=True)

    fragment = response.content.decode()
    evidence = evidence_of(fragment, note(HYPOTHESIS))
    assert "Suggestion dismissed." in fragment
    assert html.escape(LUNCH) not in evidence
    assert "I add up what everything costs" in evidence
    assert "2 suggestions await review" in fragment
    assert ReviewDecision.objects.get().accepted is False
    assert Suggestion.objects.get(report=report, customer_text=LUNCH).state == "dismissed"
    assert "verdict-unconfirmed" in row_of(fragment, note(HYPOTHESIS))


def test_an_unknown_decision_changes_nothing(client, editor, report):
    response = decide(client, editor, report, LUNCH, "maybe", htmx=True)
    assert response.status_code == 200
    assert "Choose whether to accept or reject the pair." in response.content.decode()
    assert not ReviewDecision.objects.exists()


# --- who may see and decide --------------------------------------------------------------


def test_viewers_see_the_evidence_read_only_and_cannot_decide(client, viewer, report):
    text = page(client, viewer, report)
    evidence = evidence_of(text, note(HYPOTHESIS))
    assert "Possible evidence" in evidence
    assert html.escape(LUNCH) in evidence
    assert 'name="decision"' not in text
    assert "hx-post" not in text
    assert "htmx" not in text  # no script a viewer does not need
    review = page(client, viewer, report, "report-review")
    assert 'name="decision"' not in review
    assert "0 of 3 reviewed" in review

    for htmx in (False, True):
        assert decide(client, viewer, report, COSTS, "confirm", htmx=htmx).status_code == 403
    assert not ReviewDecision.objects.exists()


def test_outsiders_get_404(client, api, outsider, other_workspace, report):
    client.force_login(outsider)
    for name in ("report-page", "report-review"):
        assert client.get(reverse(name, kwargs={"pk": report.pk})).status_code == 404
    assert decide(client, outsider, report, COSTS, "confirm", htmx=True).status_code == 404
    assert api(outsider).get(f"/api/reports/{report.pk}/suggestions/").status_code == 404
    assert not ReviewDecision.objects.exists()


# --- review mode ---------------------------------------------------------------------------


def test_review_mode_lists_the_open_suggestions_with_the_progress(client, editor, report):
    text = page(client, editor, report, "report-review")

    assert "0 of 3 reviewed" in text
    assert text.count('class="review-card panel"') == 3
    cards = [
        text.index(f'id="suggestion-{note(HYPOTHESIS).pk}-{note(t).pk}"')
        for t in (COSTS, LUNCH, SWITCH)
    ]
    assert cards == sorted(cards)
    assert "Suggestion 1 of 3" in text
    assert text.count('value="confirm"') == 3
    assert '<script src="/static/js/review.js"' in text
    assert "<kbd>y</kbd>" in text


def test_review_mode_decides_in_place_and_counts_the_progress(client, editor, report):
    lunch_key = f"suggestion-{note(HYPOTHESIS).pk}-{note(LUNCH).pk}"

    response = decide(client, editor, report, COSTS, "dismiss", htmx=True, view="review")

    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="review"')
    assert "1 of 3 reviewed" in fragment
    assert fragment.count('class="review-card panel"') == 2
    assert f'id="{lunch_key}"' in fragment

    # without htmx the form comes back to the next card of review mode
    response = decide(client, editor, report, LUNCH, "confirm", anchor="review", view="review")
    assert response["Location"] == reverse("report-review", kwargs={"pk": report.pk}) + "#review"
    text = page(client, editor, report, "report-review")
    assert "2 of 2 reviewed" in text  # confirmed: the hypothesis' other suggestion is settled
    assert "No suggestion awaits review." in text


# --- API -----------------------------------------------------------------------------------


def test_the_api_lists_suggestions_and_confirms_through_decisions(api, editor, viewer, report):
    url = f"/api/reports/{report.pk}/suggestions/"
    listed = api(viewer).get(url).json()["results"]

    assert [(s["rank"], s["customer_text"], s["state"]) for s in listed] == [
        (1, COSTS, "open"),
        (2, LUNCH, "open"),
        (3, SWITCH, "open"),
    ]
    assert all(s["awaits_review"] and not s["learned"] for s in listed)
    assert listed[0]["internal_note"] == note(HYPOTHESIS).pk
    assert listed[0]["customer_note"] == note(COSTS).pk

    decided = api(editor).post(
        f"/api/reports/{report.pk}/decisions/",
        {"internal_note": note(HYPOTHESIS).pk, "customer_note": note(LUNCH).pk, "accepted": False},
        format="json",
    )
    assert decided.status_code == 201
    states = {s["customer_text"]: s["state"] for s in api(viewer).get(url).json()["results"]}
    assert states[LUNCH] == "dismissed"
    waiting = api(viewer).get(url, {"awaits_review": "true"}).json()["results"]
    assert [s["customer_text"] for s in waiting] == [COSTS, SWITCH]
    assert api(viewer).get(url, {"state": "dismissed"}).json()["count"] == 1


def test_the_read_only_html_export_leaves_the_review_out(report):
    exported = exports.report_html(report)
    assert "Possible evidence" not in exported
    assert "await review" not in exported
    assert "hx-post" not in exported
