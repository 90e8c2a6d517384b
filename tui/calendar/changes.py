"""Changes to events, as Calendar v3 takes them: a reply, a quick add, a new or edited event, a
deletion. What may be changed, what is sent, how it looks in the agenda until Google answers, and
what changed on the server when Google answers 412. No Textual, no Google library."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.calendar.dates import parse_day
from tui.calendar.errors import CalendarError
from tui.calendar.model import Event, parse_event
from tui.calendar.recurrence import instant_of, rrule_fields
from tui.text import clip, safe_text

if TYPE_CHECKING:
    from tui.calendar.client import CalendarClient

WRITE_SCOPE = "https://www.googleapis.com/auth/calendar.events"
WRITER_ROLES = frozenset({"owner", "writer"})
Reply = Literal["accepted", "declined", "tentative"]
REPLY_WORDS: dict[str, str] = {"accepted": "Accept", "declined": "Decline", "tentative": "Maybe"}
SendUpdates = Literal["all", "externalOnly", "none"]
SEND_UPDATES_WORDS: dict[str, str] = {
    "all": "Email every guest",
    "externalOnly": "Email guests outside your organisation",
    "none": "Email no one",
}
Scope = Literal["this", "following", "all"]
SCOPE_WORDS: dict[str, str] = {
    "this": "This event",
    "following": "This and the following events",
    "all": "All events in the series",
}
# A new series made from an old one's occurrence on ("this and following") takes these from it.
SERIES_FIELDS = (
    "summary",
    "description",
    "location",
    "colorId",
    "attendees",
    "reminders",
    "transparency",
    "visibility",
    "guestsCanModify",
    "guestsCanInviteOthers",
    "guestsCanSeeOtherGuests",
    "conferenceData",
    "start",
    "end",
)
MOST_GUESTS = 200
MOST_TITLE = 1024
MOST_DESCRIPTION = 8192
MOST_QUICK_ADD = 1024


EDITABLE_TYPES = frozenset({"default", "outOfOffice", "focusTime"})  # Google limits the others


def may_edit(event: Event, access_role: str) -> bool:
    """Whether the event's fields are yours to change: on a calendar you may write to, not an
    invitation (its organizer's copy is the one that counts), and an event of a kind the form
    covers (a working location or a birthday has fields of its own)."""
    return (
        access_role in WRITER_ROLES
        and not is_invitation(event)
        and not event.busy_only
        and event.event_type in EDITABLE_TYPES
    )


def is_invitation(event: Event) -> bool:
    """Someone else's event with you among the guests: yours to answer."""
    for person in event.item.get("attendees") or []:
        if isinstance(person, dict) and person.get("self"):
            return not person.get("organizer")
    return False


def series_id(event: Event, scope: Scope) -> str:
    """The id a change of `scope` goes to: the event's own, or its series'."""
    return event.recurring_event_id if scope != "this" and event.recurring_event_id else event.id


@dataclass(frozen=True)
class Change:
    """One write, as the person asked for it. `before` is the event as shown when it was asked for
    (None for a new one): the agenda goes back to it if Google refuses."""

    kind: Literal["insert", "quick_add", "patch", "delete"]
    calendar_id: str
    words: str  # what it does, for messages: "Accept “Team sync”"
    event_id: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    etag: str = ""
    send_updates: SendUpdates = "none"
    text: str = ""  # for quick add
    before: Event | None = None
    scope: Scope = "this"  # else `event_id` is the series', and the series is read first

    def again_at(self, etag: str, now: Event) -> Change:
        """The same change, made to the event as it is now (after a 412)."""
        return replace(self, etag=etag, before=now)


def send(change: Change, calendar: CalendarClient) -> dict[str, Any]:
    """Make the change at Google; the event as Google now has it ({} once deleted). Raises
    CalendarError."""
    etag, body = change.etag, change.body
    if change.scope != "this" and change.kind in ("patch", "delete"):
        master = calendar.get_event(change.calendar_id, change.event_id)
        if change.scope == "following" and change.before is not None:
            try:
                split = split_series(master, change.before.item)
            except ValueError:
                raise CalendarError(
                    "request",
                    "The series' repeat rules could not be read, so it cannot be split here.",
                    "Change this event alone, or all of them.",
                ) from None
            if split is not None:
                return _from_here_on(change, calendar, master, *split)
            # the first occurrence: "this and following" is all of them
        etag = safe_text(master.get("etag")) or "*"
        if change.before is not None:
            body = moved_series_body(body, change.before.item, master)
    if change.kind == "insert":
        return calendar.insert_event(change.calendar_id, body, change.send_updates)
    if change.kind == "quick_add":
        return calendar.quick_add(change.calendar_id, change.text)
    if change.kind == "patch":
        return calendar.patch_event(change.calendar_id, change.event_id, body, etag, change.send_updates)
    calendar.delete_event(change.calendar_id, change.event_id, etag, change.send_updates)
    return {}


def _from_here_on(
    change: Change, calendar: CalendarClient, master: dict[str, Any], ended: list[str], rest: list[str]
) -> dict[str, Any]:
    """ "This and following": a new series from the occurrence on (with the change), then the old
    one ended before it (Google's way: there is no single request for it). If the old one cannot
    be ended, the new one is deleted again: nothing is left half done."""
    assert change.before is not None
    occurrence = change.before.item
    created: dict[str, Any] = {}
    if change.kind == "patch":
        body = {key: master[key] for key in SERIES_FIELDS if key in master}
        body.update(start=occurrence.get("start"), end=occurrence.get("end"))
        body.update(change.body)
        body["recurrence"] = rest
        created = calendar.insert_event(change.calendar_id, body, change.send_updates)
    try:
        calendar.patch_event(
            change.calendar_id,
            change.event_id,
            {"recurrence": ended},
            safe_text(master.get("etag")) or "*",
            change.send_updates,
        )
    except CalendarError:
        if created.get("id"):
            calendar.delete_event(
                change.calendar_id, created["id"], safe_text(created.get("etag")) or "*", "none"
            )
        raise
    return created


def split_series(master: dict[str, Any], occurrence: dict[str, Any]) -> tuple[list[str], list[str]] | None:
    """The series' rules split at `occurrence`: those that end the series before it, and those of a
    new series from it on (a COUNT shared out between them). None when it is the first occurrence;
    ValueError when the rules cannot be read or do not reach it."""
    from dateutil.rrule import rrulestr  # deferred: the form is used more than series

    rules = [line for line in master.get("recurrence") or [] if isinstance(line, str)]
    original = occurrence.get("originalStartTime") or occurrence.get("start") or {}
    first = master.get("start") or {}
    try:
        if "dateTime" in original:
            zone = ZoneInfo(first.get("timeZone") or "UTC")
            split_at = datetime.fromisoformat(original["dateTime"]).astimezone(zone)
            start = datetime.fromisoformat(first["dateTime"]).astimezone(zone)
            until = (split_at - timedelta(seconds=1)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        else:
            split_at = datetime.combine(date.fromisoformat(original["date"]), time())
            start = datetime.combine(date.fromisoformat(first["date"]), time())
            until = (split_at - timedelta(days=1)).strftime("%Y%m%d")
        if split_at <= start:
            return None
        ended, rest = [], []
        for line in rules:
            if not line.upper().startswith("RRULE:"):
                ended.append(line)
                rest.append(line)
                continue
            parts = rrule_fields(line)
            count = parts.pop("COUNT", None)
            kept = ";".join(f"{key}={value}" for key, value in parts.items() if key != "UNTIL")
            ended.append(f"RRULE:{kept};UNTIL={until}")
            if count is not None:
                before = sum(1 for when in rrulestr(line, dtstart=start) if when < split_at)  # COUNT: finite
                if int(count) - before < 1:
                    raise ValueError(f"{line} ends before {split_at}")
                rest.append(f"RRULE:{kept};COUNT={int(count) - before}")
            else:
                rest.append(line)
    except (KeyError, TypeError, ZoneInfoNotFoundError) as error:
        raise ValueError(f"unreadable series: {error}") from None
    return ended, rest


def moved_series_body(
    body: dict[str, Any], instance: dict[str, Any], master: dict[str, Any]
) -> dict[str, Any]:
    """A change of one occurrence's times, as the change of its series: the series' own start and
    end moved by as much as the occurrence's."""
    if "start" not in body or "end" not in body:
        return body
    try:
        moved = instant_of(body["start"]) - instant_of(instance["start"])
        length = instant_of(body["end"]) - instant_of(body["start"])
        start = _moved(master["start"], moved)
        end = _moved(master["start"], moved + length)
    except (KeyError, TypeError, ValueError):
        return body
    return {**body, "start": start, "end": end}


def _moved(part: dict[str, str], by: timedelta) -> dict[str, str]:
    if "dateTime" in part:
        zone = ZoneInfo(part["timeZone"]) if part.get("timeZone") else UTC
        moved = (datetime.fromisoformat(part["dateTime"]).astimezone(UTC) + by).astimezone(zone)
        return {
            "dateTime": moved.isoformat(),
            **({"timeZone": part["timeZone"]} if "timeZone" in part else {}),
        }
    return {"date": (date.fromisoformat(part["date"]) + by).isoformat()}


# Replies
def reply_change(event: Event, reply: Reply, note: str, send_updates: SendUpdates, scope: Scope) -> Change:
    """Your own guest entry answered (the others as they are): `events.patch` of `attendees`."""
    attendees = []
    for person in event.item.get("attendees") or []:
        if isinstance(person, dict) and person.get("self"):
            person = {**person, "responseStatus": reply}
            if note.strip():
                person["comment"] = clip(note.strip(), 500)
            else:
                person.pop("comment", None)
        attendees.append(person)
    return Change(
        "patch",
        event.calendar_id,
        f"{REPLY_WORDS[reply]} “{event.title}”",
        series_id(event, scope),
        {"attendees": attendees},
        safe_text(event.item.get("etag")),
        send_updates,
        before=event,
        scope=scope,
    )


def delete_change(event: Event, send_updates: SendUpdates, scope: Scope) -> Change:
    return Change(
        "delete",
        event.calendar_id,
        f"Delete “{event.title}”",
        series_id(event, scope),
        etag=safe_text(event.item.get("etag")),
        send_updates=send_updates,
        before=event,
        scope=scope,
    )


def quick_add_change(calendar_id: str, text: str) -> Change:
    text = " ".join(text.split())
    if not text:
        raise ValueError("Type what and when: “Lunch with Ana tomorrow 1pm at Café Zoë”.")
    if len(text) > MOST_QUICK_ADD:
        raise ValueError(f"That is {len(text):,} characters; at most {MOST_QUICK_ADD:,}.")
    return Change("quick_add", calendar_id, f"Add “{text}”", text=text)


def affects(change: Change, event: Event) -> bool:
    """Whether `event` (in the agenda) is one the change is made to."""
    before = change.before
    if before is None or event.calendar_id != before.calendar_id:
        return False
    if change.scope != "this" and before.recurring_event_id:
        if event.recurring_event_id != before.recurring_event_id:
            return False
        return change.scope == "all" or event.start >= before.start  # type: ignore[operator]
    return event.id == before.id


def shown_as_changed(change: Change, event: Event) -> Event | None:
    """`event` as it will be once Google takes the change, to show until it answers (None: gone).
    A series' new times are left to Google (each event moves by as much): shown once it answers."""
    if change.kind == "delete":
        return None
    body = change.body
    if change.scope != "this":
        body = {key: value for key, value in body.items() if key not in ("start", "end")}
    changed = parse_event({**event.item, **body}, event.calendar, event.calendar_id)
    if changed is not None:
        changed.also_on = event.also_on
    return changed


def shown_as_new(change: Change, calendar: str, unsaved_id: str) -> Event | None:
    """A new event from the form, to show until Google answers with its own copy."""
    item = {"id": unsaved_id, "etag": "", "status": "confirmed", **change.body}
    return parse_event(item, calendar, change.calendar_id)


# The form
@dataclass(frozen=True)
class Draft:
    """The form's fields as typed; `read_draft` checks them."""

    title: str = ""
    calendar_id: str = "primary"
    day: str = ""
    start: str = ""
    end: str = ""
    all_day: bool = False
    last_day: str = ""  # of an all-day event; empty: the same day
    zone: str = ""
    location: str = ""
    description: str = ""
    guests: str = ""


_CLOCK = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?", re.IGNORECASE)


def parse_clock(text: str) -> time:
    """ "14:30", "9", "9am", "2.30pm", "14h30"."""
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"“{clip(text.strip(), 20)}” is not a time: type 14:30, 9am or 2:30pm.")
    hour, minute, meridiem = int(found.group(1)), int(found.group(2) or 0), (found.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"{hour}{meridiem} is not a time: 1 to 12 with am or pm.")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"“{text.strip()}” is not a time of day.")
    return time(hour, minute)


