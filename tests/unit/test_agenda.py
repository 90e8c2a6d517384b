"""The agenda's days, order and times, in many zones and on both sides of DST changes. No Textual."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures import load_fixture
from tui.calendar.agenda import (
    ALL_DAY,
    TIMED,
    Agenda,
    DayHeader,
    DayRange,
    Placement,
    ago_label,
    count_events,
    day_label,
    moment_label,
    time_label,
)
from tui.calendar.dates import DayError, parse_day
from tui.calendar.model import Event, format_when, parse_event
from tui.config import ZoneError, local_zone, named_zone

ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Pacific/Auckland", "UTC"]
# Just before and just after each change of 2026-27: US fall back (1 Nov), EU fall back (25 Oct),
# NZ spring forward (27 Sep) and back (4 Apr), US spring forward (14 Mar), EU spring forward (28 Mar).
CLOCKS = [
    datetime(2026, 9, 26, 12, tzinfo=UTC),
    datetime(2026, 10, 24, 12, tzinfo=UTC),
    datetime(2026, 10, 31, 12, tzinfo=UTC),
    datetime(2027, 3, 13, 12, tzinfo=UTC),
    datetime(2027, 3, 15, 12, tzinfo=UTC),
    datetime(2027, 3, 29, 12, tzinfo=UTC),
    datetime(2027, 4, 3, 12, tzinfo=UTC),
]
REAL_WORLD = load_fixture("events_real_world.json")


def timed(event_id: str, start: str, end: str, **extra: Any) -> Event:
    event = parse_event({"id": event_id, "start": {"dateTime": start}, "end": {"dateTime": end}, **extra})
    assert event is not None
    return event


def all_day(event_id: str, first: date, days: int = 1, **extra: Any) -> Event:
    item = {
        "id": event_id,
        "start": {"date": first.isoformat()},
        "end": {"date": (first + timedelta(days=days)).isoformat()},
        **extra,
    }
    event = parse_event(item)
    assert event is not None
    return event


def placements(agenda: Agenda) -> list[Placement]:
    return [line for line in agenda.lines() if isinstance(line, Placement)]


def hourly_events(around: datetime, hours: int = 72) -> list[Event]:
    """An event every 37 minutes for `hours` either side of `around`, written as Google writes them
    for a New York calendar (its offset at each instant), so both offsets occur."""
    new_york = ZoneInfo("America/New_York")
    events = []
    for number in range(hours * 60 * 2 // 37):
        start = around - timedelta(hours=hours) + timedelta(minutes=37 * number)  # UTC arithmetic
        end = start + timedelta(minutes=50)
        events.append(
            timed(f"e{number}", start.astimezone(new_york).isoformat(), end.astimezone(new_york).isoformat())
        )
    return events


@pytest.mark.parametrize("clock", CLOCKS, ids=lambda c: c.date().isoformat())
@pytest.mark.parametrize("zone_name", ZONES)
def test_every_time_is_the_instant_in_the_zone_with_its_rules_then(zone_name: str, clock: datetime) -> None:
    zone = ZoneInfo(zone_name)
    today = clock.astimezone(zone).date()
    agenda = Agenda(zone, DayRange(today - timedelta(days=2), 5))
    events = hourly_events(clock)
    agenda.add(events)
    shown = placements(agenda)
    assert count_events(agenda.lines()) == len({p.event.id for p in shown})
    for placement in shown:
        start = placement.event.start.astimezone(zone)
        end = placement.event.end.astimezone(zone)
        assert placement.day in {start.date(), end.date()}
        label = time_label(placement, zone)
        if placement.part == 1:
            assert label.startswith(f"{start:%H:%M}")
        if placement.part == placement.parts and placement.parts > 1:
            assert label == f"→ {end:%H:%M}"
        elif placement.parts == 1:
            assert label == f"{start:%H:%M}–{end:%H:%M}"
    expected_days = {
        day
        for event in events
        for day in (
            event.start.astimezone(zone).date(),
            (event.end.astimezone(zone) - timedelta(microseconds=1)).date(),
        )
        if agenda.range.first <= day <= agenda.range.last
    }
    assert {p.day for p in shown} == expected_days


def test_the_reported_dst_bug_new_york_before_the_march_change() -> None:
    """Today before the change, an event after it: 10:00 UTC is 06:00 in New York (EDT), not 05:00."""
    zone = ZoneInfo("America/New_York")
    agenda = Agenda(zone, DayRange(date(2026, 3, 1), 30))
    agenda.add([timed("after", "2026-03-16T10:00:00+00:00", "2026-03-16T11:00:00+00:00")])
    [placement] = placements(agenda)
    assert placement.day == date(2026, 3, 16)
    assert time_label(placement, zone) == "06:00–07:00"


@pytest.mark.parametrize(
    ("zone_name", "day", "label"),
    [
        ("Europe/London", date(2026, 11, 26), "19:30–20:30"),
        ("Asia/Kolkata", date(2026, 11, 27), "01:00–02:00"),
    ],
)
def test_an_event_written_with_an_offset_lands_on_its_local_day(
    zone_name: str, day: date, label: str
) -> None:
    zone = ZoneInfo(zone_name)
    agenda = Agenda(zone, DayRange(date(2026, 11, 26), 2))
    agenda.add([timed("india", "2026-11-27T01:00:00+05:30", "2026-11-27T02:00:00+05:30")])
    [placement] = placements(agenda)
    assert (placement.day, time_label(placement, zone)) == (day, label)


def test_range_bounds_are_local_midnights_with_each_days_offset() -> None:
    zone = ZoneInfo("America/New_York")
    start, end = DayRange(date(2027, 3, 1), 30).bounds(zone)
    assert start.isoformat() == "2027-03-01T00:00:00-05:00"
    assert end.isoformat() == "2027-03-31T00:00:00-04:00"
    assert end - start == timedelta(days=30)  # wall-clock difference; the instants are 1 hour less apart
    assert end.timestamp() - start.timestamp() == 30 * 86400 - 3600


def test_all_day_events_are_dates_on_the_days_they_name_whatever_the_zone() -> None:
    today = date(2026, 11, 26)
    for zone_name in ZONES:
        agenda = Agenda(ZoneInfo(zone_name), DayRange(today, 3))
        agenda.add(
            [
                all_day("yesterday", today - timedelta(days=1)),  # listed by Google for zones ahead
                all_day("today", today),
                all_day("trip", today + timedelta(days=1), days=5),
            ]
        )
        shown = [(p.event.id, p.day, time_label(p, agenda.zone)) for p in placements(agenda)]
        assert shown == [
            ("today", today, "all day"),
            ("trip", today + timedelta(days=1), "day 1 of 5"),
            ("trip", today + timedelta(days=2), "day 2 of 5"),
        ]
        assert count_events(agenda.lines()) == 2


def test_order_within_a_day_and_across_refreshes() -> None:
    zone = ZoneInfo("Europe/London")
    day = date(2026, 11, 30)
    events = [
        timed("late", "2026-11-30T18:00:00Z", "2026-11-30T19:00:00Z", summary="B"),
        timed("early-long", "2026-11-30T09:00:00Z", "2026-11-30T11:00:00Z", summary="A"),
        timed("early-short", "2026-11-30T09:00:00Z", "2026-11-30T09:30:00Z", summary="Z"),
        timed("same-b", "2026-11-30T12:00:00Z", "2026-11-30T13:00:00Z", summary="b title"),
        timed("same-a", "2026-11-30T12:00:00Z", "2026-11-30T13:00:00Z", summary="a title"),
        timed("overnight", "2026-11-29T23:15:00Z", "2026-11-30T00:45:00Z", summary="Release"),
        all_day("holiday", day, summary="Holiday"),
        all_day("home", day, summary="Home", eventType="workingLocation"),
    ]
    expected = ["home", "holiday", "overnight", "early-short", "early-long", "same-a", "same-b", "late"]
    for order in (events, list(reversed(events))):  # pages may arrive in any order
        agenda = Agenda(zone, DayRange(day, 1))
        agenda.add(order[:3])
        agenda.add(order[3:])
        assert [p.event.id for p in placements(agenda)] == expected


def test_midnight_crossings_read_as_arrows() -> None:
    zone = ZoneInfo("Europe/London")
    agenda = Agenda(zone, DayRange(date(2026, 11, 26), 4))
    agenda.add(
        [
            timed("overnight", "2026-11-26T23:15:00Z", "2026-11-27T00:45:00Z"),
            timed("to-midnight", "2026-11-26T23:00:00Z", "2026-11-27T00:00:00Z"),
            timed("three-days", "2026-11-27T09:00:00Z", "2026-11-29T17:00:00Z"),
        ]
    )
    labels = [(p.event.id, p.day.day, time_label(p, zone)) for p in placements(agenda)]
    assert ("overnight", 26, "23:15 → 00:45") in labels
    assert ("overnight", 27, "→ 00:45") in labels
    assert ("to-midnight", 26, "23:00–24:00") in labels
    assert not any(event == "to-midnight" and day == 27 for event, day, _ in labels)
    assert [label for event, _, label in labels if event == "three-days"] == [
        "09:00 →",
        "day 2 of 3",
        "→ 17:00",
    ]
    lines = agenda.lines()
    assert [line.day.day for line in lines if isinstance(line, DayHeader)] == [26, 27, 28, 29]
    assert count_events(lines) == 3


def test_day_labels() -> None:
    today = date(2026, 11, 26)
    assert day_label(today, today) == "Today · Thu 26 Nov"
    assert day_label(today + timedelta(days=1), today) == "Tomorrow · Fri 27 Nov"
    assert day_label(today - timedelta(days=1), today) == "Yesterday · Wed 25 Nov"
    assert day_label(date(2027, 1, 4), today) == "Mon 4 Jan 2027"


def test_real_world_items_as_google_writes_them() -> None:
    """The shared fixture: DST either side in New York, event types, replies, a private event."""
    events = [event for item in REAL_WORLD["items"] if (event := parse_event(item)) is not None]
    assert "weekly1_20261210T100000Z" not in {event.id for event in events}  # the cancelled instance
    by_id = {event.id: event for event in events}
    new_york = ZoneInfo("America/New_York")
    for event_id in ("dst1before", "dst2after"):
        event = by_id[event_id]
        assert event.starts_at(new_york).strftime("%H:%M") == "09:00"
    london = ZoneInfo("Europe/London")
    assert by_id["dst1before"].starts_at(london).strftime("%H:%M") == "14:00"
    assert by_id["dst2after"].starts_at(london).strftime("%H:%M") == "13:00"  # US already on summer time
    assert by_id["declined1"].my_response == "declined"
    assert by_id["teams1"].my_response == "needsAction"
    assert by_id["meet1"].my_response == "accepted"  # your own event, no guests listed as you
    assert [by_id[i].event_type for i in ("ooo1", "focus1", "wl1", "bday1")] == [
        "outOfOffice",
        "focusTime",
        "workingLocation",
        "birthday",
    ]
    agenda = Agenda(london, DayRange(date(2026, 11, 26), 40))
    agenda.add(events)
    ooo = [p for p in placements(agenda) if p.event.id == "ooo1"]
    assert [time_label(p, london) for p in ooo] == ["00:00 →", "day 2 of 3", "→ 00:00"]  # as Google files it
    unspecified = next(p for p in placements(agenda) if p.event.id == "nounspec1")
    assert time_label(unspecified, london) == "08:25"
    home = next(p for p in placements(agenda) if p.event.id == "wl1")
    first_on_its_day = next(p for p in placements(agenda) if p.day == home.day)
    assert first_on_its_day is home  # the working location leads its day
    assert by_id["private1"].title == "(No title)"


def test_the_detail_line_names_the_events_own_zone_only_when_it_differs() -> None:
    event = parse_event(REAL_WORLD["items"][1])  # 09:00 New York, 17 March 2027
    assert event is not None
    today = date(2027, 3, 17)
    assert format_when(event, ZoneInfo("America/New_York"), today) == "Wed 17 Mar, 09:00–09:30"
    assert format_when(event, ZoneInfo("Europe/London"), today) == (
        "Wed 17 Mar, 13:00–13:30 (09:00–09:30 America/New_York)"
    )


@pytest.mark.slow
@pytest.mark.parametrize("zone_name", ZONES)
def test_the_local_zone_is_the_iana_zone_tz_names(zone_name: str) -> None:
    """As a person starts it: `TZ=Asia/Kolkata gcal-tui`; the zone found is the named one, with its
    rules, not the offset of the moment."""
    found = subprocess.run(
        [sys.executable, "-c", "from tui.config import AppConfig, local_zone; print(local_zone().key)"],
        env={**os.environ, "TZ": zone_name},
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == zone_name


def test_a_zone_name_that_is_not_one_gets_words() -> None:
    assert local_zone("Asia/Kolkata").key == "Asia/Kolkata"
    with pytest.raises(ZoneError, match="IANA name"):
        named_zone("Mars/Olympus_Mons")
    for not_a_zone in ("../../etc/passwd", "Asia", "Asia/", ""):  # "Asia" is a folder of zones
        with pytest.raises(ZoneError):
            named_zone(not_a_zone)


@pytest.mark.parametrize("sent", ["Asia", "Mars/Olympus_Mons", "../../etc/passwd", "America/New_York\x00"])
def test_an_events_zone_that_is_no_zone_is_named_not_fatal(sent: str) -> None:
    event = timed("odd", "2026-11-26T09:00:00Z", "2026-11-26T10:00:00Z")
    event.item["start"]["timeZone"] = sent
    text = format_when(event, ZoneInfo("Europe/London"), date(2026, 11, 26))
    assert text.startswith("Thu 26 Nov, 09:00–10:00 (event time zone: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-24", date(2026, 12, 24)),
        ("dec 24", date(2026, 12, 24)),
        ("24 December", date(2026, 12, 24)),
        ("Mar 3 2027", date(2027, 3, 3)),
        ("+7", date(2026, 12, 3)),
        ("-3", date(2026, 11, 23)),
        ("monday", date(2026, 11, 30)),
        ("Thursday", date(2026, 11, 26)),
        ("today", date(2026, 11, 26)),
        ("tomorrow", date(2026, 11, 27)),
        ("yesterday", date(2026, 11, 25)),
    ],
)
def test_days_typed_by_a_person(text: str, expected: date) -> None:
    assert parse_day(text, date(2026, 11, 26)) == expected


@pytest.mark.parametrize("text", ["", "feb 30", "1", "mon 5", "soon", "2026-13-01", "+999999"])
def test_what_is_not_a_day_gets_words(text: str) -> None:
    with pytest.raises(DayError, match=r"Type a day|not a real date|not a day gcal-tui understands"):
        parse_day(text, date(2026, 11, 26))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ({"dateTime": "2026-11-26T10:00:00Z"}, {"dateTime": "9999-12-31T23:59:59-14:00"}),
        ({"dateTime": "0001-01-01T00:00:00+14:00"}, {"dateTime": "2026-11-26T10:00:00Z"}),
        ({"date": "0001-01-01"}, {"date": "9999-12-31"}),
        ({"date": "2026-11-26"}, {"dateTime": "2026-11-26T10:00:00Z"}),
        ({"dateTime": "2026-11-26T10:00:00"}, {"dateTime": "2026-11-26T11:00:00"}),
    ],
    ids=["end-of-time", "start-of-time", "all-of-time", "date-and-time", "no-offset"],
)
def test_events_at_the_ends_of_time_or_of_odd_shapes_never_break_the_agenda(start: dict, end: dict) -> None:
    zone = ZoneInfo("Pacific/Auckland")
    item = {"id": "odd", "summary": "Odd", "start": start, "end": end}
    event = parse_event(item)
    ordinary = parse_event({"id": "x", "start": {"dateTime": "2026-11-26T10:30:00+13:00"}, "end": end})
    agenda = Agenda(zone, DayRange(date(2026, 11, 20), 30))
    agenda.add([found for found in (event, ordinary) if found is not None])
    for line in agenda.lines():
        if isinstance(line, Placement):
            assert time_label(line, zone)


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "-99999", "dec 24 9999"])
def test_days_too_far_away_are_refused_in_words(text: str) -> None:
    with pytest.raises(DayError, match=r"too far away|not a real date"):
        parse_day(text, date(2026, 11, 26))


def test_moving_a_range_stops_at_the_ends_of_the_days_shown() -> None:
    last = DayRange(date(2999, 12, 1), 3660).shifted(10)
    assert last.last == date(2999, 12, 31)
    assert last.bounds(ZoneInfo("Pacific/Kiritimati"))[1].year == 3000
    first = DayRange(date(1900, 2, 1), 30).shifted(-1000)
    assert first.first == date(1900, 1, 1)
    assert first.starting(date(2026, 11, 26)).first == date(2026, 11, 26)


def test_events_at_the_same_time_are_ordered_by_title_then_id() -> None:
    london = ZoneInfo("Europe/London")
    agenda = Agenda(london, DayRange(date(2026, 11, 26), 1))
    same = ("2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z")
    agenda.add(
        [
            timed("b", *same, summary="Standup"),
            timed("a", *same, summary="Standup"),
            timed("c", *same, summary="Planning"),
            timed("d", *same, summary=["not", "text"]),  # read as no title: first
            timed("e", *same),
        ]
    )
    assert [p.event.id for p in placements(agenda)] == ["d", "e", "c", "a", "b"]


def test_an_id_that_is_not_text_sorts_as_no_id_and_breaks_nothing() -> None:
    agenda = Agenda(UTC, DayRange(date(2026, 11, 26), 1))
    same = ("2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z")
    agenda.add([timed("A", *same, summary="Standup"), timed("x", *same, summary="Standup", id=5)])
    assert [p.event.item["id"] for p in placements(agenda)] == [5, "A"]


def test_each_day_of_a_timed_event_over_three_days_sorts_as_what_it_is_that_day() -> None:
    """Its first day from its start, the whole middle day with the all-day events, the last day
    from midnight; a one-day event from its start."""
    new_york = ZoneInfo("America/New_York")
    agenda = Agenda(new_york, DayRange(date(2026, 11, 25), 5))
    start, end = "2026-11-26T22:00:00-05:00", "2026-11-28T02:00:00-05:00"
    agenda.add(
        [
            timed("long", start, end, summary="Offsite"),
            timed("short", "2026-11-27T09:00:00-05:00", "2026-11-27T10:00:00-05:00", summary="Call"),
            timed("two", "2026-11-27T23:00:00-05:00", "2026-11-28T01:00:00-05:00", summary="Late"),
        ]
    )
    got = [(p.event.id, p.day.day, p.part, p.parts, p.group, p.sort_key[1]) for p in placements(agenda)]

    def at(text: str) -> float:
        return datetime.fromisoformat(text).timestamp()

    midnight_28 = datetime(2026, 11, 28, tzinfo=new_york).timestamp()
    assert got == [
        ("long", 26, 1, 3, TIMED, at(start)),
        ("long", 27, 2, 3, ALL_DAY, None),
        ("short", 27, 1, 1, TIMED, at("2026-11-27T09:00:00-05:00")),
        ("two", 27, 1, 2, TIMED, at("2026-11-27T23:00:00-05:00")),
        ("two", 28, 2, 2, TIMED, midnight_28),  # both from midnight: the one that ends first
        ("long", 28, 3, 3, TIMED, midnight_28),
    ]


def test_a_zero_length_event_at_midnight_is_on_its_day() -> None:
    london = ZoneInfo("Europe/London")
    agenda = Agenda(london, DayRange(date(2026, 11, 26), 2))
    agenda.add([timed("reminder", "2026-11-27T00:00:00Z", "2026-11-27T00:00:00Z")])
    [placement] = placements(agenda)
    assert placement.day == date(2026, 11, 27) and (placement.part, placement.parts) == (1, 1)


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z"), ("2026-12-20T10:00:00Z", "2026-12-20T11:00:00Z")],
    ids=["before", "after"],
)
def test_events_outside_the_range_are_left_out(start: str, end: str) -> None:
    agenda = Agenda(ZoneInfo("Europe/London"), DayRange(date(2026, 11, 26), 7))
    agenda.add(
        [timed("outside", start, end), timed("inside", "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z")]
    )
    assert [p.event.id for p in placements(agenda)] == ["inside"]


@pytest.mark.parametrize(
    ("end", "extra", "label"),
    [
        ("2026-11-27T11:00:00Z", {}, "10:00–11:00"),
        ("2026-11-27T10:00:00Z", {}, "10:00"),  # no length: a moment
        ("2026-11-27T11:00:00Z", {"endTimeUnspecified": True}, "10:00"),  # Google made the end up
        ("2026-11-28T00:00:00Z", {}, "10:00–24:00"),
    ],
    ids=["an-hour", "no-length", "end-unspecified", "to-midnight"],
)
def test_the_time_column_of_a_one_day_event(end: str, extra: dict, label: str) -> None:
    agenda = Agenda(ZoneInfo("UTC"), DayRange(date(2026, 11, 27), 1))
    agenda.add([timed("e", "2026-11-27T10:00:00Z", end, **extra)])
    [placement] = placements(agenda)
    assert time_label(placement, ZoneInfo("UTC")) == label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1900-01-01", date(1900, 1, 1)),
        ("2999-12-31", date(2999, 12, 31)),
        ("mon", date(2026, 11, 30)),
        ("dec 5", date(2026, 12, 5)),
        ("5 dec", date(2026, 12, 5)),
        ("december 5, 2027", date(2027, 12, 5)),
        ("5/dec/2027", date(2027, 12, 5)),
    ],
)
def test_the_edges_of_what_can_be_typed(text: str, expected: date) -> None:
    assert parse_day(text, date(2026, 11, 26)) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1899-12-31", "'1899-12-31' is too far away: choose a day from 1900 to 2999."),
        ("3000-01-01", "'3000-01-01' is too far away: choose a day from 1900 to 2999."),
        ("mo", "'mo' is not a day gcal-tui understands."),
        ("de 5", "'de 5' is not a day gcal-tui understands."),
        ("5 xyz", "'5 xyz' is not a day gcal-tui understands."),
        ("dec 5 next", "'dec 5 next' is not a day gcal-tui understands."),
        ("dec five", "'dec five' is not a day gcal-tui understands."),
        ("  ", "Type a day: "),
    ],
)
def test_what_is_refused_says_why(text: str, words: str) -> None:
    with pytest.raises(DayError) as caught:
        parse_day(text, date(2026, 11, 26))
    assert str(caught.value).startswith(words)


def test_a_meeting_on_several_calendars_is_placed_once_from_the_first_calendar_in_order() -> None:
    """Whichever calendar's page comes first, the copy shown is the one from the calendar first in
    the order, and the detail view can name the others."""
    item = {
        "id": "review",
        "iCalUID": "review@google.com",
        "summary": "Engine review",
        "start": {"dateTime": "2026-11-26T15:30:00Z"},
        "end": {"dateTime": "2026-11-26T16:15:00Z"},
    }
    order = ["primary", "team", "tokyo"]
    for arrival in (["team", "primary", "tokyo"], ["tokyo", "team", "primary"], order):
        agenda = Agenda(UTC, DayRange(date(2026, 11, 26), 1), order)
        for calendar_id in arrival:
            event = parse_event(dict(item), calendar_id.title(), calendar_id)
            assert event is not None
            agenda.add([event])
        shown = placements(agenda)
        assert len(shown) == 1, arrival
        assert shown[0].event.calendar_id == "primary"
        assert sorted(shown[0].event.also_on) == ["Team", "Tokyo"]
        assert agenda.event_count == 1


def test_the_same_uid_at_another_start_or_on_the_same_calendar_is_another_event() -> None:
    def copy(calendar_id: str, start: str, event_id: str) -> Event:
        event = parse_event(
            {
                "id": event_id,
                "iCalUID": "weekly@google.com",
                "start": {"dateTime": start},
                "end": {"dateTime": start.replace("10:00", "11:00")},
            },
            calendar_id,
            calendar_id,
        )
        assert event is not None
        return event

    agenda = Agenda(UTC, DayRange(date(2026, 11, 26), 7), ["primary", "team"])
    agenda.add(
        [
            copy("primary", "2026-11-26T10:00:00Z", "weekly_1"),
            copy("primary", "2026-11-26T10:00:00Z", "weekly_1_again"),
            copy("primary", "2026-12-01T10:00:00Z", "weekly_2"),
            copy("team", "2026-11-27T10:00:00Z", "moved"),
            copy("primary", "2026-11-27T10:00:00Z", "moved_copy"),
        ]
    )
    assert [p.event.id for p in placements(agenda)] == [
        "weekly_1",
        "weekly_1_again",
        "moved_copy",
        "weekly_2",
    ]
    assert [p.event.also_on for p in placements(agenda)] == [[], [], ["team"], []]


def test_merging_starts_when_a_second_calendar_is_known_even_after_the_first_pages() -> None:
    """The primary calendar's first page can come before the calendar list says which others
    follow: its meetings are then looked up when the order grows."""
    item = {
        "id": "review",
        "iCalUID": "review@google.com",
        "start": {"dateTime": "2026-11-26T15:30:00Z"},
        "end": {"dateTime": "2026-11-26T16:15:00Z"},
    }
    agenda = Agenda(UTC, DayRange(date(2026, 11, 26), 1), ["primary"])
    agenda.add([e for e in [parse_event(dict(item), "Mine", "primary")] if e is not None])
    agenda.prefer(["primary", "team"])
    agenda.add([e for e in [parse_event(dict(item), "Team", "team")] if e is not None])
    shown = placements(agenda)
    assert [(p.event.calendar_id, p.event.also_on) for p in shown] == [("primary", ["Team"])]


def test_how_long_ago_a_sync_was_is_said_in_the_viewers_zone() -> None:
    zone = ZoneInfo("Asia/Kolkata")
    now = datetime(2026, 11, 27, 0, 30, tzinfo=zone)  # just after midnight there: 19:00 UTC the day before
    assert ago_label(now - timedelta(seconds=59), now) == "just now"
    assert ago_label(now - timedelta(minutes=3), now) == "3 min ago"
    assert ago_label(now - timedelta(minutes=125), now) == "2 h ago"
    assert ago_label(now - timedelta(days=2), now) == "on Wed 25 Nov 00:30"
    assert moment_label(datetime(2026, 11, 26, 18, 50, tzinfo=UTC), now) == "00:20"  # today in Kolkata
    assert moment_label(datetime(2026, 11, 26, 18, 20, tzinfo=UTC), now) == "Thu 26 Nov 23:50"
