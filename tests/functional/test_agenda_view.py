"""The agenda widget on its own, in a bare Textual app, fed with events made here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from textual.app import App, ComposeResult

from tui.calendar.agenda import Agenda, DayRange, Placement
from tui.calendar.model import Event, parse_event
from tui.widgets import agenda_view
from tui.widgets.agenda_view import AgendaView

NOW = datetime(2026, 11, 26, 8, tzinfo=UTC)
COLORS = {"primary": "#9fe1e7", "team@example.com": "#f83a22"}


class AgendaApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AgendaView(lambda: NOW, id="agenda")


def meeting_on(calendar_id: str) -> Event:
    item = {
        "id": f"review-{calendar_id}",
        "iCalUID": "review@google.com",
        "summary": "Engine review",
        "start": {"dateTime": "2026-11-26T15:30:00Z"},
        "end": {"dateTime": "2026-11-26T16:15:00Z"},
    }
    event = parse_event(item, calendar_id, calendar_id)
    assert event is not None
    return event


def bar_color(view: AgendaView) -> str:
    y = next(i for i, line in enumerate(view.lines) if isinstance(line, Placement)) - view.scroll_offset.y
    bar = next(iter(view.render_line(y)))
    assert bar.text == "▌" and bar.style is not None and bar.style.color is not None
    assert bar.style.color.triplet is not None
    return bar.style.color.triplet.hex


async def test_a_drawn_meeting_takes_the_colour_of_the_preferred_calendars_copy_when_it_arrives() -> None:
    app = AgendaApp()
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(AgendaView)
        view.colors = COLORS
        agenda = Agenda(UTC, DayRange(date(2026, 11, 26), 1), ["primary", "team@example.com"])
        agenda.add([meeting_on("team@example.com")])
        view.set_lines(agenda.lines())
        await pilot.pause()
        assert bar_color(view) == COLORS["team@example.com"]
        agenda.add([meeting_on("primary")])  # the same meeting, on the calendar shown first
        view.set_lines(agenda.lines())
        await pilot.pause()
        assert [line.event.calendar_id for line in view.lines if isinstance(line, Placement)] == ["primary"]
        assert bar_color(view) == COLORS["primary"]


def events_every_quarter_hour(count: int) -> list[Event]:
    events = []
    for number in range(count):
        start = datetime(2026, 11, 26, tzinfo=UTC) + timedelta(minutes=15 * number)
        item = {
            "id": f"e{number}",
            "summary": f"Event {number}",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + timedelta(minutes=10)).isoformat()},
        }
        event = parse_event(item, "primary", "primary")
        assert event is not None
        events.append(event)
    return events


async def test_every_line_can_be_reached_as_lines_come_and_go() -> None:
    """Pages grow the view without laying the screen out again (its scrollbar is always there):
    its scrollable height, scrollbar and End still follow every change, up and down."""
    agenda = Agenda(UTC, DayRange(date(2026, 11, 26), 3))
    agenda.add(events_every_quarter_hour(200))
    lines = agenda.lines()
    app = AgendaApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(AgendaView)
        for count in (5, 40, 120, len(lines), 60, 3):
            view.set_lines(lines[:count])
            await pilot.press("end")
            height = view.scrollable_content_region.height
            assert view.virtual_size.height == count
            assert view.show_vertical_scrollbar
            assert view.vertical_scrollbar.window_virtual_size == count
            assert view.cursor == count - 1
            assert round(view.scroll_y) == max(0, count - height)
            last = lines[count - 1]
            assert isinstance(last, Placement)
            shown = "".join(segment.text for segment in view.render_line(min(count, height) - 1))
            assert last.event.title in shown


async def test_lines_are_drawn_again_when_a_minute_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """An event that ends is shown as past without a key being pressed (the view checks the clock)."""
    monkeypatch.setattr(agenda_view, "CLOCK_CHECK_SECONDS", 0.05)
    clock = [NOW]

    class ClockApp(App[None]):
        def compose(self) -> ComposeResult:
            yield AgendaView(lambda: clock[0], id="agenda")

    ending = parse_event(
        {
            "id": "ending",
            "summary": "Ends in a minute",
            "start": {"dateTime": (NOW - timedelta(minutes=30)).isoformat()},
            "end": {"dateTime": (NOW + timedelta(minutes=1)).isoformat()},
        }
    )
    assert ending is not None
    agenda = Agenda(UTC, DayRange(NOW.date(), 1))
    agenda.add([ending])
    app = ClockApp()
    async with app.run_test(size=(60, 6)) as pilot:
        app.query_one(AgendaView).set_lines(agenda.lines())
        await pilot.pause(0.1)
        ongoing = app.export_screenshot()
        clock[0] = NOW + timedelta(minutes=2)
        await pilot.pause(0.2)
        assert app.export_screenshot() != ongoing
