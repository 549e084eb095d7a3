"""Stage 3, assign: the one-to-one pairs drawn side by side (pure: numpy and scipy only).

Pairs are a maximum-weight one-to-one matching on *margin* weights, the score above the
partial threshold (`margins`), not on raw scores: maximising the raw total splits one
strong match into two weaker ones. The candidate graph is solved per connected component
with scipy's sparse bipartite matching (`min_weight_full_bipartite_matching`), which needs
no dense block; `scipy.optimize` (dense `linear_sum_assignment`) is never imported, which
saves a quarter of a second of start-up.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

# Added to every eligible edge's margin so a pair scoring exactly the partial threshold
# can still be drawn; far below any score difference that matters (scores have 1 decimal).
_EDGE_EPSILON = 1e-3
# Largest tie-break bonus per edge (see `_sparse_matching`): summed over thousands of pairs
# it stays far below 0.1, the resolution scores are shown at.
_TIE_EPSILON = 1e-7


def margins(scores: np.ndarray, partial_threshold: float) -> np.ndarray:
    """The assignment weights of edges scoring `scores` (all at or above the partial
    threshold): their margin above it, plus a tiny epsilon so every edge counts (float64)."""
    return scores.astype(np.float64) - partial_threshold + _EDGE_EPSILON


def assign(rows: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one matching over the given positive edges, as sorted
    (row, column) pairs (see `assign_edges`)."""
    rows, columns = np.asarray(rows), np.asarray(columns)
    chosen = assign_edges(rows, columns, np.asarray(weights))
    order = np.lexsort((columns[chosen], rows[chosen]))
    return list(zip(rows[chosen][order].tolist(), columns[chosen][order].tolist(), strict=True))


def assign_edges(rows: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Positions (ascending) of the edges of a maximum-weight one-to-one matching.

    The candidate graph is solved per connected component: components of one edge are
    taken whole without a solver (vectorised), the rest go to scipy's sparse solver (see
    `_sparse_matching`). Ties resolve the same way on every run.
    """
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    row_ids, row_index = np.unique(rows, return_inverse=True)
    column_ids, column_index = np.unique(columns, return_inverse=True)
    offset = len(row_ids)
    size = offset + len(column_ids)
    graph = coo_matrix(
        (np.ones(len(rows), dtype=np.int8), (row_index, column_index + offset)), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    edge_labels = labels[row_index]
    edges_per_component = np.bincount(edge_labels)
    single = edges_per_component[edge_labels] == 1
    chosen = [np.flatnonzero(single)]
    rest = np.flatnonzero(~single)
    if len(rest):
        order = rest[np.argsort(edge_labels[rest], kind="stable")]
        boundaries = np.flatnonzero(np.diff(edge_labels[order])) + 1
        for group in np.split(order, boundaries):
            block_rows, local_rows = np.unique(row_index[group], return_inverse=True)
            block_columns, local_columns = np.unique(column_index[group], return_inverse=True)
            picked = np.array(
                _sparse_matching(
                    local_rows, local_columns, weights[group], len(block_rows), len(block_columns)
                ),
                dtype=np.int64,
            ).reshape(-1, 2)
            codes = local_rows.astype(np.int64) * len(block_columns) + local_columns
            by_code = np.argsort(codes)
            found = np.searchsorted(
                codes, picked[:, 0] * len(block_columns) + picked[:, 1], sorter=by_code
            )
            chosen.append(group[by_code[found]])
    return np.sort(np.concatenate(chosen))


def _sparse_matching(
    rows: np.ndarray, columns: np.ndarray, weights: np.ndarray, row_count: int, column_count: int
) -> list[tuple[int, int]]:
    """Maximum-weight (not necessarily full) matching with scipy's sparse LAPJVsp.

    That solver matches every row of a rectangular graph (rows <= columns), so every row
    gets a private "unmatched" column. With costs top - w for real edges and top for the
    private ones, every row-full matching costs rows * top - sum(w of real edges used), so
    minimising cost maximises the matched weight. All costs stay positive (an explicit
    zero would read as a missing edge). Only E + rows edges: on a 2,000 x 2,000 component
    with 75,000 edges this takes ~0.035 s against ~0.085 s for dense LSA (measured).
    """
    # Equal-weight matchings are told apart by a bonus far below any real score difference
    # that favours pairing early notes with early notes, so ties follow the input order
    # (a separable bonus would not: every full matching of the same notes earns the same).
    weights = weights + _TIE_EPSILON / (1.0 + rows + columns)
    top = float(weights.max()) + 1.0
    all_rows = np.concatenate([rows, np.arange(row_count)])
    all_columns = np.concatenate([columns, column_count + np.arange(row_count)])
    costs = np.concatenate([top - weights, np.full(row_count, top)])
    graph = coo_matrix(
        (costs, (all_rows, all_columns)), shape=(row_count, column_count + row_count)
    ).tocsr()
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    real = matched_columns < column_count
    return list(zip(matched_rows[real].tolist(), matched_columns[real].tolist(), strict=True))
