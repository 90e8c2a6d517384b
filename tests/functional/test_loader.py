"""The loader the events screen talks to, called directly against the sandbox over HTTP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials

from tui.calendar.client import EventPage, RetryNotice
from tui.calendar.errors import CalendarError
from tui.calendar.loader import AgendaRequest, CalendarLoader, RangeRequest
from tui.config import AppConfig
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import COLLEAGUE, HOLIDAYS, OLD_PROJECT, PRIMARY, TEAM, TOKYO
from tui.sandbox.server import Fault
from tui.storage import CredentialsFileError

START = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
PRIMARY_RANGE = RangeRequest("primary", START, START + dt.timedelta(days=30), "Europe/London")


def load(
    loader: CalendarLoader, *, cancel_after: int | None = None, notices: list[RetryNotice] | None = None
) -> list[EventPage]:
    pages: list[EventPage] = []
    loader.load_range(
        PRIMARY_RANGE,
        on_page=pages.append,
        on_retry=notices.append if notices is not None else lambda notice: None,
        cancelled=lambda: cancel_after is not None and len(pages) >= cancel_after,
    )
    return pages


def test_without_credentials_the_stored_ones_are_checked_then_used(
    config: AppConfig, stored_credentials: OAuth2Credentials
) -> None:
    loader = CalendarLoader(config)
    assert loader.credentials is None
    stored = loader.check_stored_sign_in()
    assert stored.credentials is not None and loader.credentials is stored.credentials
    assert load(loader)
    assert [calendar.id for calendar in loader.calendars() if calendar.primary] == [PRIMARY]


def test_a_stored_sign_in_that_cannot_be_used_is_not_taken(config: AppConfig) -> None:
    loader = CalendarLoader(config)
    stored = loader.check_stored_sign_in()  # nothing stored
    assert stored.credentials is None and loader.credentials is None


def test_every_page_arrives_in_order_and_a_range_alone_asks_for_no_calendar_list(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox
) -> None:
    sandbox.calendar_api.page_size = 10
    pages = load(CalendarLoader(config, stored_credentials))
    assert [page.number for page in pages] == list(range(1, len(pages) + 1)) and len(pages) > 2
    assert pages[-1].last and not any(page.last for page in pages[:-1])
    assert sandbox.requests_to("/calendar/v3/users/me/calendarList") == []


def test_a_cancelled_load_stops_asking_for_pages(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, event_requests
) -> None:  # type: ignore[no-untyped-def]
    sandbox.calendar_api.page_size = 10
    pages = load(CalendarLoader(config, stored_credentials), cancel_after=1)
    assert len(pages) == 1
    assert len(event_requests(sandbox)) == 2  # the second page was fetched, then dropped unseen


def test_a_failing_range_raises_its_calendar_error(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox
) -> None:
    sandbox.inject("events", Fault(status=404, body={"error": {"code": 404, "message": "Not Found"}}))
    with pytest.raises(CalendarError) as caught:
        load(CalendarLoader(config, stored_credentials))
    assert caught.value.kind == "request"


def test_the_calendar_list(config: AppConfig, stored_credentials: OAuth2Credentials) -> None:
    calendars = CalendarLoader(config, stored_credentials).calendars()
    assert [c.id for c in calendars if c.primary] == [PRIMARY] and len(calendars) > 1


def test_a_renewed_token_that_could_not_be_saved_is_said(
    config: AppConfig, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    loader = CalendarLoader(config, stored_credentials)
    assert loader.token_save_problem() is None
    stored_credentials.store.write_error = CredentialsFileError(
        f"Could not write {credentials_path}: disk full"
    )
    assert loader.token_save_problem() == f"Could not write {credentials_path}: disk full"
    assert CalendarLoader(config).token_save_problem() is None
    stored_credentials.set_store(None)  # credentials a script made, with no file behind them
    assert loader.token_save_problem() is None


def test_times_come_in_the_zone_asked_and_retries_are_told(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, event_requests
) -> None:  # type: ignore[no-untyped-def]
    busy = {
        "error": {"code": 429, "message": "Rate Limit Exceeded", "errors": [{"reason": "rateLimitExceeded"}]}
    }
    sandbox.inject("events", Fault(status=429, body=busy))
    notices: list[RetryNotice] = []
    pages = load(CalendarLoader(config, stored_credentials), notices=notices)
    assert [notice.retry_number for notice in notices] == [1]
    assert {request.params["timeZone"] for request in event_requests(sandbox)} == {"Europe/London"}
    timed = [event for page in pages for event in page.events if not event.all_day]
    assert timed and {event.start.utcoffset() for event in timed} <= {dt.timedelta(0), dt.timedelta(hours=1)}


def agenda_request(calendar_ids: tuple[str, ...] | None = None) -> AgendaRequest:
    return AgendaRequest(calendar_ids, START, START + dt.timedelta(days=30), "Europe/London")


def test_the_ticked_calendars_load_side_by_side_and_the_hidden_one_does_not(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, told
) -> None:
    sandbox.calendar_api.latency = 0.2
    CalendarLoader(config, stored_credentials).load_agenda(agenda_request(), told)
    assert [calendar.id for calendar in told.calendars] == [
        PRIMARY,
        TEAM,
        HOLIDAYS,
        TOKYO,
        OLD_PROJECT,
        COLLEAGUE,
    ]
    assert told.shown == ["primary", TEAM, HOLIDAYS, TOKYO]
    assert told.calendars_with_pages() == {"primary", TEAM, HOLIDAYS, TOKYO}
    assert not told.failures
    assert sandbox.calendar_api.most_in_flight >= 3  # the others together, after the list
    tokyo = [event for page in told.pages if page.calendar_id == TOKYO for event in page.events]
    assert tokyo and {event.calendar for event in tokyo} == {"Tokyo office 東京"}
    assert len(told.event_colors) == 11 and told.event_colors["5"] == "#fbd75b"


def test_chosen_calendars_start_at_once_and_one_that_fails_leaves_the_others(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, told
) -> None:
    request = agenda_request(("nobody@example.com", OLD_PROJECT))
    CalendarLoader(config, stored_credentials).load_agenda(request, told)
    assert told.shown == ["nobody@example.com", OLD_PROJECT]
    assert told.calendars_with_pages() == {OLD_PROJECT}
    assert list(told.failures) == ["nobody@example.com"]
    assert told.failures["nobody@example.com"].message.startswith("No such calendar")


def test_the_calendar_list_is_read_page_by_page_once_a_run(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox
) -> None:
    sandbox.calendar_api.list_page_size = 2
    loader = CalendarLoader(config, stored_credentials)
    listed = [calendar.id for calendar in loader.calendars()]
    assert listed == [PRIMARY, TEAM, HOLIDAYS, TOKYO, OLD_PROJECT, COLLEAGUE]
    assert len(sandbox.requests_to("/calendar/v3/users/me/calendarList")) == 3
    assert loader.calendars() is loader.calendars()
    assert len(sandbox.requests_to("/calendar/v3/users/me/calendarList")) == 3
    assert [calendar.id for calendar in loader.calendars(again=True)] == listed
    assert len(sandbox.requests_to("/calendar/v3/users/me/calendarList")) == 6


def test_an_expired_token_is_renewed_once_for_all_the_calendars(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, told
) -> None:
    stored_credentials.token_expiry = dt.datetime(2000, 1, 1)
    CalendarLoader(config, stored_credentials).load_agenda(agenda_request(), told)
    assert told.calendars_with_pages() == {"primary", TEAM, HOLIDAYS, TOKYO}
    refreshes = [r for r in sandbox.requests_to("/token") if r.params.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1


def test_a_token_refused_while_calendars_load_is_renewed_once_not_per_calendar(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, told
) -> None:
    """Google revokes the access token (not the sign-in) just before the calendars load: each
    calendar's first request gets a 401; one renewal serves them all."""
    sandbox.oauth_state.revoke_access_tokens()
    sandbox.calendar_api.latency = 0.1
    CalendarLoader(config, stored_credentials).load_agenda(agenda_request(), told)
    assert told.calendars_with_pages() == {"primary", TEAM, HOLIDAYS, TOKYO} and not told.failures
    refreshes = [r for r in sandbox.requests_to("/token") if r.params.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1


def test_when_the_calendar_list_cannot_be_read_the_primary_calendar_still_counts(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, told
) -> None:
    sandbox.inject("calendarList", Fault(status=404, body={"error": {"code": 404, "message": "Not Found"}}))
    CalendarLoader(config, stored_credentials).load_agenda(agenda_request(), told)
    assert (told.calendars, told.shown) == ([], ["primary"])
    assert told.calendars_with_pages() == {"primary"} and not told.failures


def test_a_calendar_list_without_a_primary_names_no_account(
    config: AppConfig, stored_credentials: OAuth2Credentials, sandbox: Sandbox, told
) -> None:
    listing = {"kind": "calendar#calendarList", "items": [{"id": "team@example.com", "summary": "Team"}]}
    sandbox.inject("calendarList", Fault(status=200, body=listing))
    CalendarLoader(config, stored_credentials).load_agenda(agenda_request(), told)
    assert [(calendar.id, calendar.primary) for calendar in told.calendars] == [("team@example.com", False)]
    assert told.shown == ["primary"] and told.calendars_with_pages() == {"primary"}
