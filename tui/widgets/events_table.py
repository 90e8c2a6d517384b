"""The events table. It draws only the rows on screen, asking for each row's cells as it paints it, so
adding 2,500 rows costs the same as adding 25 and the keys stay quick while pages stream in.

Written by hand on Textual's `ScrollView` line API: `DataTable` measures and stores every cell of
every row as it is added (about 0.1 ms a row), which held keys back for a second per page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL_PADDING = 1
RowCells = Callable[[int], Sequence[Text]]
ONE_LINE = str.maketrans("\n\r\t\v\f", "     ")


class EventsTable(ScrollView, can_focus=True):
    """A header line and `row_count` rows of fixed-width columns, with a row cursor."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Details"),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_row", "First event", show=False),
        Binding("end,ctrl+end", "last_row", "Last event", show=False),
    ]
    COMPONENT_CLASSES = {
        "events-table--header",
        "events-table--cursor",
        "events-table--even-row",
    }
    DEFAULT_CSS = """
    EventsTable {
        background: $surface;
        color: $foreground;
        & > .events-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .events-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .events-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .events-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .events-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    class RowSelected(Message):
        """Enter, or a click, on a row."""

        def __init__(self, table: EventsTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> EventsTable:
            return self.table

    def __init__(
        self, columns: Sequence[tuple[str, int]], row_cells: RowCells, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.row_cells = row_cells
        self.row_count = 0
        self.cursor_row = 0
        self.line_width = sum(width + 2 * CELL_PADDING for _, width in self.columns)

    # Rows
    def set_row_count(self, count: int) -> None:
        """Say how many rows there are now; the rows on screen are asked for again."""
        self.row_count = count
        self.cursor_row = max(0, min(self.cursor_row, count - 1))
        self.virtual_size = Size(self.line_width, count + 1)
        self.refresh()

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        if not self.row_count:
            return
        old, self.cursor_row = self.cursor_row, max(0, min(row, self.row_count - 1))
        self._refresh_row(old)
        self._refresh_row(self.cursor_row)
        self._scroll_to_cursor(animate)

    @property
    def visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self, animate: bool) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=animate)
        elif self.cursor_row >= top + self.visible_rows:
            self.scroll_to(y=self.cursor_row - self.visible_rows + 1, animate=animate)

    def _refresh_row(self, row: int) -> None:
        self.refresh_line(row + 1)

    # Drawing
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("events-table--header")
            cells = [Text(label) for label, _ in self.columns]
            return self._line(cells, base + header, None, scroll_x, width)
        row = scroll_y + y - 1
        if row >= self.row_count:
            return Strip.blank(width, base)
        cursor = self.get_component_rich_style("events-table--cursor") if row == self.cursor_row else None
        if row % 2 == 0:
            base += self.get_component_rich_style("events-table--even-row")
        return self._line(self.row_cells(row), base, cursor, scroll_x, width)

    def _line(
        self, cells: Sequence[Text], style: Style, cursor: Style | None, scroll_x: int, width: int
    ) -> Strip:
        console = self.app.console
        segments: list[Segment] = []
        pad = Segment(" " * CELL_PADDING)
        for cell, (_, column_width) in zip(cells, self.columns, strict=False):
            text = cell.copy()
            text.plain = text.plain.translate(ONE_LINE)  # same length, so the styles' spans still fit
            text.truncate(column_width, overflow="ellipsis", pad=True)
            segments.append(pad)
            # Rich leaves a Text's own style out when it has no spans; put it back underneath.
            segments.extend(Segment.apply_style(text.render(console), console.get_style(text.style)))
            segments.append(pad)
        line = Strip(Segment.apply_style(segments, style, cursor))
        return line.extend_cell_length(scroll_x + width).crop(scroll_x, scroll_x + width)

    # Keys and mouse
    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self.visible_rows)

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self.visible_rows)

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self.move_cursor(row=self.row_count - 1)

    def action_select_cursor(self) -> None:
        if self.row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        row = self.scroll_offset.y + offset.y - 1
        if row < self.row_count:
            self.move_cursor(row=row)
            self.post_message(self.RowSelected(self, row))
