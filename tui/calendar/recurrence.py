"""A recurring event's instances in a range, made here as Google makes them for `singleEvents=true`.

The store keeps what incremental sync sends (`singleEvents=false`): each series once, with its
RFC 5545 rules (`RRULE`, `RDATE`, `EXDATE`) in `recurrence`, and its exceptions (instances moved,
changed or cancelled) as items of their own that name the series (`recurringEventId`) and the
instance they replace (`originalStartTime`). The rules are read with python-dateutil's `rrulestr`,
in the series' own zone, so 10:00 in London stays 10:00 across a DST change. Plain data: no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MOST_INSTANCES = 5000  # of one series in one range: a daily series over 13 years


class RecurrenceError(ValueError):
    """The series' rules could not be read."""


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _rules(series: dict[str, Any], first: datetime) -> Any:
    """The series' rules as a dateutil `rruleset` (imported here: most ranges have no series)."""
    from dateutil.rrule import rruleset, rrulestr  # deferred

    lines = [line for line in series.get("recurrence") or [] if isinstance(line, str)]
    try:
        rules = rrulestr("\n".join(lines), dtstart=first, forceset=True, tzids=_zone)
    except (ValueError, TypeError, OverflowError) as error:
        raise RecurrenceError(f"unreadable recurrence {lines!r}: {error}") from None
    assert isinstance(rules, rruleset)
    return rules


def instant_of(part: dict[str, str]) -> datetime:
    """A start or end as Google writes it, in UTC: its `dateTime`, or its `date` at UTC midnight
    (two of those are as many days apart as the dates)."""
    if "dateTime" in part:
        return datetime.fromisoformat(part["dateTime"]).astimezone(UTC)
    return datetime.combine(date.fromisoformat(part["date"]), time(), UTC)


def rrule_fields(line: str) -> dict[str, str]:
    """ "RRULE:FREQ=WEEKLY;COUNT=10" as {"FREQ": "WEEKLY", "COUNT": "10"}, in order."""
    return dict(part.split("=", 1) for part in line[len("RRULE:") :].split(";") if "=" in part)


def instance_id(series_id: str, original: datetime | date) -> str:
    """Google's id for an instance: the series id and its original start (UTC, basic format)."""
    if isinstance(original, datetime):
        return f"{series_id}_{original.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f"{series_id}_{original:%Y%m%d}"


def original_key(item: dict[str, Any]) -> datetime | date | None:
    """When the instance an exception replaces was to start (an instant, or a date)."""
    original = item.get("originalStartTime")
    if not isinstance(original, dict):
        return None
    try:
        if isinstance(original.get("dateTime"), str):
            return datetime.fromisoformat(original["dateTime"]).astimezone(UTC)
        if isinstance(original.get("date"), str):
            return date.fromisoformat(original["date"])
    except ValueError:
        return None
    return None


def instances(
    series: dict[str, Any], start: datetime, end: datetime, exceptions: Iterable[dict[str, Any]] = ()
) -> Iterator[dict[str, Any]]:
    """The series' instances that overlap [start, end), as items like Google's: each instance not
    replaced by one of `exceptions` (any exception that names an instance replaces it, cancelled or
    moved; the caller shows the moved ones where they now are). Raises RecurrenceError."""
    replaced = {key for item in exceptions if (key := original_key(item)) is not None}
    first_part, end_part = series.get("start") or {}, series.get("end") or {}
    series_id = str(series.get("id", ""))
    base = {key: value for key, value in series.items() if key != "recurrence"}
    base["recurringEventId"] = series_id
    if isinstance(first_part.get("date"), str):
        first_day, last_day = date.fromisoformat(first_part["date"]), date.fromisoformat(end_part["date"])
        days = max(1, (last_day - first_day).days)
        rules = _rules(series, datetime.combine(first_day, time()))
        window = (start.date() - timedelta(days=days + 1), end.date() + timedelta(days=1))
        found = rules.between(
            datetime.combine(window[0], time()), datetime.combine(window[1], time()), inc=True
        )
        for when in found[:MOST_INSTANCES]:
            day = when.date()
            if day in replaced:
                continue
            yield {
                **base,
                "id": instance_id(series_id, day),
                "originalStartTime": {"date": day.isoformat()},
                "start": {"date": day.isoformat()},
                "end": {"date": (day + timedelta(days=days)).isoformat()},
            }
        return
    zone_name = first_part.get("timeZone")
    zone = _zone(zone_name)
    first = datetime.fromisoformat(first_part["dateTime"]).astimezone(zone)
    length = datetime.fromisoformat(end_part["dateTime"]) - datetime.fromisoformat(first_part["dateTime"])
    rules = _rules(series, first)
    for when in rules.between(start - length, end, inc=True)[:MOST_INSTANCES]:
        began = when.astimezone(UTC)
        overlaps = began < end and (began + length > start or began >= start)  # at `start`, if of no length
        if began in replaced or not overlaps:
            continue
        zoned = {"timeZone": zone_name} if zone_name else {}
        yield {
            **base,
            "id": instance_id(series_id, began),
            "originalStartTime": {"dateTime": _rfc3339(when), **zoned},
            "start": {"dateTime": _rfc3339(when), **zoned},
            "end": {"dateTime": _rfc3339((began + length).astimezone(zone)), **zoned},
        }


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat()
