"""Realistic calendars for the emulator: recurring, all-day, multi-day, untitled, cancelled, event
types, your own replies, Outlook/Teams descriptions, times in the calendar's zone (a New York series
runs across the next DST change), and, for tests, markup-looking and control-character text;
deterministic for a given seed and date."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tui.config import local_zone

PRIMARY = "ada.lovelace@example.com"
TEAM = "c_0fake0team0calendar0id@group.calendar.google.com"
HOLIDAYS = "en.uk#holiday@group.v.calendar.google.com"
TOKYO = "c_0fake0tokyo0office@group.calendar.google.com"
OLD_PROJECT = "c_0fake0difference0engine@group.calendar.google.com"  # not ticked: hidden by default
COLLEAGUE = "charles.babbage@example.com"  # shared with you as free/busy only

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
    {
        "id": TOKYO,
        "summary": "Tokyo office 東京",
        "timeZone": "Asia/Tokyo",
        "accessRole": "reader",
        "backgroundColor": "#fad165",
        "foregroundColor": "#000000",
        "selected": True,
    },
    {  # Google leaves "selected" out of an entry that is not ticked
        "id": OLD_PROJECT,
        "summary": "Difference Engine (archive)",
        "timeZone": "Europe/London",
        "accessRole": "owner",
        "backgroundColor": "#ac725e",
        "foregroundColor": "#000000",
    },
    {
        "id": COLLEAGUE,
        "summary": "Charles Babbage",
        "timeZone": "Europe/London",
        "accessRole": "freeBusyReader",
        "backgroundColor": "#cca6ac",
        "foregroundColor": "#000000",
    },
]

# Google's event colours, as its `colors` endpoint sends them (an event's `colorId` names one).
EVENT_COLORS = {
    number: {"background": background, "foreground": "#1d1d1d"}
    for number, background in {
        "1": "#a4bdfc", "2": "#7ae7bf", "3": "#dbadff", "4": "#ff887c", "5": "#fbd75b", "6": "#ffb878",
        "7": "#46d6db", "8": "#e1e1e1", "9": "#5484ed", "10": "#51b749", "11": "#dc2127",
    }.items()
}  # fmt: skip

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO_ZONE = ZoneInfo("Asia/Tokyo")
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
    "مراجعة التصميم",
    "Very long title that goes on and on about the punched-card loom and its many uses in weaving",
]
HOSTILE_TITLES = ["[bold]y", "[@click=app.quit]x[/]", "Deploy $(rm -rf /) dry run"]
PLACES = ["Room 4, 12 Marylebone Rd, London", "Lisboa, Portugal", "東京都千代田区", "", ""]
HOSTILE_PLACES = ["[red]Room 5[/red]"]
TEAMS_DESCRIPTION = (
    "________________________________________________________________________________\r\n"
    "Microsoft Teams meeting\r\nJoin on your computer, mobile app or room device\r\n"
    "Click here to join the meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_FAKE"
    "%40thread.v2/0?context=%7b%22Tid%22%3a%22fake%22%7d>\r\nMeeting ID: 000 000 000 000\r\n"
    "Passcode: FaKe00\r\nQuestions? Jane Doe <jane.doe@partner.example>\r\n"
    "________________________________________________________________________________\r\n"
)
PEOPLE = [
    ("charles.babbage@example.com", "Charles Babbage"),
    ("mary.somerville@example.com", "Mary Somerville"),
    ("michael.faraday@example.com", ""),
    ("room-4@resource.calendar.google.com", "Room 4"),
]
RESPONSES = ["accepted", "declined", "tentative", "needsAction"]


def rfc3339(moment: datetime) -> str:
    """As Google writes an instant: with the offset of its zone then, "Z" when that is zero."""
    return moment.isoformat().replace("+00:00", "Z")


def _at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    """The wall time `hour:minute` of `day` in `zone`, with that day's offset."""
    return datetime.combine(day, time(hour, minute), zone)


def _zoned(moment: datetime, minutes: int) -> tuple[dict[str, str], dict[str, str]]:
    zone = moment.tzinfo
    assert isinstance(zone, ZoneInfo)
    end = (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)
    return (
        {"dateTime": rfc3339(moment), "timeZone": zone.key},
        {"dateTime": rfc3339(end), "timeZone": zone.key},
    )


