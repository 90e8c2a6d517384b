"""A range of the agenda as the event store has it: what the app draws at its first paint, before
the network answers (or without it), and what `gcal-tui agenda` prints. No Google libraries here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from tui.calendar.agenda import Agenda, DayRange
from tui.calendar.loader import calendars_shown, shown_ids
from tui.calendar.model import CalendarInfo, Event, parse_event
from tui.calendar.store import EventStore, last_synced


@dataclass
class StoredAgenda:
    calendars: list[CalendarInfo]  # the calendar list as last synced
    account: str | None  # the primary calendar's id
    shown: list[str]  # the calendars in the agenda ("primary" for the primary, as the app asks)
    events: list[Event]  # theirs in the range, series expanded (the primary's as "primary"'s)
    synced_at: datetime | None  # when the least recently synced of them was; None: one never was
    note: str | None  # the store could not be read and was made again, in words

    def placed(self, zone: tzinfo, days: DayRange) -> Agenda:
        """The events as an agenda of `days` in `zone`, shared meetings from the first calendar shown."""
        agenda = Agenda(zone, days, self.shown)
        agenda.add(self.events)
        return agenda


def read_stored_agenda(
    path: Path, zone: tzinfo, days: DayRange, chosen: tuple[str, ...] | None, now: datetime
) -> StoredAgenda | None:
    """The range `days` of the calendars `chosen` (None: those ticked in the stored list) from the
    store at `path`; None when there is no store. Raises StoreError (or OSError) when it cannot be
    opened or made again."""
    if not path.exists():
        return None
    store, note = EventStore.open(path, now)
    try:
        stored_calendars = store.calendars()
        calendars = [calendar.info for calendar in stored_calendars]
        shown = list(chosen) if chosen is not None else calendars_shown(calendars)
        stored_ids = shown_ids(calendars, shown)  # "primary" by its own id, as the store files it
        names = {calendar.id: calendar.summary for calendar in calendars}
        busy_only = {calendar.id for calendar in calendars if calendar.access_role == "freeBusyReader"}
        start, end = days.bounds(zone)
        events = []
        for calendar_id, stored_id in zip(shown, stored_ids, strict=True):
            name = names.get(stored_id, stored_id)
            for item in store.items_between(stored_id, start, end):
                if (event := parse_event(item, name, calendar_id)) is not None:
                    event.busy_only = stored_id in busy_only
                    events.append(event)
        synced_at = last_synced(stored_calendars, stored_ids)
        return StoredAgenda(calendars, store.account(), shown, events, synced_at, note)
    finally:
        store.close()
