"""The events screen, driven with Pilot, fed by the Calendar emulator over real HTTP."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials
from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import Input

from tests.fixtures import load_fixture
from tui.app import GcalApp
from tui.calendar.agenda import DayHeader, Placement
from tui.calendar.client import ZONE_MARGIN
from tui.calendar.model import Event, format_day, parse_event
from tui.config import AppConfig
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import COLLEAGUE, HOLIDAYS, OLD_PROJECT, PRIMARY, TEAM, TOKYO
from tui.sandbox.server import Fault
from tui.screens.event_detail import EventDetailScreen, event_text
from tui.screens.events import EventsScreen
from tui.screens.range_picker import RangePickerScreen
from tui.screens.sign_in import SignInScreen
from tui.widgets.agenda_rows import CALENDAR_COLUMN_FROM, Moment, agenda_line
from tui.widgets.key_footer import KeyFooter

API_ERRORS = load_fixture("api_errors.json")


def notice_of(screen: EventsScreen) -> str:
    return screen.notice.plain if screen.notice is not None else ""


def lines_text(screen: EventsScreen, width: int = 120) -> list[str]:
    moment = Moment(screen.config.now())
    return [agenda_line(line, width, moment).plain for line in screen.agenda_view.lines]


def expected_events(
    sandbox: Sandbox, screen: EventsScreen, calendars: Sequence[str] | None = None
) -> set[str]:
    """The ids of the events that cover a day of the range in the viewer's zone, on `calendars`
    (by default those ticked in the sandbox's calendar list)."""
    store = sandbox.calendar_api.store
    if calendars is None:
        calendars = [entry["id"] for entry in store.entries if entry.get("selected") or entry.get("primary")]
    zone, days = screen.config.zone, screen.day_range
    start, end = days.bounds(zone)
    expected = set()
    for calendar in calendars:
        for _, _, item in store.events.get(calendar, []):
            if item.get("status") == "cancelled":
                continue
            if "date" in item["start"]:
                first = date.fromisoformat(item["start"]["date"])
                last = date.fromisoformat(item["end"]["date"]) - timedelta(days=1)
                covers = first <= days.last and last >= days.first
            else:
                covers = (
                    datetime.fromisoformat(item["end"]["dateTime"]) > start
                    and datetime.fromisoformat(item["start"]["dateTime"]) < end
                )
            if covers:
                expected.add(item["id"])
    return expected


@pytest.fixture
def app(app_for: Callable[..., GcalApp], stored_credentials: OAuth2Credentials, sandbox: Sandbox) -> GcalApp:
    sandbox.calendar_api.page_size = 25
    return app_for()


async def test_starts_on_the_calendar_with_stored_credentials_and_no_token_request(
    app: GcalApp, sandbox: Sandbox, wait_until, loaded, events_screen, event_requests, terminal_size
) -> None:
    token_requests_before = len(sandbox.requests_to("/token"))
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        assert {event.id for event in screen.shown_events} == expected_events(sandbox, screen)
        assert len(screen.shown_events) == screen.shown_count
    assert len(sandbox.requests_to("/token")) == token_requests_before
    assert len(event_requests(sandbox)) >= 3  # short pages, all followed


async def test_the_footer_is_built_once_as_pages_stream_in_and_again_when_a_field_takes_focus(
    app: GcalApp, wait_until, loaded, events_screen, screen_lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    compose = KeyFooter.compose

    def counted(footer: KeyFooter) -> ComposeResult:
        keys = list(compose(footer))
        if keys:  # (the first compose, before the screen's bindings are known, has none)
            built.append(type(footer.screen).__name__)
        return iter(keys)

    monkeypatch.setattr(KeyFooter, "compose", counted)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        assert len(screen.agenda_view.lines) > 25  # more than one page (25 events each) came in
        assert built.count("EventsScreen") == 1
        footer = screen_lines(app)[-1]
        assert "? Help" in footer and "⏎ Details" in footer
        await pilot.press("enter")  # the agenda has focus: Enter is the screen's key, and opens
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen))
        await pilot.press("escape", "slash")
        await wait_until(pilot, lambda: "F1 Help" in screen_lines(app)[-1])
        assert "⏎ Details" not in screen_lines(app)[-1]  # Enter keeps the filter there
        assert built.count("EventsScreen") == 2


