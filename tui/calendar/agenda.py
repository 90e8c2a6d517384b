"""The agenda: events placed on every day they cover in the viewer's zone, in the order a person
reads a day, and the words for a day and a time. Plain data: no Textual, no Rich."""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from operator import attrgetter

from tui.calendar.limits import FIRST_DAY, LAST_DAY
from tui.calendar.model import Event, format_day
from tui.text import safe_text

ONE_MICROSECOND = timedelta(microseconds=1)
ONE_DAY = timedelta(days=1)
# Within a day: working location first, then all-day (and whole days of longer events), then timed.
WORKING_LOCATION, ALL_DAY, TIMED = 0, 1, 2


@dataclass(frozen=True)
class DayRange:
    """The days shown: `days` days from `first`, both ends local dates."""

    first: date
    days: int

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The instants at local midnight before the first day and after the last, in `zone`'s
        rules for those dates (a range across a DST change is not a whole number of 24 hours)."""
        end = self.first + timedelta(days=self.days)
        return datetime.combine(self.first, time(), zone), datetime.combine(end, time(), zone)

    def shifted(self, ranges: int) -> DayRange:
        return self.starting(self.first + timedelta(days=self.days * ranges))

    def starting(self, day: date) -> DayRange:
        """The same number of days from `day`, kept between FIRST_DAY and LAST_DAY."""
        return DayRange(min(max(day, FIRST_DAY), LAST_DAY - timedelta(days=self.days - 1)), self.days)


@dataclass(frozen=True, eq=False, slots=True)
class DayHeader:
    day: date


@dataclass(eq=False, slots=True)
class Placement:
    """One event on one of the days it covers: part `part` of `parts`."""

    event: Event
    day: date
    part: int
    parts: int
    group: int
    sort_key: tuple[int, float | None, datetime | None, str, str] = field(repr=False)
    first_shown: bool = field(repr=False)  # the first of its days in the range: counted once


AgendaLine = DayHeader | Placement


class Agenda:
    """Events from any number of pages, grouped by local day. Adding a page places its events (one
    pass over the page); `lines()` puts each day's new placements in order among the day's others
    (sorting only the new ones) and lays the days out. Many small pages (one per calendar) so cost
    what one big page costs."""

    def __init__(self, zone: tzinfo, days: DayRange, calendar_order: Sequence[str] = ()) -> None:
        """A meeting that is on several calendars (the same iCalUID and start) is placed once, from
        the calendar first in `calendar_order` (ids); the others are named in its `also_on`."""
        self.zone = zone
        self.range = days
        self._by_day: dict[date, list[Placement]] = {}  # each in order
        self._new: dict[date, list[Placement]] = {}  # placed since the last `lines()`
        self.event_count = 0  # each once, however many days it covers
        # Meetings by (iCalUID, start), kept only once there is more than one calendar to merge.
        self._meetings: dict[tuple[str, datetime | date], list[Placement]] | None = None
        self._rank: dict[str, int] = {}
        self.prefer(calendar_order)

    def prefer(self, calendar_order: Sequence[str]) -> None:
        """Which calendar's copy of a shared meeting is shown: the first in this order."""
        self._order = tuple(calendar_order)
        self._rank = {calendar_id: rank for rank, calendar_id in enumerate(calendar_order)}
        if len(calendar_order) > 1 and self._meetings is None:
            self._meetings = {}
            for placements in (*self._by_day.values(), *self._new.values()):
                for placement in placements:
                    self._remember_meeting(placement)

    def _remember_meeting(self, placement: Placement) -> None:
        assert self._meetings is not None
        if (key := _meeting_key(placement.event)) is not None:
            self._meetings.setdefault(key, []).append(placement)

    def _merged(self, event: Event, placed: list[Placement]) -> bool:
        """Whether `event` is the meeting `placed` already from another calendar; if so it is merged
        into that one (and takes its place when its calendar comes first)."""
        kept = placed[0].event
        if kept.calendar_id == event.calendar_id:
            return False
        last = len(self._rank)
        if self._rank.get(event.calendar_id, last) < self._rank.get(kept.calendar_id, last):
            event.also_on = [kept.calendar, *kept.also_on]
            for placement in placed:
                placement.event = event
        else:
            kept.also_on.append(event.calendar)
        return True

    def add(self, events: Iterable[Event]) -> None:
        zone, first_day, last_day = self.zone, self.range.first, self.range.last
        new, meetings = self._new, self._meetings
        for event in events:
            item = event.item
            start, end = event.start, event.end
            meeting = None  # where this event's placements are remembered as a meeting
            key = _meeting_key(event) if meetings is not None else None
            if key is not None:
                meeting = meetings.get(key)  # type: ignore[union-attr]
                if meeting is not None and self._merged(event, meeting):
                    continue
            if event.all_day:
                first = start
                last = max(first, end - ONE_DAY)  # Google's end date is exclusive
            else:
                first = start.astimezone(zone).date()
                last = (end.astimezone(zone) - ONE_MICROSECOND).date() if end > start else first
            if last < first_day or first > last_day:
                continue  # Google lists all-day events by the calendar's midnight, not ours
            title, key_id = item.get("summary"), item.get("id")
            title = title if type(title) is str else ""
            key_id = key_id if type(key_id) is str else ""
            working = item.get("eventType") == "workingLocation"
            parts = (last - first).days + 1
            shown_from = first if first >= first_day else first_day
            shown_to = last if last <= last_day else last_day
            self.event_count += 1
            if key is not None and meeting is None:
                meeting = meetings[key] = []  # type: ignore[index]
            for offset in range((shown_from - first).days, (shown_to - first).days + 1):
                day = first + timedelta(days=offset) if offset else first
                part = offset + 1
                # The start as a timestamp: days that merge many calendars compare starts a lot,
                # and floats compare several times faster than datetimes with offsets.
                if working:
                    key = (WORKING_LOCATION, None, None, title, key_id)
                elif event.all_day or 1 < part < parts:
                    key = (ALL_DAY, None, None, title, key_id)
                elif part > 1:  # the end of a timed event that began on an earlier day
                    key = (TIMED, datetime.combine(day, time(), zone).timestamp(), end, title, key_id)
                else:
                    key = (TIMED, start.timestamp(), end, title, key_id)
                placement = Placement(event, day, part, parts, key[0], key, day == shown_from)
                if day in new:
                    new[day].append(placement)
                else:
                    new[day] = [placement]
                if meeting is not None:
                    meeting.append(placement)

    def events(self) -> list[Event]:
        """Every event placed, each once."""
        return [
            placement.event
            for placements in (*self._by_day.values(), *self._new.values())
            for placement in placements
            if placement.first_shown
        ]

    def changed(self, dropped: Callable[[Event], bool], added: Iterable[Event]) -> Agenda:
        """A new agenda of the same days: these events without the `dropped`, and the `added`."""
        agenda = Agenda(self.zone, self.range, self._order)
        agenda.add([event for event in self.events() if not dropped(event)])
        agenda.add(added)
        return agenda

    def lines(self, keep: Callable[[Event], bool] | None = None) -> list[AgendaLine]:
        """A header for each day with events (that `keep` keeps), then its events in order."""
        for day, placements in self._new.items():
            self._by_day[day] = _in_order(self._by_day.get(day, []), placements)
        self._new.clear()
        lines: list[AgendaLine] = []
        for day in sorted(self._by_day):
            placements = self._by_day[day]
            if keep is not None:
                placements = [placement for placement in placements if keep(placement.event)]
            if placements:
                lines.append(DayHeader(day))
                lines.extend(placements)
        return lines