def _invitation(organizer: tuple[str, str], my_reply: str, *others: tuple[str, str]) -> dict[str, Any]:
    """Someone else's event with you among the guests, and your reply."""
    return {
        "organizer": {"email": organizer[0], "displayName": organizer[1]},
        "attendees": [
            {
                "email": organizer[0],
                "displayName": organizer[1],
                "organizer": True,
                "responseStatus": "accepted",
            },
            {"email": PRIMARY, "self": True, "responseStatus": my_reply},
            *({"email": email, "displayName": name, "responseStatus": "accepted"} for email, name in others),
        ],
    }


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
    return {"dateTime": rfc3339(moment)}, {"dateTime": rfc3339(moment + timedelta(minutes=minutes))}


@dataclass
class CalendarStore:
    """Calendars and their events, each list sorted by start instant, as `singleEvents=true` lists
    them. A calendar in `series` lists them otherwise with `singleEvents=false`: its events that
    are not instances of a series, then `series[calendar_id]` (each series once, and its exceptions).

    Every change made with `put` or `remove` gets the next `version`; a sync token names the version
    it was given at, and `expire_sync_tokens` makes every token given so far stale (410)."""

    entries: list[dict[str, Any]] = field(default_factory=lambda: [dict(e) for e in CALENDAR_ENTRIES])
    events: dict[str, list[tuple[datetime, datetime, dict[str, Any]]]] = field(default_factory=dict)
    series: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    version: int = 0
    changes: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)  # (version, calendar, item)
    oldest_valid_version: int = 0

    def put(self, calendar_id: str, item: dict[str, Any]) -> None:
        """Add `item`, or change the event with its id, as a person would in Google Calendar."""
        calendar_id = self._id(calendar_id)
        kept = [entry for entry in self.events.get(calendar_id, []) if entry[2].get("id") != item["id"]]
        self.events[calendar_id] = kept
        self.add(calendar_id, item)
        self.sort()
        self._changed(calendar_id, item)

    def remove(self, calendar_id: str, event_id: str) -> None:
        """Delete an event: incremental sync then reports it as Google does, by id, cancelled."""
        calendar_id = self._id(calendar_id)
        self.events[calendar_id] = [e for e in self.events.get(calendar_id, []) if e[2].get("id") != event_id]
        if calendar_id in self.series:  # (an empty entry would hide the instances listed as events)
            self.series[calendar_id] = [item for item in self.series[calendar_id] if item["id"] != event_id]
        self._changed(
            calendar_id, {"kind": "calendar#event", "etag": '"0"', "id": event_id, "status": "cancelled"}
        )

    def _changed(self, calendar_id: str, item: dict[str, Any]) -> None:
        self.version += 1
        self.changes.append((self.version, calendar_id, item))

    def expire_sync_tokens(self) -> None:
        self.oldest_valid_version = self.version + 1

    def unexpanded(self, calendar_id: str) -> list[dict[str, Any]]:
        """The calendar's events as `singleEvents=false` lists them (cancelled single events left out)."""
        calendar_id = self._id(calendar_id)
        items = [item for _, _, item in self.events.get(calendar_id, [])]
        if calendar_id in self.series:
            items = [item for item in items if not item.get("recurringEventId")] + self.series[calendar_id]
        return [item for item in items if item.get("status") != "cancelled" or item.get("recurringEventId")]

    def changed_since(self, calendar_id: str, version: int) -> list[dict[str, Any]]:
        """What changed in the calendar after `version`: the latest of each event, in order."""
        calendar_id = self._id(calendar_id)
        latest: dict[str, dict[str, Any]] = {}
        for changed_at, changed_in, item in self.changes:
            if changed_at > version and changed_in == calendar_id:
                latest.pop(item["id"], None)
                latest[item["id"]] = item
        return list(latest.values())

    @staticmethod
    def _id(calendar_id: str) -> str:
        return PRIMARY if calendar_id == "primary" else calendar_id

    def add(self, calendar_id: str, item: dict[str, Any]) -> None:
        """File `item` by its instants; an all-day event by midnight in the calendar's zone, as Google
        does when it filters by timeMin and timeMax."""
        entry = self.entry(calendar_id)
        zone = ZoneInfo(entry["timeZone"]) if entry and entry.get("timeZone") else UTC
        self.events.setdefault(calendar_id, []).append((_start_of(item, zone), _end_of(item, zone), item))

    def sort(self) -> None:
        for items in self.events.values():
            items.sort(key=lambda entry: (entry[0], entry[2]["id"]))

    def entry(self, calendar_id: str) -> dict[str, Any] | None:
        if calendar_id == "primary":
            calendar_id = PRIMARY
        return next((e for e in self.entries if e["id"] == calendar_id), None)


def _start_of(item: dict[str, Any], zone: ZoneInfo | Any) -> datetime:
    return _instant(item.get("start") or item.get("originalStartTime") or {}, zone)