async def test_rows_read_as_a_person_expects(
    app: GcalApp, sandbox: Sandbox, wait_until, loaded, events_screen, terminal_size
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        text = "\n".join(lines_text(screen))
        assert "(No title)" in text
        assert "[@click=app.quit]x[/]" in text and "[bold]y" in text  # shown literally
        assert "all day" in text
        assert " of 3 " in text  # a multi-day event on each of its days
        today = screen.config.now().date()  # in the viewer's zone: not the same day everywhere
        tomorrow = today + timedelta(days=1)
        assert f"Today · {format_day(today, today)}" in text
        assert f"Tomorrow · {format_day(tomorrow, today)}" in text
        assert all(not event.cancelled for event in screen.shown_events)
        count = len(screen.shown_events)
        assert f"{count:,} events" in screen.status.plain
        view = screen.agenda_view
        await pilot.press("end")
        last = view.cursor
        assert last == len(view.lines) - 1
        await pilot.press("pageup")
        assert view.cursor < last
        await pilot.press("home")
        assert view.cursor == 1  # the first event, under the first day's header
        await pilot.press("pagedown")
        assert view.cursor > 1
        await pilot.press("home", "down")
        assert view.cursor == (3 if isinstance(view.lines[2], DayHeader) else 2)  # headers are skipped
        assert isinstance(view.lines[view.cursor], Placement)
    assert app.return_code is None or app.return_code == 0


async def test_detail_view_shows_everything_as_plain_text(
    app: GcalApp,
    sandbox: Sandbox,
    no_system_clipboard: None,
    wait_until,
    loaded,
    events_screen,
    open_detail,
    terminal_size,
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        event = next(
            e for e in screen.shown_events if e.attendees and e.description and e.recurring_event_id == ""
        )
        await open_detail(pilot, screen, event)
        detail = app.screen
        assert isinstance(detail, EventDetailScreen)
        text = str(detail.query_one("#detail-text").render())
        assert event.title in text and "Guests:" in text and "Description" in text
        assert "<b>" not in text and "␛[31m" in text  # HTML turned to text, escapes made visible
        await pilot.press("y")
        await wait_until(pilot, lambda: app.clipboard == event.html_link)
        await pilot.press("escape")
        assert isinstance(app.screen, EventsScreen)


async def test_recurring_instance_and_conference_link_in_detail(
    app: GcalApp, wait_until, loaded, events_screen, open_detail, terminal_size
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        event = next(e for e in screen.shown_events if e.recurring_event_id)
        await open_detail(pilot, screen, event)
        text = str(app.screen.query_one("#detail-text").render())
        assert "one occurrence of a recurring event" in text
        assert "https://meet.google.com/abc-defg-hij" in text


async def test_filter(app: GcalApp, wait_until, loaded, events_screen, terminal_size) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        total = len(screen.shown_events)
        await pilot.press("slash", *"tokyo")
        assert screen.shown_events and all("tokyo" in e.search_text for e in screen.shown_events)
        assert len(screen.shown_events) < total
        assert screen.shown_count == len(screen.shown_events)
        assert f"matching “tokyo” (of {total:,})" in screen.status.plain
        await pilot.press("enter")
        assert app.focused is screen.agenda_view
        await pilot.press("escape")
        assert len(screen.shown_events) == total
        assert not screen.query_one("#filter", Input).display


async def test_the_calendars_ticked_in_the_picker_are_shown_and_remembered(
    app_for,
    open_picker,
    stored_credentials,
    sandbox: Sandbox,
    wait_until,
    loaded,
    events_screen,
    terminal_size,
    tmp_path: Path,
) -> None:
    settings = tmp_path / "config" / "settings.json"
    app = app_for(settings_path=settings)
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        assert screen.shown_calendars == ["primary", TEAM, HOLIDAYS, TOKYO]
        picker = await open_picker(pilot)
        assert picker.selection_list.option_count == 6
        assert set(picker.selection_list.selected) == {PRIMARY, TEAM, HOLIDAYS, TOKYO}
        await pilot.press("space", "down", "down", "space", "down", "space")  # primary, holidays, Tokyo
        await pilot.press("enter")
        await wait_until(pilot, lambda: loaded(app) and screen.shown_calendars == [TEAM])
        assert {event.id for event in screen.shown_events} == expected_events(sandbox, screen, [TEAM])
        assert "Analytical Engine team" in screen.status.plain
        await wait_until(pilot, lambda: settings.exists())
    assert json.loads(settings.read_text())["calendars"] == [TEAM]

    again = app_for(settings_path=settings, calendar_ids=None)
    async with again.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(again))
        assert events_screen(again).shown_calendars == [TEAM]


async def test_a_meeting_on_two_calendars_is_shown_once_and_names_both(
    app: GcalApp, wait_until, loaded, events_screen, open_detail, screen_lines, terminal_size
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        reviews = [event for event in screen.shown_events if event.summary == "Engine review"]
        assert reviews and len({event.start for event in reviews}) == len(reviews)
        assert {(event.calendar_id, tuple(event.also_on)) for event in reviews} == {
            ("primary", ("Analytical Engine team",))
        }
        await open_detail(pilot, screen, reviews[0])
        text = "\n".join(screen_lines(app))
        assert "Calendar    ada.lovelace@example.com" in text
        assert "Also on     Analytical Engine team" in text


async def test_each_event_row_starts_with_its_calendars_colour(
    app: GcalApp, wait_until, loaded, events_screen, terminal_size
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        view = screen.agenda_view
        assert view.colors[TOKYO] == "#fad165" and view.colors["primary"] == "#9fe1e7"
        seen: dict[str, str] = {}
        for y in range(view.scrollable_content_region.height):
            line = (
                view.lines[view.scroll_offset.y + y] if view.scroll_offset.y + y < len(view.lines) else None
            )
            if isinstance(line, Placement) and not line.event.color_id:  # (an event's own colour wins)
                first = next(iter(view.render_line(y)))
                assert first.text == "▌"
                assert first.style is not None and first.style.color is not None
                seen[line.event.calendar_id] = (
                    first.style.color.triplet.hex if first.style.color.triplet else ""
                )
        assert seen and all(seen[calendar] == view.colors[calendar] for calendar in seen)


async def test_an_events_own_colour_wins_over_its_calendars(
    app: GcalApp, wait_until, loaded, events_screen, terminal_size
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app) and events_screen(app).agenda_view.event_colors)
        view = events_screen(app).agenda_view
        lunch = next(
            i for i, line in enumerate(view.lines) if isinstance(line, Placement) and line.event.color_id
        )
        view.move_to(lunch, 1)
        await pilot.pause()
        y = lunch - view.scroll_offset.y
        bar = next(iter(view.render_line(y)))
        assert bar.style is not None and bar.style.color is not None and bar.style.color.triplet is not None
        assert view.lines[lunch].event.summary == "Lunch"
        assert bar.style.color.triplet.hex == "#fbd75b" != view.colors[view.lines[lunch].event.calendar_id]


async def test_without_colour_each_row_names_its_calendar_instead(
    app_for, stored_credentials, wait_until, loaded, events_screen, screen_lines, terminal_size, monkeypatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        rows = {
            line.event.calendar_id: screen.agenda_view.render_line(y).text
            for y in range(screen.agenda_view.scrollable_content_region.height)
            if isinstance(line := screen.agenda_view.lines[y], Placement)
        }
        assert rows["primary"].startswith(" ada.lov… ")
        assert all(not row.startswith("▌") for row in rows.values())
        if TOKYO in rows:
            assert rows[TOKYO].startswith(" Tokyo o… ")


@pytest.mark.parametrize(
    ("width", "named"), [(CALENDAR_COLUMN_FROM - 5, False), (CALENDAR_COLUMN_FROM + 5, True)]
)
async def test_a_wide_terminal_names_each_rows_calendar_beside_its_colour(
    app: GcalApp, wait_until, loaded, events_screen, width: int, named: bool
) -> None:
    async with app.run_test(size=(width, 30)) as pilot:
        await wait_until(pilot, lambda: loaded(app) and events_screen(app).agenda_view.colors)
        view = events_screen(app).agenda_view
        rows = {
            line.event.calendar_id: view.render_line(y).text
            for y in range(view.scrollable_content_region.height)
            if isinstance(line := view.lines[view.scroll_offset.y + y], Placement)
        }
        assert len(rows) > 1 and all(row.startswith("▌") for row in rows.values())
        assert rows["primary"].startswith("▌ada.lovelace@exam… ") is named
        assert {cell_len(row) for row in rows.values()} == {view.scrollable_content_region.width}


async def test_calendars_named_for_one_run_are_shown_instead(
    app_for, stored_credentials, sandbox: Sandbox, wait_until, loaded, events_screen, terminal_size
) -> None:
    app = app_for(calendar_ids=(OLD_PROJECT,))
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        assert screen.shown_calendars == [OLD_PROJECT]
        assert {event.id for event in screen.shown_events} == expected_events(sandbox, screen, [OLD_PROJECT])
        assert "Difference Engine (archive)" in screen.status.plain


async def test_a_free_busy_calendar_shows_busy_blocks_and_nothing_more(
    app_for,
    stored_credentials,
    sandbox: Sandbox,
    wait_until,
    loaded,
    events_screen,
    screen_lines,
    terminal_size,
) -> None:
    app = app_for(calendar_ids=(COLLEAGUE,))
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        events = screen.shown_events
        assert events and {event.title for event in events} == {"Busy"}
        assert {event.id for event in events} == expected_events(sandbox, screen, [COLLEAGUE])
        text = "\n".join(screen_lines(app))
        assert "Busy" in text and "Engine costs" not in text


async def test_a_and_enter_in_the_picker_tick_all_or_none_and_need_one(
    app: GcalApp, open_picker, wait_until, loaded, events_screen, terminal_size, notifications
) -> None:
    async with app.run_test(size=terminal_size, notifications=True, message_hook=notifications.hook) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        picker = await open_picker(pilot)
        assert picker.selection_list.option_count == 6
        await pilot.press("a")  # four of six were ticked: all
        assert len(picker.selection_list.selected) == 6
        await pilot.press("a")
        assert picker.selection_list.selected == []
        await pilot.press("enter")
        assert app.screen is picker
        assert notifications.any("Tick at least one calendar (space), or press Esc.")
        await pilot.press("escape")
        assert events_screen(app).chosen_calendars is None


async def test_change_range(
    app_for, stored_credentials, event_requests, sandbox: Sandbox, wait_until, loaded, events_screen
) -> None:
    app = app_for(use_store=False)  # each range from Google (from the store: test_event_store_screen.py)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, RangePickerScreen))
        await pilot.press("up", "up", "enter")  # from 30 days up to 7
        await wait_until(pilot, lambda: loaded(app) and events_screen(app).day_range.days == 7)
        last = event_requests(sandbox)[-1].params
        span = datetime.fromisoformat(last["timeMax"]) - datetime.fromisoformat(last["timeMin"])
        assert span == timedelta(days=7) + 2 * ZONE_MARGIN


async def test_refresh(
    app: GcalApp, sandbox: Sandbox, wait_until, loaded, events_screen, event_requests, terminal_size
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        requests_before = len(event_requests(sandbox))
        lines_before = lines_text(events_screen(app))
        await pilot.press("r")
        await wait_until(pilot, lambda: loaded(app) and len(event_requests(sandbox)) > requests_before)
        assert lines_text(events_screen(app)) == lines_before  # the same order, refresh after refresh


async def test_failed_refresh_keeps_the_rows(
    app_for, stored_credentials, sandbox: Sandbox, wait_until, loaded, events_screen, terminal_size
) -> None:
    app = app_for(use_store=False)  # a failed sync: test_event_store_screen.py
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        rows_before = len(screen.agenda_view.lines)
        sandbox.inject("events", Fault(status=500, body=API_ERRORS["500_backend"], times=None))
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: "Google Calendar is busy or failing" in notice_of(screen),
        )
        assert len(screen.agenda_view.lines) == rows_before
        assert "events shown are from before" in notice_of(screen)
        await wait_until(pilot, gc.isenabled)  # paused while the load ran, then on again
        sandbox.clear_faults()
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.fetching and screen.notice is None)
        await wait_until(pilot, gc.isenabled)


async def test_rate_limit_shows_retrying(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    wait_until,
    loaded,
    events_screen,
    terminal_size,
) -> None:
    sandbox.inject("events", Fault(status=429, body=API_ERRORS["429_too_many"], headers={"Retry-After": "1"}))
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        screen = events_screen(app)
        await wait_until(pilot, lambda: "retry 1 in 1.0 s" in notice_of(screen))
        await wait_until(pilot, lambda: loaded(app))


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Fault(status=404, body=API_ERRORS["404_not_found"]), "No such calendar"),
        (Fault(status=403, body=API_ERRORS["403_api_disabled"]), "not enabled"),
        (Fault(status=200, body="<html>captive</html>"), "not JSON"),
        (Fault(close_connection=True, times=None), "Cannot reach Google Calendar"),
    ],
)
async def test_errors_are_explained_on_screen(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    fault: Fault,
    words: str,
    wait_until,
    events_screen,
    terminal_size,
    notifications,
) -> None:
    sandbox.inject("events", fault)
    app = app_for()
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        screen = events_screen(app)
        await wait_until(pilot, lambda: words in notice_of(screen))
        await wait_until(pilot, lambda: notifications.any(words))
        if fault.times == 1:  # one calendar's first request failed: the others are shown
            await wait_until(pilot, lambda: not screen.fetching)
            assert screen.shown_count > 0 and "The other calendars are shown" in notice_of(screen)


