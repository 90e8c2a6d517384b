"""Searching Google Calendar (`q=`) a year either side of today: the loader over real HTTP, and
the search screen driven with Pilot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from oauth2client.client import OAuth2Credentials
from textual.widgets import Input

from tui.app import GcalApp
from tui.calendar.agenda import DayHeader, Placement
from tui.calendar.loader import (
    MOST_SEARCH_RESULTS,
    SEARCH_PAGE_SIZE,
    SEARCH_PAGES,
    CalendarLoader,
    SearchRequest,
)
from tui.config import AppConfig
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import PRIMARY, TEAM, _event, _timed, bulk
from tui.screens.event_detail import EventDetailScreen
from tui.screens.events import EventsScreen
from tui.screens.search import SEARCH_DAYS, SearchScreen

NOW = dt.datetime.now(dt.UTC)


def search_request(query: str, *calendar_ids: str) -> SearchRequest:
    year = dt.timedelta(days=SEARCH_DAYS)
    return SearchRequest(query, calendar_ids, NOW - year, NOW + year, "Europe/London")


def people_of(item: dict[str, Any]) -> str:
    people = [*item.get("attendees", []), item.get("organizer", {})]
    return " ".join(f"{p.get('displayName', '')} {p.get('email', '')}" for p in people).casefold()


def test_google_finds_a_guest_by_name_in_each_calendar_searched(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, told
) -> None:
    CalendarLoader(config, stored_credentials).search(search_request("Charles Babbage", PRIMARY, TEAM), told)
    assert not told.failures
    assert {page.calendar_id for page in told.pages} == {PRIMARY, TEAM}
    items = told.items()
    by_guest = [item for item in items if "babbage" not in item.get("summary", "").casefold()]
    assert by_guest, "the weekly Engine review matches by its organizer's name, not its title"
    assert all("charles babbage" in people_of(item) for item in by_guest)
    searches = [r for r in sandbox.requests if r.path.endswith("/events")]
    assert {r.params["q"] for r in searches} == {"Charles Babbage"}
    assert all(r.params["maxResults"] == str(SEARCH_PAGE_SIZE) for r in searches)


def test_a_search_reads_a_bounded_number_of_matches_and_says_there_are_more(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, told
) -> None:
    sandbox.calendar_api.replace_store(bulk(NOW.date(), MOST_SEARCH_RESULTS + 10))
    CalendarLoader(config, stored_credentials).search(search_request("room 4", "primary"), told)
    assert len(told.items()) == MOST_SEARCH_RESULTS
    assert [page.number for page in told.pages] == list(range(1, SEARCH_PAGES + 1))
    assert not told.pages[-1].last  # more than were read


def test_a_calendar_that_cannot_be_searched_is_named_and_the_others_answer(
    config: AppConfig, stored_credentials: OAuth2Credentials, told
) -> None:
    CalendarLoader(config, stored_credentials).search(
        search_request("review", "nobody@example.com", TEAM), told
    )
    assert set(told.failures) == {"nobody@example.com"}
    assert "No such calendar" in told.failures["nobody@example.com"].message
    assert {page.calendar_id for page in told.pages} == {TEAM}


@pytest.fixture
def app(app_for: Callable[..., GcalApp], stored_credentials: OAuth2Credentials, sandbox: Sandbox) -> GcalApp:
    """The sandbox's calendars, and a meeting 200 days ago, outside the agenda but not a search."""
    store = sandbox.calendar_api.store
    long_ago = dt.datetime.combine(NOW.date() - dt.timedelta(days=200), dt.time(10), dt.UTC)
    start, end = _timed(long_ago, 60)
    store.add(PRIMARY, _event(PRIMARY, "pastreview", start, end, summary="Quarterly zeppelin review"))
    store.sort()
    return app_for()


