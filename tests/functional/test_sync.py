"""Incremental sync into the event store, against the emulator over real HTTP: a full sync, then
only what changed; a stale token; a sync broken midway; a series with a moved and a cancelled
instance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from oauth2client.client import OAuth2Credentials

from tests.fixtures import load_fixture
from tui.calendar.loader import CalendarLoader
from tui.calendar.store import EventStore
from tui.config import AppConfig
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import HOLIDAYS, PRIMARY, TEAM, TOKYO, _event, _timed
from tui.sandbox.server import Fault

NOW = dt.datetime.now(dt.UTC)
SERIES = load_fixture("events_series.json")["items"]


def stored(config: AppConfig, calendar_id: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    store, _ = EventStore.open(config.store_path, NOW)
    try:
        return store.items_between(calendar_id, start, end)
    finally:
        store.close()


def listed(sandbox: Sandbox, calendar_id: str, start: dt.datetime, end: dt.datetime) -> set[str]:
    """What `events.list` with `singleEvents=true` gives for the range (the app asks it so)."""
    return {
        item["id"]
        for first, last, item in sandbox.calendar_api.store.events.get(calendar_id, [])
        if first < end and last > start and item.get("status") != "cancelled"
    }


def test_a_full_sync_then_only_what_changed(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, sync_requests
) -> None:
    loader = CalendarLoader(config, stored_credentials)
    report = loader.sync_store(None, NOW)
    assert report.shown == [PRIMARY, TEAM, HOLIDAYS, TOKYO] and not report.failed
    assert all(synced.full for synced in report.synced)
    start, end = NOW - dt.timedelta(days=3), NOW + dt.timedelta(days=20)
    for calendar_id in report.shown:
        assert {item["id"] for item in stored(config, calendar_id, start, end)} >= listed(
            sandbox, calendar_id, start, end
        )
    assert all("syncToken" not in r.params for r in sync_requests(sandbox))

    events = sandbox.calendar_api.store
    gone = next(item for first, _, item in events.events[PRIMARY] if first > NOW + dt.timedelta(days=1))
    moved = next(
        item
        for first, _, item in events.events[PRIMARY]
        if first > NOW + dt.timedelta(days=2) and item is not gone
    )
    events.remove(PRIMARY, gone["id"])
    new_start, new_end = _timed(NOW + dt.timedelta(days=4), 30)
    events.put(PRIMARY, {**moved, "summary": "Moved and renamed", "start": new_start, "end": new_end})
    start_added, end_added = _timed(NOW + dt.timedelta(days=5), 45)
    events.put(PRIMARY, _event(PRIMARY, "brandnew", start_added, end_added, summary="Added since"))
    before = len(sync_requests(sandbox))

    report = loader.sync_store(None, NOW)
    assert not report.failed and not any(synced.full for synced in report.synced)
    assert {synced.calendar_id: synced.items for synced in report.synced}[PRIMARY] == 3
    again = sync_requests(sandbox)[before:]
    assert len(again) == 4 and all("syncToken" in r.params for r in again)
    after = {item["id"]: item for item in stored(config, PRIMARY, start, end)}
    assert gone["id"] not in after and after["brandnew"]["summary"] == "Added since"
    assert after[moved["id"]]["summary"] == "Moved and renamed"
    assert set(after) >= listed(sandbox, PRIMARY, start, end)


def test_a_stale_token_syncs_the_calendar_again_in_full(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, sync_requests
) -> None:
    loader = CalendarLoader(config, stored_credentials)
    loader.sync_store((PRIMARY,), NOW)
    sandbox.calendar_api.store.expire_sync_tokens()
    before = len(sync_requests(sandbox))
    report = loader.sync_store((PRIMARY,), NOW)
    [synced] = report.synced
    assert synced.full and not report.failed
    first, second = sync_requests(sandbox)[before:]
    assert "syncToken" in first.params and "syncToken" not in second.params  # 410, then in full
    start, end = NOW - dt.timedelta(days=3), NOW + dt.timedelta(days=20)
    assert {item["id"] for item in stored(config, PRIMARY, start, end)} >= listed(
        sandbox, PRIMARY, start, end
    )


def test_a_sync_broken_midway_leaves_the_store_as_it_was(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox
) -> None:
    loader = CalendarLoader(config, stored_credentials)
    loader.sync_store((PRIMARY,), NOW)
    start, end = NOW - dt.timedelta(days=30), NOW + dt.timedelta(days=60)
    kept = stored(config, PRIMARY, start, end)
    sandbox.calendar_api.store.expire_sync_tokens()  # the next sync is a full one, of several pages
    sandbox.calendar_api.page_size = 20
    sandbox.inject(
        "events", Fault(status=404, body={"error": {"code": 404, "message": "Not Found"}}, after=3)
    )
    report = loader.sync_store((PRIMARY,), NOW)
    assert set(report.failed) == {PRIMARY} and not report.synced
    assert stored(config, PRIMARY, start, end) == kept
    store, _ = EventStore.open(config.store_path, NOW)
    calendar = store.calendar(PRIMARY)
    store.close()
    assert calendar is not None and calendar.sync_token  # the old one: tried again next time


def test_a_series_is_synced_once_and_its_instances_made_here(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox
) -> None:
    """The weekly series has an EXDATE, a moved and a cancelled instance, and no end."""
    sandbox.calendar_api.store.series[PRIMARY] = [dict(item) for item in SERIES]
    loader = CalendarLoader(config, stored_credentials)
    loader.sync_store((PRIMARY,), NOW)
    december = stored(
        config, PRIMARY, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 30, tzinfo=dt.UTC)
    )
    weekly = sorted(
        (item["start"]["dateTime"], item["id"]) for item in december if item["id"].startswith("weekly1")
    )
    assert [
        (dt.datetime.fromisoformat(when).astimezone(dt.UTC).hour, event_id) for when, event_id in weekly
    ] == [
        (15, "weekly1_20261203T100000Z"),
        (10, "weekly1_20261217T100000Z"),
    ]
    years_on = stored(
        config, PRIMARY, dt.datetime(2031, 6, 1, tzinfo=dt.UTC), dt.datetime(2031, 6, 30, tzinfo=dt.UTC)
    )
    assert len([item for item in years_on if item["id"].startswith("weekly1_")]) == 4
    sandbox.calendar_api.store.remove(PRIMARY, "weekly1")  # the whole series deleted
    loader.sync_store((PRIMARY,), NOW)
    december = stored(
        config, PRIMARY, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 30, tzinfo=dt.UTC)
    )
    assert not [item for item in december if item["id"].startswith("weekly1")]


@pytest.mark.parametrize("refused", ["timeMin", "orderBy", "q"])
def test_the_emulator_refuses_what_google_refuses_beside_a_sync_token(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, refused: str
) -> None:
    import httplib2

    loader = CalendarLoader(config, stored_credentials)
    loader.sync_store((PRIMARY,), NOW)
    store, _ = EventStore.open(config.store_path, NOW)
    calendar = store.calendar(PRIMARY)
    store.close()
    assert calendar is not None and calendar.sync_token
    value = {"timeMin": "2026-11-26T00:00:00Z", "orderBy": "startTime", "q": "x"}[refused]
    response, body = httplib2.Http().request(
        f"{sandbox.base_url}calendar/v3/calendars/{PRIMARY}/events?syncToken={calendar.sync_token}&{refused}={value}",
        headers={"Authorization": f"Bearer {stored_credentials.access_token}"},
    )
    assert response.status == 400 and f"{refused} is not supported together with syncToken".encode() in body


@pytest.mark.parametrize("token", [None, "", "x" * 5000])
def test_a_sync_answer_without_a_usable_next_token_is_a_failure_not_a_sync(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, token: str | None
) -> None:
    answer: dict[str, Any] = {"kind": "calendar#events", "items": []}
    if token is not None:
        answer["nextSyncToken"] = token
    sandbox.inject("events", Fault(status=200, body=answer))
    report = CalendarLoader(config, stored_credentials).sync_store((PRIMARY,), NOW)
    assert "without a usable token" in report.failed[PRIMARY].message and not report.synced