async def test_401_refresh_then_success(
    app: GcalApp, sandbox: Sandbox, wait_until, loaded, events_screen, event_requests, terminal_size
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        # The account is looked up after the events: wait for it, or that request may refresh too.
        await wait_until(pilot, lambda: loaded(app) and events_screen(app).account is not None)
        sandbox.oauth_state.expire_access_tokens()
        before = len(event_requests(sandbox))
        await pilot.press("r")
        await wait_until(pilot, lambda: loaded(app) and len(event_requests(sandbox)) > before + 1)
        assert events_screen(app).notice is None
    refreshes = [r for r in sandbox.requests_to("/token") if r.params["grant_type"] == "refresh_token"]
    assert len(refreshes) == 1


async def test_revoked_sign_in_goes_back_to_sign_in_with_the_reason(
    app: GcalApp, sandbox: Sandbox, wait_until, loaded, terminal_size
) -> None:
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        sandbox.oauth_state.revoke_refresh_tokens()
        sandbox.oauth_state.expire_access_tokens()
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        await wait_until(pilot, lambda: screen.attempt is not None)
        assert any("no longer accepts your sign-in" in line for line in screen.status.lines)
        await asyncio.sleep(0)


def real_world_event(event_id: str) -> Event:
    item = next(item for item in load_fixture("events_real_world.json")["items"] if item["id"] == event_id)
    event = parse_event(item, "Ada")
    assert event is not None
    return event


def test_the_detail_view_shows_dial_in_attachments_your_reply_and_omitted_guests(config: AppConfig) -> None:
    meeting = event_text(real_world_event("meet1"), config).plain
    assert "Dial in     +44 20 0000 0000 (PIN 123456789)" in meeting
    assert "Attached    Crit notes (https://drive.google.com/open?id=0FAKEdocid)" in meeting
    declined = event_text(real_world_event("declined1"), config).plain
    assert "Your reply  declined" in declined and "left some guests out" in declined
    teams = event_text(real_world_event("teams1"), config).plain
    assert "Your reply  no reply" in teams
    assert "<https://teams.microsoft.com/" in teams and "\ufffd" not in teams  # links kept, CRLF a break


async def test_o_opens_the_video_call_or_says_where_it_is(
    app: GcalApp,
    no_browser: None,
    wait_until,
    loaded,
    events_screen,
    open_detail,
    terminal_size,
    notifications,
) -> None:
    async with app.run_test(size=terminal_size, notifications=True, message_hook=notifications.hook) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        await open_detail(pilot, screen, next(e for e in screen.shown_events if e.conference_link))
        await pilot.press("o")
        await wait_until(pilot, lambda: notifications.any("meet.google.com/abc-defg-hij"))
        await pilot.press("escape")
        await open_detail(pilot, screen, next(e for e in screen.shown_events if not e.conference_link))
        assert app.screen.check_action("open_video", ()) is False  # no call: no key, no palette entry