_SORT_KEY = attrgetter("sort_key")


def _meeting_key(event: Event) -> tuple[str, datetime | date] | None:
    """What a meeting on several calendars has the same on each: its iCalUID and start."""
    uid = event.item.get("iCalUID")
    return (uid, event.start) if type(uid) is str and uid else None


def _in_order(placed: list[Placement], new: list[Placement]) -> list[Placement]:
    """`placed` (in order) with `new` (in any order) put among them. A few new ones are inserted
    where they belong (a binary search each); many are sorted in with the rest."""
    if len(new) * 8 < len(placed):
        new.sort(key=_SORT_KEY)
        for placement in new:
            insort(placed, placement, key=_SORT_KEY)
        return placed
    placed += new
    placed.sort(key=_SORT_KEY)
    return placed


def count_events(lines: Iterable[AgendaLine]) -> int:
    """Events among `lines`: each once, however many days it covers."""
    return sum(isinstance(line, Placement) and line.first_shown for line in lines)


# Wording
def day_label(day: date, today: date) -> str:
    text = format_day(day, today)
    names = {today: "Today", today + timedelta(days=1): "Tomorrow", today - timedelta(days=1): "Yesterday"}
    return f"{names[day]} · {text}" if day in names else text


def range_label(days: DayRange, today: date) -> str:
    if days.days == 1:
        return day_label(days.first, today)
    return f"{format_day(days.first, today)} – {format_day(days.last, today)}"


