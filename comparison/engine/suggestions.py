"""Stage 5, suggest: for every hypothesis, the customer notes most likely to confirm it,
for a person to confirm or dismiss in one click (pure: numpy only, no Django).

Each internal note gets up to SUGGESTIONS_PER_NOTE customer notes, from any segment, most
likely first:

* its partner comes first: the customer note of its confirmed or misplaced pair, or the
  one an editor linked by hand (then any further hand links of the note);
* then the other customer notes by the run's score, highest first, ties to the earlier
  customer note. For the link model (semantic and hybrid runs) that is 100 x p(link): the
  model already favours the same segment (its `same` feature). A pair a guard sets apart
  (a negation on one side, opposite feelings) keeps the guards' cap, below the partial
  threshold: it may still be listed when nothing likelier is, but never with a
  confidence that hides the contradiction ("Always asks about the price first" is not
  shown as 99 % evidence for "Never asks about the price"). Lexical runs rank by the
  word score, the 1.4 formula (maps too small or too big for the model) by its score;
* a pair an editor rejected is never suggested again, and a candidate must reach the
  floor of its score's kind (CALIBRATED_FLOOR or SCORE_FLOOR): below it, a suggestion
  would only be noise for the person reviewing.

On map pairs of more than WHOLE_PAIR_CELLS note pairs that the link model does not score,
ranking every pair across segments would cost several times the run itself; there the
candidates are each segment's best few (from the matrices the matching stage computes
anyway) and the pairs the matching found across segments.

A suggestion's score is the run's score of the pair (0-100), rounded to one decimal where the
records are made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from comparison.engine.matching import Edges, Matches, top_per_row
from comparison.engine.semantic import CalibratedScorer

if TYPE_CHECKING:
    from comparison.engine.preparation import PreparedRun

SUGGESTIONS_PER_NOTE = 3
# A link-model score is p(link) in percent: below 5 a candidate is nineteen times out of
# twenty not the note's evidence. Measured with the hybrid model (floors 10 / 5;
# leave-one-pair-out models, so that the story pairs are unseen): story dev set recall@3
# 0.884 / 0.896 at 2.6 / 2.8 suggestions a note (a gold link in 0.32 / 0.29 of them); old
# dev set recall@3 1.000 either way at 1.1 / 1.25 a note. Floor 2 reached 0.902.
CALIBRATED_FLOOR = 5.0
# Word scores and the 1.4 formula are not probabilities: two unrelated notes score up to
# 20-30 in `blend` from their letters alone. Measured with lexical (floors 0 / 20 / 30):
# old dev set recall@3 0.963 at every floor, with 3.0 / 2.7 / 1.6 suggestions a note (the
# share of gold links among them 0.22 / 0.25 / 0.43); on the story set 0.43 / 0.38 / 0.28,
# where word matching cannot rank stories anyway.
SCORE_FLOOR = 30.0
# Up to this many note pairs (1,000 x 1,000 notes: workshop maps, with room to spare)
# every pair of the map pair is ranked, in a few tens of milliseconds; above, see the
# module docstring.
WHOLE_PAIR_CELLS = 1_000_000


def floor_of(run: PreparedRun) -> float:
    """The least score a candidate needs (a partner needs none)."""
    return CALIBRATED_FLOOR if isinstance(run.scorer, CalibratedScorer) else SCORE_FLOOR


def ranks_whole_pair(run: PreparedRun) -> bool:
    """Whether this run ranks every internal x customer pair (else per segment)."""
    cells = len(run.internal) * len(run.customer)
    return isinstance(run.scorer, CalibratedScorer) or cells <= WHOLE_PAIR_CELLS


def kept_per_segment(run: PreparedRun) -> int:
    """How many of each internal note's best same-segment counterparts the matching stage
    keeps for the suggestions: none when the whole pair is ranked here."""
    return 0 if ranks_whole_pair(run) else SUGGESTIONS_PER_NOTE + 1


def suggest(
    run: PreparedRun, matches: Matches, manual_scores: dict[tuple[int, int], float]
) -> Edges:
    """Every internal note's suggestions as edges, ordered by note and, within a note, as
    listed: its links first, then the candidates (see the module docstring)."""
    count_internal, count_customer = len(run.internal), len(run.customer)
    linked = _linked(run, matches)
    linked_count = np.bincount(linked.rows, minlength=count_internal)
    # Room for the links, which are listed first whatever they rank.
    count = SUGGESTIONS_PER_NOTE + int(linked_count.max(initial=0))
    floor = floor_of(run)
    if ranks_whole_pair(run):
        ranking = run.scorer.matrix(
            np.arange(count_internal, dtype=np.int64), np.arange(count_customer, dtype=np.int64)
        )
        linked.scores = ranking[linked.rows, linked.columns].astype(np.float32)
        decisions = run.decisions
        if decisions.rejected:
            ranking[decisions.rejected_rows, decisions.rejected_columns] = -1.0
        candidates = Edges(*top_per_row(ranking, count, floor))
    else:
        candidates = _segment_candidates(run, matches, floor)
        scores = _edge_scores(matches, manual_scores)
        edges = zip(linked.rows.tolist(), linked.columns.tolist(), strict=True)
        linked.scores = np.array([scores.get(edge, 0.0) for edge in edges], dtype=np.float32)
    if len(linked):
        candidates = candidates[
            ~np.isin(
                candidates.rows * count_customer + candidates.columns,
                linked.rows * count_customer + linked.columns,
            )
        ]
    room = SUGGESTIONS_PER_NOTE - linked_count[candidates.rows]
    candidates = candidates[_rank_within_row(candidates.rows) < room]
    listed = Edges.join([linked, candidates])
    first = np.concatenate([np.zeros(len(linked)), np.ones(len(candidates))])
    position = np.concatenate([np.arange(len(linked)), np.arange(len(candidates))])
    listed = listed[np.lexsort((position, first, listed.rows))]
    return listed[_rank_within_row(listed.rows) < SUGGESTIONS_PER_NOTE]


def _rank_within_row(rows: np.ndarray) -> np.ndarray:
    """Each edge's position among the edges of its row (`rows` sorted)."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = rows[1:] != rows[:-1]
    positions = np.arange(len(rows))
    return positions - np.maximum.accumulate(np.where(starts, positions, 0))


