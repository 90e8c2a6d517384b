"""The emulator's writes (what the write actions will be built on), through the real googleapiclient
over real HTTP: insert, quickAdd, patch and delete, with ETags and 412, Google's scope and access
checks, and each write seen by the next incremental sync."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from googleapiclient.errors import HttpError
from oauth2client.client import OAuth2Credentials

from tests.fixtures import load_fixture
from tui.calendar.client import CalendarClient, connect
from tui.calendar.loader import CalendarLoader
from tui.calendar.store import EventStore
from tui.config import READONLY_SCOPE, AppConfig
from tui.sandbox.browser import sign_in_directly
from tui.sandbox.calendar_data import HOLIDAYS, PRIMARY
from tui.sandbox.calendar_writes import parse_quick_add

EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events"
ERRORS = load_fixture("sync_and_write_errors.json")


@pytest.fixture
def writer(config: AppConfig, client_secrets: Path) -> Iterator[CalendarClient]:
    """A client whose sign-in granted `calendar.events` as well, as the app will ask for it."""
    with connect(config, sign_in_directly(client_secrets, (READONLY_SCOPE, EVENTS_SCOPE))) as client:
        yield client


def refused(call: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(HttpError) as raised:
        call.execute()
    return raised.value.resp.status, json.loads(raised.value.content)


def tomorrow_at(hour: int, zone: str = "Europe/London") -> dict[str, str]:
    day = dt.datetime.now(ZoneInfo(zone)).date() + dt.timedelta(days=1)
    return {"dateTime": dt.datetime.combine(day, dt.time(hour), ZoneInfo(zone)).isoformat(), "timeZone": zone}


def test_insert_patch_delete_with_etags_as_google_answers_them(writer: CalendarClient) -> None:
    events = writer.service.events()
    made = events.insert(
        calendarId="primary",
        body={"summary": "Design review", "start": tomorrow_at(10), "end": tomorrow_at(11)},
        sendUpdates="all",
    ).execute()
    assert made["summary"] == "Design review" and made["etag"] and made["id"]
    stale = made["etag"]
    patch = events.patch(calendarId="primary", eventId=made["id"], body={"location": "Room 4"})
    patch.headers["If-Match"] = stale
    changed = patch.execute()
    assert changed["location"] == "Room 4" and changed["summary"] == "Design review"
    assert changed["etag"] != stale and changed["sequence"] == made["sequence"] + 1

    late = events.patch(calendarId="primary", eventId=made["id"], body={"summary": "Lost update"})
    late.headers["If-Match"] = stale  # someone changed it since this copy was read
    assert refused(late) == (412, ERRORS["412_conditionNotMet"])
    gone = events.delete(calendarId="primary", eventId=made["id"])
    gone.headers["If-Match"] = changed["etag"]
    assert gone.execute() == ""
    assert refused(events.delete(calendarId="primary", eventId=made["id"]))[0] == 410
    assert refused(events.delete(calendarId="primary", eventId="nosuchevent"))[0] == 404


def test_what_is_written_reaches_the_store_by_incremental_sync(
    writer: CalendarClient, config: AppConfig, stored_credentials: OAuth2Credentials
) -> None:
    loader = CalendarLoader(config, stored_credentials)
    loader.sync_store(("primary",), dt.datetime.now(dt.UTC))
    events = writer.service.events()
    made = events.insert(
        calendarId="primary", body={"summary": "Written", "start": tomorrow_at(9), "end": tomorrow_at(10)}
    ).execute()
    quick = events.quickAdd(calendarId="primary", text="Lunch with Ana tomorrow 1pm at Café Zoë").execute()
    report = loader.sync_store(("primary",), dt.datetime.now(dt.UTC))
    assert not report.failed and not report.synced[0].full and report.synced[0].items == 2
    store, _ = EventStore.open(config.store_path, dt.datetime.now(dt.UTC))
    try:
        now = dt.datetime.now(dt.UTC)
        stored = {item["id"]: item for item in store.items_between(PRIMARY, now, now + dt.timedelta(days=3))}
    finally:
        store.close()
    assert stored[made["id"]]["summary"] == "Written"
    assert (stored[quick["id"]]["summary"], stored[quick["id"]]["location"]) == ("Lunch with Ana", "Café Zoë")


def test_quick_add_reads_a_day_a_time_and_a_place_in_the_calendars_zone(writer: CalendarClient) -> None:
    made = writer.service.events().quickAdd(
        calendarId="primary", text="Lunch with Ana tomorrow 1pm at Café Zoë"
    )
    item = made.execute()
    assert item["start"]["timeZone"] == "Europe/London"  # the primary calendar's
    start = dt.datetime.fromisoformat(item["start"]["dateTime"])
    assert start == dt.datetime.fromisoformat(tomorrow_at(13)["dateTime"])
    assert (item["summary"], item["location"]) == ("Lunch with Ana", "Café Zoë")


@pytest.mark.parametrize(
    ("text", "summary", "start", "end"),
    [
        (
            "Standup at 9:30",
            "Standup",
            {"dateTime": "2026-11-27T09:30:00+05:30"},
            "2026-11-27T10:30:00+05:30",
        ),
        (
            "Dentist friday 4pm",
            "Dentist",
            {"dateTime": "2026-12-04T16:00:00+05:30"},
            "2026-12-04T17:00:00+05:30",
        ),
        ("Holiday monday", "Holiday", {"date": "2026-11-30"}, "2026-12-01"),
        ("Call Bob", "Call Bob", {"dateTime": "2026-11-27T11:00:00+05:30"}, "2026-11-27T12:00:00+05:30"),
    ],
)
def test_the_quick_add_parser(text: str, summary: str, start: dict[str, str], end: str) -> None:
    now = dt.datetime(2026, 11, 27, 10, 20, tzinfo=ZoneInfo("Asia/Kolkata"))  # a Friday
    got_summary, got_start, got_end, _ = parse_quick_add(text, now)
    assert got_summary == summary
    assert {key: got_start[key] for key in start} == start
    assert end in got_end.values()


def test_google_refuses_a_write_without_the_scope_or_on_a_calendar_you_only_read(
    writer: CalendarClient, config: AppConfig, stored_credentials: OAuth2Credentials
) -> None:
    body = {"summary": "x", "start": tomorrow_at(9), "end": tomorrow_at(10)}
    with connect(config, stored_credentials) as reader:  # signed in with calendar.readonly only
        assert refused(reader.service.events().insert(calendarId="primary", body=body)) == (
            403,
            ERRORS["403_insufficientPermissions"],
        )
    status, answer = refused(writer.service.events().insert(calendarId=HOLIDAYS, body=body))
    assert status == 403 and answer["error"]["errors"][0]["reason"] == "requiredAccessLevel"
    status, answer = refused(
        writer.service.events().insert(calendarId="primary", body={"summary": "no times"})
    )
    assert status == 400 and answer["error"]["errors"][0]["reason"] == "required"
