"""`gcal-tui agenda` and `gcal-tui next`: the agenda for scripts (tmux status lines, cron, pipes),
printed from the event store after a sync (none with `--offline`). No Textual, and no Google
libraries when offline.

Exit status: 0 the agenda was printed (after a failed sync, from the store, with a warning on
stderr); 1 it could not be (not signed in and nothing stored, or the store unreadable); 2 the
command line was wrong.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TextIO

import orjson

from tui.calendar.agenda import Agenda, DayRange, Placement, day_label, time_label, title_text
from tui.calendar.model import Event
from tui.calendar.store import StoreError
from tui.calendar.stored_agenda import read_stored_agenda
from tui.config import AppConfig
from tui.text import safe_text

FORMATS = ("text", "tsv", "json")


@dataclass(frozen=True)
class AgendaOptions:
    days: int = 7
    first_day: date | None = None  # None: today
    output_format: str = "text"
    offline: bool = False


def run_agenda(
    config: AppConfig, options: AgendaOptions, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    read = _stored_agenda(config, options, err)
    if read is None:
        return 1
    agenda, account = read
    events = events_of(agenda)
    zone, today = config.zone, config.now().date()
    if options.output_format == "json":
        objects = [event_object(event, zone, account) for event in events]
        out.write(orjson.dumps(objects, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode())
    elif options.output_format == "tsv":
        out.write("start_date\tstart_time\tend_date\tend_time\ttitle\tlocation\tcalendar\n")
        for event in events:
            out.write("\t".join(_tsv_cell(cell) for cell in tsv_row(event, zone)) + "\n")
    else:
        for line in agenda.lines():
            if isinstance(line, Placement):
                location = f"  ({_one_line(line.event.location)})" if line.event.location else ""
                event = line.event
                when = "" if event.event_type == "workingLocation" else time_label(line, zone)
                out.write(f"  {when:<13}  {_one_line(title_text(event))}{location}\n")
            else:
                out.write(f"{day_label(line.day, today)}\n")
    return 0


def run_next(config: AppConfig, offline: bool, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The next timed event that has not ended, on one line: `14:00–15:00 Design review (Room 4)`."""
    out, err = out or sys.stdout, err or sys.stderr
    read = _stored_agenda(config, AgendaOptions(days=8, offline=offline), err)
    if read is None:
        return 1
    agenda, _ = read
    now = config.now()
    coming = sorted(
        (
            event
            for event in events_of(agenda)
            if not event.all_day and event.end > now and event.my_response != "declined"
        ),
        key=lambda event: (event.start, event.end),
    )
    if not coming:
        out.write("Nothing in the next 7 days.\n")
        return 0
    event = coming[0]
    start, end = event.starts_at(config.zone), event.ends_at(config.zone)
    day = "" if start.date() == now.date() else f"{start:%a} "
    location = f" ({_one_line(event.location)})" if event.location else ""
    out.write(f"{day}{start:%H:%M}–{end:%H:%M} {_one_line(event.title)}{location}\n")
    return 0


def events_of(agenda: Agenda) -> list[Event]:
    """The agenda's events in its order, each once however many days it covers."""
    return [line.event for line in agenda.lines() if isinstance(line, Placement) and line.first_shown]


def _stored_agenda(config: AppConfig, options: AgendaOptions, err: TextIO) -> tuple[Agenda, str] | None:
    """The agenda of the days asked for, from the store (synced first unless offline), and the
    account's primary calendar id; None after saying on `err` why there is none to print."""
    now = config.now()
    days = DayRange(options.first_day or now.date(), options.days)
    offline_because = None if options.offline else _sync(config, now, err)
    try:
        stored = read_stored_agenda(config.store_path, config.zone, days, config.calendar_ids, now)
    except (StoreError, OSError) as error:
        err.write(f"gcal-tui: {safe_text(str(error))}\n")
        return None
    if stored is None:
        if offline_because is not None:
            err.write(f"gcal-tui: offline — nothing stored yet: {offline_because}\n")
        err.write(
            "gcal-tui: nothing is stored yet: run `gcal-tui` and sign in, or run this without --offline.\n"
        )
        return None
    if offline_because is not None:
        synced = stored.synced_at
        when = f"last synced {synced.astimezone(config.zone):%Y-%m-%d %H:%M}" if synced else "never synced"
        err.write(f"gcal-tui: offline — {when}: {offline_because}\n")
    if stored.note:
        err.write(f"gcal-tui: {stored.note}\n")
    return stored.placed(config.zone, days), stored.account or "primary"


def _sync(config: AppConfig, now: datetime, err: TextIO) -> str | None:
    """Bring the store up to date, saying on `err` what went wrong with it; why Google could not be
    reached (the store is then printed as it is), or None."""
    from tui.calendar.errors import CalendarError
    from tui.calendar.loader import CalendarLoader

    loader = CalendarLoader(config)
    stored = loader.check_stored_sign_in()
    if stored.credentials is None:
        err.write(f"gcal-tui: not signed in ({safe_text(stored.reason)}); showing what is stored.\n")
        return None
    try:
        report = loader.sync_store(config.calendar_ids, now)
    except CalendarError as error:
        return safe_text(error.message)
    except (StoreError, OSError) as error:  # the store then cannot be read either: said there
        return safe_text(str(error))
    if report.store_note:
        err.write(f"gcal-tui: {report.store_note}\n")
    for calendar_id, error in report.failed.items():
        err.write(f"gcal-tui: {safe_text(calendar_id)} was not synced: {safe_text(error.message)}\n")
    return None


def _one_line(text: str) -> str:
    return " ".join(safe_text(text).split())


def _tsv_cell(text: str) -> str:
    return _one_line(text).replace("\t", " ")


def tsv_row(event: Event, zone: tzinfo) -> list[str]:
    """Dates and times in the viewer's zone (an all-day event's end date is exclusive, as Google's)."""
    if event.all_day:
        dates = [event.start.isoformat(), "", event.end.isoformat(), ""]
    else:
        start, end = event.starts_at(zone), event.ends_at(zone)
        dates = [f"{start:%Y-%m-%d}", f"{start:%H:%M}", f"{end:%Y-%m-%d}", f"{end:%H:%M}"]
    return [*dates, event.title, event.location, event.calendar]


def event_object(event: Event, zone: tzinfo, account: str) -> dict[str, object]:
    """One event for `--format json`: instants in the viewer's zone with their offsets, dates as
    dates; the calendar by its id (the primary's own, `account`)."""
    if event.all_day:
        start, end = event.start.isoformat(), event.end.isoformat()
    else:
        start, end = event.starts_at(zone).isoformat(), event.ends_at(zone).isoformat()
    return {  # the event's text fields are cleaned already (Event reads them through safe_text)
        "calendar": safe_text(account if event.calendar_id == "primary" else event.calendar_id),
        "id": event.id,
        "start": start,
        "end": end,
        "all_day": event.all_day,
        "title": event.title,
        "location": event.location,
        "link": event.html_link,
        "my_response": event.my_response,
    }
