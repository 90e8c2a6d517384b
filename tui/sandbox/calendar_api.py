"""Calendar v3 emulator routes: calendarList.list and events.list, with Google's paging and errors."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.sandbox.calendar_data import EVENT_COLORS, CalendarStore, rfc3339
from tui.sandbox.calendar_writes import EventWrites
from tui.sandbox.google_errors import INSUFFICIENT_SCOPES, UNAUTHENTICATED, error_body

if TYPE_CHECKING:
    from tui.sandbox.server import _Handler

READ_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/calendar.readonly",
        "https://www.googleapis.com/auth/calendar",
        "https://www.googleapis.com/auth/calendar.events.readonly",
    }
)
API_PREFIX = "/calendar/v3/"


MOST_SELECTIONS_KEPT = 64  # a range of each of many calendars, paged: computed once, not per page
FREE_BUSY_FIELDS = ("kind", "etag", "id", "status", "start", "end")
# With singleEvents=false a series is one item: its rules and its exceptions' links are kept too
# (our assumption: Google's documentation does not say which fields a free/busy reader's sync gets).
FREE_BUSY_SYNC_FIELDS = (*FREE_BUSY_FIELDS, "recurrence", "recurringEventId", "originalStartTime")


def _as_shared(
    entry: dict[str, Any], items: list[dict[str, Any]], free_busy_fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The items as the calendar is shared with you: only `free_busy_fields` of each (when the owner
    is busy) on a calendar you see as free/busy."""
    if entry["accessRole"] != "freeBusyReader":
        return items
    return [{key: item[key] for key in free_busy_fields if key in item} for item in items]


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, value = text.split(":")
        return int(value) if prefix == "offset" else None
    except (ValueError, UnicodeDecodeError):
        return None


SYNC_REFUSES = ("timeMin", "timeMax", "orderBy", "q", "iCalUID", "updatedMin")


def _sync_version(token: str) -> int | None:
    try:
        prefix, value = base64.urlsafe_b64decode(token).decode().split(":")
        return int(value) if prefix == "sync" else None
    except (ValueError, UnicodeDecodeError):
        return None


def _page_offset(params: dict[str, str]) -> int | None:
    """Where the page asked for starts (its pageToken), or None for a token that is not ours."""
    return _offset(params["pageToken"]) if "pageToken" in params else 0


def _next_page(offset: int, size: int, total: int, sync_token: str) -> dict[str, str]:
    """A page's nextPageToken while items are left; the last page's nextSyncToken instead."""
    if offset + size < total:
        return {"nextPageToken": _token(offset + size)}
    return {"nextSyncToken": sync_token}


