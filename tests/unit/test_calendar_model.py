"""Events parsed from Google's own shapes, and how their times read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures import load_fixture
from tui.calendar.agenda import Agenda, DayRange, Placement
from tui.calendar.model import (
    CalendarInfo,
    Event,
    description_text,
    format_dates,
    format_times,
    format_when,
    parse_calendar,
    parse_event,
)
from tui.text import safe_text

TODAY = date(2026, 11, 26)


def fixture_events() -> dict[str, Event | None]:
    items = load_fixture("events_page1.json")["items"] + load_fixture("events_page2.json")["items"]
    return {item["id"]: parse_event(item, "Ada") for item in items}


def test_cancelled_exception_is_left_out() -> None:
    events = fixture_events()
    assert events["1recur_20261128T090000Z"] is None
    assert sum(event is not None for event in events.values()) == 7


@pytest.mark.parametrize(
    ("event_id", "dates", "times"),
    [
        ("0aallday1", "Fri 27 Nov", "all day"),
        ("1recur_20261127T090000Z", "Fri 27 Nov", "09:00–09:15"),
        ("2untitled", "Fri 27 Nov", "12:00–13:00"),  # 13:00+01:00 shown in UTC
        ("4multiday", "Mon 30 Nov – Wed 2 Dec", "all day"),  # end date 3 Dec is exclusive
        ("5tz", "Mon 30 Nov", "23:00–24:00"),  # 08:00+09:00 is 23:00 UTC the day before
        ("6ooo", "Fri 4 Dec", "00:00–24:00"),
    ],
)
def test_dates_and_times_in_local_time(event_id: str, dates: str, times: str) -> None:
    event = fixture_events()[event_id]
    assert event is not None
    assert format_dates(event, UTC, TODAY) == dates
    assert format_times(event, UTC, TODAY) == times


def test_timed_event_across_days_shows_its_end_day() -> None:
    event = parse_event(
        {
            "id": "x",
            "start": {"dateTime": "2026-11-27T22:00:00Z"},
            "end": {"dateTime": "2026-11-28T02:00:00Z"},
        }
    )
    assert event is not None
    assert format_dates(event, UTC, TODAY) == "Fri 27 Nov – Sat 28 Nov"
    assert format_times(event, UTC, TODAY) == "22:00 – Sat 28 Nov 02:00"


def test_other_year_is_named() -> None:
    event = parse_event({"id": "y", "start": {"date": "2027-01-01"}, "end": {"date": "2027-01-02"}})
    assert event is not None
    assert format_dates(event, UTC, TODAY) == "Fri 1 Jan 2027"


def test_untitled_and_details() -> None:
    events = fixture_events()
    untitled, review, standup = events["2untitled"], events["3review"], events["1recur_20261127T090000Z"]
    assert untitled is not None and untitled.title == "(No title)"
    assert review is not None
    assert review.organizer == "Charles Babbage <charles.babbage@example.com>"
    assert [a.response for a in review.attendees] == ["accepted", "needsAction", "tentative", "accepted"]
    assert review.attendees[2].optional and review.attendees[3].resource
    assert standup is not None
    assert standup.conference_link == "https://meet.google.com/abc-defg-hij"
    assert standup.recurring_event_id == "1recur"
    assert standup.time_zone == "Europe/London"
    assert "event time zone: Europe/London" in format_when(standup, UTC, TODAY)


def test_description_html_becomes_plain_text() -> None:
    review = fixture_events()["3review"]
    assert review is not None
    assert review.description == (
        "Agenda\n1. Bernoulli numbers\n2. Punched cards\ndoc (https://example.com/doc)"
    )
    assert description_text("[bold]not markup[/bold] & <i>x</i>") == "[bold]not markup[/bold] & x"


def test_control_characters_are_made_visible() -> None:
    assert safe_text("a\x1b[31mred\x07b\x9bc\n\td") == "a␛[31mred\ufffdb\ufffdc\n\td"
    assert safe_text("\u202eexe.txt\u202c \u2067x\u2069") == "\ufffdexe.txt\ufffd \ufffdx\ufffd"
    assert safe_text("مراجعة שלום 会議室") == "مراجعة שלום 会議室"  # right-to-left and wide text stay
    event = parse_event(
        {
            "id": "e",
            "summary": "\x1b]52;c;ZXZpbA==\x07",
            "start": {"date": "2026-11-27"},
            "end": {"date": "2026-11-28"},
        }
    )
    assert event is not None and "\x1b" not in event.summary and "\x07" not in event.summary


def test_ongoing_and_today() -> None:
    event = parse_event(
        {
            "id": "o",
            "start": {"dateTime": "2026-11-26T09:00:00Z"},
            "end": {"dateTime": "2026-11-26T10:00:00Z"},
        }
    )
    assert event is not None
    assert event.is_ongoing(datetime(2026, 11, 26, 9, 30, tzinfo=UTC))
    assert not event.is_ongoing(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    "item",
    [
        {"id": "no-start", "end": {"date": "2026-11-27"}},
        {"id": "bad-date", "start": {"date": "27/11/2026"}, "end": {"date": "2026-11-28"}},
        {"id": "wrong-type", "start": "tomorrow", "end": {"date": "2026-11-28"}},
    ],
)
def test_unshowable_items_are_skipped(item: dict[str, object]) -> None:
    assert parse_event(item) is None


def test_calendar_list_entries() -> None:
    calendars = [parse_calendar(item) for item in load_fixture("calendar_list.json")["items"]]
    assert [(c.summary, c.access_role, c.primary) for c in calendars] == [
        ("ada.lovelace@example.com", "owner", True),
        ("Analytical Engine team", "writer", False),
        ("Holidays in United Kingdom", "reader", False),
    ]


@pytest.mark.parametrize(
    ("description", "shown"),
    [
        (
            "Join<https://teams.microsoft.com/l/meetup-join/19%3a>",
            "Join<https://teams.microsoft.com/l/meetup-join/19%3a>",
        ),
        ("Organiser: Jane Doe <jane@example.com>", "Organiser: Jane Doe <jane@example.com>"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("a < b and b > c", "a < b and b > c"),
        ("<p>real</p><p>html</p>", "real\n\nhtml"),
        ("x &#x202E;evil&#27;[2J &amp; y", "x \ufffdevil[2J & y"),  # an escape by number is dropped
        ("<b>bold &#x202E;</b>", "bold \ufffd"),
        ("<ul><li>one</li><li>two</li></ul>", "• one\n\n• two"),
        ("<div>a</div><div>b</div>", "a\n\nb"),
        ('<a href="https://x.example/y">the doc</a> end', "the doc (https://x.example/y) end"),
        ('<a href="https://x.example/y">https://x.example/y</a>', "https://x.example/y"),
        ("<a>no link</a>", "no link"),
        ("x<br>y", "x\ny"),
    ],
    ids=[
        "teams-link",
        "address",
        "crlf",
        "comparison",
        "html",
        "entities",
        "html-entities",
        "list",
        "divs",
        "link",
        "link-as-its-own-text",
        "anchor-without-href",
        "line-break",
    ],
)
def test_descriptions_keep_links_and_lines_and_lose_escapes(description: str, shown: str) -> None:
    event = parse_event(
        {
            "id": "d",
            "start": {"date": "2026-11-26"},
            "end": {"date": "2026-11-27"},
            "description": description,
        }
    )
    assert event is not None
    assert event.description == shown


def test_long_text_is_cut_when_read_and_says_so() -> None:
    item = {
        "id": "big",
        "start": {"date": "2026-11-26"},
        "end": {"date": "2026-11-27"},
        "summary": "s" * 100_000,
        "location": "l" * 100_000,
        "description": "d" * 1_000_000,
    }
    event = parse_event(item)
    assert event is not None
    assert len(event.summary) <= 1_000 and event.summary.endswith("…")
    assert len(event.location) <= 1_000
    assert len(event.description) < 21_000 and "cut: 980,000 more characters" in event.description
    assert len(item["description"]) < 21_000  # the page's JSON does not keep the rest either


def test_a_cancelled_item_with_times_is_hidden_by_its_status() -> None:
    """Google's cancelled exceptions carry no times, so their parse fails anyway; a cancelled item
    with times (as a sync delta can send) must be hidden by its status alone."""
    item = {
        "id": "cancelled-with-times",
        "status": "cancelled",
        "summary": "Called off",
        "start": {"dateTime": "2026-11-27T10:00:00Z"},
        "end": {"dateTime": "2026-11-27T11:00:00Z"},
    }
    assert parse_event(item) is None
    assert parse_event({**item, "status": "confirmed"}) is not None
    assert parse_event({**item, "status": "tentative"}) is not None


@pytest.mark.parametrize("code", [*range(0x202A, 0x202F), *range(0x2066, 0x206A)], ids=lambda c: f"U+{c:04X}")
def test_every_bidirectional_override_and_isolate_is_made_visible(code: int) -> None:
    assert safe_text(f"a{chr(code)}b") == "a\ufffdb"


@pytest.mark.parametrize("code", [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)], ids=hex)
def test_every_control_character_but_tab_and_newline_is_made_visible(code: int) -> None:
    assert safe_text(f"a{chr(code)}b") == ("a␛b" if code == 0x1B else "a\ufffdb")


@pytest.mark.parametrize("text", ["a\tb\nc", "\u200f\u200e\u061c", "\u00a0 é ß", "\u202f narrow space"])
def test_tab_newline_marks_and_printable_text_stay(text: str) -> None:
    assert safe_text(text) == text


@pytest.mark.parametrize("value", [None, 3, b"bytes", ["a"]])
def test_what_is_not_text_becomes_empty(value: object) -> None:
    assert safe_text(value) == ""


def real_world(event_id: str) -> dict:
    return next(
        dict(item) for item in load_fixture("events_real_world.json")["items"] if item["id"] == event_id
    )


def test_a_meet_call_gives_its_video_link_and_dial_in_with_pin() -> None:
    event = parse_event(real_world("meet1"))
    assert event is not None
    assert event.conference_link == "https://meet.google.com/aaa-bbbb-ccc"
    assert event.phone_numbers == ("+44 20 0000 0000 (PIN 123456789)",)


def test_the_video_entry_point_wins_over_the_hangout_link() -> None:
    item = real_world("meet1")
    item["hangoutLink"] = "https://meet.google.com/old-link"
    event = parse_event(item)
    assert event is not None and event.conference_link == "https://meet.google.com/aaa-bbbb-ccc"


@pytest.mark.parametrize(
    "conference",
    [
        None,
        "text",
        {"entryPoints": "not a list"},
        {"entryPoints": ["not a dict", {"entryPointType": "phone"}]},
    ],
)
def test_without_a_video_entry_point_the_hangout_link_is_used(conference: object) -> None:
    item = {
        **real_world("meet1"),
        "conferenceData": conference,
        "hangoutLink": "https://meet.google.com/x-y-z",
    }
    event = parse_event(item)
    assert event is not None and event.conference_link == "https://meet.google.com/x-y-z"


def test_a_dial_in_without_a_label_uses_its_number_and_passcode() -> None:
    item = {
        **real_world("meet1"),
        "conferenceData": {
            "entryPoints": [{"entryPointType": "phone", "uri": "tel:+1-555-0100", "passcode": "42"}]
        },
    }
    del item["hangoutLink"]
    event = parse_event(item)
    assert event is not None
    assert event.phone_numbers == ("+1-555-0100 (PIN 42)",) and event.conference_link == ""


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/New_York", "2026-11-27T10:00:00-05:00"),
        ("Asia/Kolkata", "2026-11-27T10:00:00+05:30"),
        (None, "2026-11-27T10:00:00+00:00"),
        ("", "2026-11-27T10:00:00+00:00"),
        ("Not/AZone", "2026-11-27T10:00:00+00:00"),
        ("Asia", "2026-11-27T10:00:00+00:00"),  # a folder of zones, not a zone
        (5, "2026-11-27T10:00:00+00:00"),
    ],
)
def test_a_time_without_an_offset_is_read_in_the_events_zone(zone: object, expected: str) -> None:
    start: dict[str, object] = {"dateTime": "2026-11-27T10:00:00"}
    if zone is not None:
        start["timeZone"] = zone
    event = parse_event({"id": "naive", "start": start, "end": {"dateTime": "2026-11-27T11:00:00"}})
    assert event is not None and event.start.isoformat() == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (
            "2026-11-27T10:00:00Z",
            "2026-11-27T18:00:00",
            ("2026-11-27T10:00:00+00:00", "2026-11-27T18:00:00+05:30"),
        ),
        (
            "2026-11-27T10:00:00",
            "2026-11-27T18:00:00Z",
            ("2026-11-27T10:00:00+05:30", "2026-11-27T18:00:00+00:00"),
        ),
    ],
    ids=["end-without-offset", "start-without-offset"],
)
def test_only_the_time_without_an_offset_takes_the_events_zone(
    start: str, end: str, expected: tuple[str, str]
) -> None:
    item = {
        "id": "mixed",
        "start": {"dateTime": start, "timeZone": "Asia/Kolkata"},
        "end": {"dateTime": end, "timeZone": "Asia/Kolkata"},
    }
    event = parse_event(item)
    assert event is not None and (event.start.isoformat(), event.end.isoformat()) == expected


@pytest.mark.parametrize(
    ("start", "shown"),
    [
        ("0001-01-02T00:00:00+00:00", False),  # a zone margin before it is before the start of time
        ("0001-01-08T00:00:00+00:00", True),
        ("9999-12-25T00:00:00+00:00", True),
        ("9999-12-30T00:00:00+00:00", False),  # a zone margin after it is past the end of time
    ],
)
def test_an_instant_near_the_ends_of_time_is_shown_when_it_can_be_placed(start: str, shown: bool) -> None:
    at = datetime.fromisoformat(start)
    item = {"id": "edge", "start": {"dateTime": start}, "end": {"dateTime": start}}
    event = parse_event(item)
    assert (event is not None) == shown
    if event is not None:
        agenda = Agenda(ZoneInfo("Pacific/Kiritimati"), DayRange(at.date() - timedelta(days=1), 3))
        agenda.add([event])
        assert [line.event for line in agenda.lines() if isinstance(line, Placement)] == [event]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            {
                "id": "c1",
                "summary": "Team",
                "summaryOverride": "Our team",
                "accessRole": "reader",
                "timeZone": "Asia/Kolkata",
            },
            CalendarInfo(
                id="c1", summary="Our team", access_role="reader", primary=False, time_zone="Asia/Kolkata"
            ),
        ),
        (
            {"id": "me@example.com", "summary": "Me", "accessRole": "owner", "primary": True},
            CalendarInfo(id="me@example.com", summary="Me", access_role="owner", primary=True, time_zone=""),
        ),
        ({"id": "nameless"}, CalendarInfo(id="nameless", summary="nameless", access_role="", primary=False)),
        (
            {"id": "x\x1b[31m", "summary": ["no"], "accessRole": 3},
            CalendarInfo(id="x␛[31m", summary="x␛[31m", access_role="", primary=False),
        ),
    ],
    ids=["override", "primary", "no-name", "odd-shapes"],
)
def test_calendar_list_entries_of_every_shape(item: dict, expected: CalendarInfo) -> None:
    assert parse_calendar(item) == expected


@pytest.mark.parametrize(
    ("now", "ongoing", "ended"),
    [
        (datetime(2026, 11, 27, 9, 59, 59, tzinfo=UTC), False, False),
        (datetime(2026, 11, 27, 10, 0, tzinfo=UTC), True, False),
        (datetime(2026, 11, 27, 10, 59, 59, tzinfo=UTC), True, False),
        (datetime(2026, 11, 27, 11, 0, tzinfo=UTC), False, True),
    ],
)
def test_a_timed_event_is_ongoing_from_its_start_until_just_before_its_end(
    now: datetime, ongoing: bool, ended: bool
) -> None:
    event = parse_event(
        {
            "id": "t",
            "start": {"dateTime": "2026-11-27T10:00:00Z"},
            "end": {"dateTime": "2026-11-27T11:00:00Z"},
        }
    )
    assert event is not None
    assert (event.is_ongoing(now), event.has_ended(now)) == (ongoing, ended)


@pytest.mark.parametrize(
    ("now", "ongoing", "ended"),
    [
        (datetime(2026, 11, 26, 23, 59, tzinfo=ZoneInfo("Asia/Kolkata")), False, False),
        (datetime(2026, 11, 27, 0, 0, tzinfo=ZoneInfo("Asia/Kolkata")), True, False),
        (datetime(2026, 11, 27, 23, 59, tzinfo=ZoneInfo("Asia/Kolkata")), True, False),
        (datetime(2026, 11, 28, 0, 0, tzinfo=ZoneInfo("Asia/Kolkata")), False, True),
    ],
)
def test_an_all_day_event_is_ongoing_through_its_day_in_the_viewers_zone(
    now: datetime, ongoing: bool, ended: bool
) -> None:
    event = parse_event({"id": "a", "start": {"date": "2026-11-27"}, "end": {"date": "2026-11-28"}})
    assert event is not None
    assert (event.is_ongoing(now), event.has_ended(now)) == (ongoing, ended)


@pytest.mark.parametrize(
    ("person", "shown"),
    [
        ({"displayName": "Ada", "email": "ada@example.com"}, "Ada <ada@example.com>"),
        ({"email": "ada@example.com"}, "ada@example.com"),
        ({"displayName": "Ada"}, "Ada"),
        ({}, ""),
        ("not a person", ""),
    ],
)
def test_the_organizer_reads_as_name_and_address(person: object, shown: str) -> None:
    event = parse_event(
        {"id": "o", "organizer": person, "start": {"date": "2026-11-27"}, "end": {"date": "2026-11-28"}}
    )
    assert event is not None and event.organizer == shown


def test_an_all_day_event_starts_at_midnight_in_the_zone_asked() -> None:
    event = parse_event({"id": "a", "start": {"date": "2026-11-27"}, "end": {"date": "2026-11-29"}})
    assert event is not None
    kolkata = ZoneInfo("Asia/Kolkata")
    assert event.starts_at(kolkata) == datetime(2026, 11, 27, tzinfo=kolkata)
    assert event.ends_at(kolkata) == datetime(2026, 11, 29, tzinfo=kolkata)
    assert event.starts_at(kolkata).utcoffset() is not None


KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("start", "end", "extra", "when"),
    [
        # 20:00–21:00 UTC is 01:30–02:30 the next day in Kolkata: the day is Kolkata's
        ("2026-11-26T20:00:00Z", "2026-11-26T21:00:00Z", {}, "Fri 27 Nov, 01:30–02:30"),
        ("2026-11-26T17:30:00Z", "2026-11-26T18:30:00Z", {}, "Thu 26 Nov, 23:00–24:00"),
        ("2026-11-26T17:00:00Z", "2026-11-26T18:30:00Z", {}, "Thu 26 Nov, 22:30–24:00"),
        (
            "2026-11-26T17:00:00Z",
            "2026-11-26T19:30:00Z",
            {},
            "Thu 26 Nov – Fri 27 Nov, 22:30 – Fri 27 Nov 01:00",
        ),
        ("2026-11-26T12:00:00Z", "2026-11-26T12:00:00Z", {}, "Thu 26 Nov, 17:30–17:30"),
        # set in New York: its own times are given too
        (
            "2026-11-26T15:00:00Z",
            "2026-11-26T16:00:00Z",
            {"timeZone": "America/New_York"},
            "Thu 26 Nov, 20:30–21:30 (10:00–11:00 America/New_York)",
        ),
        # set in a zone with Kolkata's offset: named, not repeated
        (
            "2026-11-26T15:00:00Z",
            "2026-11-26T16:00:00Z",
            {"timeZone": "Asia/Colombo"},
            "Thu 26 Nov, 20:30–21:30 (event time zone: Asia/Colombo)",
        ),
        (
            "2026-11-26T15:00:00Z",
            "2026-11-26T16:00:00Z",
            {"timeZone": "Asia/Kolkata"},
            "Thu 26 Nov, 20:30–21:30",
        ),
        (
            "2026-11-26T15:00:00Z",
            "2026-11-26T16:00:00Z",
            {"timeZone": "Mars/Olympus"},
            "Thu 26 Nov, 20:30–21:30 (event time zone: Mars/Olympus)",
        ),
    ],
)
def test_the_detail_views_when_line_in_the_viewers_zone(start: str, end: str, extra: dict, when: str) -> None:
    start_field: dict[str, str] = {"dateTime": start, **extra}
    event = parse_event({"id": "w", "start": start_field, "end": {"dateTime": end}})
    assert event is not None
    assert format_when(event, KOLKATA, date(2026, 11, 26)) == when


@pytest.mark.parametrize(
    ("first", "end", "when"),
    [
        ("2026-11-27", "2026-11-28", "Fri 27 Nov, all day"),
        ("2026-11-27", "2026-11-30", "Fri 27 Nov – Sun 29 Nov, all day"),
        ("2027-01-02", "2027-01-03", "Sat 2 Jan 2027, all day"),
    ],
)
def test_all_day_events_name_their_days_wherever_the_viewer_is(first: str, end: str, when: str) -> None:
    event = parse_event(
        {"id": "a", "start": {"date": first, "timeZone": "America/New_York"}, "end": {"date": end}}
    )
    assert event is not None
    assert format_when(event, KOLKATA, date(2026, 11, 26)) == when


def test_the_filter_looks_in_guests_the_organizer_and_calendar_names_too() -> None:
    event = parse_event(
        {
            "id": "meet",
            "summary": "Planning",
            "start": {"dateTime": "2026-11-26T10:00:00Z"},
            "end": {"dateTime": "2026-11-26T11:00:00Z"},
            "organizer": {"email": "boss@example.com", "displayName": "The Boss"},
            "attendees": [{"email": "mary.somerville@example.com", "displayName": "Mary Somerville"}],
        },
        "Analytical Engine team",
        "team",
    )
    assert event is not None
    event.also_on.append("Tokyo office")
    for words in (
        "planning",
        "mary somerville",
        "mary.somerville@example.com",
        "the boss",
        "engine team",
        "tokyo",
    ):
        assert words in event.search_text, words
    assert "lisbon" not in event.search_text
