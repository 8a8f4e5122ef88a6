"""Ctrl-C and SIGTERM as a request to stop: the run stops taking input, lands what it has and ends
`interrupted`. A second signal interrupts at once (KeyboardInterrupt), as a user pressing Ctrl-C twice expects.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopOnSignal:
    """Within `with`: the first SIGINT/SIGTERM sets `event` (share it with the sources, batches and the run)."""

    def __init__(self, event: threading.Event | None = None):
        self.event = event or threading.Event()
        self._previous: dict[int, object] = {}

    def __enter__(self) -> threading.Event:
        if threading.current_thread() is threading.main_thread():  # only there may handlers be installed
            for number in STOP_SIGNALS:
                self._previous[number] = signal.signal(number, self._handle)
        return self.event

    def __exit__(self, *exc) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _handle(self, number: int, frame: FrameType | None) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt
        self.event.set()
