"""The events screen, driven with Pilot, fed by the Calendar emulator over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from oauth2client.client import OAuth2Credentials
from textual.widgets import Input, OptionList

from tests.conftest import load_fixture, wait_until
from tui.app import GcalApp
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import TEAM
from tui.sandbox.server import Fault
from tui.screens.calendar_picker import CalendarPickerScreen
from tui.screens.event_detail import EventDetailScreen
from tui.screens.events import EventsScreen
from tui.screens.range_picker import RangePickerScreen
from tui.screens.sign_in import SignInScreen

SIZE = (120, 40)
API_ERRORS = load_fixture("api_errors.json")


def events_screen(app: GcalApp) -> EventsScreen:
    assert isinstance(app.screen, EventsScreen), app.screen
    return app.screen


def loaded(app: GcalApp) -> bool:
    return (
        isinstance(app.screen, EventsScreen)
        and app.screen.refreshed_at is not None
        and not app.screen.fetching
    )


def notice_of(screen: EventsScreen) -> str:
    return screen.notice.plain if screen.notice is not None else ""


def cells(screen: EventsScreen, column: str) -> list[str]:
    index = [label.casefold() for label, _ in screen.table.columns].index(column)
    return [screen.row_cells(row)[index].plain for row in range(screen.table.row_count)]


def expected_events(
    sandbox: Sandbox, screen: EventsScreen, calendar: str = "ada.lovelace@example.com"
) -> list[str]:
    start, end = screen.range()
    return [
        item["id"]
        for first, last, item in sandbox.calendar_api.store.events[calendar]
        if last > start and first < end and item.get("status") != "cancelled"
    ]


def event_requests(sandbox: Sandbox) -> list:
    return [r for r in sandbox.requests if r.path.endswith("/events")]


@pytest.fixture
def app(app_for: Callable[..., GcalApp], stored_credentials: OAuth2Credentials, sandbox: Sandbox) -> GcalApp:
    sandbox.calendar_api.page_size = 25
    return app_for()


async def test_starts_on_the_calendar_with_stored_credentials_and_no_token_request(
    app: GcalApp, sandbox: Sandbox
) -> None:
    token_requests_before = len(sandbox.requests_to("/token"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        assert [event.id for event in screen.shown_events] == expected_events(sandbox, screen)
        assert screen.table.row_count == len(screen.shown_events)
    assert len(sandbox.requests_to("/token")) == token_requests_before
    assert len(event_requests(sandbox)) >= 3  # short pages, all followed


async def test_rows_read_as_a_person_expects(app: GcalApp, sandbox: Sandbox) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        summaries, times, dates = cells(screen, "summary"), cells(screen, "time"), cells(screen, "date")
        assert "(No title)" in summaries
        assert "[@click=app.quit]x[/]" in summaries and "[bold]y" in summaries  # shown literally
        assert "all day" in times
        assert any(" – " in day for day in dates)  # a multi-day span
        assert all(not event.cancelled for event in screen.shown_events)
        count = len(screen.shown_events)
        assert f"{count:,} events" in str(screen.query_one("#summary-line").render())
        await pilot.press("end")
        assert screen.table.cursor_row == count - 1
        await pilot.press("pageup")
        assert screen.table.cursor_row < count - 1
        await pilot.press("home")
        assert screen.table.cursor_row == 0
        await pilot.press("pagedown")
        assert screen.table.cursor_row > 0
        await pilot.press("home", "down")
        assert screen.table.cursor_row == 1
    assert app.return_code is None or app.return_code == 0


async def test_detail_view_shows_everything_as_plain_text(
    app: GcalApp, sandbox: Sandbox, no_system_clipboard: None
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        index = next(
            i
            for i, event in enumerate(screen.shown_events)
            if event.attendees and event.description and event.recurring_event_id == ""
        )
        screen.table.move_cursor(row=index)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen))
        detail = app.screen
        assert isinstance(detail, EventDetailScreen)
        text = str(detail.query_one("#detail-text").render())
        event = screen.shown_events[index]
        assert event.title in text and "Guests:" in text and "Description" in text
        assert "<b>" not in text and "␛[31m" in text  # HTML turned to text, escapes made visible
        await pilot.press("y")
        await wait_until(pilot, lambda: app.clipboard == event.html_link)
        await pilot.press("escape")
        assert isinstance(app.screen, EventsScreen)


async def test_recurring_instance_and_conference_link_in_detail(app: GcalApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        index = next(i for i, e in enumerate(screen.shown_events) if e.recurring_event_id)
        screen.table.move_cursor(row=index)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen))
        text = str(app.screen.query_one("#detail-text").render())
        assert "one occurrence of a recurring event" in text
        assert "https://meet.google.com/abc-defg-hij" in text


async def test_filter(app: GcalApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        total = len(screen.events)
        await pilot.press("slash", *"tokyo")
        assert screen.shown_events and all("tokyo" in e.search_text for e in screen.shown_events)
        assert len(screen.shown_events) < total
        assert screen.table.row_count == len(screen.shown_events)
        assert "matching “tokyo”" in str(screen.query_one("#summary-line").render())
        await pilot.press("enter")
        assert app.focused is screen.table
        await pilot.press("escape")
        assert len(screen.shown_events) == total
        assert not screen.query_one("#filter", Input).display


async def test_switch_calendar(app: GcalApp, sandbox: Sandbox) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("c")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, CalendarPickerScreen)
                and app.screen.query_one(OptionList).option_count == 3
            ),
        )
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: loaded(app) and events_screen(app).calendar_id == TEAM)
        screen = events_screen(app)
        assert [event.id for event in screen.shown_events] == expected_events(sandbox, screen, TEAM)
        assert "Analytical Engine team" in str(screen.query_one("#summary-line").render())


async def test_change_range(app: GcalApp, sandbox: Sandbox) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, RangePickerScreen))
        await pilot.press("up", "up", "enter")  # from 30 days up to 7
        await wait_until(pilot, lambda: loaded(app) and events_screen(app).days == 7)
        last = event_requests(sandbox)[-1].params
        span = datetime.fromisoformat(last["timeMax"]) - datetime.fromisoformat(last["timeMin"])
        assert span == timedelta(days=7)


async def test_refresh(app: GcalApp, sandbox: Sandbox) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        requests_before = len(event_requests(sandbox))
        rows_before = events_screen(app).table.row_count
        await pilot.press("r")
        await wait_until(pilot, lambda: loaded(app) and len(event_requests(sandbox)) > requests_before)
        assert events_screen(app).table.row_count == rows_before


async def test_failed_refresh_keeps_the_rows(app: GcalApp, sandbox: Sandbox) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        rows_before = screen.table.row_count
        sandbox.inject("events", Fault(status=500, body=API_ERRORS["500_backend"], times=None))
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: "Google Calendar is busy or failing" in notice_of(screen),
        )
        assert screen.table.row_count == rows_before
        assert "events shown are from before" in notice_of(screen)
        sandbox.clear_faults()
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.fetching and screen.notice is None)


async def test_rate_limit_shows_retrying(
    app_for: Callable[..., GcalApp], stored_credentials: OAuth2Credentials, sandbox: Sandbox
) -> None:
    sandbox.inject("events", Fault(status=429, body=API_ERRORS["429_too_many"], headers={"Retry-After": "1"}))
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
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
) -> None:
    sandbox.inject("events", fault)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        screen = events_screen(app)
        await wait_until(pilot, lambda: words in notice_of(screen))
        await wait_until(pilot, lambda: any(words in n.message for n in app._notifications))


async def test_401_refresh_then_success(app: GcalApp, sandbox: Sandbox) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        sandbox.oauth_state.expire_access_tokens()
        before = len(event_requests(sandbox))
        await pilot.press("r")
        await wait_until(pilot, lambda: loaded(app) and len(event_requests(sandbox)) > before + 1)
        assert events_screen(app).notice is None
    refreshes = [r for r in sandbox.requests_to("/token") if r.params["grant_type"] == "refresh_token"]
    assert len(refreshes) == 1


async def test_revoked_sign_in_goes_back_to_sign_in_with_the_reason(app: GcalApp, sandbox: Sandbox) -> None:
    async with app.run_test(size=SIZE) as pilot:
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
