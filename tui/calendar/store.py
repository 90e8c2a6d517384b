"""The event store: what Google's incremental sync brought, in one SQLite file (the standard
library's `sqlite3`), so the agenda can be drawn before the network answers, and without it.

One file for the signed-in account (`meta.account`; another account's store is emptied), mode
0600 in a 0700 folder, WAL. Per calendar: what its calendar-list entry says, its sync token, when it
was last synced in full and at all. Per event: the item as Google sent it (`singleEvents=false`:
each series once, with its rules; exceptions as items of their own), and its start and end instants
for range queries. Each calendar's sync is written in one transaction, so a sync that fails or is
killed midway leaves that calendar as it was. A file that cannot be opened or read as a store is
moved aside and a new one made: the store is a copy of what Google has, never the only one.

Each `EventStore` is one connection: open one per thread (`sqlite3` connections stay in theirs).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import orjson

from tui.calendar.model import CalendarInfo
from tui.calendar.recurrence import RecurrenceError, instances
from tui.storage import FILE_MODE, make_private_folders

SCHEMA_VERSION = 1
DAY_MARGIN = timedelta(hours=14)  # an all-day event's dates, filed as instants wide enough for any zone
NEVER = 1e12  # seconds: a series is queried by where it starts, whatever its end
FILE_SUFFIXES = ("", "-wal", "-shm")  # the store, and the files SQLite keeps beside it in WAL mode
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE calendars (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    entry TEXT NOT NULL,
    sync_token TEXT,
    full_sync_at REAL,
    synced_at REAL
);
CREATE TABLE events (
    calendar_id TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('single', 'series', 'exception')),
    series_id TEXT,
    starts REAL NOT NULL,
    ends REAL NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (calendar_id, id)
);
CREATE INDEX events_by_start ON events (calendar_id, starts);
CREATE INDEX exceptions_by_series ON events (calendar_id, series_id) WHERE series_id IS NOT NULL;
"""


# The next sync token, or what gives it once `items` are all read (it comes with the last page).
SyncToken = str | Callable[[], str]


class StoreError(Exception):
    """The store could not be written or read; the message says why."""


@dataclass(frozen=True)
class StoredCalendar:
    entry: dict[str, Any]  # what the calendar list said of it (CalendarInfo's fields)
    sync_token: str | None
    full_sync_at: datetime | None
    synced_at: datetime | None

    @property
    def id(self) -> str:
        return str(self.entry.get("id", ""))

    @property
    def info(self) -> CalendarInfo:
        entry = self.entry
        return CalendarInfo(
            id=self.id,
            summary=str(entry.get("summary") or self.id),
            access_role=str(entry.get("access_role", "")),
            primary=entry.get("primary") is True,
            time_zone=str(entry.get("time_zone", "")),
            color=str(entry.get("color", "")),
            selected=entry.get("selected") is True,
        )


