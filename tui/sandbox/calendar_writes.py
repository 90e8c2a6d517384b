"""The emulator's writes, as Google Calendar v3 answers them: `events.insert`, `events.quickAdd`,
`events.patch` and `events.delete`, each with Google's checks in Google's order: a token with a
scope that may write (`calendar.events` or `calendar`, else 403 insufficientPermissions), a calendar
you may write to (else 403 requiredAccessLevel), the event (404, or 410 once deleted), its ETag when
`If-Match` names one (412 conditionNotMet), then the body. Every write gets a new ETag and is a
change that incremental sync reports.

A series is stored as its instances (as `singleEvents=true` lists them): the series' own id gets a
stand-in for its master event (`series_master`: the first instance's times and fields, a weekly
rule), and a patch or delete of that id changes every instance, a new start moving each by as much."""

from __future__ import annotations

import json
import re
import secrets
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from tui.calendar.recurrence import RecurrenceError, instant_of, rrule_fields
from tui.calendar.recurrence import instances as series_instances
from tui.sandbox.calendar_data import CalendarStore, _event, rfc3339
from tui.sandbox.google_errors import INSUFFICIENT_SCOPES, error_body

if TYPE_CHECKING:
    from tui.sandbox.server import _Handler

WRITE_SCOPES = frozenset(
    {"https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/calendar.events"}
)
WRITER_ROLES = frozenset({"owner", "writer"})
SERIES_DAYS = 180  # a series inserted gets its events this far ahead
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SEND_UPDATES = frozenset({"all", "externalOnly", "none"})
MOST_BODY_BYTES = 1_000_000


REQUIRED_ACCESS = error_body(
    403, "requiredAccessLevel", "You need to have writer access to this calendar.", "calendar"
)
CONDITION_NOT_MET = error_body(
    412, "conditionNotMet", "Precondition Failed", locationType="header", location="If-Match"
)
DELETED = error_body(410, "deleted", "Resource has been deleted")
NOT_FOUND = error_body(404, "notFound", "Not Found")


