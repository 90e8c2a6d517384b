"""Calendar v3 through googleapiclient: paging, retries with backoff, and errors in plain words."""

from __future__ import annotations

import email.utils
import http.client
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar

import httplib2
from oauth2client import client

from tui.auth.flow import TOKEN_ERROR_CODES, split_flow_error
from tui.bounded_http import NETWORK_ERRORS, AnswerTooLarge, BoundedHttp
from tui.calendar.errors import CalendarError
from tui.calendar.model import CalendarInfo, Event, color_value, parse_calendar, parse_event
from tui.config import DEFAULT_TIMEOUT_SECONDS, AppConfig
from tui.credentials_store import usable_access_token
from tui.text import clip, safe_text

PAGE_SIZE = 2500
MAX_PAGES = 200  # 500,000 events: a chain longer than that is a server gone wrong
REFRESH_MARGIN = timedelta(seconds=60)
ZONE_MARGIN = timedelta(hours=3)  # two zones' midnights are at most 26 hours apart, a day and 2 hours
RETRYABLE_403_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# What oauth2client changes on credentials when it reads a token answer.
TOKEN_FIELDS = (
    "access_token",
    "refresh_token",
    "token_expiry",
    "token_response",
    "id_token",
    "id_token_jwt",
    "invalid",
)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries in all, the first included
    base_delay: float = 1.0
    max_delay: float = 32.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, retry_number: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * 2**retry_number)
        return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass(frozen=True)
class RetryNotice:
    """Told to the caller before each wait, so the status line can say it is retrying."""

    retry_number: int
    delay: float
    reason: str


@dataclass(frozen=True)
class EventPage:
    """One page of `events.list`. Its items are parsed where they are used, on first reading
    `events`: the fetching thread asks for the next page at once, and the parsing overlaps with
    Google preparing it."""

    number: int
    items: list[Any]
    calendar_summary: str
    last: bool
    calendar_id: str = ""  # as asked for ("primary", or an id from the calendar list)
    access_role: str = ""  # yours on the calendar: "freeBusyReader" sees only when it is busy
    next_sync_token: str = ""  # on the last page of a sync: where the next one starts

    @cached_property
    def events(self) -> list[Event]:
        """The items that are events to show (a cancelled one, or one without times, is not)."""
        summary, calendar_id = self.calendar_summary, self.calendar_id
        events = [
            event
            for item in self.items
            if isinstance(item, dict) and (event := parse_event(item, summary, calendar_id)) is not None
        ]
        if self.access_role == "freeBusyReader":
            for event in events:
                event.busy_only = True
        return events


MOST_COLORS = 100  # Google has 11 event colours; a palette is read no further
MOST_TOKEN_CHARACTERS = 4096  # a sync token is about 30
_REFRESH_LOCK = threading.RLock()
T = TypeVar("T")


