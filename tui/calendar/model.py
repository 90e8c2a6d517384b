"""Events and calendars as plain data, parsed from Calendar v3 JSON, and how to word their times."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from html.parser import HTMLParser
from typing import Any, Generic, TypeVar, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.text import clip, safe_text


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    response: str  # accepted, declined, tentative, needsAction
    optional: bool = False
    organizer: bool = False
    resource: bool = False


T = TypeVar("T")


class read_once(Generic[T]):
    """functools.cached_property without its lock: Python 3.11 takes a lock on every first read
    (3.12 dropped it), a third of the cost of reading an event's fields for `gcal-tui agenda`. Two
    threads reading a field at once would only compute it twice."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> read_once[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object, owner: type | None = None) -> T | read_once[T]:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)  # read from there from now on
        return value


class Event:
    """One event. What the table needs (start, end, all day) is parsed at once; every other field is
    read from the API's item the first time it is asked for, so a page of 2,500 events costs little
    more than its JSON."""

    def __init__(
        self,
        item: dict[str, Any],
        start: datetime | date,
        end: datetime | date,
        calendar: str = "",
        calendar_id: str = "",
    ) -> None:
        self.item = item
        self.start = start
        self.end = end
        self.all_day = not isinstance(start, datetime)
        self.calendar = calendar  # the name of the calendar it was read from
        self.calendar_id = calendar_id
        self.also_on: list[str] = []  # the names of the other calendars the same event is on
        self.busy_only = False  # from a calendar whose owner shares only when they are busy

    def __repr__(self) -> str:
        return f"Event(id={self.id!r}, start={self.start!r})"

    def _field(self, key: str) -> str:
        return safe_text(self.item.get(key))

    @read_once
    def id(self) -> str:
        return self._field("id")

    @read_once
    def summary(self) -> str:
        """The title as sent; "" when the event has none."""
        return self._field("summary")

    @read_once
    def status(self) -> str:
        return self._field("status") or "confirmed"

    @read_once
    def location(self) -> str:
        return self._field("location")

    @read_once
    def description(self) -> str:
        """As plain text (see `description_text`)."""
        raw = self.item.get("description")
        return description_text(raw) if isinstance(raw, str) else ""

    @read_once
    def color_id(self) -> str:
        """The event's own colour, a key of Google's event palette; "" for its calendar's."""
        return self._field("colorId")

    @read_once
    def time_zone(self) -> str:
        return safe_text((self.item.get("start") or {}).get("timeZone"))

    @read_once
    def organizer(self) -> str:
        return _person(self.item.get("organizer"))

    @read_once
    def attendees(self) -> tuple[Attendee, ...]:
        return tuple(
            Attendee(
                email=safe_text(person.get("email")),
                name=safe_text(person.get("displayName")),
                response=safe_text(person.get("responseStatus")) or "needsAction",
                optional=bool(person.get("optional")),
                organizer=bool(person.get("organizer")),
                resource=bool(person.get("resource")),
            )
            for person in self.item.get("attendees") or []
            if isinstance(person, dict)
        )

    @read_once
    def conference_link(self) -> str:
        return _conference_link(self.item)

    @read_once
    def phone_numbers(self) -> tuple[str, ...]:
        """The conference's dial-in numbers, each with its PIN."""
        numbers = []
        for entry in _entry_points(self.item):
            if entry.get("entryPointType") == "phone":
                number = safe_text(entry.get("label")) or safe_text(entry.get("uri")).removeprefix("tel:")
                pin = safe_text(entry.get("pin") or entry.get("passcode"))
                numbers.append(f"{number} (PIN {pin})" if pin else number)
        return tuple(numbers)

    @read_once
    def attachments(self) -> tuple[str, ...]:
        """Each attached file's title and link."""
        found = self.item.get("attachments")
        return tuple(
            f"{safe_text(file.get('title')) or 'Attachment'} ({safe_text(file.get('fileUrl'))})"
            for file in (found if isinstance(found, list) else [])
            if isinstance(file, dict)
        )

    @read_once
    def attendees_omitted(self) -> bool:
        """Google left guests out of the list (there were too many, or only you are shown)."""
        return self.item.get("attendeesOmitted") is True

    @read_once
    def html_link(self) -> str:
        return self._field("htmlLink")

    @read_once
    def recurring_event_id(self) -> str:
        return self._field("recurringEventId")

    @read_once
    def event_type(self) -> str:
        """default, outOfOffice, focusTime, workingLocation, birthday, fromGmail."""
        return self._field("eventType") or "default"

    @read_once
    def my_response(self) -> str:
        """Your own reply: accepted, declined, tentative or needsAction; "accepted" for an event with
        no guests or that you organise without being listed."""
        for person in self.item.get("attendees") or []:
            if isinstance(person, dict) and person.get("self"):
                return safe_text(person.get("responseStatus")) or "needsAction"
        return "accepted"

    @read_once
    def search_text(self) -> str:
        """What the filter looks in, case-folded: title, place, description, the guests' names and
        addresses, the organizer, and the names of the calendars the event is on."""
        people = (f"{person.name} {person.email}" for person in self.attendees)
        parts = (self.summary, self.location, self.description, *people, self.organizer, self.calendar)
        return "\n".join((*parts, *self.also_on)).casefold()

    @property
    def title(self) -> str:
        return self.summary or ("Busy" if self.busy_only else "(No title)")

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def starts_at(self, zone: tzinfo) -> datetime:
        return _instant(self.start, zone)

    def ends_at(self, zone: tzinfo) -> datetime:
        return _instant(self.end, zone)

    def is_ongoing(self, now: datetime) -> bool:
        if isinstance(self.start, datetime):  # instants as sent: wall times in one zone ignore folds
            return self.start <= now < self.end
        zone = now.tzinfo
        assert zone is not None
        return self.starts_at(zone) <= now < self.ends_at(zone)

    def has_ended(self, now: datetime) -> bool:
        if isinstance(self.end, datetime):
            return self.end <= now
        zone = now.tzinfo
        assert zone is not None
        return self.ends_at(zone) <= now


