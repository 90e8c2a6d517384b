"""Realistic calendars for the emulator: recurring, all-day, multi-day, untitled, cancelled, wide and
markup-looking text, long descriptions, many attendees; deterministic for a given seed and date."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

PRIMARY = "ada.lovelace@example.com"
TEAM = "c_0fake0team0calendar0id@group.calendar.google.com"
HOLIDAYS = "en.uk#holiday@group.v.calendar.google.com"

CALENDAR_ENTRIES: list[dict[str, Any]] = [
    {
        "id": PRIMARY,
        "summary": PRIMARY,
        "timeZone": "Europe/London",
        "accessRole": "owner",
        "primary": True,
        "backgroundColor": "#9fe1e7",
        "foregroundColor": "#000000",
        "selected": True,
    },
    {
        "id": TEAM,
        "summary": "Analytical Engine team",
        "description": "Team rota and reviews",
        "timeZone": "Europe/London",
        "accessRole": "writer",
        "backgroundColor": "#42d692",
        "foregroundColor": "#000000",
        "selected": True,
    },
    {
        "id": HOLIDAYS,
        "summary": "Holidays in United Kingdom",
        "description": "Holidays and Observances in United Kingdom",
        "timeZone": "Europe/London",
        "accessRole": "reader",
        "backgroundColor": "#16a765",
        "foregroundColor": "#000000",
        "selected": True,
    },
]

TITLES = [
    "Design review: Note G",
    "1:1 with Charles",
    "Lunch",
    "Planning",
    "Retro",
    "Interview",
    "Call with Tokyo office 東京",
    "Café ☕ with Mary",
    "Bernoulli numbers deep-dive 🔢",
    "[bold]y",
    "[@click=app.quit]x[/]",
    "Deploy $(rm -rf /) dry run",
    "مراجعة التصميم",
    "Very long title that goes on and on about the punched-card loom and its many uses in weaving",
]
PLACES = [
    "Room 4, 12 Marylebone Rd, London",
    "Lisboa, Portugal",
    "東京都千代田区",
    "",
    "",
    "[red]Room 5[/red]",
]
PEOPLE = [
    ("charles.babbage@example.com", "Charles Babbage"),
    ("mary.somerville@example.com", "Mary Somerville"),
    ("michael.faraday@example.com", ""),
    ("room-4@resource.calendar.google.com", "Room 4"),
]
RESPONSES = ["accepted", "declined", "tentative", "needsAction"]


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _event(
    calendar_id: str, event_id: str, start: dict[str, str], end: dict[str, str], **extra: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "calendar#event",
        "etag": f'"{zlib.crc32(event_id.encode()):014d}"',
        "id": event_id,
        "status": "confirmed",
        "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}FAKE",
        "created": "2026-10-01T09:12:44.000Z",
        "updated": "2026-11-20T16:03:10.412Z",
        "creator": {"email": PRIMARY, "self": True},
        "organizer": {"email": calendar_id, "self": calendar_id == PRIMARY},
        "start": start,
        "end": end,
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "reminders": {"useDefault": True},
        "eventType": "default",
    }
    item.update(extra)
    return item


def _timed(moment: datetime, minutes: int) -> tuple[dict[str, str], dict[str, str]]:
    return {"dateTime": _rfc3339(moment)}, {"dateTime": _rfc3339(moment + timedelta(minutes=minutes))}


@dataclass
class CalendarStore:
    """Calendars and their events, each list sorted by start instant."""

    entries: list[dict[str, Any]] = field(default_factory=lambda: [dict(e) for e in CALENDAR_ENTRIES])
    events: dict[str, list[tuple[datetime, datetime, dict[str, Any]]]] = field(default_factory=dict)

    def add(self, calendar_id: str, item: dict[str, Any]) -> None:
        self.events.setdefault(calendar_id, []).append((_start_of(item), _end_of(item), item))

    def sort(self) -> None:
        for items in self.events.values():
            items.sort(key=lambda entry: (entry[0], entry[2]["id"]))

    def entry(self, calendar_id: str) -> dict[str, Any] | None:
        if calendar_id == "primary":
            calendar_id = PRIMARY
        return next((e for e in self.entries if e["id"] == calendar_id), None)


def _start_of(item: dict[str, Any]) -> datetime:
    return _instant(item.get("start") or item.get("originalStartTime") or {})


def _end_of(item: dict[str, Any]) -> datetime:
    return _instant(item.get("end") or item.get("originalStartTime") or {})


def _instant(part: dict[str, str]) -> datetime:
    if "dateTime" in part:
        return datetime.fromisoformat(part["dateTime"])
    return datetime.combine(date.fromisoformat(part["date"]), datetime.min.time(), UTC)


def generate(today: date, *, days: int = 42, per_day: int = 6, seed: int = 1815) -> CalendarStore:
    """A few hundred varied events over `days` from `today` (the week before included)."""
    rng = random.Random(seed)
    store = CalendarStore()
    first = today - timedelta(days=7)
    for offset in range(days + 7):
        day = first + timedelta(days=offset)
        base = datetime.combine(day, datetime.min.time(), UTC)
        stamp = f"{day:%Y%m%d}"
        if day.weekday() < 5:
            standup = base + timedelta(hours=9)
            start, end = _timed(standup, 15)
            instance = f"1recur_{stamp}T090000Z"
            common = {"recurringEventId": "1recur", "originalStartTime": start}
            if offset % 9 == 4:  # a cancelled exception of the recurring event
                store.add(
                    PRIMARY, {"kind": "calendar#event", "id": instance, "status": "cancelled", **common}
                )
            else:
                store.add(
                    PRIMARY,
                    _event(
                        PRIMARY,
                        instance,
                        {**start, "timeZone": "Europe/London"},
                        {**end, "timeZone": "Europe/London"},
                        summary="Daily standup",
                        hangoutLink="https://meet.google.com/abc-defg-hij",
                        conferenceData={
                            "entryPoints": [
                                {
                                    "entryPointType": "video",
                                    "uri": "https://meet.google.com/abc-defg-hij",
                                    "label": "meet.google.com/abc-defg-hij",
                                }
                            ],
                            "conferenceSolution": {"name": "Google Meet", "key": {"type": "hangoutsMeet"}},
                            "conferenceId": "abc-defg-hij",
                        },
                        **common,
                    ),
                )
        for number in range(rng.randint(per_day // 2, per_day)):
            hour = rng.choice([8, 10, 11, 13, 14, 15, 16, 17, 19])
            start, end = _timed(
                base + timedelta(hours=hour, minutes=rng.choice([0, 15, 30])), rng.choice([30, 45, 60, 90])
            )
            extra: dict[str, Any] = {}
            title = rng.choice(TITLES)
            if rng.random() < 0.08:
                title = ""
            if title:
                extra["summary"] = title
            place = rng.choice(PLACES)
            if place:
                extra["location"] = place
            if rng.random() < 0.3:
                extra["description"] = (
                    "<b>Agenda</b><br>1. Bernoulli numbers<br>2. Punched cards<br>"
                    + "Notes [link](https://example.com) \x1b[31mred\x1b[0m. " * rng.randint(1, 40)
                )
            if rng.random() < 0.3:
                count = rng.randint(2, 40)
                extra["attendees"] = [
                    {
                        "email": f"guest{n}@example.com" if n >= len(PEOPLE) else PEOPLE[n][0],
                        **({"displayName": PEOPLE[n][1]} if n < len(PEOPLE) and PEOPLE[n][1] else {}),
                        "responseStatus": rng.choice(RESPONSES),
                        **({"optional": True} if n % 5 == 4 else {}),
                    }
                    for n in range(count)
                ]
            calendar_id = TEAM if rng.random() < 0.35 else PRIMARY
            store.add(calendar_id, _event(calendar_id, f"ev{stamp}n{number}", start, end, **extra))
        if offset % 11 == 3:
            store.add(
                PRIMARY,
                _event(
                    PRIMARY,
                    f"allday{stamp}",
                    {"date": day.isoformat()},
                    {"date": (day + timedelta(days=1)).isoformat()},
                    summary="Company offsite",
                    transparency="transparent",
                ),
            )
        if offset % 17 == 5:
            store.add(
                PRIMARY,
                _event(
                    PRIMARY,
                    f"multi{stamp}",
                    {"date": day.isoformat()},
                    {"date": (day + timedelta(days=3)).isoformat()},
                    summary="Conference in Lisbon",
                    location="Lisboa, Portugal",
                ),
            )
        if (day.month == 12 and day.day in (25, 26)) or (day.month == 1 and day.day == 1):
            store.add(
                HOLIDAYS,
                _event(
                    HOLIDAYS,
                    f"hol{stamp}",
                    {"date": day.isoformat()},
                    {"date": (day + timedelta(days=1)).isoformat()},
                    summary={25: "Christmas Day", 26: "Boxing Day", 1: "New Year's Day"}[day.day],
                ),
            )
    store.sort()
    return store


def bulk(today: date, count: int, calendar_id: str = PRIMARY) -> CalendarStore:
    """`count` plain timed events spread over the 30 days from `today`, for benchmarks."""
    store = CalendarStore()
    base = datetime.combine(today, datetime.min.time(), UTC)
    step = timedelta(days=30) / max(count, 1)
    for number in range(count):
        start, end = _timed(base + step * number, 30)
        store.add(
            calendar_id,
            _event(calendar_id, f"bulk{number}", start, end, summary=f"Event {number}", location="Room 4"),
        )
    store.sort()
    return store