def _moment(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _instant(part: object, *, end: bool) -> float | None:
    if not isinstance(part, dict):
        return None
    try:
        if isinstance(part.get("dateTime"), str):
            return datetime.fromisoformat(part["dateTime"]).timestamp()
        if isinstance(part.get("date"), str):
            midnight = datetime.combine(date.fromisoformat(part["date"]), time(), UTC)
            return (midnight + DAY_MARGIN if end else midnight - DAY_MARGIN).timestamp()
    except (ValueError, OverflowError):
        return None
    return None


def _row(calendar_id: str, item: dict[str, Any]) -> tuple[Any, ...] | None:
    """The events row for `item`, or None if it has no id or no time to file it by."""
    event_id = item.get("id")
    if not isinstance(event_id, str) or not event_id:
        return None
    series_id = item.get("recurringEventId")
    if item.get("recurrence"):
        kind, series_id = "series", None
    elif isinstance(series_id, str) and series_id:
        kind = "exception"
    else:
        kind, series_id = "single", None
    timed_by = item if item.get("status") != "cancelled" else {}
    starts = _instant(timed_by.get("start"), end=False)
    ends = _instant(timed_by.get("end"), end=True)
    if kind == "exception" and starts is None:  # a cancelled instance: filed where it was to be
        starts = ends = _instant(item.get("originalStartTime"), end=False)
    if starts is None or ends is None:
        return None
    if kind == "series":
        ends = NEVER
    return (calendar_id, event_id, kind, series_id, starts, max(starts, ends), json.dumps(item))


def delete_store(path: Path) -> bool:
    """Delete the store at `path` (and its WAL files); whether there was one."""
    existed = path.exists()
    for suffix in FILE_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
    return existed


class EventStore:
    """One connection to the store at `path`; see the module's docstring."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, now: datetime) -> tuple[EventStore, str | None]:
        """The store at `path`, made if missing; with a note (else None) when the file there could
        not be used and was moved aside for a new one."""
        make_private_folders(path.parent)
        try:
            return cls._connect(path), None
        except sqlite3.DatabaseError as error:
            reason = str(error)
        backup = path.with_name(f"{path.name}.unreadable-{now:%Y%m%d-%H%M%S}")
        for suffix in FILE_SUFFIXES:
            with contextlib.suppress(FileNotFoundError):
                os.replace(f"{path}{suffix}", f"{backup}{suffix}")
        note = f"The event store could not be read ({reason}); it was moved to {backup} and is made again."
        try:
            return cls._connect(path), note
        except sqlite3.DatabaseError as error:
            raise StoreError(f"The event store at {path} cannot be made: {error}") from None

    @classmethod
    def _connect(cls, path: Path) -> EventStore:
        # Made 0600 before SQLite opens it: its -wal and -shm files take the same mode.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
        os.chmod(path, FILE_MODE)
        connection = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:  # new, or made by another version: made again (it is a copy)
                tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
                drops = "".join(f'DROP TABLE "{name}";' for (name,) in tables)
                connection.executescript(
                    f"BEGIN; {drops} {SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;"
                )
            connection.execute("SELECT count(*) FROM events").fetchone()
        except BaseException:
            connection.close()
            raise
        return cls(connection, path)

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All of the block's writes or none; SQLite's failures (a full disk, another instance
        holding the store past the timeout) as StoreError."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            raise StoreError(f"The event store at {self.path} could not be written: {error}") from None

    # The account and its calendars
    def account(self) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'account'").fetchone()
        return row[0] if row else None

    def save_calendar_list(self, account: str, entries: Sequence[dict[str, Any]]) -> None:
        """The person's calendar list as Google sent it. Another account's store is emptied first;
        calendars no longer listed are forgotten with their events."""
        with self._transaction() as db:
            if self.account() not in (None, account):
                db.execute("DELETE FROM events")
                db.execute("DELETE FROM calendars")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('account', ?)", (account,))
            listed = [entry for entry in entries if isinstance(entry.get("id"), str)]
            ids = [entry["id"] for entry in listed]
            marks = ",".join("?" * len(ids))
            db.execute(f"DELETE FROM events WHERE calendar_id NOT IN ({marks})", ids)
            db.execute(f"DELETE FROM calendars WHERE id NOT IN ({marks})", ids)
            for position, entry in enumerate(listed):
                db.execute(
                    "INSERT INTO calendars (id, position, entry) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET position = excluded.position, entry = excluded.entry",
                    (entry["id"], position, json.dumps(entry)),
                )

    def calendars(self) -> list[StoredCalendar]:
        rows = self._db.execute(
            "SELECT entry, sync_token, full_sync_at, synced_at FROM calendars ORDER BY position"
        ).fetchall()
        return [
            StoredCalendar(orjson.loads(entry), token, _moment(full), _moment(synced))
            for entry, token, full, synced in rows
        ]

    def calendar(self, calendar_id: str) -> StoredCalendar | None:
        return next((calendar for calendar in self.calendars() if calendar.id == calendar_id), None)

    # Sync
    def replace_events(
        self, calendar_id: str, items: Iterable[dict[str, Any]], sync_token: SyncToken, now: datetime
    ) -> None:
        """A full sync's answer: the calendar's events become `items`, all at once or not at all
        (`items` may be read from the network as they are written: a failure midway rolls back)."""
        with self._transaction() as db:
            db.execute("DELETE FROM events WHERE calendar_id = ?", (calendar_id,))
            rows = [
                row
                for item in items
                if item.get("status") != "cancelled" or item.get("recurringEventId")
                if (row := _row(calendar_id, item))
            ]
            db.executemany("INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self._synced(db, calendar_id, sync_token, now, full=True)

    def apply_changes(
        self, calendar_id: str, items: Iterable[dict[str, Any]], sync_token: SyncToken, now: datetime
    ) -> None:
        """An incremental sync's answer: what changed since the last token, all at once or not at all.
        A cancelled event is removed (a cancelled series with its exceptions); a cancelled instance of
        a series is kept, as it hides that instance."""
        with self._transaction() as db:
            for item in items:
                event_id = item.get("id")
                if not isinstance(event_id, str):
                    continue
                if item.get("status") == "cancelled" and not item.get("recurringEventId"):
                    db.execute(
                        "DELETE FROM events WHERE calendar_id = ? AND (id = ? OR series_id = ?)",
                        (calendar_id, event_id, event_id),
                    )
                elif (row := _row(calendar_id, item)) is not None:
                    db.execute("INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            self._synced(db, calendar_id, sync_token, now, full=False)

    def _synced(
        self, db: sqlite3.Connection, calendar_id: str, sync_token: SyncToken, now: datetime, *, full: bool
    ) -> None:
        token = sync_token() if callable(sync_token) else sync_token
        changed = db.execute(
            "UPDATE calendars SET sync_token = ?, synced_at = ?"
            + (", full_sync_at = ?" if full else "")
            + " WHERE id = ?",
            (token, now.timestamp(), *((now.timestamp(),) if full else ()), calendar_id),
        ).rowcount
        if not changed:  # not in the list (yet): a calendar asked for by id
            db.execute(
                "INSERT INTO calendars (id, position, entry, sync_token, full_sync_at, synced_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    calendar_id,
                    1_000_000,
                    json.dumps({"id": calendar_id}),
                    token,
                    now.timestamp() if full else None,
                    now.timestamp(),
                ),
            )

    # Reading
    def items_between(self, calendar_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The calendar's events that overlap [start, end), as `events.list` with `singleEvents=true`
        sends them: series expanded into instances, moved instances where they now are, cancelled
        ones left out. An all-day event is included when its dates are near the range in any zone."""
        low, high = start.timestamp(), end.timestamp()
        db = self._db
        margin = DAY_MARGIN.total_seconds()
        rows = db.execute(
            "SELECT kind, item FROM events WHERE calendar_id = ? AND starts < ? AND ends > ?",
            (calendar_id, high + margin, low - margin),
        ).fetchall()
        found: list[dict[str, Any]] = []
        series: list[dict[str, Any]] = []
        for kind, text in rows:
            item = orjson.loads(text)
            if kind == "series":
                series.append(item)
            elif item.get("status") != "cancelled":
                found.append(item)
        for one in series:
            exceptions = [
                orjson.loads(text)
                for (text,) in db.execute(
                    "SELECT item FROM events WHERE calendar_id = ? AND series_id = ?",
                    (calendar_id, one["id"]),
                )
            ]
            with contextlib.suppress(RecurrenceError, KeyError, ValueError, TypeError):
                found += instances(one, start - DAY_MARGIN, end + DAY_MARGIN, exceptions)
        return found

    def event_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM events").fetchone()[0])


def last_synced(calendars: Iterable[StoredCalendar], calendar_ids: Iterable[str]) -> datetime | None:
    """When the least recently synced of these calendars (among the stored `calendars`) was synced;
    None when one of them never was."""
    wanted = set(calendar_ids)
    synced = {calendar.id: calendar.synced_at for calendar in calendars if calendar.id in wanted}
    times = [moment for moment in synced.values() if moment is not None]
    return min(times) if times and len(times) == len(wanted) else None