class EventWrites:
    def __init__(self, store: CalendarStore) -> None:
        self.store = store
        self.now = lambda: datetime.now(UTC)
        self.deleted: set[tuple[str, str]] = set()
        self.masters: dict[tuple[str, str], dict[str, Any]] = {}  # series inserted or changed
        self.sent_updates: list[tuple[str, str, str]] = []  # (method, last path part, sendUpdates): for tests

    def handle(
        self, handler: _Handler, method: str, parts: list[str], params: dict[str, str], scopes: set[str]
    ) -> None:
        """`parts`: the path after calendar/v3/, split at "/" (calendars, ID, events[, EVENT_ID])."""
        if len(parts) < 3 or parts[0] != "calendars" or parts[2] != "events":
            handler.send_json(404, NOT_FOUND)
            return
        if not WRITE_SCOPES & scopes:
            handler.send_json(403, INSUFFICIENT_SCOPES)
            return
        entry = self.store.entry(parts[1])
        if entry is None:
            handler.send_json(404, NOT_FOUND)
            return
        if entry.get("accessRole") not in WRITER_ROLES:
            handler.send_json(403, REQUIRED_ACCESS)
            return
        if params.get("sendUpdates", "none") not in SEND_UPDATES:
            handler.send_json(
                400, error_body(400, "invalid", f"Invalid value for: sendUpdates = {params['sendUpdates']}")
            )
            return
        calendar_id = entry["id"]
        self.sent_updates.append((method, parts[-1], params.get("sendUpdates", "none")))
        if method == "POST" and len(parts) == 4 and parts[3] == "quickAdd":
            self.quick_add(handler, calendar_id, entry, params.get("text", ""))
        elif method == "POST" and len(parts) == 3:
            self.insert(handler, calendar_id)
        elif method in ("PATCH", "DELETE") and len(parts) == 4:
            self.change(handler, method, calendar_id, parts[3])
        else:
            handler.send_json(404, NOT_FOUND)

    def insert(self, handler: _Handler, calendar_id: str) -> None:
        body = _json_body(handler)
        if body is None:
            return
        if not isinstance(body.get("start"), dict) or not isinstance(body.get("end"), dict):
            handler.send_json(
                400,
                error_body(
                    400, "required", "Missing end time." if "start" in body else "Missing start time."
                ),
            )
            return
        event_id = secrets.token_hex(13)
        item = _event(calendar_id, event_id, body["start"], body["end"])
        item.update({key: value for key, value in body.items() if key not in ("id", "etag", "kind")})
        if "recurrence" in item:
            self.insert_series(handler, calendar_id, item)
            return
        self._save(handler, calendar_id, item)

    def insert_series(self, handler: _Handler, calendar_id: str, master: dict[str, Any]) -> None:
        """A new series: kept as its master, and its events over the next SERIES_DAYS made."""
        start = instant_of(master["start"])
        try:
            made = list(series_instances(master, start, start + timedelta(days=SERIES_DAYS)))
        except RecurrenceError:
            handler.send_json(400, error_body(400, "invalid", "Invalid recurrence rule."))
            return
        self._stamp(master)
        self.masters[(calendar_id, master["id"])] = master
        for item in made:
            self._stamp(item)
            self.store.put(calendar_id, item)
        handler.send_json(200, master)

    def quick_add(self, handler: _Handler, calendar_id: str, entry: dict[str, Any], text: str) -> None:
        if not text.strip():
            handler.send_json(400, error_body(400, "required", "Required parameter: text"))
            return
        zone = ZoneInfo(entry.get("timeZone") or "UTC")
        summary, start, end, location = parse_quick_add(text, self.now().astimezone(zone))
        item = _event(calendar_id, secrets.token_hex(13), start, end, summary=summary)
        if location:
            item["location"] = location
        self._save(handler, calendar_id, item)

    def current(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        """The event as stored, or the master of the series with that id."""
        found = next(
            (item for _, _, item in self.store.events.get(calendar_id, []) if item.get("id") == event_id),
            None,
        )
        return found or self.series_master(calendar_id, event_id)

    def series_master(self, calendar_id: str, series_id: str) -> dict[str, Any] | None:
        """The series as inserted or last changed, else one made up from its events: the first
        one's fields and times, every week on the weekdays its events fall on."""
        if (calendar_id, series_id) in self.masters:
            return self.masters[(calendar_id, series_id)]
        instances = self.instances(calendar_id, series_id)
        if not instances:
            return None
        first = instances[0]
        master = {
            key: value
            for key, value in first.items()
            if key not in ("recurringEventId", "originalStartTime", "etag", "id")
        }
        original = first.get("originalStartTime") or first["start"]
        length = instant_of(first["end"]) - instant_of(first["start"])
        weekdays = sorted(
            {_wall(item.get("originalStartTime") or item["start"]).weekday() for item in instances}
        )
        master.update(
            id=series_id,
            etag=f'"{zlib.crc32(series_id.encode()):014d}"',
            start=original,
            end=_shifted(original, length),
            recurrence=["RRULE:FREQ=WEEKLY;BYDAY=" + ",".join(BYDAY[day] for day in weekdays)],
            iCalUID=f"{series_id}@google.com",
        )
        return master

    def instances(self, calendar_id: str, series_id: str) -> list[dict[str, Any]]:
        return [
            item
            for _, _, item in self.store.events.get(calendar_id, [])
            if item.get("recurringEventId") == series_id and item.get("status") != "cancelled"
        ]

    def get(self, handler: _Handler, calendar_id: str, event_id: str) -> None:
        """events.get (read access is enough; the route checks it)."""
        current = self.current(self.store._id(calendar_id), event_id)
        if current is None:
            deleted = (self.store._id(calendar_id), event_id) in self.deleted
            handler.send_json(410 if deleted else 404, DELETED if deleted else NOT_FOUND)
            return
        handler.send_json(200, current)

    def change(self, handler: _Handler, method: str, calendar_id: str, event_id: str) -> None:
        current = self.current(calendar_id, event_id)
        if current is None:
            deleted = (calendar_id, event_id) in self.deleted
            handler.send_json(410 if deleted else 404, DELETED if deleted else NOT_FOUND)
            return
        wanted = handler.headers.get("If-Match")
        if wanted not in (None, "*", current["etag"]):
            handler.send_json(412, CONDITION_NOT_MET)
            return
        series = "recurrence" in current
        if method == "DELETE":
            instances = self.instances(calendar_id, event_id) if series else [current]
            for item in instances:
                self.store.remove(calendar_id, item["id"])
                self.deleted.add((calendar_id, item["id"]))
            self.deleted.add((calendar_id, event_id))
            self.masters.pop((calendar_id, event_id), None)
            handler.send_body(204, b"", "text/plain")
            return
        if series:
            self.change_series(handler, calendar_id, current)
            return
        body = _json_body(handler)
        if body is None:
            return
        changed = {
            **current,
            **{key: value for key, value in body.items() if key not in ("id", "etag", "kind")},
        }
        changed["sequence"] = int(current.get("sequence", 0)) + 1
        self._save(handler, calendar_id, changed)

    def change_series(self, handler: _Handler, calendar_id: str, master: dict[str, Any]) -> None:
        """A patch of a whole series: each of its events changed (and moved) alike."""
        series_id = master["id"]
        instances = self.instances(calendar_id, series_id)
        body = _json_body(handler)
        if body is None:
            return
        moved = _moved_by(master, body)
        fields = {
            key: value
            for key, value in body.items()
            if key not in ("id", "etag", "kind", "start", "end", "recurrence", "recurringEventId")
        }
        last = _last_kept(body.get("recurrence"))
        for number, item in enumerate(instances, 1):
            if last is not None and not last(
                number, instant_of(item.get("originalStartTime") or item["start"])
            ):
                self.store.remove(calendar_id, item["id"])  # the series ends before it now
                continue
            changed = {**item, **fields, "sequence": int(item.get("sequence", 0)) + 1}
            if moved is not None:
                changed["start"] = _shifted(item["start"], moved)
                changed["end"] = _shifted(item["end"], moved)
            self._stamp(changed)
            self.store.put(calendar_id, changed)
        master = {**master, **fields, **{key: body[key] for key in ("recurrence",) if key in body}}
        if moved is not None:
            master["start"], master["end"] = _shifted(master["start"], moved), _shifted(master["end"], moved)
        self._stamp(master)
        self.masters[(calendar_id, series_id)] = master
        handler.send_json(200, master)

    def _new_etag(self) -> str:
        return f'"{int(self.now().timestamp() * 1000)}{secrets.randbelow(1000):03d}"'

    def _stamp(self, item: dict[str, Any]) -> None:
        item["etag"] = self._new_etag()
        item["updated"] = rfc3339(self.now())

    def _save(self, handler: _Handler, calendar_id: str, item: dict[str, Any]) -> None:
        self._stamp(item)
        self.store.put(calendar_id, item)
        handler.send_json(200, item)


def _wall(part: dict[str, str]) -> datetime | date:
    """The day and time as written (in the event's own zone), for its weekday."""
    return (
        datetime.fromisoformat(part["dateTime"]) if "dateTime" in part else date.fromisoformat(part["date"])
    )


def _last_kept(rules: object) -> Callable[[int, datetime], bool] | None:
    """Which events a series keeps under new rules, by number and original start: those up to its
    RRULE's UNTIL or COUNT (None: the rules end it no sooner than before)."""
    if not isinstance(rules, list):
        return None
    for line in rules:
        if not (isinstance(line, str) and line.upper().startswith("RRULE:")):
            continue
        parts = rrule_fields(line)
        if "COUNT" in parts:
            count = int(parts["COUNT"])
            return lambda number, _start: number <= count
        if "UNTIL" in parts:
            text = parts["UNTIL"]
            until = (
                datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                if "T" in text
                else datetime.combine(datetime.strptime(text, "%Y%m%d").date(), time(23, 59, 59), UTC)
            )
            return lambda _number, start: start <= until
    return None


def _moved_by(master: dict[str, Any], body: dict[str, Any]) -> timedelta | None:
    """How far a series patch moves its events: the new start against the master's."""
    new_start, old_start = body.get("start"), master.get("start")
    if not isinstance(new_start, dict) or not isinstance(old_start, dict):
        return None
    if ("date" in new_start) != ("date" in old_start):  # an all-day series made timed, or back
        return None
    try:
        return instant_of(new_start) - instant_of(old_start)
    except (KeyError, TypeError, ValueError):
        return None


def _shifted(part: dict[str, str], by: timedelta) -> dict[str, str]:
    if "dateTime" in part:
        moment = datetime.fromisoformat(part["dateTime"])
        zone = ZoneInfo(part["timeZone"]) if part.get("timeZone") else moment.tzinfo
        return {**part, "dateTime": rfc3339((moment.astimezone(UTC) + by).astimezone(zone))}
    return {**part, "date": (date.fromisoformat(part["date"]) + by).isoformat()}


def _json_body(handler: _Handler) -> dict[str, Any] | None:
    """The request's JSON object, or None after answering 400."""
    try:
        body = json.loads(handler.body[:MOST_BODY_BYTES] or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        handler.send_json(400, error_body(400, "parseError", "Parse Error"))
        return None
    return body


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b", re.IGNORECASE)
_DAY = re.compile(r"\b(today|tomorrow|" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
_PLACE = re.compile(r"\s+at\s+(?!\d)(.+)$", re.IGNORECASE)


def parse_quick_add(text: str, now: datetime) -> tuple[str, dict[str, str], dict[str, str], str]:
    """A small stand-in for Google's quickAdd parser: "Lunch with Ana tomorrow 1pm at Café Zoë"
    gives the title, an hour from 13:00 tomorrow in `now`'s zone and the place. A day without a
    time is an all-day event; no day and no time, the next whole hour."""
    rest, place = text.strip(), ""
    if found := _PLACE.search(rest):
        rest, place = rest[: found.start()], found.group(1).strip()
    day, day_named = now.date(), False
    if found := _DAY.search(rest):
        word, day_named = found.group(1).lower(), True
        if word == "tomorrow":
            day += timedelta(days=1)
        elif word in WEEKDAYS:
            day += timedelta(days=(WEEKDAYS.index(word) - day.weekday() - 1) % 7 + 1)
        rest = rest[: found.start()] + rest[found.end() :]
    at = None
    if (found := _TIME.search(rest)) and (found.group(2) or found.group(3)):
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        meridiem = (found.group(3) or "").lower()
        hour = hour % 12 + (12 if meridiem == "pm" else 0) if meridiem else hour
        if hour < 24 and minute < 60:
            at = time(hour, minute)
            rest = rest[: found.start()] + rest[found.end() :]
    summary = " ".join(rest.split()) or text.strip()
    if at is None and day_named:
        return summary, {"date": day.isoformat()}, {"date": (day + timedelta(days=1)).isoformat()}, place
    if at is None:
        start = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    else:
        start = datetime.combine(day, at, now.tzinfo)
    zone_name = getattr(now.tzinfo, "key", "UTC")
    return (
        summary,
        {"dateTime": rfc3339(start), "timeZone": zone_name},
        {"dateTime": rfc3339(start + timedelta(hours=1)), "timeZone": zone_name},
        place,
    )