def moment_label(moment: datetime, now: datetime) -> str:
    """A past moment, in `now`'s zone: "14:02" today, else "Tue 24 Nov 14:02"."""
    local = moment.astimezone(now.tzinfo)
    if local.date() == now.date():
        return f"{local:%H:%M}"
    return f"{format_day(local.date(), now.date())} {local:%H:%M}"


def ago_label(moment: datetime, now: datetime) -> str:
    """How long ago `moment` was: "just now", "3 min ago", "2 h ago", else when it was."""
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 24 * 60:
        return f"{minutes // 60} h ago"
    return f"on {moment_label(moment, now)}"


def time_label(placement: Placement, zone: tzinfo) -> str:
    """What the time column says for this day of the event."""
    event = placement.event
    part, parts = placement.part, placement.parts
    if event.all_day:
        return "all day" if parts == 1 else f"day {part} of {parts}"
    start, end = event.starts_at(zone), event.ends_at(zone)
    if parts == 1:
        # The instants as sent: two wall times of one ZoneInfo compare without their fold.
        if event.end <= event.start or event.item.get("endTimeUnspecified"):
            return f"{start:%H:%M}"
        return f"{start:%H:%M}–{'24:00' if end.date() != start.date() else format(end, '%H:%M')}"
    if part == 1:
        return f"{start:%H:%M} → {end:%H:%M}" if parts == 2 else f"{start:%H:%M} →"
    if part == parts:
        return f"→ {end:%H:%M}"
    return f"day {part} of {parts}"


EVENT_TYPE_LABELS = {
    "outOfOffice": "Out of office",
    "focusTime": "Focus time",
    "birthday": "Birthday",
    "workingLocation": "Working location",
}
WORKING_PLACES = {"homeOffice": "Working from home", "officeLocation": "Working at the office"}


def title_text(event: Event) -> str:
    """The title, with what kind of event it is when the title does not say so."""
    label = EVENT_TYPE_LABELS.get(event.event_type)
    if event.event_type == "workingLocation":
        return f"⌂ {working_place(event)}"
    if not label:
        return event.title
    if not event.summary:
        return label
    if label.split()[0].casefold() in event.summary.casefold():
        return event.summary
    return f"{label} · {event.summary}"


def working_place(event: Event) -> str:
    properties = event.item.get("workingLocationProperties")
    properties = properties if isinstance(properties, dict) else {}
    kind = properties.get("type")
    place = properties.get(kind) if isinstance(kind, str) else None
    label = safe_text(place.get("label")) if isinstance(place, dict) else ""
    if label:
        return f"Working at {label}"
    known = WORKING_PLACES.get(kind) if isinstance(kind, str) else None
    return known or event.summary or "Working location"
