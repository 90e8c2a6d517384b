"""The Calendar client's one error type, in a module of its own: screens catch and show it without
importing the client, which brings oauth2client, httplib2 and googleapiclient."""

from __future__ import annotations

from typing import Literal

ErrorKind = Literal[
    "sign_in",
    "configuration",
    "request",
    "transient",
    "sync_expired",
    "write_access",
    "read_only",
    "conflict",
    "gone",
]


class CalendarError(Exception):
    """What went wrong, in words for the status line, and what kind of recovery fits.

    kind: "sign_in" (go back to the sign-in screen), "configuration" (fix a file or project),
    "request" (this request cannot work: another calendar or range), "transient" (retry later),
    "sync_expired" (a sync token Google no longer takes: sync that calendar again in full).
    Writes only: "write_access" (the sign-in may read, not write: ask for calendar.events),
    "read_only" (not yours to change), "conflict" (changed elsewhere since read: a 412),
    "gone" (deleted elsewhere).
    """

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        hint: str,
        *,
        retry_reason: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.kind = kind
        self.message = message
        self.hint = hint
        self.retry_reason = retry_reason  # set when waiting and trying again may help
        self.retry_after = retry_after
        super().__init__(f"{message} {hint}")
