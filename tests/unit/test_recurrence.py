"""A series' instances made from its rules, checked against what Google sends for the same series."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.fixtures import load_fixture
from tui.calendar.recurrence import RecurrenceError, instance_id, instances

SERIES_PAGE = load_fixture("events_series.json")
WEEKLY, MOVED, CANCELLED = SERIES_PAGE["items"]
REAL_WORLD = {item["id"]: item for item in load_fixture("events_real_world.json")["items"]}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def starts(items: list[dict[str, object]]) -> list[datetime]:
    return [at(item["start"]["dateTime"]).astimezone(UTC) for item in items]  # type: ignore[index]


def test_a_weekly_series_leaves_out_its_exdate_and_the_instances_its_exceptions_replace() -> None:
    found = list(instances(WEEKLY, at("2026-11-01T00:00Z"), at("2027-01-01T00:00Z"), [MOVED, CANCELLED]))
    thursdays = ["2026-11-05", "2026-11-12", "2026-11-19", "2026-11-26", "2026-12-17", "2026-12-31"]
    assert starts(found) == [at(f"{day}T10:00Z") for day in thursdays]  # not 3, 10 and 24 Dec
    assert [item["id"] for item in found] == [f"weekly1_{day.replace('-', '')}T100000Z" for day in thursdays]
    first = found[0]
    assert first["recurringEventId"] == "weekly1" and "recurrence" not in first
    assert first["summary"] == "Weekly 1:1" and first["start"]["timeZone"] == "Europe/London"
    assert at(first["end"]["dateTime"]) - at(first["start"]["dateTime"]) == at("2026-11-05T10:30Z") - at(
        "2026-11-05T10:00Z"
    )
    assert first["originalStartTime"] == first["start"]


def test_instance_ids_are_googles() -> None:
    """Google's own expansion names the moved instance so (events_real_world, singleEvents=true)."""
    moved = REAL_WORLD["weekly1_20261203T100000Z"]
    assert instance_id("weekly1", at(moved["originalStartTime"]["dateTime"])) == moved["id"]
    assert instance_id("bday", datetime(2027, 12, 26).date()) == "bday_20271226"


def test_the_series_keeps_its_wall_time_across_daylight_saving_changes() -> None:
    """10:00 in London is 10:00Z in March before the change and 09:00Z after it."""
    found = instances(WEEKLY, at("2027-03-20T00:00Z"), at("2027-04-09T00:00Z"))
    assert starts(list(found)) == [at("2027-03-25T10:00Z"), at("2027-04-01T09:00Z"), at("2027-04-08T09:00Z")]
    new_york = {
        **WEEKLY,
        "id": "ny",
        "start": {"dateTime": "2027-03-01T09:00:00-05:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2027-03-01T09:30:00-05:00", "timeZone": "America/New_York"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=30"],
    }
    days = list(instances(new_york, at("2027-03-13T00:00Z"), at("2027-03-16T00:00Z")))
    assert starts(days) == [at("2027-03-13T14:00Z"), at("2027-03-14T13:00Z"), at("2027-03-15T13:00Z")]


def test_a_series_without_an_end_has_instances_years_on_and_none_before_it_began() -> None:
    assert len(list(instances(WEEKLY, at("2036-01-01T00:00Z"), at("2036-02-01T00:00Z")))) == 5
    assert list(instances(WEEKLY, at("2026-01-01T00:00Z"), at("2026-11-01T00:00Z"))) == []


def test_an_instance_is_found_by_any_part_of_it_in_the_range() -> None:
    """The 10:00–10:30 instance overlaps a range that starts at 10:15 and one that ends at 10:15."""
    assert len(list(instances(WEEKLY, at("2026-11-05T10:15Z"), at("2026-11-05T12:00Z")))) == 1
    assert len(list(instances(WEEKLY, at("2026-11-05T09:00Z"), at("2026-11-05T10:15Z")))) == 1
    assert list(instances(WEEKLY, at("2026-11-05T10:30Z"), at("2026-11-05T12:00Z"))) == []


def test_an_all_day_yearly_series_gives_dates() -> None:
    birthday = {
        "id": "bday",
        "summary": "Charles Babbage's birthday",
        "start": {"date": "2026-12-26"},
        "end": {"date": "2026-12-27"},
        "recurrence": ["RRULE:FREQ=YEARLY"],
        "eventType": "birthday",
    }
    found = list(instances(birthday, at("2027-12-01T00:00Z"), at("2028-01-01T00:00Z")))
    assert [(item["id"], item["start"], item["end"]) for item in found] == [
        ("bday_20271226", {"date": "2027-12-26"}, {"date": "2027-12-27"})
    ]
    cancelled = {"id": "bday_20271226", "status": "cancelled", "originalStartTime": {"date": "2027-12-26"}}
    assert list(instances(birthday, at("2027-12-01T00:00Z"), at("2028-01-01T00:00Z"), [cancelled])) == []


@pytest.mark.parametrize(
    "rules", [["RRULE:FREQ=SOMETIMES"], ["RRULE:FREQ=WEEKLY;UNTIL=yesterday"], ["nonsense"]]
)
def test_rules_that_cannot_be_read_say_so(rules: list[str]) -> None:
    with pytest.raises(RecurrenceError):
        list(instances({**WEEKLY, "recurrence": rules}, at("2026-11-01T00:00Z"), at("2027-01-01T00:00Z")))
