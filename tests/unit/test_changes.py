"""The changes the app sends: what the form accepts, what a reply, an edit or a series change sends,
and what a 412 shows. Real-world event JSON (tests/fixtures) as well as made-up events."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures import load_fixture
from tui.calendar.changes import (
    Change,
    Draft,
    affects,
    draft_of,
    edit_change,
    is_invitation,
    local_moment,
    may_edit,
    moved_series_body,
    new_draft,
    parse_clock,
    quick_add_change,
    read_draft,
    reply_change,
    server_changes,
    shown_as_changed,
    split_series,
)
from tui.calendar.model import Event, parse_event

REAL = {item["id"]: item for item in load_fixture("events_real_world.json")["items"]}
LONDON, NEW_YORK, KOLKATA = ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")
TODAY = dt.date(2026, 11, 27)


def event(item_id: str, calendar_id: str = "primary") -> Event:
    parsed = parse_event(copy.deepcopy(REAL[item_id]), "Ada", calendar_id)
    assert parsed is not None
    return parsed


def own(**fields: Any) -> Event:
    item = {
        "id": "own1",
        "etag": '"1"',
        "summary": "Planning",
        "start": {"dateTime": "2026-12-01T10:00:00Z"},
        "end": {"dateTime": "2026-12-01T11:00:00Z"},
        **fields,
    }
    parsed = parse_event(item, "Ada", "primary")
    assert parsed is not None
    return parsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", dt.time(14, 30)),
        ("9", dt.time(9)),
        ("9am", dt.time(9)),
        ("2.30pm", dt.time(14, 30)),
        ("12am", dt.time(0)),
        ("12pm", dt.time(12)),
        ("14h05", dt.time(14, 5)),
    ],
)
def test_times_as_people_type_them(text: str, expected: dt.time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["25:00", "13pm", "noon", "9:75", ""])
def test_what_is_not_a_time_is_refused_in_words(text: str) -> None:
    with pytest.raises(ValueError, match="time"):
        parse_clock(text)


def test_a_time_the_clocks_skip_is_refused_and_the_zone_rules_give_the_offset() -> None:
    with pytest.raises(ValueError, match=r"does not exist .* America/New_York"):
        local_moment(dt.date(2027, 3, 14), dt.time(2, 30), NEW_YORK)
    assert local_moment(dt.date(2027, 3, 14), dt.time(3, 30), NEW_YORK).utcoffset() == dt.timedelta(hours=-4)
    assert local_moment(dt.date(2027, 3, 13), dt.time(3, 30), NEW_YORK).utcoffset() == dt.timedelta(hours=-5)


def test_the_form_gives_a_timed_event_in_the_zone_typed() -> None:
    draft = Draft(
        "  Design   review ",
        "primary",
        "dec 3",
        "9am",
        "10:15",
        zone="Asia/Kolkata",
        guests="a@x.org; b@y.org a@x.org",
    )
    checked, problems = read_draft(draft, TODAY, LONDON)
    assert problems == {} and checked is not None
    assert checked.body["summary"] == "Design review"
    assert checked.body["start"] == {"dateTime": "2026-12-03T09:00:00+05:30", "timeZone": "Asia/Kolkata"}
    assert checked.body["end"] == {"dateTime": "2026-12-03T10:15:00+05:30", "timeZone": "Asia/Kolkata"}
    assert checked.body["attendees"] == [{"email": "a@x.org"}, {"email": "b@y.org"}]


def test_the_form_gives_all_day_events_as_dates_with_googles_exclusive_end() -> None:
    checked, problems = read_draft(
        Draft("Holiday", day="2026-12-24", all_day=True, last_day="dec 26"), TODAY, LONDON
    )
    assert problems == {} and checked is not None
    assert checked.body["start"] == {"date": "2026-12-24"} and checked.body["end"] == {"date": "2026-12-27"}


def test_every_wrong_field_is_named_with_what_to_type() -> None:
    draft = Draft("", day="someday", start="9", end="8", zone="Mars/Olympus", guests="ana")
    checked, problems = read_draft(draft, TODAY, LONDON)
    assert checked is None
    assert set(problems) == {"title", "day", "zone", "guests"}
    checked, problems = read_draft(Draft("x", day="today", start="10:00", end="09:00"), TODAY, LONDON)
    assert problems == {"end": "The end must be after the start (ending on a later day: 01:00 +1)."}
    checked, problems = read_draft(Draft("x", day="today", start="23:15", end="00:45 +1"), TODAY, LONDON)
    assert checked is not None and checked.body["end"]["dateTime"] == "2026-11-28T00:45:00+00:00"
    checked, problems = read_draft(Draft("x", day="today", all_day=True, last_day="yesterday"), TODAY, LONDON)
    assert "last_day" in problems


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK, KOLKATA, ZoneInfo("Pacific/Auckland")])
def test_an_event_filled_into_the_form_and_saved_unchanged_sends_nothing(zone: ZoneInfo) -> None:
    for item_id in ("dst1before", "dst2after", "focus1", "meet1"):
        shown = event(item_id)
        checked, problems = read_draft(draft_of(shown, zone), TODAY, zone)
        assert problems == {} and checked is not None, (item_id, problems)
        assert edit_change(shown, checked, "none", "this") is None, item_id


def test_an_edit_sends_only_what_changed_and_keeps_the_guests_replies() -> None:
    shown = event("declined1")
    draft = draft_of(shown, LONDON)
    changed = Draft(
        **{**draft.__dict__, "title": "Vendor pitch (moved)", "guests": draft.guests + ", new@x.org"}
    )
    checked, _ = read_draft(changed, TODAY, LONDON)
    assert checked is not None
    change = edit_change(shown, checked, "all", "this")
    assert change is not None and change.etag == REAL["declined1"]["etag"]
    assert set(change.body) == {"summary", "attendees"}
    replies = {person["email"]: person.get("responseStatus") for person in change.body["attendees"]}
    assert replies["charles.babbage@example.com"] == "tentative" and replies["new@x.org"] is None


def test_a_reply_changes_only_your_own_entry_with_the_note() -> None:
    invitation = event("teams1")
    assert is_invitation(invitation) and not may_edit(invitation, "owner")
    change = reply_change(invitation, "tentative", " Running late ", "none", "this")
    (organizer, me) = change.body["attendees"]
    assert organizer == REAL["teams1"]["attendees"][0]
    assert me == {**REAL["teams1"]["attendees"][1], "responseStatus": "tentative", "comment": "Running late"}
    assert change.event_id == "teams1" and change.etag == REAL["teams1"]["etag"]
    shown = shown_as_changed(change, invitation)
    assert shown is not None and shown.my_response == "tentative"


def test_a_change_to_all_events_goes_to_the_series_moved_as_the_occurrence_was() -> None:
    moved_one = event("weekly1_20261203T100000Z")
    assert moved_one.recurring_event_id == "weekly1"
    master = {
        "id": "weekly1",
        "start": {"dateTime": "2026-11-05T10:00:00Z", "timeZone": "Europe/London"},
        "end": {"dateTime": "2026-11-05T10:30:00Z", "timeZone": "Europe/London"},
    }
    body = {
        "start": {"dateTime": "2026-12-03T15:30:00+00:00"},
        "end": {"dateTime": "2026-12-03T16:30:00+00:00"},
    }
    moved = moved_series_body(body, moved_one.item, master)
    assert moved["start"]["dateTime"] == "2026-11-05T10:30:00+00:00"
    assert moved["end"]["dateTime"] == "2026-11-05T11:30:00+00:00"
    change = Change("patch", "primary", "x", "weekly1", {"summary": "1:1"}, before=moved_one, scope="all")
    other = parse_event({**REAL["weekly1_20261203T100000Z"], "id": "weekly1_x"}, "Ada", "primary")
    assert other is not None and affects(change, other) and not affects(change, own())


def test_a_412_shows_what_changed_at_google() -> None:
    read = REAL["declined1"]
    now = copy.deepcopy(read)
    now["summary"] = "Vendor pitch [moved]"
    now["attendees"][2]["responseStatus"] = "accepted"
    changes = server_changes(read, now)
    assert ("Title", "Vendor pitch", "Vendor pitch [moved]") in changes
    assert ("Guest charles.babbage@example.com", "tentative", "accepted") in changes


def test_a_new_event_starts_at_the_next_whole_hour_on_the_day_under_the_cursor() -> None:
    now = dt.datetime(2026, 11, 27, 14, 20, tzinfo=KOLKATA)
    assert (new_draft(None, now, "primary").start, new_draft(None, now, "primary").end) == ("15:00", "16:00")
    later = new_draft(own(), now, "primary")
    assert later.day == "2026-12-01" and later.start == "09:00" and later.zone == "Asia/Kolkata"


def test_quick_add_text_is_bounded_and_not_empty() -> None:
    with pytest.raises(ValueError, match="what and when"):
        quick_add_change("primary", "   ")
    with pytest.raises(ValueError, match="at most"):
        quick_add_change("primary", "x" * 2000)
    assert quick_add_change("primary", " Lunch \n tomorrow ").text == "Lunch tomorrow"


WEEKLY = {
    "id": "s1",
    "start": {"dateTime": "2027-03-03T09:00:00-05:00", "timeZone": "America/New_York"},
    "end": {"dateTime": "2027-03-03T09:30:00-05:00", "timeZone": "America/New_York"},
}


def occurrence_at(wall: str) -> dict[str, Any]:
    return {"originalStartTime": {"dateTime": wall, "timeZone": "America/New_York"}}


def test_a_series_split_at_an_occurrence_ends_the_second_before_it_across_a_dst_change() -> None:
    master = {
        **WEEKLY,
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=WE", "EXDATE;TZID=America/New_York:20270317T090000"],
    }
    split = split_series(master, occurrence_at("2027-03-24T09:00:00-04:00"))  # after the change: EDT
    assert split is not None
    ended, rest = split
    assert ended == ["RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270324T125959Z", master["recurrence"][1]]
    assert rest == master["recurrence"]


def test_a_count_is_shared_between_the_two_series() -> None:
    master = {**WEEKLY, "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=10"]}
    ended, rest = split_series(master, occurrence_at("2027-03-24T09:00:00-04:00")) or ([], [])
    assert ended == ["RRULE:FREQ=WEEKLY;UNTIL=20270324T125959Z"]
    assert rest == ["RRULE:FREQ=WEEKLY;COUNT=7"]  # 3, 10 and 17 March were the first three


def test_no_split_at_the_first_occurrence_and_none_past_the_count() -> None:
    assert (
        split_series(
            {**WEEKLY, "recurrence": ["RRULE:FREQ=WEEKLY"]}, occurrence_at(WEEKLY["start"]["dateTime"])
        )
        is None
    )
    short = {**WEEKLY, "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2"]}
    with pytest.raises(ValueError, match="ends before"):
        split_series(short, occurrence_at("2027-03-24T09:00:00-04:00"))
    with pytest.raises(ValueError, match="unreadable"):
        split_series({"recurrence": ["RRULE:FREQ=WEEKLY"]}, occurrence_at("2027-03-24T09:00:00-04:00"))


def test_an_all_day_series_ends_the_day_before() -> None:
    master = {
        "id": "b",
        "start": {"date": "2026-12-26"},
        "end": {"date": "2026-12-27"},
        "recurrence": ["RRULE:FREQ=YEARLY"],
    }
    split = split_series(master, {"originalStartTime": {"date": "2028-12-26"}})
    assert split == (["RRULE:FREQ=YEARLY;UNTIL=20281225"], ["RRULE:FREQ=YEARLY"])