def _end_of(item: dict[str, Any], zone: ZoneInfo | Any) -> datetime:
    return _instant(item.get("end") or item.get("originalStartTime") or {}, zone)


def _instant(part: dict[str, str], zone: ZoneInfo | Any) -> datetime:
    if "dateTime" in part:
        return datetime.fromisoformat(part["dateTime"])
    return datetime.combine(date.fromisoformat(part["date"]), time(), zone)


def generate(
    today: date, *, days: int = 42, per_day: int = 6, seed: int = 1815, hostile: bool = True
) -> CalendarStore:
    """A few hundred varied events over `days` from `today` (the week before included), in the
    calendars' zone (Europe/London), plus a weekly New York meeting for 20 weeks. `hostile` adds
    markup-looking titles and places and ANSI escapes in descriptions, for tests; the demo and the
    screenshots leave them out."""
    rng = random.Random(seed)
    titles, places = TITLES + HOSTILE_TITLES * hostile, PLACES + HOSTILE_PLACES * hostile
    store = CalendarStore()
    first = today - timedelta(days=7)
    for offset in range(days + 7):
        day = first + timedelta(days=offset)
        stamp = f"{day:%Y%m%d}"
        if day.weekday() < 5:
            start, end = _zoned(_at(day, 9), 15)
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
                        start,
                        end,
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
            home = day.weekday() in (0, 4)
            store.add(
                PRIMARY,
                _event(
                    PRIMARY,
                    f"wl{stamp}",
                    {"date": day.isoformat()},
                    {"date": (day + timedelta(days=1)).isoformat()},
                    summary="Home" if home else "Marylebone office",
                    transparency="transparent",
                    eventType="workingLocation",
                    workingLocationProperties={"type": "homeOffice", "homeOffice": {}}
                    if home
                    else {"type": "officeLocation", "officeLocation": {"label": "Marylebone office"}},
                ),
            )
        _add_weekly_extras(store, day, stamp, offset)
        _add_other_calendars(store, day, stamp)
        for number in range(rng.randint(per_day // 2, per_day)):
            start, end = _zoned(
                _at(day, rng.choice([8, 10, 11, 13, 14, 15, 16, 17, 19]), rng.choice([0, 15, 30])),
                rng.choice([30, 45, 60, 90]),
            )
            extra: dict[str, Any] = {}
            title = rng.choice(titles)
            if rng.random() < 0.08:
                title = ""
            if title:
                extra["summary"] = title
            if title == "Lunch":
                extra["colorId"] = "5"  # its own colour, not its calendar's
            place = rng.choice(places)
            if place:
                extra["location"] = place
            if rng.random() < 0.3:
                extra["description"] = "<b>Agenda</b><br>1. Bernoulli numbers<br>2. Punched cards<br>" + (
                    "Notes [link](https://example.com) \x1b[31mred\x1b[0m. " if hostile else "Notes. "
                ) * rng.randint(1, 40)
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
    _add_new_york_series(store, first)
    store.sort()
    return store


def _add_other_calendars(store: CalendarStore, day: date, stamp: str) -> None:
    """The Tokyo office's mornings (the previous evening in London), a review that is on both your
    calendar and the team's (one invitation, two calendars), and the hidden calendar's events."""
    weekday = day.weekday()
    if weekday < 5:
        start, end = _zoned(_at(day, 9, 30, TOKYO_ZONE), 30)
        store.add(TOKYO, _event(TOKYO, f"tokyo{stamp}", start, end, summary="Tokyo stand-up 朝会"))
    if weekday == 2:
        start, end = _zoned(_at(day, 15, 30), 45)
        shared = _event(
            TEAM,
            f"review{stamp}",
            start,
            end,
            summary="Engine review",
            location="Room 4, 12 Marylebone Rd, London",
            **_invitation(("charles.babbage@example.com", "Charles Babbage"), "accepted"),
        )
        store.add(TEAM, shared)
        store.add(PRIMARY, dict(shared))
    if weekday == 3:
        start, end = _zoned(_at(day, 11), 60)
        store.add(OLD_PROJECT, _event(OLD_PROJECT, f"archive{stamp}", start, end, summary="Archive tidy-up"))
    if weekday in (0, 3):
        start, end = _zoned(_at(day, 10), 90)
        store.add(
            COLLEAGUE, _event(COLLEAGUE, f"babbage{stamp}", start, end, summary="Engine costs (private)")
        )


def _add_weekly_extras(store: CalendarStore, day: date, stamp: str, offset: int) -> None:
    """Event types, replies and the odd shapes, each on its own weekday."""
    weekday = day.weekday()
    if weekday == 1:  # Tuesday: an invitation you have not answered, with a Teams description
        start, end = _zoned(_at(day, 14), 60)
        store.add(
            PRIMARY,
            _event(
                PRIMARY,
                f"teams{stamp}",
                start,
                end,
                summary="Partner review (Teams)",
                location="Microsoft Teams Meeting",
                description=TEAMS_DESCRIPTION,
                **_invitation(("jane.doe@partner.example", "Jane Doe"), "needsAction"),
            ),
        )
    if weekday == 2:  # Wednesday: focus time, and a pitch you declined
        start, end = _zoned(_at(day, 13), 120)
        store.add(
            PRIMARY,
            _event(
                PRIMARY,
                f"focus{stamp}",
                start,
                end,
                summary="Focus time",
                eventType="focusTime",
                focusTimeProperties={"autoDeclineMode": "declineOnlyNewConflictingInvitations"},
            ),
        )
        start, end = _zoned(_at(day, 16), 60)
        store.add(
            PRIMARY,
            _event(
                PRIMARY,
                f"pitch{stamp}",
                start,
                end,
                summary="Vendor pitch",
                **_invitation(("sales@vendor.example", "Vendor Sales"), "declined"),
            ),
        )
    if weekday == 3:  # Thursday: a talk you might go to, and a release that runs past midnight
        start, end = _zoned(_at(day, 17, 30), 45)
        store.add(
            TEAM,
            _event(
                TEAM,
                f"talk{stamp}",
                start,
                end,
                summary="Lightning talks",
                location="Room 4, 12 Marylebone Rd, London",
                **_invitation(("mary.somerville@example.com", "Mary Somerville"), "tentative"),
            ),
        )
        start, end = _zoned(_at(day, 23, 15), 90)
        store.add(TEAM, _event(TEAM, f"release{stamp}", start, end, summary="Release night"))
    if offset == 30:  # out of office for three days, as Google files it: midnight to midnight
        start, _ = _zoned(_at(day, 0), 0)
        _, end = _zoned(_at(day + timedelta(days=3), 0), 0)
        store.add(
            PRIMARY,
            _event(
                PRIMARY,
                f"ooo{stamp}",
                start,
                end,
                summary="Out of office",
                eventType="outOfOffice",
                outOfOfficeProperties={"autoDeclineMode": "declineAllConflictingInvitations"},
            ),
        )
    if offset == 12:
        store.add(
            PRIMARY,
            _event(
                PRIMARY,
                f"bday{stamp}",
                {"date": day.isoformat()},
                {"date": (day + timedelta(days=1)).isoformat()},
                summary="Charles Babbage's birthday",
                transparency="transparent",
                visibility="private",
                eventType="birthday",
            ),
        )


def _add_new_york_series(store: CalendarStore, first: date) -> None:
    """09:00 in New York every Wednesday for 20 weeks: across the next DST change, wherever today is."""
    day = first + timedelta(days=(2 - first.weekday()) % 7)
    for _ in range(20):
        start, end = _zoned(_at(day, 9, 0, NEW_YORK), 30)
        store.add(
            PRIMARY,
            _event(
                PRIMARY,
                f"nysync_{day:%Y%m%d}",
                start,
                end,
                summary="New York sync",
                recurringEventId="nysync",
                originalStartTime=start,
                **_invitation(("grace.hopper@example.com", "Grace Hopper"), "accepted"),
            ),
        )
        day += timedelta(days=7)


def bulk(today: date, count: int, calendars: int = 1, days: int = 30) -> CalendarStore:
    """`count` plain timed events on each of `calendars` calendars (the primary and others, all
    ticked), spread over the `days` days from local midnight `today`, for benchmarks: with 30, all
    of them fall in the 30 days the app and the quickstart ask for, in any zone."""
    store = CalendarStore()
    primary = dict(CALENDAR_ENTRIES[0])
    others = [
        {
            **CALENDAR_ENTRIES[1],
            "id": f"c_bulk{number}@group.calendar.google.com",
            "summary": f"Bulk {number}",
        }
        for number in range(1, calendars)
    ]
    store.entries = [primary, *others]
    base = datetime.combine(today, time(), local_zone())  # the app's and quickstart's first midnight
    step = timedelta(days=days) / max(count, 1)
    for index, entry in enumerate(store.entries):
        calendar_id, prefix = entry["id"], f"bulk{index}n" if index else "bulk"  # each its own events
        for number in range(count):
            start, end = _timed(base + step * number, 30)
            store.add(
                calendar_id,
                _event(
                    calendar_id, f"{prefix}{number}", start, end, summary=f"Event {number}", location="Room 4"
                ),
            )
    store.sort()
    return store