def _linked(run: PreparedRun, matches: Matches) -> Edges:
    """The pairs listed first, ordered by note: each internal note's confirmed or
    misplaced pair or hand link, then its further hand links (scores filled later)."""
    confirmed = matches.pairs.scores >= run.settings.threshold
    manual, extra = run.decisions.manual, run.decisions.extra
    rows = [
        matches.pairs.rows[confirmed],
        matches.misplaced.rows,
        np.array([row for row, _ in manual], dtype=np.int64),
        np.array([row for row, _ in extra], dtype=np.int64),
    ]
    columns = [
        matches.pairs.columns[confirmed],
        matches.misplaced.columns,
        np.array([column for _, column in manual], dtype=np.int64),
        np.array([column for _, column in extra], dtype=np.int64),
    ]
    # The pair or hand link first (a note has at most one), then further hand links in
    # the order they were decided.
    positions = [np.zeros(len(part), dtype=np.int64) for part in rows[:3]]
    positions.append(np.arange(1, len(extra) + 1, dtype=np.int64))
    linked = Edges(
        np.concatenate(rows).astype(np.int64),
        np.concatenate(columns).astype(np.int64),
        np.zeros(sum(len(part) for part in rows), dtype=np.float32),
    )
    return linked[np.lexsort((np.concatenate(positions), linked.rows))]


def _segment_candidates(run: PreparedRun, matches: Matches, floor: float) -> Edges:
    """Big maps: each segment's best few (kept by the matching stage) and the pairs the
    matching found across segments, ordered like `top_per_row`, rejected pairs left out."""
    also = matches.also
    across = run.internal_segment[also.rows] != run.customer_segment[also.columns]
    edges = Edges.join([matches.segment_top, matches.misplaced, also[across]])
    keep = edges.scores >= floor
    if run.decisions.rejected:
        count_customer = len(run.customer)
        keep &= ~np.isin(
            edges.rows * count_customer + edges.columns,
            run.decisions.rejected_rows * count_customer + run.decisions.rejected_columns,
        )
    edges = edges[keep]
    return edges[np.lexsort((edges.columns, -edges.scores.astype(np.float64), edges.rows))]


def _edge_scores(
    matches: Matches, manual_scores: dict[tuple[int, int], float]
) -> dict[tuple[int, int], float]:
    """The score of every pair the matching drew and of every hand link."""
    scores: dict[tuple[int, int], float] = dict(manual_scores)
    for edges in (matches.pairs, matches.misplaced):
        scores.update(
            zip(
                zip(edges.rows.tolist(), edges.columns.tolist(), strict=True),
                edges.scores.tolist(),
                strict=True,
            )
        )
    return scores
