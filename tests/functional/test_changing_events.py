"""Replies, quick add, new, edit and delete from the events screen, against the sandbox over real
HTTP: the first write asks Google for `calendar.events` (incremental authorization), every change
is confirmed by a keypress, sent with the event's ETag, shown at once and rolled back if refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from oauth2client.client import OAuth2Credentials
from oauth2client.file import Storage
from textual.widgets import Checkbox, Input, RadioButton

from tests.functional.conftest import NotificationLog, own_single, unanswered
from tui.auth.stored import granted_scopes
from tui.calendar.changes import WRITE_SCOPE
from tui.config import READONLY_SCOPE
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import HOLIDAYS, PRIMARY, TEAM
from tui.sandbox.calendar_writes import CONDITION_NOT_MET
from tui.sandbox.server import Fault
from tui.screens.confirm import ConfirmScreen
from tui.screens.event_detail import EventDetailScreen
from tui.screens.event_form import EventFormScreen
from tui.screens.quick_add import QuickAddScreen
from tui.screens.send_change import SendChangeScreen
from tui.screens.write_access import WriteAccessScreen


def my_reply(item: dict[str, Any] | None) -> dict[str, Any]:
    assert item is not None
    return next(person for person in item["attendees"] if person.get("self"))


async def test_the_first_write_asks_google_once_then_the_reply_goes_on(
    calendar_open,
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    cursor_on,
    grant_write_access,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        event = await cursor_on(pilot, screen, unanswered)
        await pilot.press("a")
        access = await grant_write_access(pilot)
        asked = parse_qs(urlsplit(access.attempt.authorize_url).query)
        assert asked["include_granted_scopes"] == ["true"]
        assert WRITE_SCOPE in asked["scope"][0].split() and asked["login_hint"] == [PRIMARY]
        # The reply goes on once Google has said yes: its dialog, then a note and Enter.
        await wait_until(pilot, lambda: isinstance(app.screen, SendChangeScreen))
        assert sandbox.writes() == []  # nothing is sent before the person confirms
        await pilot.press(*"See you there")
        await pilot.press("enter")
        await wait_until(pilot, lambda: notifications.any("Done: Accept"))
        item = sandbox.stored_event(PRIMARY, event.id)
        assert item is not None
        assert my_reply(item)["responseStatus"] == "accepted" and my_reply(item)["comment"] == "See you there"
        (patch,) = sandbox.writes()
        assert patch.method == "PATCH" and patch.header("If-Match") == event.item["etag"]
        assert patch.params["sendUpdates"] == "all"
        shown = screen.selected_event()
        assert shown is not None and shown.id == event.id and shown.my_response == "accepted"
        # The stored sign-in now carries both scopes, for the next start and for scripts.
        stored = Storage(str(credentials_path)).get()
        assert {READONLY_SCOPE, WRITE_SCOPE} <= granted_scopes(stored)
        # A second write does not ask again.
        await wait_until(pilot, lambda: screen.settled, timeout=20)
        await cursor_on(pilot, screen, unanswered)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, SendChangeScreen))
        assert not any(isinstance(s, WriteAccessScreen) for s in app.screen_stack)


async def test_unticking_the_write_box_at_google_leaves_the_app_read_only(
    calendar_open,
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    cursor_on,
    grant_write_access,
    wait_until,
    notifications: NotificationLog,
) -> None:
    before = credentials_path.read_bytes()
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        await cursor_on(pilot, screen, unanswered)
        await pilot.press("x")
        await grant_write_access(pilot, untick=(WRITE_SCOPE,))
        await wait_until(pilot, lambda: notifications.any("Still read-only"))
        assert app.screen is screen
        # Esc on the screen says the same, and nothing is sent either way.
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, WriteAccessScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
    assert sandbox.writes() == []
    assert credentials_path.read_bytes() == before
    assert "Google's box for changing events was left unticked" in "\n".join(notifications.texts)


async def test_write_access_granted_for_another_account_is_not_kept(
    calendar_open,
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    grant_write_access,
    wait_until,
    notifications: NotificationLog,
) -> None:
    before = credentials_path.read_bytes()
    async with calendar_open() as (pilot, screen):
        screen.account = "grace.hopper@example.com"  # as if signed in as her, and Ada chosen at Google
        await pilot.press("n")
        access = await grant_write_access(pilot)
        assert "login_hint=grace.hopper%40example.com" in access.attempt.authorize_url
        await wait_until(pilot, lambda: notifications.any("Still read-only"))
        assert notifications.any(f"Google signed in {PRIMARY}, not grace.hopper@example.com")
        assert pilot.app.screen is screen
    assert sandbox.writes() == []
    assert credentials_path.read_bytes() == before


async def test_quick_add_puts_the_cursor_on_the_new_event(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickAddScreen))
        await pilot.press("enter")  # empty: says what to type, sends nothing
        assert isinstance(app.screen, QuickAddScreen) and sandbox.writes() == []
        app.screen.query_one("#text", Input).value = "Lunch with Ana tomorrow 1pm at Café Zoë"
        await pilot.press("enter")
        await wait_until(pilot, lambda: notifications.any("Done: Add"))
        selected = screen.selected_event()
        assert selected is not None and selected.title == "Lunch with Ana" and selected.location == "Café Zoë"
        assert sandbox.stored_event(PRIMARY, selected.id) is not None
        await pilot.press("enter")  # opened at once
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen))


async def test_the_form_checks_as_it_is_typed_and_saves_times_in_the_persons_zone(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open(size=(80, 24), zone_name="America/New_York") as (pilot, screen):
        app = pilot.app
        await pilot.press("N")
        await wait_until(pilot, lambda: isinstance(app.screen, EventFormScreen))
        form = app.screen
        assert isinstance(form, EventFormScreen)

        def field(name: str) -> Input:
            return form.query_one(f"#{name}", Input)

        field("title").value = "Design review"
        field("day").value = "2027-03-14"  # the day New York's clocks go forward
        field("start").value = "02:30"
        field("end").value = "04:00"
        await pilot.pause()
        assert "does not exist" in str(form.query_one("#problems").render())
        assert field("start").has_class("-invalid") and form.query_one("#save").disabled
        field("end").value = "25:00"
        await pilot.pause()
        assert "not a time" in str(form.query_one("#problems").render())
        await pilot.press("ctrl+s")  # refused while wrong: nothing sent
        assert isinstance(app.screen, EventFormScreen)
        field("start").value = "10:00"
        field("end").value = "09:00"
        await pilot.pause()
        assert "The end must be after the start" in str(form.query_one("#problems").render())
        field("end").value = "11:30"
        field("guests").value = "ana@example.com, bo"
        await pilot.pause()
        assert "Not an email address: bo" in str(form.query_one("#problems").render())
        field("guests").value = "ana@example.com"
        await pilot.pause()
        assert not form.query_one("#save").disabled
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SendChangeScreen))
        app.screen.query_one("#send-none", RadioButton).value = True
        await pilot.click("#send")
        await wait_until(pilot, lambda: notifications.any("Done: Add “Design review”"))
        assert notifications.any("“Design review” is on Sun 14 Mar, outside the days shown")
        assert all(event.title != "Design review" for event in screen.agenda.events())
    (insert,) = sandbox.writes()
    assert insert.method == "POST" and insert.params["sendUpdates"] == "none"
    items = sandbox.calendar_api.store.events[PRIMARY]
    made = next(item for _, _, item in items if item.get("summary") == "Design review")
    start = dt.datetime.fromisoformat(made["start"]["dateTime"])
    assert start == dt.datetime(2027, 3, 14, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert start.utcoffset() == dt.timedelta(hours=-4)  # after the change: EDT
    assert made["attendees"] == [{"email": "ana@example.com"}]


async def test_edit_sends_only_what_changed_with_the_events_etag(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    cursor_on,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        event = await cursor_on(pilot, screen, own_single)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EventFormScreen))
        form = app.screen
        assert form.query_one("#title", Input).value == event.summary
        form.query_one("#title", Input).value = "Renamed in the terminal"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: notifications.any("Done: Save"))
        shown = screen.selected_event()
        assert shown is not None and shown.title == "Renamed in the terminal"
    (patch,) = sandbox.writes()
    assert json.loads(patch.body) == {"summary": "Renamed in the terminal"}
    assert patch.header("If-Match") == event.item["etag"]
    item = sandbox.stored_event(PRIMARY, event.id)
    assert item is not None and item["summary"] == "Renamed in the terminal"
    assert item["start"] == event.item["start"]  # the times untouched


async def test_a_412_shows_what_changed_and_the_change_can_be_redone(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    cursor_on,
    retitle,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        event = await cursor_on(pilot, screen, own_single)
        # Someone moves it to another room in Google Calendar meanwhile.
        elsewhere = dict(sandbox.stored_event(PRIMARY, event.id) or {}, location="Room 101", etag='"changed"')
        sandbox.calendar_api.store.put(PRIMARY, elsewhere)
        await retitle(pilot, "My new title")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = str(app.screen.query_one("#question").render())
        assert "Changed at Google" in text and "Where" in text and "Room 101" in text
        assert "Your change: Save “My new title”" in text
        await pilot.click("#yes")
        await wait_until(pilot, lambda: notifications.any("Done: Save"))
    first, second = sandbox.writes()
    assert first.header("If-Match") == event.item["etag"] and second.header("If-Match") == '"changed"'
    item = sandbox.stored_event(PRIMARY, event.id)
    assert item is not None and item["summary"] == "My new title" and item["location"] == "Room 101"


async def test_a_412_change_can_be_dropped(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    cursor_on,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        event = await cursor_on(pilot, screen, own_single)
        elsewhere = dict(sandbox.stored_event(PRIMARY, event.id) or {}, summary="Renamed by Ana", etag='"x"')
        sandbox.calendar_api.store.put(PRIMARY, elsewhere)
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await wait_until(  # the question asked is dismissed before the conflict's is shown
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen)
                and "Changed at Google" in str(app.screen.query_one("#question").render())
            ),
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: notifications.any("Dropped: Delete"))
        titles = [e.title for e in screen.agenda.events() if e.id == event.id]
        assert titles == ["Renamed by Ana"]  # as it is at Google now
    assert sandbox.stored_event(PRIMARY, event.id) is not None
    assert len(sandbox.writes()) == 1


async def test_read_only_calendars_and_a_403_from_google(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    cursor_on,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        await cursor_on(pilot, screen, lambda event: event.calendar_id == HOLIDAYS)
        await pilot.press("e")
        await wait_until(pilot, lambda: notifications.any("You cannot change events on “Holidays"))
        assert app.screen is screen and sandbox.writes() == []
        # Listed as writable, but Google says otherwise (access taken away since the list was read).
        team_event = await cursor_on(
            pilot, screen, lambda event: event.calendar_id == TEAM and not event.attendees
        )
        entry = sandbox.calendar_api.store.entry(TEAM)
        assert entry is not None
        entry["accessRole"] = "reader"
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await wait_until(pilot, lambda: notifications.any("You cannot change events on this calendar"))
        assert any(e.id == team_event.id for e in screen.agenda.events())  # back in the agenda
    assert sandbox.stored_event(TEAM, team_event.id) is not None


async def test_a_network_failure_mid_save_puts_the_event_back(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    cursor_on,
    retitle,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open(api_timeout=1.0) as (pilot, screen):
        app = pilot.app
        event = await cursor_on(pilot, screen, own_single)
        sandbox.inject("writes", Fault(status=200, body={"id": "x"}, reset_after=3))
        await retitle(pilot, "Never saved")
        await wait_until(pilot, lambda: notifications.any("Not saved: Save “Never saved”"))
        titles = [e.title for e in screen.agenda.events() if e.id == event.id]
        assert titles == [event.title]
        assert "Cannot reach Google Calendar" in "\n".join(notifications.texts)
        assert app.is_running
    item = sandbox.stored_event(PRIMARY, event.id)
    assert item is not None and item["summary"] == event.summary


async def test_a_recurring_invitation_declined_for_the_whole_series(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    decline_the_series,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        await decline_the_series(pilot, screen)
        await wait_until(pilot, lambda: notifications.any("Done: Decline"))
        shown = [e.my_response for e in screen.agenda.events() if e.recurring_event_id == "nysync"]
        assert shown and set(shown) == {"declined"}
    (patch,) = sandbox.writes()
    assert patch.path.endswith("/events/nysync")
    instances = sandbox.calendar_api.writes.instances(PRIMARY, "nysync")
    assert len(instances) == 20 and {my_reply(item)["responseStatus"] for item in instances} == {"declined"}


async def test_delete_names_the_event_and_an_invitation_is_declined_instead(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    cursor_on,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        event = await cursor_on(pilot, screen, own_single)
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert event.title in str(app.screen.query_one(".picker-title").render())
        await pilot.click("#yes")
        await wait_until(pilot, lambda: notifications.any("Done: Delete"))
        assert all(e.id != event.id for e in screen.agenda.events())
        assert sandbox.stored_event(PRIMARY, event.id) is None
        await cursor_on(pilot, screen, unanswered)
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, SendChangeScreen))
        assert "Decline" in str(app.screen.query_one(".picker-title").render())
        await pilot.press("escape")
    assert len(sandbox.writes()) == 1


async def test_a_recurring_event_of_yours_edited_from_the_detail_view_for_all(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    cursor_on,
    open_detail,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open(use_store=False) as (pilot, screen):
        app = pilot.app
        event = await cursor_on(pilot, screen, lambda e: e.summary == "Daily standup")
        await open_detail(pilot, screen, event)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EventFormScreen))
        form = app.screen
        start = event.starts_at(app.config.zone)
        later = (start + dt.timedelta(minutes=30)).strftime("%H:%M")
        end = (event.ends_at(app.config.zone) + dt.timedelta(minutes=30)).strftime("%H:%M")
        form.query_one("#start", Input).value = later
        form.query_one("#end", Input).value = end
        assert not form.query_one("#all_day", Checkbox).value
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SendChangeScreen))
        app.screen.query_one("#scope-all", RadioButton).value = True
        await pilot.click("#send")
        await wait_until(pilot, lambda: notifications.any("Done: Save"))
    series = event.recurring_event_id
    moved = sandbox.calendar_api.writes.instances(PRIMARY, series)
    assert moved
    for item in moved:
        original = dt.datetime.fromisoformat(item["originalStartTime"]["dateTime"])
        assert dt.datetime.fromisoformat(item["start"]["dateTime"]) - original == dt.timedelta(minutes=30)


async def test_this_and_the_following_events_of_a_series_become_a_series_of_their_own(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    cursor_on,
    retitle,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        app = pilot.app
        standups = sorted(
            (e for e in screen.agenda.events() if e.summary == "Daily standup"), key=lambda e: e.start
        )
        chosen = await cursor_on(pilot, screen, lambda e: e.id == standups[2].id)
        await retitle(pilot, "Standup (new format)")
        await wait_until(pilot, lambda: isinstance(app.screen, SendChangeScreen))
        await pilot.press("down", "enter")  # "This and the following events"
        await wait_until(pilot, lambda: notifications.any("Done: Save"))
        await wait_until(pilot, lambda: screen.settled and not screen.pending_changes, timeout=20)
        titles = {
            e.start: e.summary for e in screen.agenda.events() if e.summary.startswith(("Daily", "Standup"))
        }
        assert all(title == "Daily standup" for start, title in titles.items() if start < chosen.start)
        assert all(
            title == "Standup (new format)" for start, title in titles.items() if start >= chosen.start
        )
        assert titles[chosen.start] == "Standup (new format)"
    methods = [request.method for request in sandbox.writes()]
    assert methods == ["POST", "PATCH"]  # the new series, then the old one ended before it
    writes = sandbox.calendar_api.writes
    old = writes.instances(PRIMARY, "1recur")
    assert old and max(dt.datetime.fromisoformat(e["start"]["dateTime"]) for e in old) < chosen.start
    (new_id,) = [series for (_, series) in writes.masters if series != "1recur"]
    new = writes.instances(PRIMARY, new_id)
    assert dt.datetime.fromisoformat(new[0]["start"]["dateTime"]) == chosen.start
    assert writes.masters[(PRIMARY, new_id)]["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"]


async def test_a_412_on_a_whole_series_is_said_without_showing_the_series_as_an_event(
    calendar_open,
    writer_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    decline_the_series,
    wait_until,
    notifications: NotificationLog,
) -> None:
    async with calendar_open() as (pilot, screen):
        sandbox.inject("writes", Fault(status=412, body=CONDITION_NOT_MET))
        await decline_the_series(pilot, screen)
        await wait_until(pilot, lambda: notifications.any("The event changed at Google; press r"))
        assert pilot.app.screen is screen  # no comparison of an occurrence with the series
        assert all(event.id != "nysync" for event in screen.agenda.events())
        replies = {e.my_response for e in screen.agenda.events() if e.recurring_event_id == "nysync"}
        assert replies == {"accepted"}  # put back