def _in_zone(item: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """`item` with its start, end and originalStartTime instants written in `zone`'s offset then."""
    changed = {}
    for part in ("start", "end", "originalStartTime"):
        when = item.get(part)
        if isinstance(when, dict) and "dateTime" in when:
            moment = datetime.fromisoformat(when["dateTime"]).astimezone(zone)
            changed[part] = {**when, "dateTime": rfc3339(moment)}
    return {**item, **changed} if changed else item


def _searched_text(item: dict[str, Any]) -> str:
    """What `q` looks in, as Google documents it: title, description, location, the guests' and the
    organizer's names and e-mails."""
    people = [*(item.get("attendees") or []), item.get("organizer") or {}]
    fields = [item.get("summary"), item.get("description"), item.get("location")]
    fields += [person.get(key) for person in people for key in ("displayName", "email")]
    return "\n".join(field for field in fields if isinstance(field, str)).casefold()


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("timeMin and timeMax need an offset")
    return moment


class CalendarApi:
    """Serves the store; `page_size` caps every page (Google's pages may be shorter than asked)."""

    def __init__(self, store: CalendarStore, page_size: int = 2500) -> None:
        self.store = store
        self.page_size = page_size
        self.list_page_size = 250  # tests make it smaller to page the calendar list
        self.latency = 0.0
        self.most_in_flight = 0  # the most requests answered at the same time, for tests
        self._in_flight = 0
        self._count_lock = threading.Lock()
        self._selection_cache: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self.writes = EventWrites(store)

    def replace_store(self, store: CalendarStore) -> None:
        self.store = store
        self.writes = EventWrites(store)
        self._selection_cache.clear()

    def handle(self, handler: _Handler, params: dict[str, str]) -> None:
        with self._count_lock:
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            self._handle(handler, params)
        finally:
            with self._count_lock:
                self._in_flight -= 1

    def _handle(self, handler: _Handler, params: dict[str, str]) -> None:
        if self.latency:
            time.sleep(self.latency)
        auth = handler.headers.get("Authorization", "")
        record = None
        if auth.startswith("Bearer "):
            record = handler.sandbox.oauth_state.access_token_owner(auth.removeprefix("Bearer "))
        if record is None:
            handler.send_json(
                401,
                UNAUTHENTICATED,
                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
            )
            return
        path = handler.path.split("?", 1)[0].removeprefix(API_PREFIX)
        if handler.command != "GET":
            parts = [unquote(part) for part in path.split("/")]
            self.writes.handle(handler, handler.command, parts, params, set(record.scopes))
            self._selection_cache.clear()
            return
        if not READ_SCOPES & set(record.scopes):
            handler.send_json(403, INSUFFICIENT_SCOPES)
            return
        if path == "users/me/calendarList":
            self.calendar_list(handler, params)
            return
        if path == "colors":
            handler.send_json(
                200,
                {
                    "kind": "calendar#colors",
                    "updated": "2012-02-14T00:00:00.000Z",
                    "calendar": {},
                    "event": EVENT_COLORS,
                },
            )
            return
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "calendars" and parts[2] == "events":
            self.events_list(handler, unquote(parts[1]), params)
            return
        if len(parts) == 4 and parts[0] == "calendars" and parts[2] == "events":
            if self.store.entry(unquote(parts[1])) is None:
                handler.send_json(404, error_body(404, "notFound", "Not Found"))
                return
            self.writes.get(handler, unquote(parts[1]), unquote(parts[3]))
            return
        handler.send_json(404, error_body(404, "notFound", "Not Found"))

    def calendar_list(self, handler: _Handler, params: dict[str, str]) -> None:
        """Paged as Google pages it: at most maxResults (250 by default and at most) a page."""
        try:
            max_results = min(int(params.get("maxResults", "100")), 250, self.list_page_size)
        except ValueError:
            handler.send_json(400, error_body(400, "badRequest", "Bad Request"))
            return
        offset = _page_offset(params)
        if offset is None or max_results < 1:
            handler.send_json(400, error_body(400, "invalid", "Invalid page token value."))
            return
        entries = self.store.entries
        body: dict[str, Any] = {
            "kind": "calendar#calendarList",
            "etag": '"p33g8fake0"',
            "items": [
                {"kind": "calendar#calendarListEntry", **e} for e in entries[offset : offset + max_results]
            ],
        }
        body.update(_next_page(offset, max_results, len(entries), "CKDxfakeSyncToken"))
        handler.send_json(200, body)

    def events_list(self, handler: _Handler, calendar_id: str, params: dict[str, str]) -> None:
        entry = self.store.entry(calendar_id)
        if entry is None:
            handler.send_json(404, error_body(404, "notFound", "Not Found"))
            return
        if "syncToken" in params or params.get("singleEvents") != "true":
            self.sync_list(handler, entry, params)
            return
        try:
            time_min, time_max = _moment(params.get("timeMin")), _moment(params.get("timeMax"))
            max_results = min(int(params.get("maxResults", "250")), 2500)
        except ValueError:
            handler.send_json(400, error_body(400, "badRequest", "Bad Request"))
            return
        if max_results < 1:
            handler.send_json(
                400,
                error_body(400, "invalid", "Invalid value '0'. Values must be within the range: [1, 2500]"),
            )
            return
        if time_min is not None and time_max is not None and time_min > time_max:
            handler.send_json(
                400, error_body(400, "timeRangeEmpty", "The specified time range is empty.", "calendar")
            )
            return
        zone_name = params.get("timeZone") or entry["timeZone"]
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            handler.send_json(400, error_body(400, "timeZone", "Invalid time zone definition for time zone."))
            return
        offset = _page_offset(params)
        if offset is None:
            handler.send_json(400, error_body(400, "invalid", "Invalid page token value."))
            return
        selected = self._select(entry["id"], time_min, time_max, params.get("q", ""), zone)
        size = max(1, min(max_results, self.page_size))
        page = selected[offset : offset + size]
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": '"p32cfake1"',
            "summary": entry["summary"],
            "description": "",
            "updated": "2026-11-25T08:00:00.000Z",
            "timeZone": zone.key,
            "accessRole": entry["accessRole"],
            "defaultReminders": [],
        }
        body.update(_next_page(offset, size, len(selected), "CPDAlvWDx_fakeSyncToken"))
        body["items"] = _as_shared(entry, page, FREE_BUSY_FIELDS)
        handler.send_body(200, json.dumps(body).encode(), "application/json; charset=UTF-8")

    def sync_list(self, handler: _Handler, entry: dict[str, Any], params: dict[str, str]) -> None:
        """events.list as incremental sync uses it (`singleEvents=false`): the whole calendar, each
        series once, or with `syncToken` only what changed since; the last page carries
        `nextSyncToken`. A stale token gets 410, and the filters Google refuses with one get 400."""
        if params.get("orderBy") == "startTime" and "syncToken" not in params:
            handler.send_json(
                400,
                error_body(
                    400, "badRequest", "The requested ordering is not available for the particular query."
                ),
            )
            return
        if "syncToken" in params:
            refused = next((name for name in SYNC_REFUSES if name in params), None)
            if refused is not None:
                message = f"Invalid value for: {refused} is not supported together with syncToken"
                handler.send_json(400, error_body(400, "invalid", message))
                return
            version = _sync_version(params["syncToken"])
            if version is None or version < self.store.oldest_valid_version:
                message = "Sync token is no longer valid, a full sync is required."
                handler.send_json(410, error_body(410, "fullSyncRequired", message, "calendar"))
                return
            items = self.store.changed_since(entry["id"], version)
        else:
            items = self.store.unexpanded(entry["id"])
        try:
            size = max(1, min(int(params.get("maxResults", "250")), 2500, self.page_size))
        except ValueError:
            handler.send_json(400, error_body(400, "badRequest", "Bad Request"))
            return
        offset = _page_offset(params)
        if offset is None:
            handler.send_json(400, error_body(400, "invalid", "Invalid page token value."))
            return
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": '"p32cfake2"',
            "summary": entry["summary"],
            "updated": "2026-11-26T09:00:00.000Z",
            "timeZone": entry["timeZone"],
            "accessRole": entry["accessRole"],
            "defaultReminders": [],
        }
        body["items"] = _as_shared(entry, items[offset : offset + size], FREE_BUSY_SYNC_FIELDS)
        sync_token = base64.urlsafe_b64encode(f"sync:{self.store.version}".encode()).decode()
        body.update(_next_page(offset, size, len(items), sync_token))
        handler.send_body(200, json.dumps(body).encode(), "application/json; charset=UTF-8")

    def _select(
        self,
        calendar_id: str,
        time_min: datetime | None,
        time_max: datetime | None,
        query: str,
        zone: ZoneInfo,
    ) -> list[dict[str, Any]]:
        """The items in the window, with every dateTime written in `zone` (as Google answers)."""
        events = self.store.events.get(calendar_id, ())
        key = (calendar_id, time_min, time_max, query, zone.key, len(events), self.store.version)
        cached = self._selection_cache.get(key)
        if cached is None:
            needle = query.casefold()
            cached = [
                item
                for start, end, item in self.store.events.get(calendar_id, ())
                if (time_min is None or end > time_min)
                and (time_max is None or start < time_max)
                and (not needle or needle in _searched_text(item))
            ]
            cached = [_in_zone(item, zone) for item in cached]
            if len(self._selection_cache) >= MOST_SELECTIONS_KEPT:
                self._selection_cache.clear()
            self._selection_cache[key] = cached
        return cached


def load_store_from_pages(*pages: Path) -> CalendarStore:
    """A store holding exactly the items of recorded events.list pages (the fixtures)."""
    store = CalendarStore()
    for page in pages:
        body = json.loads(page.read_text())
        for item in body["items"]:
            store.add("ada.lovelace@example.com", item)
    store.sort()
    return store
