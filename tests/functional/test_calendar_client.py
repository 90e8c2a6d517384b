"""The Calendar client against the emulator, through the real googleapiclient, oauth2client and httplib2."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials
from oauth2client.file import Storage

from tests.fixtures import fixture_path, load_fixture
from tui.calendar.client import ZONE_MARGIN, CalendarClient, CalendarError, RetryNotice, RetryPolicy
from tui.sandbox import Sandbox
from tui.sandbox.calendar_api import load_store_from_pages
from tui.sandbox.calendar_data import COLLEAGUE, HOLIDAYS, OLD_PROJECT, PRIMARY, TEAM, TOKYO
from tui.sandbox.server import Fault

START = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
END = START + dt.timedelta(days=30)
API_ERRORS = load_fixture("api_errors.json")
FAST = RetryPolicy(attempts=4, base_delay=0.01)


def client_for(
    sandbox: Sandbox,
    credentials: OAuth2Credentials,
    notices: list[RetryNotice] | None = None,
    timeout: float = 5.0,
) -> CalendarClient:
    return CalendarClient(
        credentials,
        sandbox.base_url,
        timeout=timeout,
        retry=FAST,
        on_retry=(notices.append if notices is not None else None),
    )


def expire_in_memory(credentials: OAuth2Credentials) -> None:
    """Make the access token expired five minutes ago, so the next request refreshes it first."""
    credentials.token_expiry = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=5)


def all_events(client: CalendarClient, calendar: str = "primary") -> list:
    return [event for page in client.event_pages(calendar, START, END) for event in page.events]


def expected_ids(sandbox: Sandbox, calendar: str = "ada.lovelace@example.com") -> list[str]:
    return [
        item["id"]
        for start, end, item in sandbox.calendar_api.store.events[calendar]
        if end > START - ZONE_MARGIN and start < END + ZONE_MARGIN and item.get("status") != "cancelled"
    ]


def test_every_short_page_is_followed(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, event_requests
) -> None:
    sandbox.calendar_api.page_size = 10
    pages = list(client_for(sandbox, stored_credentials).event_pages("primary", START, END))
    assert len(pages) >= 3
    assert [page.last for page in pages] == [False] * (len(pages) - 1) + [True]
    shown = [event.id for page in pages for event in page.events]
    assert shown == expected_ids(sandbox)
    first = event_requests(sandbox)[0].params
    assert first["singleEvents"] == "true" and first["orderBy"] == "startTime"
    assert first["maxResults"] == "2500"
    assert dt.datetime.fromisoformat(first["timeMin"]) == START - ZONE_MARGIN
    assert first["timeMin"].endswith("+00:00")
    assert dt.datetime.fromisoformat(first["timeMax"]) == END + ZONE_MARGIN
    assert all("pageToken" in r.params for r in event_requests(sandbox)[1:])


def test_googles_recorded_pages(sandbox: Sandbox, stored_credentials: OAuth2Credentials) -> None:
    sandbox.calendar_api.replace_store(
        load_store_from_pages(fixture_path("events_page1.json"), fixture_path("events_page2.json"))
    )
    sandbox.calendar_api.page_size = 4
    pages = list(
        client_for(sandbox, stored_credentials).event_pages(
            "primary",
            dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 26, tzinfo=dt.UTC),
        )
    )
    assert len(pages) == 2
    assert [e.id for e in pages[0].events] == ["0aallday1", "1recur_20261127T090000Z", "2untitled", "3review"]
    assert [e.id for e in pages[1].events] == ["4multiday", "5tz", "6ooo"]  # cancelled one left out
    assert pages[0].calendar_summary == "ada.lovelace@example.com"


def test_calendar_list(sandbox: Sandbox, stored_credentials: OAuth2Credentials) -> None:
    calendars = client_for(sandbox, stored_credentials).calendars()
    assert [c.summary for c in calendars if c.primary] == ["ada.lovelace@example.com"]
    assert [(c.id, c.color, c.selected, c.time_zone) for c in calendars][3:] == [
        (TOKYO, "#fad165", True, "Asia/Tokyo"),
        (OLD_PROJECT, "#ac725e", False, "Europe/London"),
        (COLLEAGUE, "#cca6ac", False, "Europe/London"),
    ]


def test_401_refreshes_once_then_retries_and_stores_the_new_token(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    old_access, old_refresh = stored_credentials.access_token, stored_credentials.refresh_token
    sandbox.oauth_state.expire_access_tokens()
    assert all_events(client_for(sandbox, stored_credentials))
    refreshes = [r for r in sandbox.requests_to("/token") if r.params["grant_type"] == "refresh_token"]
    assert len(refreshes) == 1
    stored = Storage(str(credentials_path)).get()
    assert stored.access_token != old_access and stored.access_token == stored_credentials.access_token
    assert stored.refresh_token == old_refresh  # Google sent none back, so the old one is kept


def test_token_known_to_be_expired_is_refreshed_before_the_first_call(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    expire_in_memory(stored_credentials)
    all_events(client_for(sandbox, stored_credentials))
    paths = [r.path for r in sandbox.requests if r.path == "/token" or r.path.endswith("/events")]
    assert paths[:2] == ["/token", "/token"]  # the sign-in's exchange, then the refresh
    assert paths[2].endswith("/events")


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_token_service_is_retried_then_the_load_goes_on(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, status: int
) -> None:
    expire_in_memory(stored_credentials)
    sandbox.inject("token", Fault(status=status, body={"error": "rate_limit_exceeded"}, times=2))
    notices: list[RetryNotice] = []
    assert all_events(client_for(sandbox, stored_credentials, notices))
    refreshes = [r for r in sandbox.requests_to("/token") if r.params.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 3  # two busy answers, then the token
    assert [notice.retry_number for notice in notices] == [1, 2]
    assert all(f"token refresh HTTP {status}" in notice.reason for notice in notices)


def test_a_token_service_busy_to_the_end_is_a_transient_error_and_keeps_the_sign_in(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    expire_in_memory(stored_credentials)
    refresh_token = stored_credentials.refresh_token
    sandbox.inject("token", Fault(status=429, body={"error": "rate_limit_exceeded"}, times=None))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert caught.value.kind == "transient" and "HTTP 429" in caught.value.message
    refreshes = [r for r in sandbox.requests_to("/token") if r.params.get("grant_type") == "refresh_token"]
    assert len(refreshes) == FAST.attempts
    stored = Storage(str(credentials_path)).get()  # the file is untouched: a later refresh can work
    assert stored.refresh_token == refresh_token and not stored.invalid


def test_401_twice_in_a_row_is_a_sign_in_error_after_one_refresh(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    sandbox.inject("events", Fault(status=401, body=API_ERRORS["401_invalid_credentials"], times=2))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert caught.value.kind == "sign_in"
    assert len([r for r in sandbox.requests_to("/token") if r.params["grant_type"] == "refresh_token"]) == 1


def test_revoked_refresh_token_asks_to_sign_in_and_keeps_the_file(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    before = credentials_path.read_bytes()
    sandbox.oauth_state.revoke_refresh_tokens()
    sandbox.oauth_state.expire_access_tokens()
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert caught.value.kind == "sign_in"
    assert "revoked" in caught.value.message and "7 days" in caught.value.message
    assert credentials_path.read_bytes() == before


@pytest.mark.parametrize("error", ["403_rate_limit", "403_user_rate_limit", "429_too_many", "500_backend"])
def test_retryable_errors_are_retried_with_notice(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, error: str
) -> None:
    body = API_ERRORS[error]
    sandbox.inject("events", Fault(status=body["error"]["code"], body=body, times=2))
    notices: list[RetryNotice] = []
    assert all_events(client_for(sandbox, stored_credentials, notices))
    assert [n.retry_number for n in notices] == [1, 2]
    assert notices[0].reason == body["error"]["errors"][0]["reason"]


def test_retry_after_is_honoured(sandbox: Sandbox, stored_credentials: OAuth2Credentials) -> None:
    sandbox.inject("events", Fault(status=429, body=API_ERRORS["429_too_many"], headers={"Retry-After": "1"}))
    notices: list[RetryNotice] = []
    all_events(client_for(sandbox, stored_credentials, notices))
    assert [n.delay for n in notices] == [1.0]


def test_retries_are_bounded(sandbox: Sandbox, stored_credentials: OAuth2Credentials, event_requests) -> None:
    sandbox.inject("events", Fault(status=503, body="Service Unavailable", times=None))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert caught.value.kind == "transient"
    assert len(event_requests(sandbox)) == FAST.attempts


def test_backoff_grows_exponentially_with_jitter() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=32.0)
    for number in range(7):
        ceiling = min(32.0, 2.0**number)
        assert all(ceiling / 2 <= policy.delay(number, None) <= ceiling for _ in range(50))
    assert policy.delay(0, 120.0) == 32.0


REFUSED_REQUESTS = {
    "bad request": (
        400,
        {"error": {"errors": [{"reason": "badRequest"}], "code": 400, "message": "Bad Request"}},
        "request",
        "Google Calendar rejected the request (400: Bad Request).",
        "Press r to retry, or c for another calendar.",
    ),
    "api disabled": (
        403,
        API_ERRORS["403_api_disabled"],
        "configuration",
        "The Google Calendar API is not enabled for this project (403: Google Calendar API has not been used "
        "in project 123456789012 before or it is disabled. Enable it by visiting the API library, then "
        "retry.).",
        "Enable it in Google Cloud console (APIs & Services > Library), wait a minute, press r.",
    ),
    "quota used up": (
        403,
        {"error": {"errors": [{"reason": "quotaExceeded"}], "code": 403, "message": "Quota exceeded"}},
        "request",
        "The Google Cloud project's Calendar API quota is used up (403: Quota exceeded).",
        "Wait (daily quotas reset at midnight Pacific time), or ask for more quota in Google Cloud console.",
    ),
    "daily limit": (
        403,
        {"error": {"errors": [{"reason": "dailyLimitExceeded"}], "code": 403, "message": "Daily Limit"}},
        "request",
        "The Google Cloud project's Calendar API quota is used up (403: Daily Limit).",
        "Wait (daily quotas reset at midnight Pacific time), or ask for more quota in Google Cloud console.",
    ),
    "insufficient scope": (
        403,
        API_ERRORS["403_insufficient_scope"],
        "sign_in",
        "The sign-in does not allow reading calendars (insufficient scopes).",
        "Sign in again with a calendar scope.",
    ),
    "forbidden": (
        403,
        {"error": {"errors": [{"reason": "forbidden"}], "code": 403, "message": "Forbidden"}},
        "request",
        "Access to this calendar is forbidden (403: Forbidden).",
        "Press c to pick another.",
    ),
    "not found": (
        404,
        API_ERRORS["404_not_found"],
        "request",
        "No such calendar, or it is not shared with you (404: Not Found).",
        "Press c to pick another.",
    ),
    "no message": (
        404,
        {"error": {"errors": [{"reason": "notFound"}], "code": 404}},
        "request",
        "No such calendar, or it is not shared with you (404).",
        "Press c to pick another.",
    ),
    "not json": (
        404,
        "<html>Not Found</html>",
        "request",
        "No such calendar, or it is not shared with you (404).",
        "Press c to pick another.",
    ),
}


@pytest.mark.parametrize(
    ("status", "body", "kind", "message", "hint"), REFUSED_REQUESTS.values(), ids=REFUSED_REQUESTS.keys()
)
def test_errors_that_are_not_retried(
    sandbox: Sandbox,
    stored_credentials: OAuth2Credentials,
    status: int,
    body: dict,
    kind: str,
    message: str,
    hint: str,
    event_requests,
) -> None:
    sandbox.inject("events", Fault(status=status, body=body))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert (caught.value.kind, caught.value.message, caught.value.hint) == (kind, message, hint)
    assert len(event_requests(sandbox)) == 1


def test_unknown_calendar_is_404(sandbox: Sandbox, stored_credentials: OAuth2Credentials) -> None:
    with pytest.raises(CalendarError, match="No such calendar"):
        all_events(client_for(sandbox, stored_credentials), "nobody@example.com")


def words(error: CalendarError) -> tuple[str, str, str]:
    return (error.kind, error.message, error.hint)


def test_network_down(sandbox: Sandbox, stored_credentials: OAuth2Credentials) -> None:
    client = client_for(sandbox, stored_credentials)
    sandbox.stop()
    with pytest.raises(CalendarError) as caught:
        all_events(client)
    assert words(caught.value) == (
        "transient",
        "Cannot reach Google Calendar (ConnectionRefusedError).",
        "Check your network, then press r to retry.",
    )


def test_timeout(sandbox: Sandbox, stored_credentials: OAuth2Credentials) -> None:
    sandbox.inject("events", Fault(status=200, delay=1.5, times=None))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials, timeout=0.3))
    assert words(caught.value) == (
        "transient",
        "Google Calendar did not answer in time.",
        "Press r to retry.",
    )


@pytest.mark.parametrize(
    ("fault", "message", "hint"),
    [
        (
            Fault(status=200, headers={"X-Long": "x" * 70_000}, body={}, times=None),
            "Google Calendar sent an answer that could not be read (a header line too long).",
            "Check your network (or proxy), then press r to retry.",
        ),
        (
            Fault(status=200, body="<html>captive portal</html>", headers={"Content-Type": "text/html"}),
            "Google Calendar sent an answer that is not JSON (a proxy or captive portal?).",
            "Press r to retry.",
        ),
    ],
    ids=["header-line-too-long", "not-json"],
)
def test_an_answer_that_cannot_be_read(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, fault: Fault, message: str, hint: str
) -> None:
    sandbox.inject("events", fault)
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert words(caught.value) == ("transient", message, hint)


@pytest.mark.parametrize(
    "body",
    [
        b'{"items": [{"id": "a", "summary": "Caf\\u00e9 \xf0\x9f\x8e\x82"}], "nextPageToken": "x"}',
        b'{"summary": "lone \\ud800 surrogate"}',
        b'{"big": 123456789012345678901234567890, "nan": NaN}',
        b'{"data": {"items": []}}',
        b"<html>captive portal</html>",
        b"",
    ],
)
def test_fast_json_model_reads_answers_as_the_library_does(body: bytes) -> None:
    from googleapiclient.model import JsonModel

    from tui.calendar.json_model import FastJsonModel

    for data_wrapper in (False, True):
        assert FastJsonModel(data_wrapper).deserialize(body) == JsonModel(data_wrapper).deserialize(body)


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=200, body={"access_token": "ya29.x", "expires_in": 1e12}, times=None),
        Fault(status=200, body={"access_token": 5, "expires_in": 3600}, times=None),
        Fault(status=200, body={"access_token": "", "expires_in": 3600}, times=None),
        Fault(status=200, body="[1, 2]", times=None),
        Fault(status=303, headers={"Location": "ftp://example.com/token"}, times=None),
    ],
    ids=["expires-1e12", "token-number", "token-empty", "a-list", "303-ftp"],
)
def test_refresh_answers_that_cannot_be_used_keep_the_stored_sign_in(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, credentials_path: Path, fault: Fault
) -> None:
    before = credentials_path.read_text()
    expire_in_memory(stored_credentials)
    sandbox.inject("token", fault)
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert caught.value.kind == "transient"
    assert "could not be read" in caught.value.message
    assert credentials_path.read_text() == before
    assert stored_credentials.access_token == json.loads(before)["access_token"]  # not half-updated


def test_a_repeating_page_token_ends_the_load_with_words(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, event_requests
) -> None:
    page = {"kind": "calendar#events", "items": [], "nextPageToken": "same-again"}
    sandbox.inject("events", Fault(status=200, body=page, times=None))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert (caught.value.kind, caught.value.message, caught.value.hint) == (
        "request",
        "Google Calendar sent the same page again after 2 pages (a repeating page token).",
        "Press r to retry; if it happens again, show fewer days (d).",
    )
    assert len(event_requests(sandbox)) == 2  # the first page, and the one that repeated its token


def test_a_page_chain_past_the_cap_ends_the_load_with_words(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, event_requests
) -> None:
    sandbox.calendar_api.page_size = 1
    client = client_for(sandbox, stored_credentials)
    client.max_pages = 3
    with pytest.raises(CalendarError) as caught:
        all_events(client)
    assert (caught.value.kind, caught.value.message, caught.value.hint) == (
        "request",
        "Google Calendar has more than 3 pages of events for these days.",
        "Show fewer days (d), or another calendar (c).",
    )
    assert len(event_requests(sandbox)) == 3


def test_a_repeating_calendar_list_token_ends_with_words(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    page = {"kind": "calendar#calendarList", "items": [], "nextPageToken": "same-again"}
    sandbox.inject("calendarList", Fault(status=200, body=page, times=None))
    with pytest.raises(CalendarError, match="same page"):
        client_for(sandbox, stored_credentials).calendars()


def test_the_calendar_list_is_asked_for_in_big_pages_and_every_page_is_kept(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    sandbox.calendar_api.list_page_size = 2  # Google may send fewer than asked for
    calendars = client_for(sandbox, stored_credentials).calendars()
    assert [c.id for c in calendars] == [PRIMARY, TEAM, HOLIDAYS, TOKYO, OLD_PROJECT, COLLEAGUE]
    asked = sandbox.requests_to("/calendar/v3/users/me/calendarList")
    assert [request.params.get("maxResults") for request in asked] == ["250", "250", "250"]
    tokens = [request.params.get("pageToken") for request in asked]
    assert tokens[0] is None and tokens[1] and tokens[2] and tokens[1] != tokens[2]


@pytest.mark.parametrize("value", ["²", "1.5", "-3", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"])
def test_any_retry_after_is_a_delay_or_ignored(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, value: str
) -> None:
    too_many = Fault(status=429, body=API_ERRORS["429_too_many"], headers={"Retry-After": value})
    sandbox.inject("events", too_many)
    notices: list[RetryNotice] = []
    assert all_events(client_for(sandbox, stored_credentials, notices))
    assert len(notices) == 1 and 0 <= notices[0].delay <= 32


def test_an_answer_past_the_size_cap_ends_the_load_with_words(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.bounded_http

    monkeypatch.setattr(tui.bounded_http, "MAX_ANSWER_BYTES", 100_000)
    page = {"items": [{"id": "big", "summary": "x" * 200_000, "start": {"date": "2026-11-26"}}]}
    sandbox.inject("events", Fault(status=200, body=page))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    kind, message, hint = words(caught.value)
    assert (kind, hint) == ("request", "Show fewer days (d), or another calendar (c).")
    assert re.fullmatch(
        r"Google Calendar sent an answer of more than \d+ MB for one page, more than gcal-tui reads\.",
        message,
    )


@pytest.mark.parametrize(
    ("status", "body", "kind", "words"),
    [
        (
            401,
            {"error": "deleted_client", "error_description": "The OAuth client was deleted."},
            "configuration",
            "was deleted",
        ),
        (
            401,
            {"error": "unauthorized_client", "error_description": "Unauthorized"},
            "configuration",
            "not allowed",
        ),
        (
            400,
            {"error": "admin_policy_enforced", "error_description": "Blocked."},
            "configuration",
            "administrator",
        ),
        (
            400,
            {
                "error": "invalid_grant",
                "error_description": "reauth related error (invalid_rapt)",
                "error_subtype": "invalid_rapt",
            },
            "sign_in",
            "re-authentication",
        ),
    ],
    ids=["deleted_client", "unauthorized_client", "admin_policy_enforced", "invalid_rapt"],
)
def test_refresh_errors_say_what_to_change(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, status: int, body: dict, kind: str, words: str
) -> None:
    expire_in_memory(stored_credentials)
    sandbox.inject("token", Fault(status=status, body=body, times=None))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert caught.value.kind == kind
    assert words in caught.value.message
    assert caught.value.hint != "Sign in again."
    assert f"{body['error']}{body['error_description']}" not in caught.value.message  # not glued


@pytest.mark.parametrize("reason", ["dailyLimitExceeded", "quotaExceeded"])
def test_a_used_up_quota_is_called_a_quota(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, reason: str
) -> None:
    body = {
        "error": {
            "code": 403,
            "message": "Quota exceeded.",
            "errors": [{"domain": "usageLimits", "reason": reason}],
        }
    }
    sandbox.inject("events", Fault(status=403, body=body, times=None))
    with pytest.raises(CalendarError, match="quota") as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert "forbidden" not in caught.value.message


def test_the_calendar_name_on_a_page_is_cleaned_and_cut(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    page = {"summary": "\x1b]2;pwned\x07Work\u202e" + "x" * 5000, "items": []}
    sandbox.inject("events", Fault(status=200, body=page))
    (first,) = client_for(sandbox, stored_credentials).event_pages("primary", START, END)
    name = first.calendar_summary  # shown on the status line
    assert "\x1b" not in name and "\x07" not in name and "\u202e" not in name
    assert name.startswith("␛]2;pwned") and len(name) <= 200


REFRESH_REFUSALS = {
    "revoked": (
        400,
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
        "sign_in",
        "Google no longer accepts your sign-in: it was revoked, expired (apps in 'Testing' get 7 days), "
        "went unused for six months, or was replaced by newer ones.",
        "Sign in again.",
    ),
    "workspace re-authentication": (
        400,
        {
            "error": "invalid_grant",
            "error_description": "reauth related error (invalid_rapt)",
            "error_uri": "https://support.google.com/a/answer/9368756",
            "error_subtype": "invalid_rapt",
        },
        "sign_in",
        "Your Google Workspace asks you to sign in again from time to time (re-authentication). "
        "Google said: invalid_grant (reauth related error (invalid_rapt)).",
        "Sign in again; this is expected every so often on Workspace accounts.",
    ),
    "client unknown": (
        401,
        {"error": "invalid_client", "error_description": "The OAuth client was not found."},
        "configuration",
        "Google does not accept the client id and secret that these credentials were made with.",
        "Check the client secrets file (download it again from Google Cloud console), then sign in.",
    ),
    "client deleted": (
        401,
        {"error": "deleted_client", "error_description": "The OAuth client was deleted."},
        "configuration",
        "The OAuth client these credentials were made with was deleted in Google Cloud console. "
        "Google said: deleted_client (The OAuth client was deleted.).",
        "Create a Desktop app client, save its JSON as the client secrets, then sign in again.",
    ),
    "client not allowed, no description": (
        400,
        {"error": "unauthorized_client"},
        "configuration",
        "The OAuth client is not allowed to renew this sign-in (its type or settings changed). "
        "Google said: unauthorized_client.",
        "Use a Desktop app client's JSON as the client secrets, then sign in again.",
    ),
    "blocked by the administrator": (
        400,
        {"error": "admin_policy_enforced", "error_description": "Blocked by admin."},
        "configuration",
        "Your Google Workspace administrator does not allow this app to use your account. "
        "Google said: admin_policy_enforced (Blocked by admin.).",
        "Ask your administrator to allow the app's client id, or use another account.",
    ),
    "server error": (
        500,
        {"error": "internal_failure"},
        "transient",
        "Refreshing the sign-in failed (HTTP 500); your stored sign-in is kept.",
        "Press r to retry.",
    ),
    "rate limited": (
        429,
        {"error": "rate_limit_exceeded"},
        "transient",
        "Refreshing the sign-in failed (HTTP 429); your stored sign-in is kept.",
        "Press r to retry.",
    ),
    "anything else": (
        403,
        {"error": "access_denied", "error_description": "Nope"},
        "sign_in",
        "Refreshing the sign-in failed (access_denied: Nope).",
        "Sign in again.",
    ),
}


@pytest.mark.parametrize(
    ("status", "body", "kind", "message", "hint"), REFRESH_REFUSALS.values(), ids=REFRESH_REFUSALS.keys()
)
def test_each_refusal_of_a_refresh_reads_as_what_to_do(
    sandbox: Sandbox,
    stored_credentials: OAuth2Credentials,
    status: int,
    body: dict,
    kind: str,
    message: str,
    hint: str,
) -> None:
    """The words a person reads for each answer the token service can give to a refresh."""
    expire_in_memory(stored_credentials)
    sandbox.inject("token", Fault(status=status, body=body, times=None))
    with pytest.raises(CalendarError) as caught:
        all_events(client_for(sandbox, stored_credentials))
    assert (caught.value.kind, caught.value.message, caught.value.hint) == (kind, message, hint)
    assert caught.value.retry_reason == (f"token refresh HTTP {status}" if kind == "transient" else None)


def test_each_failed_refresh_that_keeps_the_sign_in_says_so_and_is_retried(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, closed_port
) -> None:  # type: ignore[no-untyped-def]
    def refresh_failing(fault: Fault | None = None, token_uri: str | None = None) -> CalendarError:
        expire_in_memory(stored_credentials)
        sandbox.clear_faults()
        if token_uri:
            stored_credentials.token_uri = token_uri
        if fault:
            sandbox.inject("token", fault)
        notices: list[RetryNotice] = []
        with pytest.raises(CalendarError) as caught:
            all_events(client_for(sandbox, stored_credentials, notices, timeout=0.5))
        assert len(notices) == FAST.attempts - 1  # each is retried before giving up
        return caught.value

    cases = [
        (
            refresh_failing(Fault(status=200, body="<html>captive portal</html>", times=None)),
            "Refreshing the sign-in got an answer that could not be read (a proxy or captive portal?); "
            "your stored sign-in is kept.",
            "unreadable token refresh answer",
        ),
        (
            refresh_failing(Fault(status=200, delay=3.0, times=None)),
            "Refreshing the sign-in: Google did not answer in time; your stored sign-in is kept.",
            "token refresh timed out",
        ),
        (
            refresh_failing(token_uri=f"http://127.0.0.1:{closed_port()}/token"),
            "Refreshing the sign-in could not reach Google (ConnectionRefusedError).",
            "token refresh unreachable",
        ),
    ]
    for error, message, reason in cases:
        assert (error.kind, error.message, error.hint, error.retry_reason) == (
            "transient",
            message,
            "Check your network, then press r to retry.",
            reason,
        )


def test_a_free_busy_calendar_gives_busy_blocks_and_a_calendar_its_own_name(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    client = client_for(sandbox, stored_credentials)
    busy = list(client.event_pages(COLLEAGUE, START, END))
    assert [(page.calendar_id, page.access_role, page.calendar_summary) for page in busy] == [
        (COLLEAGUE, "freeBusyReader", "Charles Babbage")
    ]
    events = busy[0].events
    assert events and {(event.title, event.busy_only, event.calendar_id) for event in events} == {
        ("Busy", True, COLLEAGUE)
    }
    team = next(iter(client.event_pages(TEAM, START, END)))
    assert (team.access_role, team.calendar_summary) == ("writer", "Analytical Engine team")
    assert team.events and not any(event.busy_only for event in team.events)
    assert {event.title for event in team.events} != {"Busy"}
