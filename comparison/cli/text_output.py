"""The CLI's text output: engine results and map-file errors as plain text (pure: no
Django), in the language `comparison.cli.translation` made active."""

from __future__ import annotations

from comparison import engine, verdicts
from comparison.cli.translation import gettext, number, setting
from maps.io import map_files
from maps.segments import SEGMENTS


def verdict_words(key: str) -> str:
    """A verdict's words (`comparison.verdicts`) in running text: the first letter lower
    case ("partly confirmed", "richtige Erkenntnis, falsches Segment": German nouns keep
    their capital)."""
    label = gettext(verdicts.label(key))
    return label[:1].lower() + label[1:]


def describe_row_error(error: map_files.RowError) -> str:
    reason = error.reason  # written in the active language (maps.translation)
    if error.row is not None and error.column:
        return gettext("row %(row)s, column %(column)s: %(reason)s") % {
            "row": error.row,
            "column": error.column,
            "reason": reason,
        }
    if error.row is not None:
        return gettext("row %(row)s: %(reason)s") % {"row": error.row, "reason": reason}
    if error.column:
        return gettext("column %(column)s: %(reason)s") % {
            "column": error.column,
            "reason": reason,
        }
    return reason


def _figures(metrics: dict) -> str:
    return gettext("empathy %(empathy)s  precision %(precision)s  coverage %(coverage)s") % {
        "empathy": number(metrics["empathy_score"]),
        "precision": number(metrics["precision"]),
        "coverage": number(metrics["coverage"]),
    }


def _matching_line(status: dict | None) -> list[str]:
    """What a semantic or hybrid run really did (nothing for a lexical run)."""
    if status is None:
        return []
    if status["used"]:
        if status.get("scoring_reason"):
            line = gettext("Matching: %(scorer)s (%(model)s), per segment: %(reason)s") % {
                "scorer": status["scorer"],
                "model": status["model"],
                "reason": status["scoring_reason"],
            }
        else:
            line = gettext("Matching: %(scorer)s (%(model)s)") % {
                "scorer": status["scorer"],
                "model": status["model"],
            }
        return [line]
    return [
        gettext("Matching: %(scorer)s, because %(reason)s")
        % {"scorer": status["scorer"], "reason": status["fallback_reason"]}
    ]


def result_as_text(result: engine.ComparisonResult) -> str:
    data = result.to_json_dict()
    texts = {note["id"]: note["text"] for note in (*data["internal"], *data["customer"])}
    pairs_by_internal = {pair["internal_id"]: pair for pair in data["pairs"]}
    lines = [
        gettext(
            "Gapmap comparison (engine %(engine)s, scorer %(scorer)s, threshold %(threshold)s, "
            "partial %(partial)s)"
        )
        % {
            "engine": data["engine_version"],
            "scorer": data["settings"]["scorer"],
            "threshold": setting(data["settings"]["threshold"]),
            "partial": setting(data["settings"]["partial_threshold"]),
        },
        *_matching_line(data["summary"].get("semantic")),
        gettext("Overall: %(figures)s") % {"figures": _figures(data["summary"])},
        "",
    ]
    for segment in SEGMENTS:
        figures = _figures(data["segments"][segment.key])
        lines.append(f"== {gettext(segment.label)}: {figures}")
        for note in data["internal"]:
            if note["segment"] != segment.key:
                continue
            lines.append(f"  [{verdict_words(note['verdict'])}] {note['text']}")
            pair = pairs_by_internal.get(note["id"])
            if pair:
                terms = ", ".join(pair["shared_terms"]) or gettext("no shared terms")
                details = gettext("(score %(score)s; %(terms)s)") % {
                    "score": number(pair["score"], 0),
                    "terms": terms,
                }
                lines.append(f"      ↔ {texts[pair['customer_id']]}  {details}")
            if note["verdict"] not in ("confirmed", "misplaced"):
                # What a person could confirm: the engine's suggestions, likeliest first.
                lines.extend(
                    f"      ? {texts[item['id']]}  "
                    + gettext("(possible evidence, score %(score)s)")
                    % {"score": number(item["score"], 0)}
                    for item in note["suggestions"]
                )
        missed = [
            note
            for note in data["customer"]
            if note["segment"] == segment.key and note["verdict"] == "missed"
        ]
        for note in missed:
            lines.append(f"  [{verdict_words('missed')}] {note['text']}")
        lines.append("")
    return "\n".join(lines)