def local_moment(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """`clock` on `day` in `zone`; a time the clocks skip (going forward) is refused."""
    moment = datetime.combine(day, clock, zone)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise ValueError(
            f"{clock:%H:%M} does not exist on {day:%a %d %b} in {zone.key}: the clocks go forward."
        )
    return moment


def _days_later(text: str) -> tuple[str, int]:
    """ "01:00 +1": the time, and how many days after the first day it is on."""
    found = re.fullmatch(r"(.*?)\s*\+\s*(\d{1,2})", text.strip())
    return (found.group(1), int(found.group(2))) if found else (text, 0)


@dataclass(frozen=True)
class CheckedDraft:
    body: dict[str, Any]  # the event's fields as Calendar v3 takes them
    calendar_id: str


def read_draft(
    draft: Draft, today: date, default_zone: ZoneInfo
) -> tuple[CheckedDraft | None, dict[str, str]]:
    """The event the fields describe, or the problems, by field name, in words that say what to type."""
    problems: dict[str, str] = {}
    title = " ".join(draft.title.split())
    if not title:
        problems["title"] = "Give it a title."
    elif len(title) > MOST_TITLE:
        problems["title"] = f"At most {MOST_TITLE:,} characters."
    zone = default_zone
    if draft.zone.strip():
        try:
            zone = ZoneInfo(draft.zone.strip())
        except (ZoneInfoNotFoundError, ValueError):
            problems["zone"] = "Not a time zone: type an IANA name, such as Europe/London."
    day = None
    try:
        day = parse_day(draft.day, today) if draft.day.strip() else None
        if day is None:
            problems["day"] = "Which day? 2026-12-24, dec 24, +7, monday…"
    except ValueError as error:
        problems["day"] = str(error)
    body: dict[str, Any] = {"summary": title}
    if draft.all_day:
        last = day
        if draft.last_day.strip() and day is not None:
            try:
                last = parse_day(draft.last_day, day)
            except ValueError as error:
                problems["last_day"] = str(error)
            if last is not None and last < day:
                problems["last_day"] = "The last day cannot be before the first."
        if day is not None and last is not None and "last_day" not in problems:
            body["start"] = {"date": day.isoformat()}
            body["end"] = {"date": (last + timedelta(days=1)).isoformat()}
    else:
        clocks: dict[str, time] = {}
        end_text, days_later = _days_later(draft.end)
        for name, text in (("start", draft.start), ("end", end_text)):
            try:
                if text.strip():
                    clocks[name] = parse_clock(text)
                else:
                    problems[name] = "A time, such as 14:30 or 2:30pm."
            except ValueError as error:
                problems[name] = str(error)
        if day is not None and len(clocks) == 2 and "zone" not in problems:
            try:
                start = local_moment(day, clocks["start"], zone)
            except ValueError as error:
                problems["start"] = str(error)
            try:
                end = local_moment(day + timedelta(days=days_later), clocks["end"], zone)
            except ValueError as error:
                problems["end"] = str(error)
            if "start" in problems or "end" in problems:
                pass
            elif end <= start:
                problems["end"] = "The end must be after the start (ending on a later day: 01:00 +1)."
            else:
                body["start"] = {"dateTime": start.isoformat(), "timeZone": zone.key}
                body["end"] = {"dateTime": end.isoformat(), "timeZone": zone.key}
    location = " ".join(draft.location.split())
    body["location"] = clip(location, MOST_TITLE)
    body["description"] = clip(draft.description.strip(), MOST_DESCRIPTION)
    guests = [guest for guest in re.split(r"[,;\s]+", draft.guests) if guest]
    wrong = [guest for guest in guests if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", guest)]
    if wrong:
        problems["guests"] = f"Not an email address: {clip(wrong[0], 60)}. Separate addresses with commas."
    elif len(guests) > MOST_GUESTS:
        problems["guests"] = f"At most {MOST_GUESTS} guests."
    else:
        body["attendees"] = [{"email": guest} for guest in dict.fromkeys(guests)]
    if problems:
        return None, problems
    return CheckedDraft(body, draft.calendar_id or "primary"), {}


def new_draft(selected: Event | None, now: datetime, calendar_id: str) -> Draft:
    """The form for a new event: on the day of the event under the cursor (else today), from the
    next whole hour today, else from 09:00, for an hour."""
    zone = now.tzinfo
    assert isinstance(zone, ZoneInfo)
    day = selected.starts_at(zone).date() if selected is not None else now.date()
    hour = now.hour + 1 if day == now.date() and now.hour < 22 else 9
    return Draft(
        calendar_id=calendar_id,
        day=day.isoformat(),
        start=f"{hour:02d}:00",
        end=f"{hour + 1:02d}:00",
        zone=zone.key,
    )


def draft_of(event: Event, zone: ZoneInfo) -> Draft:
    """The form filled in from an event, its times in `zone` (the person's)."""
    guests = ", ".join(person.email for person in event.attendees if not person.resource and person.email)
    if event.all_day:
        assert isinstance(event.start, date) and isinstance(event.end, date)
        last = event.end - timedelta(days=1)
        return Draft(
            event.summary,
            event.calendar_id,
            event.start.isoformat(),
            all_day=True,
            last_day=last.isoformat() if last > event.start else "",
            zone=zone.key,
            location=event.location,
            description=event.description,
            guests=guests,
        )
    start, end = event.starts_at(zone), event.ends_at(zone)
    days_later = (end.date() - start.date()).days
    return Draft(
        event.summary,
        event.calendar_id,
        start.date().isoformat(),
        f"{start:%H:%M}",
        f"{end:%H:%M}" + (f" +{days_later}" if days_later else ""),
        zone=zone.key,
        location=event.location,
        description=event.description,
        guests=guests,
    )


def edit_change(
    event: Event, checked: CheckedDraft, send_updates: SendUpdates, scope: Scope
) -> Change | None:
    """Only the fields that differ from the event's (None: nothing changed). Guests already invited
    keep their entries (and replies)."""
    before = event.item
    body: dict[str, Any] = {}
    for key in ("summary", "location", "description"):
        if checked.body.get(key, "") != safe_text(before.get(key)):
            body[key] = checked.body.get(key, "")
    for key in ("start", "end"):
        if key in checked.body and not _same_time(checked.body[key], before.get(key) or {}):
            body["start"], body["end"] = checked.body["start"], checked.body["end"]
    old = {
        safe_text(person.get("email")).casefold(): person
        for person in before.get("attendees") or []
        if isinstance(person, dict)
    }
    wanted = [guest["email"] for guest in checked.body.get("attendees", [])]
    kept_resources = [person for person in old.values() if person.get("resource")]
    if {email.casefold() for email in wanted} != {e for e, p in old.items() if not p.get("resource")}:
        body["attendees"] = [old.get(email.casefold(), {"email": email}) for email in wanted] + kept_resources
    if not body:
        return None
    return Change(
        "patch",
        event.calendar_id,
        f"Save “{checked.body.get('summary') or event.title}”",
        series_id(event, scope),
        body,
        safe_text(before.get("etag")),
        send_updates,
        before=event,
        scope=scope,
    )


def _same_time(new: dict[str, Any], old: dict[str, Any]) -> bool:
    try:
        if "date" in new or "date" in old:
            return new.get("date") == old.get("date")
        return datetime.fromisoformat(new["dateTime"]) == datetime.fromisoformat(old["dateTime"])
    except (KeyError, TypeError, ValueError):
        return False


def insert_change(checked: CheckedDraft, send_updates: SendUpdates) -> Change:
    return Change(
        "insert",
        checked.calendar_id,
        f"Add “{checked.body.get('summary', '')}”",
        body=checked.body,
        send_updates=send_updates,
    )


# After a 412
COMPARED = (
    ("summary", "Title"),
    ("start", "Starts"),
    ("end", "Ends"),
    ("location", "Where"),
    ("description", "Notes"),
)


def server_changes(read: dict[str, Any], now: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What changed on the server since the event was read: (field, then, now), in words."""
    changes = []
    for key, label in COMPARED:
        then, current = _shown(read.get(key)), _shown(now.get(key))
        if then != current:
            changes.append((label, then, current))
    replies = {
        safe_text(p.get("email")): safe_text(p.get("responseStatus"))
        for p in read.get("attendees") or []
        if isinstance(p, dict)
    }
    for person in now.get("attendees") or []:
        if not isinstance(person, dict):
            continue
        email, reply = safe_text(person.get("email")), safe_text(person.get("responseStatus"))
        if replies.get(email) != reply:
            changes.append((f"Guest {clip(email, 40)}", replies.get(email) or "not invited", reply))
    return changes


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("dateTime") or value.get("date") or ""
    return clip(" ".join(safe_text(value).split()), 80) if value else "(none)"
