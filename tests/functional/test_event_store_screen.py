"""The events screen with the event store, against the emulator over real HTTP: the first start
loads from Google and fills the store; later starts draw from the store at once and sync in a
worker; offline the stored agenda stays with the time of the last sync; the cursor stays on its
event through a sync; syncs come every few minutes and when the terminal has focus again."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from textual import events
from textual.widgets import Button

from tui.calendar.agenda import Placement
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import PRIMARY, _event, _timed
from tui.sandbox.server import Fault
from tui.screens.confirm import ConfirmScreen
from tui.screens.events import EventsScreen
from tui.screens.sign_in import SignInScreen
from tui.storage import FILE_MODE


def rows(screen: EventsScreen) -> list[tuple[str, dt.date]]:
    return [(line.event.id, line.day) for line in screen.agenda_view.lines if isinstance(line, Placement)]


async def test_the_second_start_draws_from_the_store_before_google_answers(
    app_for, stored_credentials, sandbox: Sandbox, config, wait_until, loaded, events_screen, sync_requests
) -> None:
    first = app_for()
    async with first.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(first))
        shown = rows(events_screen(first))
        await wait_until(pilot, lambda: events_screen(first).synced_at is not None)
    assert shown and config.store_path.stat().st_mode & 0o777 == FILE_MODE
    assert all("syncToken" not in r.params for r in sync_requests(sandbox))  # the first sync is full

    sandbox.calendar_api.latency = 3.0  # every answer from Google takes 3 s from here on
    again = app_for(api_timeout=10.0)  # (a request sent before the latency is lifted still ends)
    reads: list[EventsScreen.StoreRead] = []

    def hook(message: object) -> None:
        if isinstance(message, EventsScreen.StoreRead) and all(message is not seen for seen in reads):
            reads.append(message)  # (the hook sees a message again as it is handled)

    async with again.run_test(size=(120, 40), message_hook=hook) as pilot:
        await wait_until(
            pilot,
            lambda: (
                isinstance(again.screen, EventsScreen)
                and bool(rows(again.screen))
                and not again.screen.reading
            ),
        )
        screen = events_screen(again)
        assert rows(screen) == shown and screen.syncing  # drawn while the sync waits on Google
        assert "syncing…" in screen.status.plain
        sandbox.calendar_api.latency = 0.0
        await wait_until(pilot, lambda: loaded(again), timeout=20)
        assert rows(screen) == shown and "synced just now" in screen.status.plain
    first, whole = reads[0], reads[1]  # the range's first two days come first, then all of it
    assert not first.whole and whole.whole and first.agenda is not None and whole.agenda is not None
    first_days = {placement.day for placement in first.agenda.lines() if isinstance(placement, Placement)}
    assert first_days and max(first_days) < screen.day_range.first + dt.timedelta(days=2)
    assert first.agenda.event_count < whole.agenda.event_count
    latest = [r for r in sync_requests(sandbox) if "syncToken" in r.params]
    assert latest, "the second start's sync asks only for what changed"


async def test_offline_the_stored_agenda_stays_and_says_when_it_was_synced(
    app_for, stored_credentials, closed_port, wait_until, loaded, events_screen, notifications
) -> None:
    first = app_for()
    async with first.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(first))
        shown = rows(events_screen(first))
        synced = events_screen(first).synced_at
    assert synced is not None

    offline = app_for(api_endpoint=f"http://127.0.0.1:{closed_port()}/")
    async with offline.run_test(size=(120, 40), message_hook=notifications.hook) as pilot:
        await wait_until(
            pilot, lambda: isinstance(offline.screen, EventsScreen) and offline.screen.sync_problem
        )
        screen = events_screen(offline)
        assert rows(screen) == shown
        local = synced.astimezone(offline.config.zone)
        assert f"offline — last synced {local:%H:%M}" in screen.status.plain
        await wait_until(pilot, lambda: notifications.any("Showing the events stored; r tries again."))
        told = len(notifications.texts)
        await pilot.press("r")  # still offline: the same, said again, and nothing lost
        await wait_until(pilot, lambda: len(notifications.texts) > told and not screen.syncing)
        assert rows(screen) == shown and screen.sync_problem is not None


async def test_a_sync_changes_the_rows_that_changed_and_the_cursor_stays_on_its_event(
    app_for, stored_credentials, sandbox: Sandbox, wait_until, loaded, events_screen
) -> None:
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        await pilot.press("down", "down", "down", "down")
        chosen = screen.agenda_view.selected
        assert chosen is not None
        data = sandbox.calendar_api.store
        later = screen.agenda_view.lines[screen.agenda_view.cursor + 1 :]
        gone = next(line.event.id for line in later if a_single_event_of_the_primary(line))
        data.remove(PRIMARY, gone)
        # 00:05 today where the app is (00:05 UTC is yesterday evening in New York)
        start, end = _timed(dt.datetime.now(app.config.zone).replace(hour=0, minute=5), 20)
        data.put(PRIMARY, _event(PRIMARY, "earlybird", start, end, summary="Added before the cursor"))
        await pilot.press("r")
        await wait_until(pilot, lambda: loaded(app) and "earlybird" in {id_ for id_, _ in rows(screen)})
        ids = {id_ for id_, _ in rows(screen)}
        assert gone not in ids
        selected = screen.agenda_view.selected
        assert selected is not None and (selected.event.id, selected.day) == (chosen.event.id, chosen.day)


def a_single_event_of_the_primary(line: object) -> bool:
    return (
        isinstance(line, Placement)
        and line.event.calendar_id == "primary"
        and "recurringEventId" not in line.event.item
    )


async def test_a_sync_that_brings_nothing_new_reads_nothing_again(
    app_for, stored_credentials, sandbox: Sandbox, wait_until, loaded, events_screen, sync_requests
) -> None:
    reads: list[object] = []

    def hook(message: object) -> None:
        if isinstance(message, EventsScreen.StoreRead) and all(message is not seen for seen in reads):
            reads.append(message)

    app = app_for()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        before, asked = len(reads), len(sync_requests(sandbox))
        await pilot.press("r")
        await wait_until(pilot, lambda: len(sync_requests(sandbox)) > asked and loaded(app))
        assert len(reads) == before and "synced just now" in screen.status.plain
        start, end = _timed(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2), 30)
        sandbox.calendar_api.store.put(PRIMARY, _event(PRIMARY, "newone", start, end, summary="New"))
        await pilot.press("r")
        await wait_until(pilot, lambda: "newone" in {id_ for id_, _ in rows(screen)})
        assert len(reads) > before


async def test_syncs_come_every_few_minutes_and_when_the_terminal_has_focus_again(
    app_for, stored_credentials, sandbox: Sandbox, config, wait_until, loaded, events_screen, sync_requests
) -> None:
    clock = [dt.datetime.now(dt.UTC)]
    config.determinism = type(config.determinism)(clock=lambda: clock[0])
    app = app_for(sync_minutes=1 / 60)  # a sync a second
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        before = len(sync_requests(sandbox))
        await wait_until(pilot, lambda: len(sync_requests(sandbox)) > before, timeout=5)
    app = app_for(sync_minutes=60.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        before = len(sync_requests(sandbox))
        app.post_message(events.AppFocus())  # a minute has not passed: no sync
        await pilot.pause(0.3)
        assert len(sync_requests(sandbox)) == before and not screen.syncing
        clock[0] += dt.timedelta(minutes=2)
        app.post_message(events.AppFocus())
        await wait_until(pilot, lambda: len(sync_requests(sandbox)) > before and loaded(app))
        assert "synced just now" in screen.status.plain


async def test_without_the_store_nothing_is_written_and_every_start_asks_google(
    app_for, stored_credentials, sandbox: Sandbox, config, wait_until, loaded, events_screen, sync_requests
) -> None:
    app = app_for(use_store=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        assert rows(screen) and "refreshed" in screen.status.plain and "synced" not in screen.status.plain
    assert not config.store_path.exists() and not sync_requests(sandbox)


async def test_a_store_that_cannot_be_read_is_moved_aside_and_made_again(
    app_for, stored_credentials, config, wait_until, loaded, events_screen, notifications
) -> None:
    store: Path = config.store_path
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"this is not a database" * 100)
    app = app_for()
    async with app.run_test(size=(120, 40), message_hook=notifications.hook) as pilot:
        await wait_until(pilot, lambda: loaded(app) and events_screen(app).synced_at is not None)
        assert rows(events_screen(app))
    assert notifications.any("could not be read")
    assert list(store.parent.glob("events.sqlite3.unreadable-*"))


async def test_signing_out_while_a_sync_writes_leaves_no_store_behind(
    app_for, stored_credentials, sandbox: Sandbox, config, wait_until, loaded, events_screen
) -> None:
    """Google cannot be told (the tokens stay good, so the sync goes on), and the person deletes the
    credentials anyway while a sync is writing the store."""
    sandbox.inject("revoke", Fault(status=503, times=None))
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        sandbox.calendar_api.latency = 1.0  # sign-out is done before the sync's first answer
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.syncing)
        await pilot.press("s")
        for _ in ("Sign out", "Delete anyway"):
            await wait_until(
                pilot, lambda: isinstance(app.screen, ConfirmScreen) and bool(app.screen.query("#yes"))
            )
            app.screen.query_one("#yes", Button).press()
            await pilot.pause()
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen), timeout=30)
    time.sleep(5)  # what a sync left running would have written by now
    assert not config.store_path.exists()
