"""The events table on its own: it draws only the rows on screen, and keys, clicks and appends behave."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult

from tests.conftest import screen_lines
from tui.widgets.events_table import EventsTable

COLUMNS = (("Name", 12), ("Note", 10))
SIZE = (40, 12)  # a header line and 11 rows of table


class TableApp(App[None]):
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows
        self.asked: list[int] = []
        self.selected: list[int] = []

    def cells(self, row: int) -> tuple[Text, ...]:
        self.asked.append(row)
        return tuple(Text(value) for value in self.rows[row])

    def compose(self) -> ComposeResult:
        yield EventsTable(COLUMNS, self.cells, id="table")

    @property
    def table(self) -> EventsTable:
        return self.query_one(EventsTable)

    def on_mount(self) -> None:
        self.table.set_row_count(len(self.rows))

    def on_events_table_row_selected(self, message: EventsTable.RowSelected) -> None:
        self.selected.append(message.row)


def numbered(count: int) -> list[tuple[str, str]]:
    return [(f"row {number}", f"note {number}") for number in range(count)]


async def test_only_the_rows_on_screen_are_asked_for() -> None:
    app = TableApp(numbered(100_000))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.asked and max(app.asked) < 12, "rows below the screen were formatted"
        app.asked.clear()
        await pilot.press("end")
        await pilot.pause()
        assert app.table.cursor_row == 99_999
        assert app.asked and min(app.asked) >= 99_999 - 11
        assert "row 99999" in screen_lines(app)[-1]


async def test_keys_move_the_cursor_and_keep_it_on_screen() -> None:
    app = TableApp(numbered(50))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + table.visible_rows
        await pilot.pause()
        assert any(f"row {table.cursor_row}" in line for line in screen_lines(app))
        await pilot.press("pageup", "pageup", "up")
        assert table.cursor_row == 0
        await pilot.press("end", "down")
        assert table.cursor_row == 49
        await pilot.press("home")
        assert table.cursor_row == 0 and table.scroll_y == 0
        await pilot.press("enter")
        assert app.selected == [0]


async def test_header_stays_while_rows_scroll() -> None:
    app = TableApp(numbered(50))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        await pilot.pause()
        lines = screen_lines(app)
        assert lines[0].split() == ["Name", "Note"]
        assert "row 0 " not in "".join(lines)


async def test_a_click_selects_the_row_under_the_pointer() -> None:
    app = TableApp(numbered(20))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(EventsTable, offset=(3, 4))  # line 4: the header, then rows 0, 1, 2, 3
        assert app.table.cursor_row == 3
        assert app.selected == [3]
        await pilot.click(EventsTable, offset=(3, 0))  # the header selects nothing
        assert app.selected == [3]


async def test_rows_appended_to_a_short_table_appear() -> None:
    rows = numbered(2)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        rows.extend(numbered(5)[2:])
        app.table.set_row_count(5)
        await pilot.pause()
        assert "row 4" in "".join(screen_lines(app))


async def test_replaced_rows_of_the_same_count_are_redrawn() -> None:
    rows = numbered(40)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows[:] = [(f"other {number}", "") for number in range(40)]
        app.table.set_row_count(40)
        await pilot.pause()
        assert "other 0" in screen_lines(app)[1]


async def test_cells_are_one_line_cut_to_the_column_and_literal() -> None:
    rows = [
        ("two\nlines", "tab\there"),
        ("[bold]not markup[/]", "\u202eevil"),
        ("wide 会議室会議室", "x" * 500),
    ]
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert lines[1].startswith(" two lines     tab here")
        assert "[bold]not m…" in lines[2]
        assert "xxxxxxxxx…" in lines[3]
        assert lines[0].index("Note") == 15  # padding, 12 cells, padding, then the next column's padding
        assert all(cell_len(line) == SIZE[0] for line in lines)
