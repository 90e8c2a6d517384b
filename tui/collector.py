"""Python's cyclic garbage collector, paused while a range's events load.

Each page of 2,500 events is about 60,000 dicts and lists of JSON, then some 10,000 objects more as
its events are parsed and placed. Every 700 new objects start a collection, and every tenth of those
walks all the young objects again, on the same GIL as the interface. None of these objects holds a
reference cycle (reference counting frees them), so the walks find nothing: with the collector paused
from the first request to the last page placed (the events screen then freezes them out of later
collections, see EventsScreen.on_page_loaded), 10,000 events came in about a tenth sooner (paired
runs). Pauses from several threads at once nest: the collector runs again when the last one ends,
and stays off if it was off before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
