"""How one agenda line reads at a given width: a day header, or an event's time, reply mark, title
and (when there is room) location. Every piece of event text is plain `Text`, never markup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from rich.text import Text

from tui.calendar.agenda import (
    EVENT_TYPE_LABELS,
    AgendaLine,
    DayHeader,
    Placement,
    day_label,
    time_label,
    title_text,
)

TIME_WIDTH = 13  # "23:15 → 00:45"
FIXED_WIDTH = 1 + TIME_WIDTH + 2 + 1 + 1 + 1  # padding, time, gap, reply mark, gap, padding
LOCATION_FROM = 50  # title and location share what is left once it is this wide
LOCATION_MAX = 40
ONE_LINE = str.maketrans("\n\r\t\v\f", "     ")
REPLY_MARKS = {"tentative": "?", "needsAction": "!", "declined": "✗"}
NAME_WIDTH = 8  # the calendar's short name, in place of its colour under NO_COLOR
CALENDAR_COLUMN_FROM = 140  # this wide, the calendar's name is shown beside its colour too
CALENDAR_COLUMN_WIDTH = 18
CALENDAR_BAR = "▌"  # in the event's calendar's colour, where the row's padding was


@dataclass(frozen=True)
class Columns:
    title: int
    location: int  # 0: not shown

    @classmethod
    def for_width(cls, width: int) -> Columns:
        room = max(1, width - FIXED_WIDTH)
        if room < LOCATION_FROM:
            return cls(room, 0)
        location = min(LOCATION_MAX, room // 3)
        return cls(room - location - 2, location)


@dataclass(frozen=True)
class Moment:
    """What a line's look depends on besides the line: now, in the viewer's zone, and how each
    calendar is told apart (by id): by its colour, and by its name in a column when there are no
    colours (NO_COLOR) or the terminal is wide; no names: one calendar, no column."""

    now: datetime
    colors: Mapping[str, str] = field(default_factory=dict)
    short_names: Mapping[str, str] = field(default_factory=dict)
    event_colors: Mapping[str, str] = field(default_factory=dict)  # an event's own colorId wins

    @property
    def today(self) -> date:
        return self.now.date()


def _cell(text: str, width: int, style: str = "") -> Text:
    cell = Text(text.translate(ONE_LINE), style=style, no_wrap=True, overflow="ellipsis", end="")
    cell.truncate(width, overflow="ellipsis", pad=True)
    return cell


def event_style(placement: Placement, moment: Moment) -> str:
    event = placement.event
    if event.my_response == "declined":
        return "dim strike"
    if event.event_type == "workingLocation":
        return "dim italic"
    if not event.all_day and event.has_ended(moment.now):
        return "dim"
    if not event.all_day and event.is_ongoing(moment.now):
        return "bold green"
    if event.event_type in EVENT_TYPE_LABELS:
        return "italic"
    return ""


def event_line(placement: Placement, width: int, moment: Moment) -> Text:
    event = placement.event
    zone = moment.now.tzinfo
    assert zone is not None
    names = moment.short_names
    name_width = 0
    if names and not moment.colors:
        name_width = NAME_WIDTH
    elif names and width >= CALENDAR_COLUMN_FROM:
        name_width = CALENDAR_COLUMN_WIDTH
    columns = Columns.for_width(width - (name_width + 1 if name_width else 0))
    style = event_style(placement, moment)
    mark = REPLY_MARKS.get(event.my_response, " ")
    when = "" if event.event_type == "workingLocation" else time_label(placement, zone)
    color = (moment.event_colors.get(event.color_id) if event.color_id else None) or moment.colors.get(
        event.calendar_id
    )
    line = Text(end="", no_wrap=True)
    line.append(CALENDAR_BAR if color else " ", style=color or "")
    if name_width:
        line.append_text(_cell(names.get(event.calendar_id, ""), name_width, "dim"))
        line.append(" ")
    line.append_text(_cell(when, TIME_WIDTH, style))
    line.append("  ")
    line.append(mark, style="bold yellow" if mark in "?!" else style)
    line.append(" ")
    line.append_text(_cell(title_text(event), columns.title, style))
    if columns.location:
        line.append("  ")
        line.append_text(_cell(event.location, columns.location, f"{style} dim".strip()))
    line.append(" ")
    return line


def header_line(header: DayHeader, width: int, moment: Moment) -> Text:
    return _cell(f" {day_label(header.day, moment.today)}", width)


def agenda_line(line: AgendaLine, width: int, moment: Moment) -> Text:
    if isinstance(line, DayHeader):
        return header_line(line, width, moment)
    return event_line(line, width, moment)