class AuthorizedHttp:
    """An httplib2.Http look-alike: bearer token, and on 401 one refresh and one retry.

    oauth2client's own `authorize()` refreshes up to twice per request and never refreshes a token
    it knows has expired; this does what Google's guidance says instead.
    """

    def __init__(
        self, credentials: client.OAuth2Credentials, timeout: float, now: Callable[[], datetime]
    ) -> None:
        self.credentials = credentials
        self._http = BoundedHttp(timeout)
        self.now = now

    def _needs_refresh(self) -> bool:
        expiry = self.credentials.token_expiry  # naive UTC, as oauth2client keeps it
        expired = expiry is not None and expiry.replace(tzinfo=UTC) <= self.now() + REFRESH_MARGIN
        return expired or not self.credentials.access_token or self.credentials.invalid

    def refresh_if_expired(self) -> None:
        if self._needs_refresh():
            with _REFRESH_LOCK:
                if self._needs_refresh():  # not renewed by another calendar's loader meanwhile
                    self._refresh()

    def refresh(self, rejected_token: str | None = None) -> None:
        """Renew the access token. Calendars load side by side, each with its own AuthorizedHttp on
        the same credentials: one renews at a time, and a token already renewed by another while
        this one waited (not the `rejected_token` that got a 401) is used as it is."""
        with _REFRESH_LOCK:
            if rejected_token is not None and self.credentials.access_token != rejected_token:
                return
            self._refresh()

    def _refresh(self) -> None:
        credentials = self.credentials
        before = {name: getattr(credentials, name) for name in TOKEN_FIELDS}
        try:
            credentials.refresh(self._http)
            if not usable_access_token(credentials.access_token):
                raise ValueError("the answer's access_token is not a token")
        except client.HttpAccessTokenRefreshError as error:
            raise _refresh_error(error) from None
        except (
            http.client.LineTooLong,
            client.Error,
            ValueError,
            KeyError,
            TypeError,
            OverflowError,
            AttributeError,
        ):
            # oauth2client reads a 200 as JSON with an access_token without checking either, and
            # may have changed some fields before it failed: the sign-in goes back as it was.
            for name, value in before.items():
                setattr(credentials, name, value)
            raise CalendarError(
                "transient",
                "Refreshing the sign-in got an answer that could not be read (a proxy or captive "
                "portal?); your stored sign-in is kept.",
                "Check your network, then press r to retry.",
                retry_reason="unreadable token refresh answer",
            ) from None
        except TimeoutError:
            raise CalendarError(
                "transient",
                "Refreshing the sign-in: Google did not answer in time; your stored sign-in is kept.",
                "Check your network, then press r to retry.",
                retry_reason="token refresh timed out",
            ) from None
        except NETWORK_ERRORS as error:
            raise CalendarError(
                "transient",
                f"Refreshing the sign-in could not reach Google ({error.__class__.__name__}).",
                "Check your network, then press r to retry.",
                retry_reason="token refresh unreachable",
            ) from None

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        self.refresh_if_expired()
        headers = dict(headers or {})

        def send() -> tuple[httplib2.Response, bytes]:
            self.credentials.apply(headers)  # "Authorization: Bearer <the token now>"
            return self._http.request(
                uri,
                method,
                body=body,
                headers=headers,
                redirections=redirections,
                connection_type=connection_type,
            )

        response, content = send()
        if response.status == http.client.UNAUTHORIZED:
            self.refresh(rejected_token=headers["Authorization"].removeprefix("Bearer "))
            response, content = send()
        return response, content

    def close(self) -> None:
        self._http.close()


def _error_reason(content: bytes) -> tuple[str, str]:
    """(reason, message) from a Google API error body; empty strings when it has none."""
    try:
        error = json.loads(content.decode("utf-8"))["error"]
        message = clip(safe_text(str(error.get("message", ""))))
        errors = error.get("errors") or [{}]
        return clip(safe_text(str(errors[0].get("reason", ""))), 60), message
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeDecodeError):
        return "", ""


def _retry_after(response: httplib2.Response) -> float | None:
    value = response.get("retry-after")
    if not value:
        return None
    if re.fullmatch(r"[0-9]+", value.strip()):  # not isdigit(): "²" is a digit that float() refuses
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # not a date either: back off as if it were absent
    return max(0.0, when.timestamp() - time.time())


# Refresh errors that signing in again does not cure: (message, what to change).
_CLIENT_PROBLEMS = {
    "deleted_client": (
        "The OAuth client these credentials were made with was deleted in Google Cloud console.",
        "Create a Desktop app client, save its JSON as the client secrets, then sign in again.",
    ),
    "unauthorized_client": (
        "The OAuth client is not allowed to renew this sign-in (its type or settings changed).",
        "Use a Desktop app client's JSON as the client secrets, then sign in again.",
    ),
    "admin_policy_enforced": (
        "Your Google Workspace administrator does not allow this app to use your account.",
        "Ask your administrator to allow the app's client id, or use another account.",
    ),
}


def _refresh_error(error: client.HttpAccessTokenRefreshError) -> CalendarError:
    text = clip(safe_text(str(error)))
    status = getattr(error, "status", None)
    head, _, tail = text.partition(": ")  # oauth2client writes "code: description" here
    code, description = (head, tail) if head in TOKEN_ERROR_CODES else split_flow_error(text)
    said = f" Google said: {code}" + (f" ({description})" if description else "") + "." if code else ""
    if code in _CLIENT_PROBLEMS:
        message, hint = _CLIENT_PROBLEMS[code]
        return CalendarError("configuration", message + said, hint)
    if "invalid_rapt" in text:
        return CalendarError(
            "sign_in",
            "Your Google Workspace asks you to sign in again from time to time (re-authentication)." + said,
            "Sign in again; this is expected every so often on Workspace accounts.",
        )
    if text.startswith("invalid_grant"):
        return CalendarError(
            "sign_in",
            "Google no longer accepts your sign-in: it was revoked, expired (apps in 'Testing' get 7 days), "
            "went unused for six months, or was replaced by newer ones.",
            "Sign in again.",
        )
    if text.startswith("invalid_client"):
        return CalendarError(
            "configuration",
            "Google does not accept the client id and secret that these credentials were made with.",
            "Check the client secrets file (download it again from Google Cloud console), then sign in.",
        )
    if status is not None and (status >= 500 or status == 429):
        return CalendarError(
            "transient",
            f"Refreshing the sign-in failed (HTTP {status}); your stored sign-in is kept.",
            "Press r to retry.",
            retry_reason=f"token refresh HTTP {status}",
        )
    return CalendarError("sign_in", f"Refreshing the sign-in failed ({text}).", "Sign in again.")


