"""The agenda widget on its own, in a bare Textual app, fed with events made here."""

from __future__ import annotations

from datetime import UTC, date, datetime

from textual.app import App, ComposeResult

from tui.calendar.agenda import Agenda, DayRange, Placement
from tui.calendar.model import Event, parse_event
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
