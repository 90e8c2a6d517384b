"""httplib2.Http with bounds on what a server can make it do: an overall deadline for each request,
and a cap on the size of each answer.

httplib2's timeout bounds each socket read: a server that sends a byte every few seconds never meets
it (a page trickled that way kept "Loading…" up for 90 s). Past the deadline a watcher thread shuts
the connection's sockets down, which ends the blocked read (and does so again for a connection
httplib2 opens to retry). httplib2 reads a whole body into memory: 2,500 events with a 1 MB
description each took 7.4 GB. Answers here are read up to MAX_ANSWER_BYTES and refused past it.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httplib2

Result = TypeVar("Result")
MAX_ANSWER_BYTES = 64 * 1024 * 1024  # a page of 2,500 real events is a few MB
# What a request can raise when the network or the server fails (DeadlinePassed is an OSError).
NETWORK_ERRORS: tuple[type[Exception], ...] = (OSError, http.client.HTTPException, httplib2.HttpLib2Error)


class DeadlinePassed(TimeoutError):
    """The whole answer took longer than the deadline."""


class AnswerTooLarge(ValueError):
    """An answer longer than MAX_ANSWER_BYTES."""


class _CappedResponse(http.client.HTTPResponse):
    def read(self, amt: int | None = None) -> bytes:
        if amt is not None:
            return super().read(amt)
        limit = MAX_ANSWER_BYTES
        data = super().read(limit + 1)
        if len(data) > limit:
            self.close()
            raise AnswerTooLarge(f"an answer of more than {limit // (1024 * 1024)} MB")
        return data + super().read()


class _Bounded:
    """What both connection classes add: capped answers, and no new connection once the deadline
    has passed (httplib2 reconnects and sends the request again when a read fails)."""

    response_class = _CappedResponse
    stopped = False

    def connect(self) -> None:
        if self.stopped:
            raise TimeoutError("the deadline passed")
        super().connect()  # type: ignore[misc]


class _CappedHTTPConnection(_Bounded, httplib2.HTTPConnectionWithTimeout):
    pass


class _CappedHTTPSConnection(_Bounded, httplib2.HTTPSConnectionWithTimeout):
    pass


_CAPPED = {"http": _CappedHTTPConnection, "https": _CappedHTTPSConnection}


class BoundedHttp(httplib2.Http):
    """Each request (redirects it follows included) ends within `timeout` seconds in all, with
    DeadlinePassed if it has not; an answer past MAX_ANSWER_BYTES raises AnswerTooLarge."""

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.deadline = timeout
        self._in_request = False  # a redirect calls request() again, inside the first deadline

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        # An unknown scheme (a redirect to ftp:) is left to httplib2, which refuses it.
        capped = connection_type or _CAPPED.get(urlsplit(uri).scheme.lower())

        def send() -> tuple[httplib2.Response, bytes]:
            return super(BoundedHttp, self).request(uri, method, body, headers, redirections, capped)

        if self._in_request:
            return send()
        self._in_request = True
        try:
            return within_deadline(self, self.deadline, send)
        finally:
            self._in_request = False


def within_deadline(http: httplib2.Http, seconds: float, exchange: Callable[[], Result]) -> Result:
    """`exchange()` (which uses `http`), ended with DeadlinePassed after `seconds` in all."""
    expired, finished = threading.Event(), threading.Event()
    for connection in list(http.connections.values()):
        connection.stopped = False

    def watch() -> None:
        if finished.wait(seconds):
            return
        expired.set()
        while not finished.is_set():
            for connection in list(http.connections.values()):
                connection.stopped = True
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
