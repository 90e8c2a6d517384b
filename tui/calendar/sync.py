"""Incremental sync of a calendar into the event store, as Google's guide "Synchronize resources
efficiently" describes it: one full sync, then only what changed since the last token; a token
Google no longer takes (410) means that calendar's events are replaced by a full sync."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.calendar.errors import CalendarError
from tui.calendar.store import EventStore

if TYPE_CHECKING:
    from tui.calendar.client import CalendarClient, EventPage


@dataclass(frozen=True)
class CalendarSynced:
    calendar_id: str
    full: bool  # synced in full (the first time, or after a stale token)
    items: int  # how many items Google sent


class _Answer:
    """A sync's items as its pages arrive, and the token its last page carries."""

    def __init__(self, pages: Iterator[EventPage]) -> None:
        self.pages = pages
        self.count = 0
        self._token = ""

    def items(self) -> Iterator[dict[str, Any]]:
        for page in self.pages:
            for item in page.items:
                if isinstance(item, dict):
                    self.count += 1
                    yield item
            if page.last:
                self._token = page.next_sync_token

    def token(self) -> str:
        assert self._token, "read every item first"
        return self._token


def sync_calendar(
    client: CalendarClient, store: EventStore, calendar_id: str, now: datetime
) -> CalendarSynced:
    """Bring the store's copy of `calendar_id` (an id from the calendar list) up to date; each
    sync is one transaction, so a failure midway (raised as CalendarError) changes nothing."""
    stored = store.calendar(calendar_id)
    if stored is not None and stored.sync_token:
        answer = _Answer(client.sync_pages(calendar_id, stored.sync_token))
        try:
            store.apply_changes(calendar_id, answer.items(), answer.token, now)
            return CalendarSynced(calendar_id, False, answer.count)
        except CalendarError as error:
            if error.kind != "sync_expired":
                raise
    # The first sync, or a token Google no longer takes (410): the calendar's events are replaced in
    # full, in one transaction, so a sync that fails keeps the old ones until the next try.
    answer = _Answer(client.sync_pages(calendar_id, None))
    store.replace_events(calendar_id, answer.items(), answer.token, now)
    return CalendarSynced(calendar_id, True, answer.count)
