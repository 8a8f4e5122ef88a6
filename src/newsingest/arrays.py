"""numpy helpers the stages share."""

from __future__ import annotations

import numpy as np


def spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions start .. start + length - 1 of every (start, length), concatenated: the elements of many
    runs of one array gathered with one indexing, not a Python step per run."""
    ends = np.cumsum(lengths)
    # each run: its start repeated, plus 0..length-1 counted across all runs
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)