async def search_screen(pilot: Any, wait_until: Any) -> SearchScreen:
    await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, SearchScreen) and not pilot.app.screen.searching
    )
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def test_ctrl_f_searches_the_calendars_shown_a_year_either_side(
    app: GcalApp, sandbox: Sandbox, wait_until, loaded, events_screen, event_requests, terminal_size
) -> None:
    async with app.run_test(size=terminal_size, notifications=True) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        shown = list(events_screen(app).shown_calendars)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        assert isinstance(app.focused, Input) and app.focused.id == "query"
        before = len(event_requests(sandbox))
        await pilot.press(*"zeppelin", "enter")
        screen = await search_screen(pilot, wait_until)
        searches = event_requests(sandbox)[before:]
        assert sorted(r.params["q"] for r in searches) == ["zeppelin"] * len(shown)
        start = dt.datetime.fromisoformat(searches[0].params["timeMin"])
        assert (NOW - start).days >= SEARCH_DAYS  # the agenda shows no day before today
        events = [line.event for line in screen.matches_view.lines if isinstance(line, Placement)]
        assert [event.title for event in events] == ["Quarterly zeppelin review"]
        assert screen.match_count == 1 and "1 event in" in screen.status.plain
        assert screen.matches_view.has_focus
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventDetailScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))


async def test_a_filter_with_no_match_here_asks_google_on_enter(
    app: GcalApp, sandbox: Sandbox, wait_until, loaded, events_screen, notifications, terminal_size
) -> None:
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        events = events_screen(app)
        await pilot.press("slash", *"engine review")
        await wait_until(pilot, lambda: events.shown_count > 0)
        await pilot.press("enter")  # matches here: the filter is kept, no search
        await pilot.pause()
        assert app.screen is events
        events.query_one("#filter", Input).value = "zeppelin"
        await wait_until(pilot, lambda: events.shown_count == 0)
        events.query_one("#filter", Input).focus()
        await pilot.press("enter")
        screen = await search_screen(pilot, wait_until)
        assert screen.query_text == "zeppelin" and screen.match_count == 1
        # The same meeting on two calendars is found once, as in the agenda.
        await pilot.press("ctrl+f")
        screen.query_one("#query", Input).value = "engine review"
        await pilot.press("enter")
        screen = await search_screen(pilot, wait_until)
        placements = [line for line in screen.matches_view.lines if isinstance(line, Placement)]
        keys = [(p.event.item["iCalUID"], p.event.start) for p in placements]
        assert len(keys) == len(set(keys)) > 1
        assert all(p.event.also_on for p in placements if p.event.item["iCalUID"].startswith("review"))
        assert isinstance(screen.matches_view.lines[0], DayHeader)
        # The cursor starts on the next match, the earlier ones above it.
        today = app.config.now().date()
        selected = screen.matches_view.selected
        assert selected is not None and selected.day >= today
        await pilot.press("ctrl+f")
        screen.query_one("#query", Input).value = "xyzzy"
        await pilot.press("enter")
        screen = await search_screen(pilot, wait_until)
        assert screen.match_count == 0
        assert notifications.any("Nothing matches “xyzzy”.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is events)
        assert events.filter_text == "zeppelin"  # the filter is as it was left


@pytest.mark.parametrize(
    ("matches", "cut_short"), [(SEARCH_PAGE_SIZE * 2 + 10, False), (MOST_SEARCH_RESULTS + 1, True)]
)
async def test_the_status_line_says_when_a_calendar_has_more_matches_than_are_read(
    app_for,
    stored_credentials,
    sandbox: Sandbox,
    wait_until,
    loaded,
    terminal_size,
    matches: int,
    cut_short: bool,
) -> None:
    sandbox.calendar_api.replace_store(bulk(NOW.date(), matches))
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("ctrl+f", *"room 4", "enter")
        screen = await search_screen(pilot, wait_until)
        assert screen.match_count == min(matches, MOST_SEARCH_RESULTS)
        said = f"more matches in {PRIMARY} than are shown: add a word"
        assert (said in screen.status.plain) is cut_short
