"""Event text is written by anyone who can invite you. Markup, ANSI escapes, control characters,
very long lines and right-to-left text are shown literally, and the layout holds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len

from tui.__main__ import main
from tui.app import GcalApp
from tui.config import AppConfig
from tui.sandbox import Sandbox
from tui.sandbox.browser import sign_in_directly
from tui.sandbox.calendar_data import PRIMARY, CalendarStore, _event, _timed
from tui.sandbox.server import Fault
from tui.screens.events import EventsScreen
from tui.storage import save_credentials
from tui.widgets.agenda_rows import FIXED_WIDTH, Columns

HOSTILE = {
    "markup": "[bold red]alarm[/] [@click=app.quit]click me[/]",
    "ansi": "\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 \x9b2J",  # colour, OSC 52 clipboard, C1 CSI
    "controls": "bell\x07 back\x08space car\rriage del\x7f",
    "long": "long " + "x" * 10_000,
    "rtl": "مراجعة التصميم \u202eevil.exe\u202c שלום",
    "wide": "会議室 ☕ 🗾 family 👨‍👩‍👧",
    "newline": "first line\nsecond line",
}
NO_ESCAPES = ("\x1b", "\x07", "\x08", "\x7f", "\x9b", "\r", "\u202e")


@pytest.fixture
def hostile_sandbox() -> Iterator[Sandbox]:
    store = CalendarStore()
    base = datetime.combine(date.today(), datetime.min.time(), UTC) + timedelta(hours=8)
    for number, (name, text) in enumerate(HOSTILE.items()):
        start, end = _timed(base + timedelta(hours=number), 30)
        store.add(
            PRIMARY,
            _event(
                PRIMARY,
                f"hostile{number}",
                start,
                end,
                summary=text,
                location=text,
                description=f"<b>{name}</b>: {text}<script>alert(1)</script>",
            ),
        )
    store.sort()
    with Sandbox(calendars=store) as running:
        yield running


@pytest.fixture
def hostile_app(hostile_sandbox: Sandbox, tmp_path: Path) -> GcalApp:
    secrets = hostile_sandbox.write_client_secrets(tmp_path / "client_secrets.json")
    credentials = tmp_path / "data" / "credentials.json"
    save_credentials(credentials, sign_in_directly(secrets))
    return GcalApp(
        AppConfig(
            client_secrets_path=secrets,
            credentials_path=credentials,
            api_endpoint=hostile_sandbox.base_url,
            api_timeout=5.0,
        )
    )


def from_cell(line: str, column: int) -> str:
    """What `line` shows from screen column `column` on, measured as Rich measures: wide characters
    take two columns, and a joined emoji sequence counts as one."""
    for index in range(len(line)):
        if cell_len(line[:index]) >= column:
            return line[index:]
    return ""


def assert_layout_holds(lines: list[str], size: tuple[int, int]) -> None:
    assert len(lines) == size[1]
    for line in lines:
        assert cell_len(line) == size[0], line
        assert not any(mark in line for mark in NO_ESCAPES), line


async def test_the_table_shows_hostile_text_literally_and_keeps_its_columns(
    hostile_app: GcalApp, wait_until, screen_lines, loaded, terminal_size
) -> None:
    app = hostile_app
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.pause()
        lines = screen_lines(app)
        assert_layout_holds(lines, terminal_size)
        text = "\n".join(lines)
        assert "[bold red]alarm[/] [@click=app.quit]click me[/]" in text  # the title, whole
        assert "[bold red]alarm[/] [@click=app.q…" in text  # the location, cut to its column
        assert "␛[31mred␛[0m" in text
        assert "first line second line" in text  # one row, one line
        assert "long xxxxxxxx" in text and "x" * 100 not in text  # cut to its column
        rows = [line for line in lines if re.match(r"[ ▌]\d\d:\d\d–\d\d:\d\d ", line)]
        assert len(rows) == len(HOSTILE)
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        columns = Columns.for_width(screen.agenda_view.scrollable_content_region.width)
        title_column = FIXED_WIDTH - 1
        for name, column in (("title", title_column), ("location", title_column + columns.title + 2)):
            starts = {from_cell(row, column)[:1] for row in rows}
            assert " " not in starts, f"a {name} cell does not start at its column"
            assert {from_cell(row, column - 1)[:1] for row in rows} == {" "}
        await pilot.click("#agenda", offset=(60, 1))  # on the row with the [@click=app.quit] text
        await pilot.pause()
        assert app.is_running


async def test_the_detail_view_shows_hostile_text_literally(
    hostile_app: GcalApp, wait_until, screen_lines, loaded, open_detail, terminal_size
) -> None:
    app = hostile_app
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        titles_seen = 0
        for event in screen.shown_events:
            await open_detail(pilot, screen, event)
            await pilot.pause()
            lines = screen_lines(app)
            assert_layout_holds(lines, terminal_size)
            body = str(app.screen.query_one("#detail-text").render())
            assert "<script>" not in body and "alert(1)" in body  # tags out, text in
            assert event.description.split(":")[0].removeprefix("<b>").removesuffix("</b>") in body
            if event.summary == HOSTILE["markup"]:  # the title as typed, not styled or made a link
                titles_seen += 1
                assert HOSTILE["markup"] in body
                assert any("[bold red]alarm[/] [@click=app.quit]click me[/]" in line for line in lines)
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        assert titles_seen == 1 and app.is_running


@pytest.mark.parametrize("width", [80, 60])
async def test_a_narrow_terminal_keeps_the_layout(
    hostile_app: GcalApp, width: int, wait_until, screen_lines, loaded
) -> None:
    app = hostile_app
    async with app.run_test(size=(width, 30)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.pause()
        for line in screen_lines(app):
            assert cell_len(line) == width, line
        await pilot.press("end")
        await pilot.pause()
        assert all(cell_len(line) == width for line in screen_lines(app))


MARKUP_ERROR = "[@click=app.quit]quit[/] bad [/closing] tag \x1b]52;c;cm0gLXJmIH4=\x07"


async def test_server_error_text_is_a_plain_notification(
    hostile_sandbox: Sandbox, hostile_app: GcalApp, wait_until, screen_lines, terminal_size
) -> None:
    app = hostile_app
    body = {"error": {"code": 400, "message": MARKUP_ERROR, "errors": [{"reason": "badRequest"}]}}
    hostile_sandbox.inject("events", Fault(status=400, body=body, times=None))
    async with app.run_test(size=terminal_size, notifications=True) as pilot:
        await wait_until(pilot, lambda: "rejected the request" in "\n".join(screen_lines(app)))
        await pilot.pause(0.3)
        text = "\n".join(screen_lines(app))
        assert "[@click=app.quit]quit[/] bad [/closing]" in text  # in the toast, as sent
        assert not any(mark in text for mark in NO_ESCAPES)
        await pilot.click(offset=(terminal_size[0] - 20, terminal_size[1] - 4))  # on the toast
        assert app.is_running


@pytest.mark.parametrize("title", ["", "[b]title[/b"])
async def test_any_notification_is_plain_text_whoever_sends_it(
    hostile_app: GcalApp, title: str, screen_lines, terminal_size
) -> None:
    app = hostile_app
    async with app.run_test(size=terminal_size, notifications=True) as pilot:
        app.notify(f"Could not delete /home/ada/[x]/{MARKUP_ERROR}", title=title, severity="error")
        await pilot.pause(0.3)
        text = "\n".join(screen_lines(app))
        assert "/home/ada/[x]/[@click=app.quit]quit[/]" in text and "bad [/closing] tag" in text
        assert not any(mark in text for mark in NO_ESCAPES)
        assert app.is_running


async def test_every_place_outside_text_reaches_shows_it_cleaned(
    hostile_sandbox: Sandbox,
    hostile_app: GcalApp,
    wait_until,
    screen_lines,
    loaded,
    open_detail,
    terminal_size,
) -> None:
    """The agenda, the status line (the calendar's name), the detail view, the calendar picker and a
    notification, with escapes, markup and bidi overrides in calendar names too."""
    for entry in hostile_sandbox.calendar_api.store.entries:
        entry["summary"] = f"{HOSTILE['ansi']} {HOSTILE['markup']} \u202e{entry['summary']}"
    app = hostile_app
    async with app.run_test(size=terminal_size, notifications=True) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        places = {"agenda and status line": screen_lines(app)}
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        await open_detail(pilot, screen, screen.shown_events[0])
        places["detail"] = screen_lines(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        await pilot.press("c")
        await wait_until(pilot, lambda: "[bold red]alarm[/]" in "\n".join(screen_lines(app)))
        places["picker"] = screen_lines(app)
        app.notify(HOSTILE["ansi"] + HOSTILE["markup"])
        await pilot.pause(0.3)
        places["notification"] = screen_lines(app)
        assert app.is_running
    for place, lines in places.items():
        text = "\n".join(lines)
        assert not any(mark in text for mark in NO_ESCAPES), place
        assert "␛[31mred" in text or "[@click=app.quit]" in text, place  # shown, as marks and literally


@pytest.mark.parametrize("output_format", ["text", "tsv", "json"])
def test_gcal_tui_agenda_prints_hostile_text_as_visible_marks(
    hostile_sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    output_format: str,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    secrets = hostile_sandbox.write_client_secrets(tmp_path / "client_secrets.json")
    credentials = tmp_path / "data" / "credentials.json"
    save_credentials(credentials, sign_in_directly(secrets))
    options = ["--client-secrets", str(secrets), "--credentials", str(credentials), "--days", "2"]
    options += ["--api-endpoint", hostile_sandbox.base_url, "--format", output_format]
    assert main(["agenda", *options]) == 0
    out = capsys.readouterr().out
    assert not any(mark in out for mark in NO_ESCAPES), out
    assert "␛[31mred␛[0m" in out
    assert "[bold red]alarm[/] [@click=app.quit]click me[/]" in out
    if output_format != "json":
        assert "first line second line" in out  # one event, one line
        assert all(line.count("\t") in (0, 6) for line in out.splitlines())
