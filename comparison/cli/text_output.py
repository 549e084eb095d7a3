"""The CLI's text output: engine results and map-file errors as plain text (pure: no
Django)."""

from __future__ import annotations

from comparison import engine, verdicts
from maps.io import map_files
from maps.segments import SEGMENTS

# The verdicts' words (`comparison.verdicts`) in running text: lower case.
VERDICT_LABELS = {key: label.lower() for key, label in verdicts.LABELS.items()}


def describe_row_error(error: map_files.RowError) -> str:
    where = []
    if error.row is not None:
        where.append(f"row {error.row}")
    if error.column:
        where.append(f"column {error.column}")
    return f"{', '.join(where)}: {error.reason}" if where else error.reason


def _figures(metrics: dict) -> str:
    return (
        f"empathy {metrics['empathy_score']:.1f}  precision {metrics['precision']:.1f}  "
        f"coverage {metrics['coverage']:.1f}"
    )


def _matching_line(status: dict | None) -> list[str]:
    """What a semantic or hybrid run really did (nothing for a lexical run)."""
    if status is None:
        return []
    if status["used"]:
        line = f"Matching: {status['scorer']} ({status['model']})"
        if status.get("scoring_reason"):
            line += f", per segment: {status['scoring_reason']}"
        return [line]
    return [f"Matching: {status['scorer']}, because {status['fallback_reason']}"]


def result_as_text(result: engine.ComparisonResult) -> str:
    data = result.to_json_dict()
    texts = {note["id"]: note["text"] for note in (*data["internal"], *data["customer"])}
    pairs_by_internal = {pair["internal_id"]: pair for pair in data["pairs"]}
    lines = [
        f"Gapmap comparison (engine {data['engine_version']}, scorer "
        f"{data['settings']['scorer']}, threshold {data['settings']['threshold']}, "
        f"partial {data['settings']['partial_threshold']})",
        *_matching_line(data["summary"].get("semantic")),
        f"Overall: {_figures(data['summary'])}",
        "",
    ]
    for segment in SEGMENTS:
        lines.append(f"== {segment.label}: {_figures(data['segments'][segment.key])}")
        for note in data["internal"]:
            if note["segment"] != segment.key:
                continue
            lines.append(f"  [{VERDICT_LABELS[note['verdict']]}] {note['text']}")
            pair = pairs_by_internal.get(note["id"])
            if pair:
                terms = ", ".join(pair["shared_terms"]) or "no shared terms"
                lines.append(
                    f"      ↔ {texts[pair['customer_id']]}  (score {pair['score']:.0f}; {terms})"
                )
            if note["verdict"] not in ("confirmed", "misplaced"):
                # What a person could confirm: the engine's suggestions, likeliest first.
                lines.extend(
                    f"      ? {texts[item['id']]}  (possible evidence, score {item['score']:.0f})"
                    for item in note["suggestions"]
                )
        missed = [
            note
            for note in data["customer"]
            if note["segment"] == segment.key and note["verdict"] == "missed"
        ]
        for note in missed:
            lines.append(f"  [{VERDICT_LABELS['missed']}] {note['text']}")
        lines.append("")
    return "\n".join(lines)
