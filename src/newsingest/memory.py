"""Handing memory the run's own process has freed back to the operating system.

Landing a batch allocates and frees tens of MB in C: its JSON documents, DuckDB's buffers, the checkpoint at
close. glibc's malloc keeps most of what is freed for later (a freed large block raises its mmap threshold, so
later large blocks come from a heap that fragments and seldom shrinks): the run's own process held ~45 MiB
more RSS between batches and at every peak than after `malloc_trim` (1,908 real pages; docs/performance.md,
"Start-up and the run's own memory").
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    return getattr(ctypes.CDLL(None), "malloc_trim", None)


def release_free_memory() -> None:
    """Return the C heap's free pages to the system (a few ms); nothing where the C library cannot."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