class CalendarClient:
    """One per worker thread: it owns an httplib2 connection, which is not thread-safe."""

    def __init__(
        self,
        credentials: client.OAuth2Credentials,
        api_root: str,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        retry: RetryPolicy | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.http = AuthorizedHttp(credentials, timeout, now)
        self.api_root = api_root
        self.max_pages = MAX_PAGES
        self.retry = retry or RetryPolicy()
        self.on_retry = on_retry or (lambda notice: None)

    @cached_property
    def service(self) -> Any:
        """The Calendar API, built when first used: a client that only renews the token (see
        `renew_token_if_expired`) does not build it."""
        from googleapiclient.discovery import build  # deferred

        from tui.calendar.json_model import FastJsonModel  # deferred

        return build(
            "calendar",
            "v3",
            http=self.http,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": f"{self.api_root}calendar/v3/"},
            model=FastJsonModel(),
        )

    def close(self) -> None:
        self.http.close()

    def _execute(self, request: Any) -> dict[str, Any]:
        """Run one API request, retrying what is worth retrying, with backoff and notices."""
        return self._with_retries(lambda: self._execute_once(request))

    def renew_token_if_expired(self) -> None:
        """Renew an expired access token now (retried as a request is), so that calendars loaded
        side by side do not each find it expired."""
        self._with_retries(self.http.refresh_if_expired)

    def _with_retries(self, attempt: Callable[[], T]) -> T:
        retry_number = 0
        while True:
            try:
                return attempt()
            except CalendarError as error:
                if error.retry_reason is None or retry_number + 1 >= self.retry.attempts:
                    raise
                delay = self.retry.delay(retry_number, error.retry_after)
                self.on_retry(RetryNotice(retry_number + 1, delay, error.retry_reason))
                self.retry.sleep(delay)
                retry_number += 1

    def _execute_once(self, request: Any, *, writing: bool = False, empty: bool = False) -> dict[str, Any]:
        """`empty`: an answer without a body (204) is expected, and is {}."""
        from googleapiclient.errors import HttpError  # deferred

        try:
            result = request.execute(num_retries=0)
        except HttpError as error:
            raise self._http_error(error, writing=writing) from None
        except client.HttpAccessTokenRefreshError as error:
            raise _refresh_error(error) from None
        except TimeoutError:
            raise CalendarError(
                "transient", "Google Calendar did not answer in time.", "Press r to retry."
            ) from None
        except http.client.LineTooLong:
            raise CalendarError(
                "transient",
                "Google Calendar sent an answer that could not be read (a header line too long).",
                "Check your network (or proxy), then press r to retry.",
            ) from None
        except NETWORK_ERRORS as error:
            raise CalendarError(
                "transient",
                f"Cannot reach Google Calendar ({error.__class__.__name__}).",
                "Check your network, then press r to retry.",
            ) from None
        except AnswerTooLarge as error:
            raise CalendarError(
                "request",
                f"Google Calendar sent {error} for one page, more than gcal-tui reads.",
                "Show fewer days (d), or another calendar (c).",
            ) from None
        except ValueError:
            result = None
        if empty and result in ("", b""):  # googleapiclient reads a method without a body raw
            return {}
        if not isinstance(result, dict):
            raise CalendarError(
                "transient",
                "Google Calendar sent an answer that is not JSON (a proxy or captive portal?).",
                "Press r to retry.",
            )
        return result

    def _http_error(self, error: Any, *, writing: bool = False) -> CalendarError:
        status: int = error.resp.status
        reason, message = _error_reason(error.content)
        detail = f" ({status}{': ' + message if message else ''})"
        if writing and (written := self._write_error(status, reason, detail)) is not None:
            return written
        if status >= 500 or status == 429 or (status == 403 and reason in RETRYABLE_403_REASONS):
            return CalendarError(
                "transient",
                f"Google Calendar is busy or failing{detail}.",
                "Wait a minute, then press r.",
                retry_reason=reason or f"HTTP {status}",
                retry_after=_retry_after(error.resp),
            )
        if status == 410:
            return CalendarError(
                "sync_expired",
                f"Google Calendar no longer takes the stored sync token{detail}.",
                "The calendar is synced again in full.",
            )
        if status == 401:
            return CalendarError(
                "sign_in", "Google Calendar refused the sign-in even after a refresh.", "Sign in again."
            )
        if status == 403 and reason == "accessNotConfigured":
            return CalendarError(
                "configuration",
                f"The Google Calendar API is not enabled for this project{detail}.",
                "Enable it in Google Cloud console (APIs & Services > Library), wait a minute, press r.",
            )
        if status == 403 and reason in ("dailyLimitExceeded", "quotaExceeded"):
            return CalendarError(
                "request",
                f"The Google Cloud project's Calendar API quota is used up{detail}.",
                "Wait (daily quotas reset at midnight Pacific time), or ask for more quota in Google Cloud "
                "console.",
            )
        if status == 403 and reason == "insufficientPermissions":
            return CalendarError(
                "sign_in",
                "The sign-in does not allow reading calendars (insufficient scopes).",
                "Sign in again with a calendar scope.",
            )
        if status == 403:
            return CalendarError(
                "request", f"Access to this calendar is forbidden{detail}.", "Press c to pick another."
            )
        if status == 404:
            return CalendarError(
                "request",
                f"No such calendar, or it is not shared with you{detail}.",
                "Press c to pick another.",
            )
        return CalendarError(
            "request",
            f"Google Calendar rejected the request{detail}.",
            "Press r to retry, or c for another calendar.",
        )

    # Writes: each sent once, never retried (an insert retried after a lost answer is two events;
    # a patch retried is a 412 against itself). A 401 is renewed and sent again: it was not applied.
    def get_event(self, calendar_id: str, event_id: str) -> dict[str, Any]:
        """The event as it is now (after a conflict: what changed)."""
        return self._execute(self.service.events().get(calendarId=calendar_id, eventId=event_id))

    def insert_event(self, calendar_id: str, body: dict[str, Any], send_updates: str) -> dict[str, Any]:
        request = self.service.events().insert(calendarId=calendar_id, body=body, sendUpdates=send_updates)
        return self._write(request)

    def quick_add(self, calendar_id: str, text: str) -> dict[str, Any]:
        return self._write(self.service.events().quickAdd(calendarId=calendar_id, text=text))

    def patch_event(
        self, calendar_id: str, event_id: str, body: dict[str, Any], etag: str, send_updates: str
    ) -> dict[str, Any]:
        """Change the fields in `body`, only if the event is still at `etag` (else "conflict")."""
        request = self.service.events().patch(
            calendarId=calendar_id, eventId=event_id, body=body, sendUpdates=send_updates
        )
        request.headers["If-Match"] = etag
        return self._write(request)

    def delete_event(self, calendar_id: str, event_id: str, etag: str, send_updates: str) -> None:
        request = self.service.events().delete(
            calendarId=calendar_id, eventId=event_id, sendUpdates=send_updates
        )
        request.headers["If-Match"] = etag
        self._execute_once(request, writing=True, empty=True)

    def _write(self, request: Any) -> dict[str, Any]:
        return self._execute_once(request, writing=True)

    def _write_error(self, status: int, reason: str, detail: str) -> CalendarError | None:
        """What a refused write means, or None when it means what a refused read does."""
        if status == 412:
            return CalendarError(
                "conflict",
                f"The event was changed elsewhere since it was read{detail}.",
                "Compare, then redo or drop your change.",
            )
        if status == 403 and reason == "insufficientPermissions":
            return CalendarError(
                "write_access",
                "The sign-in allows reading calendars, not changing them.",
                "Allow gcal-tui to change events (it asks Google once).",
            )
        if status == 403 and reason in ("requiredAccessLevel", "forbidden", "forbiddenForNonOrganizer"):
            return CalendarError(
                "read_only",
                f"You cannot change events on this calendar{detail}.",
                "Ask its owner for write access, or reply instead.",
            )
        if status in (404, 410):
            return CalendarError(
                "gone", f"The event is no longer there{detail}.", "It was deleted elsewhere."
            )
        if status == 400:
            return CalendarError(
                "request", f"Google Calendar refused the change{detail}.", "Check the fields and save again."
            )
        return None

    def _check_next_page(self, token: object, tokens_seen: set[str], pages: int) -> None:
        """Stop a page chain that would not end: a token seen before, or too many pages."""
        if not isinstance(token, str) or token in tokens_seen:
            raise CalendarError(
                "request",
                f"Google Calendar sent the same page again after {pages} pages (a repeating page token).",
                "Press r to retry; if it happens again, show fewer days (d).",
            )
        if pages >= self.max_pages:
            raise CalendarError(
                "request",
                f"Google Calendar has more than {self.max_pages} pages of events for these days.",
                "Show fewer days (d), or another calendar (c).",
            )
        tokens_seen.add(token)

    def event_colors(self) -> dict[str, str]:
        """Google's palette for events: each `colorId` and its colour ("#rrggbb")."""
        palette = self._execute(self.service.colors().get()).get("event")
        if not isinstance(palette, dict):
            return {}
        return {
            str(color_id): color
            for color_id, entry in list(palette.items())[:MOST_COLORS]
            if isinstance(entry, dict) and (color := color_value(entry.get("background")))
        }

    def calendars(self) -> list[CalendarInfo]:
        calendars: list[CalendarInfo] = []
        collection = self.service.calendarList()
        request = collection.list(maxResults=250)
        tokens_seen: set[str] = set()
        while request is not None:
            response = self._execute(request)
            calendars += [
                parse_calendar(item) for item in response.get("items", []) if isinstance(item, dict)
            ]
            request = collection.list_next(request, response)
            if request is not None:
                self._check_next_page(response.get("nextPageToken"), tokens_seen, len(tokens_seen) + 1)
        return calendars

    def event_pages(
        self,
        calendar_id: str,
        start: datetime,
        end: datetime,
        time_zone: str | None = None,
        *,
        query: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[EventPage]:
        """Every page of events in [start, end), in start order, cancelled ones left out; times in
        `time_zone` (an IANA name) when given; only those Google finds `query` in (`q=`: title,
        description, location, guests, organizer) when given.

        Google filters all-day events by midnight in the calendar's zone, which may be a day away
        from the viewer's: the window asked for is a little wider at each end, and the agenda keeps
        the days it shows."""
        collection = self.service.events()
        options = {"timeZone": time_zone} if time_zone else {}
        if query:
            options["q"] = query
        request = collection.list(
            calendarId=calendar_id,
            singleEvents=True,
            orderBy="startTime",
            timeMin=(start - ZONE_MARGIN).isoformat(),
            timeMax=(end + ZONE_MARGIN).isoformat(),
            maxResults=page_size,
            **options,
        )
        return self._pages(collection, request, calendar_id)

    def _pages(self, collection: Any, request: Any, calendar_id: str) -> Iterator[EventPage]:
        """The pages of an `events.list` request, followed to the last (which has no next one)."""
        number = 0
        tokens_seen: set[str] = set()
        while request is not None:
            response = self._execute(request)
            number += 1
            items = response.get("items")
            request = collection.list_next(request, response)
            if request is not None:
                self._check_next_page(response.get("nextPageToken"), tokens_seen, number)
            next_token = response.get("nextSyncToken") if request is None else None
            yield EventPage(
                number,
                items if isinstance(items, list) else [],
                clip(safe_text(response.get("summary")), 200) or calendar_id,
                request is None,
                calendar_id,
                safe_text(response.get("accessRole")),
                next_token
                if isinstance(next_token, str) and len(next_token) <= MOST_TOKEN_CHARACTERS
                else "",
            )

    def sync_pages(self, calendar_id: str, sync_token: str | None) -> Iterator[EventPage]:
        """Every page of an incremental sync (Google's "Synchronize resources efficiently"): the
        whole calendar when `sync_token` is None, else what changed since it (deleted events come
        as `status: cancelled`). Each series comes once, with its rules (`singleEvents=false`: with
        `singleEvents=true` a series without an end never ends). The last page carries
        `next_sync_token`. A token Google no longer takes raises CalendarError "sync_expired"."""
        collection = self.service.events()
        options = {"syncToken": sync_token} if sync_token else {}
        request = collection.list(calendarId=calendar_id, singleEvents=False, maxResults=PAGE_SIZE, **options)
        for page in self._pages(collection, request, calendar_id):
            if page.last and not page.next_sync_token:
                raise CalendarError(
                    "transient",
                    "Google Calendar ended a sync without a usable token for the next one.",
                    "Press r to retry.",
                )
            yield page


@contextmanager
def connect(
    config: AppConfig,
    credentials: client.OAuth2Credentials,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> Iterator[CalendarClient]:
    """A client set up from the app's options, closed afterwards; call it inside a worker thread."""
    calendar = CalendarClient(
        credentials,
        config.api_endpoint,
        timeout=config.api_timeout,
        retry=RetryPolicy(base_delay=config.api_retry_base_delay),
        on_retry=on_retry,
        now=config.now,
    )
    try:
        yield calendar
    finally:
        calendar.close()
