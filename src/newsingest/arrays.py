"""numpy helpers the stages share."""

from __future__ import annotations

import numpy as np


def spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions start .. start + length - 1 of every (start, length), concatenated: the elements of many
    runs of one array gathered with one indexing, not a Python step per run."""
    ends = np.cumsum(lengths)
    # each run: its start repeated, plus 0..length-1 counted across all runs
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)


def counted(values: np.ndarray, bound: int, at_least: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values (sorted) occurring at least `at_least` times, and how often each occurs, of integers
    in [0, `bound`): np.unique(values, return_counts=True), filtered. Where the values are many for their range
    (the reuse index's asker-article pairs of a batch), counting into a bincount of the range is ~4x faster
    than unique's sort; a sparse range is sorted, so the count array never outgrows ~4 entries a value."""
    if bound <= 4 * len(values):
        counts = np.bincount(values, minlength=bound)
        distinct = np.flatnonzero(counts >= at_least)
        return distinct, counts[distinct]
    distinct, counts = np.unique(values, return_counts=True)
    keep = counts >= at_least
    return distinct[keep], counts[keep]
