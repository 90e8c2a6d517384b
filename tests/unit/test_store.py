"""The event store on its own: files, transactions, and ranges read back as Google would send them."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import load_fixture
from tui.calendar import store as store_module
from tui.calendar.store import EventStore

STORE_NAME = "events.sqlite3"

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
CALENDAR = "ada.lovelace@example.com"
PAGE1, PAGE2 = load_fixture("events_page1.json"), load_fixture("events_page2.json")
SERIES = load_fixture("events_series.json")["items"]
DELTA = load_fixture("events_sync_delta.json")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    opened, note = EventStore.open(tmp_path / "data" / STORE_NAME, NOW)
    assert note is None
    opened.save_calendar_list(CALENDAR, [{"id": CALENDAR, "summary": CALENDAR, "primary": True}])
    yield opened
    opened.close()


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def test_the_file_is_private_and_what_it_holds_outlives_the_connection(
    tmp_path: Path, store: EventStore
) -> None:
    store.replace_events(CALENDAR, PAGE1["items"], "token1", NOW)
    path = store.path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(os.stat(f"{path}{suffix}").st_mode) == 0o600 for suffix in ("-wal", "-shm"))
    store.close()
    again, note = EventStore.open(path, NOW)
    assert note is None
    [calendar] = again.calendars()
    assert (calendar.id, calendar.sync_token, calendar.full_sync_at, calendar.synced_at) == (
        CALENDAR,
        "token1",
        NOW,
        NOW,
    )
    assert again.event_count() == len([i for i in PAGE1["items"] if i.get("status") != "cancelled"])
    again.close()


def test_a_range_reads_back_single_events_by_any_part_of_them(store: EventStore) -> None:
    store.replace_events(CALENDAR, PAGE1["items"] + PAGE2["items"], "token1", NOW)
    everything = store.items_between(CALENDAR, at("2000-01-01T00:00Z"), at("2100-01-01T00:00Z"))
    assert ids(everything) == {
        i["id"] for i in PAGE1["items"] + PAGE2["items"] if i.get("status") != "cancelled"
    }
    timed = next(i for i in everything if "dateTime" in i.get("start", {}))
    start, end = at(timed["start"]["dateTime"]), at(timed["end"]["dateTime"])
    inside = store.items_between(CALENDAR, start + (end - start) / 2, end)
    assert timed["id"] in ids(inside)
    a_day_later = end + timedelta(days=1)  # ranges are widened by up to DAY_MARGIN for all-day events
    assert timed["id"] not in ids(
        store.items_between(CALENDAR, a_day_later, a_day_later + timedelta(hours=1))
    )


def test_a_series_is_kept_once_and_read_back_as_its_instances(store: EventStore) -> None:
    store.replace_events(CALENDAR, SERIES, "token1", NOW)
    assert store.event_count() == 3  # the series, its moved and its cancelled instance
    december = store.items_between(CALENDAR, at("2026-12-01T00:00Z"), at("2026-12-30T00:00Z"))
    by_start = sorted((item["start"]["dateTime"], item["id"]) for item in december)
    assert [(at(when).astimezone(UTC).isoformat(), event_id) for when, event_id in by_start] == [
        ("2026-12-03T15:00:00+00:00", "weekly1_20261203T100000Z"),  # moved to the afternoon
        ("2026-12-17T10:00:00+00:00", "weekly1_20261217T100000Z"),  # 10 Dec cancelled, 24 Dec an EXDATE
    ]


def test_an_incremental_sync_changes_deletes_and_adds_all_at_once(store: EventStore) -> None:
    store.replace_events(CALENDAR, PAGE1["items"] + SERIES, "token1", NOW)
    later = at("2026-11-26T10:00Z")
    store.apply_changes(CALENDAR, DELTA["items"], DELTA["nextSyncToken"], later)
    everything = store.items_between(CALENDAR, at("2026-11-20T00:00Z"), at("2026-12-31T00:00Z"))
    changed = next(item for item in everything if item["id"] == "3review")
    assert changed["summary"] == "Design review: Note G (room changed)" and changed["location"] == "Room 2"
    assert "2untitled" not in ids(everything)
    calendar = store.calendar(CALENDAR)
    assert calendar is not None and calendar.sync_token == DELTA["nextSyncToken"]
    assert (calendar.full_sync_at, calendar.synced_at) == (NOW, later)
    # A cancelled series goes with its exceptions; a cancelled instance only hides itself.
    store.apply_changes(
        CALENDAR,
        [
            {
                "id": "weekly1_20261217T100000Z",
                "status": "cancelled",
                "recurringEventId": "weekly1",
                "originalStartTime": {"dateTime": "2026-12-17T10:00:00Z"},
            }
        ],
        "token3",
        later,
    )
    december = store.items_between(CALENDAR, at("2026-12-01T00:00Z"), at("2026-12-31T00:00Z"))
    assert "weekly1_20261217T100000Z" not in ids(december) and "weekly1_20261203T100000Z" in ids(december)
    store.apply_changes(CALENDAR, [{"id": "weekly1", "status": "cancelled"}], "token4", later)
    assert not {
        i
        for i in ids(store.items_between(CALENDAR, at("2026-11-01T00:00Z"), at("2027-02-01T00:00Z")))
        if i.startswith("weekly1")
    }


def test_a_sync_that_fails_midway_leaves_the_calendar_as_it_was(store: EventStore) -> None:
    store.replace_events(CALENDAR, PAGE1["items"], "token1", NOW)
    before = store.items_between(CALENDAR, at("2000-01-01T00:00Z"), at("2100-01-01T00:00Z"))

    def broken_pages() -> Iterator[dict[str, Any]]:
        yield from PAGE2["items"][:3]
        raise OSError("connection reset")

    for write in (store.replace_events, store.apply_changes):
        with pytest.raises(OSError):
            write(CALENDAR, broken_pages(), "token2", NOW)
        assert store.items_between(CALENDAR, at("2000-01-01T00:00Z"), at("2100-01-01T00:00Z")) == before
        calendar = store.calendar(CALENDAR)
        assert calendar is not None and calendar.sync_token == "token1"


def test_another_account_finds_an_empty_store_and_unlisted_calendars_are_forgotten(store: EventStore) -> None:
    store.replace_events(CALENDAR, PAGE1["items"], "token1", NOW)
    store.replace_events("team@example.com", PAGE2["items"], "tokenT", NOW)  # not in the list yet
    assert {c.id for c in store.calendars()} == {CALENDAR, "team@example.com"}
    store.save_calendar_list(CALENDAR, [{"id": CALENDAR, "summary": CALENDAR}])
    assert [c.id for c in store.calendars()] == [CALENDAR]
    assert store.items_between("team@example.com", at("2000-01-01T00:00Z"), at("2100-01-01T00:00Z")) == []
    store.save_calendar_list("charles@example.com", [{"id": "charles@example.com"}])
    assert store.account() == "charles@example.com" and store.event_count() == 0


@pytest.mark.parametrize("damage", ["not a database", "truncated"])
def test_a_store_that_cannot_be_read_is_moved_aside_and_made_again(tmp_path: Path, damage: str) -> None:
    path = tmp_path / STORE_NAME
    made, _ = EventStore.open(path, NOW)
    made.save_calendar_list(CALENDAR, [{"id": CALENDAR}])
    made.close()
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    else:
        path.write_bytes(b"this is not SQLite " * 100)
    again, note = EventStore.open(path, NOW)
    assert note is not None and "could not be read" in note and "unreadable-20261126-090000" in note
    assert again.calendars() == [] and (tmp_path / f"{STORE_NAME}.unreadable-20261126-090000").exists()
    again.save_calendar_list(CALENDAR, [{"id": CALENDAR}])
    again.close()


def test_a_store_of_another_schema_version_is_made_again(tmp_path: Path) -> None:
    path = tmp_path / STORE_NAME
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE events (what TEXT)")
        old.execute("PRAGMA user_version = 99")
    again, note = EventStore.open(path, NOW)
    assert note is None and again.calendars() == []
    assert again._db.execute("PRAGMA user_version").fetchone()[0] == store_module.SCHEMA_VERSION
    again.close()


def test_items_without_an_id_or_a_time_are_not_kept(store: EventStore) -> None:
    store.replace_events(
        CALENDAR,
        [
            {"summary": "no id", "start": {"date": "2026-11-26"}, "end": {"date": "2026-11-27"}},
            {"id": "x"},
            {"id": "y", "start": {"dateTime": "not a time"}, "end": {"dateTime": "2026-11-26T10:00:00Z"}},
        ],
        "token1",
        NOW,
    )
    assert store.event_count() == 0
    assert json.loads(json.dumps(store.calendars()[0].entry))["id"] == CALENDAR