@dataclass(frozen=True)
class CalendarInfo:
    id: str
    summary: str
    access_role: str
    primary: bool = False
    time_zone: str = ""
    color: str = ""  # "#rrggbb", or "" when the list gives none that is a colour
    selected: bool = False  # ticked in Google Calendar's list

    @property
    def shown_by_default(self) -> bool:
        return self.selected or self.primary


_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def color_value(value: Any) -> str:
    """A "#rrggbb" colour as sent, in lower case; "" for anything else."""
    return value.lower() if isinstance(value, str) and _HEX_COLOR.fullmatch(value) else ""


def _instant(value: datetime | date, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(zone)
    return datetime.combine(value, datetime.min.time(), zone)


def _when(part: dict[str, Any] | None) -> tuple[datetime | date, bool]:
    part = part or {}
    if "dateTime" in part:
        return datetime.fromisoformat(part["dateTime"]), False
    if "date" in part:
        return date.fromisoformat(part["date"]), True
    raise ValueError("event has neither dateTime nor date")


class _HtmlToText(HTMLParser):
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))
        if tag in self.BREAKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, first = self.links.pop()
            if href and href != "".join(self.parts[first:]).strip():
                self.parts.append(f" ({href})")
        if tag in ("p", "div", "li"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# Tags Google's editor and Outlook write. Anything else in angle brackets is text: Teams writes
# "Join<https://teams.microsoft.com/…>" and invitations quote "Jane Doe <jane@example.com>".
_HTML_TAG = re.compile(
    r"</?(?:a|b|i|u|s|em|strong|br|p|div|span|ul|ol|li|table|tr|td|th|h[1-6]|html|body|font|pre|"
    r"code|blockquote|hr|img)\b[^<>]*>",
    re.IGNORECASE,
)


def description_text(description: str) -> str:
    """A description as plain text: HTML (when it is HTML) as text with its links, every kind of
    line break a line break, entities decoded, then cleaned for the terminal."""
    text = description.replace("\r\n", "\n").replace("\r", "\n")
    if _HTML_TAG.search(text):
        parser = _HtmlToText()
        parser.feed(text)
        parser.close()
        text = re.sub(r"\n{3,}", "\n\n", "".join(parser.parts))
    elif "&" in text:
        text = html.unescape(text)
    return safe_text(text.strip())


def _entry_points(item: dict[str, Any]) -> list[dict[str, Any]]:
    conference = item.get("conferenceData")
    entries = conference.get("entryPoints") if isinstance(conference, dict) else None
    return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []


def _conference_link(item: dict[str, Any]) -> str:
    for entry in _entry_points(item):
        if entry.get("entryPointType") == "video":
            return safe_text(entry.get("uri"))
    return safe_text(item.get("hangoutLink"))


def _person(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    name, email = safe_text(value.get("displayName")), safe_text(value.get("email"))
    return f"{name} <{email}>" if name and email else name or email


# Placing an event converts its times between zones and adds a day or a zone margin to them: an
# instant this close to the ends of Python's time cannot take that.
_EDGE_OF_TIME = timedelta(days=3)
_SAFE_YEARS = (2, 9998)  # instants in these years always can: only others are tried


# The most of each text kept from an event; the rest is dropped from the page's JSON too.
TEXT_LIMITS = {"summary": 1_000, "location": 1_000, "description": 20_000}


def _cut_long_text(item: dict[str, Any]) -> None:
    for name, limit in TEXT_LIMITS.items():
        value = item.get(name)
        if isinstance(value, str) and len(value) > limit:
            if name == "description":
                item[name] = f"{value[:limit]}\n… (cut: {len(value) - limit:,} more characters)"
            else:
                item[name] = clip(value, limit)


def parse_event(item: dict[str, Any], calendar: str = "", calendar_id: str = "") -> Event | None:
    """An Event, or None for an item that cannot be shown: cancelled (a cancelled exception has no
    start), times missing or unreadable, a date with a time, or an instant at the ends of time.
    Text past TEXT_LIMITS is cut, in `item` as well."""
    if item.get("status") == "cancelled":
        return None
    _cut_long_text(item)
    try:
        start, start_is_date = _when(item.get("start"))
        end, end_is_date = _when(item.get("end"))
        if start_is_date != end_is_date:
            return None
        if isinstance(start, datetime) and isinstance(end, datetime):
            if start.tzinfo is None or end.tzinfo is None:
                zone = _item_zone(item)
                start = start if start.tzinfo else start.replace(tzinfo=zone)
                end = end if end.tzinfo else end.replace(tzinfo=zone)
            if not (
                _SAFE_YEARS[0] <= start.year <= _SAFE_YEARS[1]
                and _SAFE_YEARS[0] <= end.year <= _SAFE_YEARS[1]
            ):
                for value in (start, end):  # near the ends of time: can it take what placing does?
                    value.astimezone(UTC) + _EDGE_OF_TIME - _EDGE_OF_TIME * 2
    except (ValueError, TypeError, AttributeError, OverflowError):
        return None
    return Event(item, start, end, calendar, calendar_id)


def _item_zone(item: dict[str, Any]) -> tzinfo:
    """The zone a time without an offset is in: the event's own, else UTC."""
    name = (item.get("start") or {}).get("timeZone")
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else UTC
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def parse_calendar(item: dict[str, Any]) -> CalendarInfo:
    return CalendarInfo(
        id=safe_text(item.get("id")),
        summary=safe_text(item.get("summaryOverride"))
        or safe_text(item.get("summary"))
        or safe_text(item.get("id")),
        access_role=safe_text(item.get("accessRole")),
        primary=item.get("primary") is True,
        time_zone=safe_text(item.get("timeZone")),
        color=color_value(item.get("backgroundColor")),
        selected=item.get("selected") is True,
    )


# Wording
def format_day(day: date, today: date) -> str:
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def format_dates(event: Event, zone: tzinfo, today: date) -> str:
    """The day, or the span of days; an all-day end date is exclusive, as Google defines it."""
    first = event.starts_at(zone).date()
    if event.all_day:
        last = max(first, event.ends_at(zone).date() - timedelta(days=1))
    else:
        last = max(first, (event.ends_at(zone) - timedelta(microseconds=1)).date())
    if last == first:
        return format_day(first, today)
    return f"{format_day(first, today)} – {format_day(last, today)}"


def format_times(event: Event, zone: tzinfo, today: date) -> str:
    if event.all_day:
        return "all day"
    start, end = event.starts_at(zone), event.ends_at(zone)
    if end <= start or end.date() == start.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    if (end - timedelta(microseconds=1)).date() == start.date():
        return f"{start:%H:%M}–24:00"
    return f"{start:%H:%M} – {format_day(end.date(), today)} {end:%H:%M}"


def format_when(event: Event, zone: tzinfo, today: date) -> str:
    """One line for the detail view; for a timed event set in another zone, its times there too."""
    text = f"{format_dates(event, zone, today)}, {format_times(event, zone, today)}"
    if not event.time_zone or event.all_day or event.time_zone == getattr(zone, "key", None):
        return text
    try:
        own = ZoneInfo(event.time_zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return f"{text} (event time zone: {event.time_zone})"
    if own.utcoffset(event.starts_at(own)) == zone.utcoffset(event.starts_at(zone)):
        return f"{text} (event time zone: {event.time_zone})"
    return f"{text} ({format_times(event, own, today)} {event.time_zone})"
