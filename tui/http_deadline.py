"""An overall deadline for one exchange with a server over httplib2.

httplib2's timeout bounds each socket read: a server that sends a byte every few seconds never meets
it (a page trickled that way kept "Loading…" up for 90 s). Past the deadline a watcher thread shuts
the connection's sockets down, which ends the blocked read, and keeps doing so for the connection
httplib2 opens to retry.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

import httplib2

Result = TypeVar("Result")


class DeadlinePassed(TimeoutError):
    """The whole answer took longer than the deadline."""


def within_deadline(http: httplib2.Http, seconds: float, exchange: Callable[[], Result]) -> Result:
    """`exchange()` (which uses `http`), ended with DeadlinePassed after `seconds` in all."""
    expired, finished = threading.Event(), threading.Event()

    def watch() -> None:
        if finished.wait(seconds):
            return
        expired.set()
        while not finished.is_set():
            for connection in list(http.connections.values()):
                sock = getattr(connection, "sock", None)
                if sock is not None:
                    with suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
            finished.wait(0.05)

    threading.Thread(target=watch, name="http-deadline", daemon=True).start()
    try:
        result = exchange()
    except Exception:
        if expired.is_set():
            raise DeadlinePassed(f"no whole answer within {seconds:g} s") from None
        raise
    finally:
        finished.set()
    if expired.is_set():  # what was read before the sockets closed may be cut short
        raise DeadlinePassed(f"no whole answer within {seconds:g} s")
    return result
