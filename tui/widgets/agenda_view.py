"""The agenda: day headers and events, one line each, drawn only where they are on screen.

Written by hand on Textual's `ScrollView` line API: `DataTable`/`ListView` measure or mount every row
as it is added, which held keys back for a second per page of 2,500 events. The cursor is a reactive
index whose watcher redraws just the old and the new line (as toolong's `LogLines` does). Drawn
lines are kept (as toolong keeps its lines) until their look could change: another width or style,
or the next minute; a new page or a scroll then draws only the lines not seen before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.calendar.agenda import AgendaLine, DayHeader, Placement
from tui.widgets.agenda_rows import Moment, agenda_line

MOST_LINES_KEPT = 2000
CLOCK_CHECK_SECONDS = 5.0  # how often the view looks whether a new minute began (ended events dim)


class AgendaView(ScrollView, can_focus=True):
    BINDINGS = [
        # Enter is the screen's key (its "open_selected" calls action_select_cursor): a key of the
        # view's own would change the footer when the view takes focus (the footer built twice).
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_event", "First event", show=False),
        Binding("end,ctrl+end", "last_event", "Last event", show=False),
    ]
    COMPONENT_CLASSES = {"agenda--day", "agenda--today", "agenda--cursor"}
    DEFAULT_CSS = """
    AgendaView {
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        overflow-y: scroll;
        & > .agenda--day {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .agenda--today {
            text-style: bold;
            background: $accent 40%;
            color: $foreground;
        }
        & > .agenda--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .agenda--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    cursor: reactive[int] = reactive(-1, repaint=False)
    """The index of the line the cursor is on (always an event); -1 while there is none."""
    colors: reactive[dict[str, str]] = reactive(dict, init=False)
    """Each calendar's colour ("#rrggbb"), by calendar id, for the bar at the start of its events."""
    event_colors: reactive[dict[str, str]] = reactive(dict, init=False)
    """Google's event palette: an event's own `colorId` to the colour that wins over its calendar's."""
    short_names: reactive[dict[str, str]] = reactive(dict, init=False)
    """Each calendar's name, by id, shown in a column when colours are not (NO_COLOR) or the view
    is wide; empty when there is one calendar."""

    @dataclass
    class EventChosen(Message):
        """Enter, or a click, on an event."""

        view: AgendaView
        placement: Placement

        @property
        def control(self) -> AgendaView:
            return self.view

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.lines: list[AgendaLine] = []
        self.follow_day: date | None = None  # until a key moves the cursor: on this day's first event
        # Drawn lines by (line, width, style, minute), with the line and what it showed: a shared
        # meeting's line may come to show another calendar's copy of it (see Agenda).
        self._drawn: dict[tuple[int, int, Style, datetime], tuple[AgendaLine, object, Strip]] = {}
        self._minute = self._minute_now()

    def on_mount(self) -> None:
        self.set_interval(CLOCK_CHECK_SECONDS, self._check_minute)

    def _minute_now(self) -> datetime:
        return self.clock().replace(second=0, microsecond=0)

    def _check_minute(self) -> None:
        """Lines look different as events start and end: drawn again when a new minute begins."""
        minute = self._minute_now()
        if minute != self._minute:
            self._minute = minute
            self.refresh()

    # Lines
    def set_lines(self, lines: list[AgendaLine]) -> None:
        """Show `lines`; the cursor stays on the event it was on (the same object, or one with its
        id: the store's copy after a sync), or goes to `follow_day`."""
        selected = self.selected
        self.lines = lines
        self._set_height(len(lines))
        if self.follow_day is not None:
            target = next(
                (
                    i
                    for i, line in enumerate(lines)
                    if isinstance(line, Placement) and line.day >= self.follow_day
                ),
                self._selectable_from(len(lines) - 1, -1),
            )
        elif selected is not None:
            target = next(
                (
                    i
                    for i, line in enumerate(lines)
                    if isinstance(line, Placement)
                    and line.day == selected.day
                    and (line.event is selected.event or line.event.id == selected.event.id != "")
                ),
                self._selectable_from(min(self.cursor, len(lines) - 1), -1),
            )
        else:
            target = self._selectable_from(0, 1)
        self.set_reactive(AgendaView.cursor, target)
        self.refresh()
        if self.follow_day is not None:  # once the new height is known: scrolling is kept within it
            self.call_after_refresh(self._scroll_to_cursor, center=True)
        else:
            self._scroll_to_cursor()

    def _set_height(self, height: int) -> None:
        """The scrollable height: `height` lines, as wide as the view (nothing to scroll sideways).
        The view's own size does not depend on it, and its scrollbar is always there: only the
        scrollbar is drawn again, not the whole screen laid out again (as setting `virtual_size`
        does, for every page of events that streams in, and three times more when a scrollbar
        appears)."""
        size = Size(1, height)
        if self.is_mounted and self.container_size.height > 0:
            self.set_reactive(AgendaView.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def select_event(self, event_id: str) -> bool:
        """Put the cursor on the event with this id, if it is shown."""
        for index, line in enumerate(self.lines):
            if isinstance(line, Placement) and line.event.id == event_id and event_id:
                self.follow_day = None
                self.cursor = index
                self.call_after_refresh(self._scroll_to_middle)  # once laid out
                return True
        return False

    @property
    def selected(self) -> Placement | None:
        if 0 <= self.cursor < len(self.lines):
            line = self.lines[self.cursor]
            return line if isinstance(line, Placement) else None
        return None

    def _selectable_from(self, index: int, step: int) -> int:
        """The first event line from `index` on in the direction of `step`; -1 if there is none."""
        while 0 <= index < len(self.lines):
            if isinstance(self.lines[index], Placement):
                return index
            index += step
        return -1

    def move_to(self, index: int, step: int) -> None:
        """Put the cursor on the event at `index`, or the nearest one in the direction of `step`
        (then the other way, at either end)."""
        self.follow_day = None
        index = max(0, min(index, len(self.lines) - 1))
        target = self._selectable_from(index, step)
        if target < 0:
            target = self._selectable_from(index, -step)
        if target >= 0:
            self.cursor = target

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_to_cursor()

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _scroll_to_middle(self) -> None:
        """The cursor's line in the middle of the view, the lines around it on view too."""
        self.scroll_to(y=max(0, self.cursor - self.page_height // 2), animate=False, immediate=True)

    def _scroll_to_cursor(self, center: bool = False) -> None:
        if self.cursor < 0:
            return
        top = round(self.scroll_y)
        # Keep the day's header in view above its first event.
        above = 1 if self.cursor > 0 and isinstance(self.lines[self.cursor - 1], DayHeader) else 0
        if center:
            self.scroll_to(y=self.cursor - above, animate=False, immediate=True)
        elif self.cursor - above < top:
            self.scroll_to(y=self.cursor - above, animate=False)
        elif self.cursor >= top + self.page_height:
            self.scroll_to(y=self.cursor - self.page_height + 1, animate=False)

    # Drawing
    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[index]
        moment = Moment(self.clock(), self.colors, self.short_names, self.event_colors)
        if isinstance(line, DayHeader):
            component = "agenda--today" if line.day == moment.today else "agenda--day"
            style = base + self.get_component_rich_style(component)
        elif index == self.cursor:
            style = base + self.get_component_rich_style("agenda--cursor")
        else:
            style = base
        key = (id(line), width, style, moment.now.replace(second=0, microsecond=0))
        shows = line.event if isinstance(line, Placement) else None
        drawn = self._drawn.get(key)
        if drawn is not None and drawn[0] is line and drawn[1] is shows:
            return drawn[2]
        console = self.app.console
        text = agenda_line(line, width, moment)
        segments = Segment.apply_style(text.render(console), console.get_style(text.style))
        strip = Strip(Segment.apply_style(segments, style)).adjust_cell_length(width, style)
        if len(self._drawn) >= MOST_LINES_KEPT:
            self._drawn.clear()
        self._drawn[key] = (line, shows, strip)
        return strip

    def watch_colors(self) -> None:
        self._draw_all_again()

    def watch_short_names(self) -> None:
        self._draw_all_again()

    def watch_event_colors(self) -> None:
        self._draw_all_again()

    def draw_like(self, other: AgendaView) -> None:
        """Calendars and events in `other`'s colours (or with its short names)."""
        self.colors, self.event_colors, self.short_names = other.colors, other.event_colors, other.short_names

    def _draw_all_again(self) -> None:
        self._drawn.clear()
        self.refresh()

    # Keys and mouse
    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1, -1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1, 1)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self.page_height, -1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self.page_height, 1)

    def action_first_event(self) -> None:
        self.move_to(0, 1)

    def action_last_event(self) -> None:
        self.move_to(len(self.lines) - 1, -1)

    def action_select_cursor(self) -> None:
        if self.selected is not None:
            self.post_message(self.EventChosen(self, self.selected))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < len(self.lines) and isinstance(self.lines[index], Placement):
            self.move_to(index, 1)
            self.action_select_cursor()
