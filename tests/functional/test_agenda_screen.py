"""The agenda as a person uses it: times in their zone across DST changes, moving through time,
and every terminal size from 60x20 up; the real app over real HTTP to the emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len

from tui.app import GcalApp
from tui.calendar.agenda import DayHeader, Placement
from tui.config import AppConfig, Determinism
from tui.sandbox import Sandbox
from tui.sandbox.browser import sign_in_directly
from tui.screens.events import EventsScreen
from tui.screens.prompt import PromptScreen
from tui.storage import save_credentials
from tui.widgets.agenda_rows import Moment, agenda_line

ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Pacific/Auckland", "UTC"]
# Just before the US change (14 March 2027) and just after the EU one (28 March 2027).
CLOCKS = [datetime(2027, 3, 12, 15, tzinfo=UTC), datetime(2027, 3, 29, 15, tzinfo=UTC)]


@pytest.fixture
def dst_sandbox() -> Iterator[Sandbox]:
    """Sample data around March 2027: a New York series and London events on both sides of both changes."""
    with Sandbox(today=date(2027, 3, 14)) as running:
        running.calendar_api.page_size = 40
        yield running


def app_in(sandbox: Sandbox, directory: Path, **options: object) -> GcalApp:
    secrets = sandbox.write_client_secrets(directory / "client_secrets.json")
    credentials = directory / "data" / "credentials.json"
    save_credentials(credentials, sign_in_directly(secrets))
    config = AppConfig(
        client_secrets_path=secrets,
        credentials_path=credentials,
        api_endpoint=sandbox.base_url,
        api_timeout=5.0,
        **options,  # type: ignore[arg-type]
    )
    return GcalApp(config)


def shown_time(line: Placement, screen: EventsScreen) -> str:
    return agenda_line(line, 120, Moment(screen.config.now())).plain[1:14].strip()


@pytest.mark.parametrize("clock", CLOCKS, ids=["before-us-change", "after-eu-change"])
@pytest.mark.parametrize("zone_name", ZONES)
async def test_every_shown_time_is_the_instant_converted_with_zoneinfo(
    dst_sandbox: Sandbox, tmp_path: Path, zone_name: str, clock: datetime, wait_until, loaded, events_screen
) -> None:
    app = app_in(dst_sandbox, tmp_path, zone_name=zone_name, determinism=Determinism.fixed(clock), days=21)
    zone = ZoneInfo(zone_name)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        lines = screen.agenda_view.lines
        timed = [line for line in lines if isinstance(line, Placement) and not line.event.all_day]
        assert len(timed) > 50
        checked_ny = 0
        for line in timed:
            item = line.event.item
            start = datetime.fromisoformat(item["start"]["dateTime"]).astimezone(zone)
            end = datetime.fromisoformat(item["end"]["dateTime"]).astimezone(zone)
            if line.part == 1:
                assert shown_time(line, screen).startswith(f"{start:%H:%M}"), (item["id"], zone_name)
                assert line.day == start.date()
            else:
                assert line.day == end.date() or line.day < end.date()
            checked_ny += item["id"].startswith("nysync")
        assert checked_ny >= 2  # the New York series, on both sides of a change in the range
        days = [line.day for line in lines if isinstance(line, DayHeader)]
        assert days == sorted(days) and days[0] >= clock.astimezone(zone).date()
        assert f"{screen.day_range.days}" and screen.day_range.first == clock.astimezone(zone).date()
        ranged = [r for r in dst_sandbox.requests if r.path.endswith("/events") and "timeMin" in r.params]
        requested = ranged[-1].params  # the range asked for (the store's sync asks for no range)
        assert requested["timeZone"] == zone_name


async def test_with_the_real_clock_and_the_machines_zone(
    dst_sandbox: Sandbox, tmp_path: Path, wait_until, loaded, events_screen
) -> None:
    app = app_in(dst_sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        zone = screen.config.zone
        assert isinstance(zone, ZoneInfo)
        assert screen.day_range.first == datetime.now(zone).date()
        for line in screen.agenda_view.lines:
            if isinstance(line, Placement) and not line.event.all_day and line.part == 1:
                start = datetime.fromisoformat(line.event.item["start"]["dateTime"]).astimezone(zone)
                assert shown_time(line, screen).startswith(f"{start:%H:%M}")


@pytest.fixture
def agenda_app(app_for: Callable[..., GcalApp], stored_credentials: object) -> GcalApp:
    morning = datetime(2026, 11, 26, 9, 5, tzinfo=UTC)
    return app_for(determinism=Determinism.fixed(morning), zone_name="Europe/London")


async def test_moving_through_time(
    agenda_app: GcalApp, sandbox: Sandbox, wait_until, loaded, events_screen
) -> None:
    app = agenda_app
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        assert screen.status.plain.startswith("Thu 26 Nov – Fri 25 Dec")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: loaded(app) and screen.day_range.first == date(2026, 12, 26))
        assert screen.status.plain.startswith("Sat 26 Dec – Sun 24 Jan 2027")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_until(pilot, lambda: loaded(app) and screen.day_range.first == date(2026, 10, 27))
        past = [line for line in screen.agenda_view.lines if isinstance(line, DayHeader)]
        assert past and past[0].day >= date(2026, 10, 27)  # the range starts in the past
        await pilot.press("t")
        await wait_until(pilot, lambda: loaded(app) and screen.day_range.first == date(2026, 11, 26))
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"dec 32", "enter")
        assert isinstance(app.screen, PromptScreen)  # refused, with words, and the text kept
        assert "not a real date" in str(app.screen.query_one("#problem").render())
        await pilot.press("backspace", "backspace", *"24", "enter")
        await wait_until(pilot, lambda: loaded(app) and screen.day_range.first == date(2026, 12, 24))
        selected = screen.agenda_view.selected
        assert selected is not None and selected.day == date(2026, 12, 24)  # the cursor followed
        assert "Thu 24 Dec – Fri 22 Jan 2027" in screen.status.plain


async def test_the_cursor_skips_day_headers_and_the_count_counts_events(
    agenda_app: GcalApp, wait_until, loaded, events_screen
) -> None:
    app = agenda_app
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = events_screen(app)
        view = screen.agenda_view
        seen = set()
        for _ in range(60):
            assert isinstance(view.lines[view.cursor], Placement)
            seen.add(view.cursor)
            await pilot.press("down")
        headers = [i for i, line in enumerate(view.lines[: max(seen)]) if isinstance(line, DayHeader)]
        assert headers and not seen & set(headers)
        assert screen.shown_count == len(screen.shown_events)
        assert screen.shown_count < len(view.lines)  # headers and later days of long events are lines
        assert f"{screen.shown_count:,} events" in screen.status.plain


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_agenda_fits_the_terminal(
    agenda_app: GcalApp, size: tuple[int, int], wait_until, screen_lines, loaded, events_screen
) -> None:
    app = agenda_app
    width, height = size
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.pause()
        lines = screen_lines(app)
        assert len(lines) == height and all(cell_len(line) == width for line in lines)
        assert "Thu 26 Nov – Fri 25 Dec" in lines[1]  # one status line, then the agenda
        assert "Today · Thu 26 Nov" in lines[2]
        assert "^q Quit" in lines[-1] and "? Help" in lines[-1]
        screen = events_screen(app)
        view = screen.agenda_view
        assert view.max_scroll_x == 0  # nothing to scroll sideways
        text = "\n".join(lines)
        located = next(e for e in screen.shown_events if e.location == "Room 4, 12 Marylebone Rd, London")
        assert ("Room 4" in text) == (width >= 80) or located.id not in text
        title_room = width - 19 - (1 if view.show_vertical_scrollbar else 0)
        if width >= 120:
            long_title = "Very long title that goes on and on about the punched-card loom"
            assert long_title in text or title_room < len(long_title)


async def test_sign_in_at_80x24_shows_link_input_and_the_last_status_lines(
    app_for: Callable[..., GcalApp],
    wait_until,
    screen_lines,
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: getattr(app.screen, "attempt", None) is not None)
        await pilot.press(*"state=forged&code=4/abc", "enter")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "oauth2/auth?" in text and "prompt=consent" in text  # the link, whole
        assert "state=forged&code=4/abc" in text and "Exchange" in text  # the input
        assert "✗" in text and "Status" in text  # the refusal, without scrolling
        assert "^q Quit" in text and "Help" in text


async def test_a_time_zone_chosen_with_z_is_used_and_remembered(
    app_for: Callable[..., GcalApp],
    stored_credentials: object,
    tmp_path: Path,
    wait_until,
    loaded,
    events_screen,
) -> None:
    settings = tmp_path / "config" / "settings.json"
    app = app_for(
        settings_path=settings,
        determinism=Determinism.fixed(datetime(2026, 11, 26, 20, tzinfo=UTC)),
        zone_name="Europe/London",
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"Mars/Olympus", "enter")
        assert isinstance(app.screen, PromptScreen)  # refused with words
        assert "IANA" in str(app.screen.query_one("#problem").render())
        await pilot.press(*(["backspace"] * 12), *"Asia/Kolkata", "enter")
        screen = events_screen(app)
        await wait_until(pilot, lambda: loaded(app) and screen.agenda.zone.key == "Asia/Kolkata")
        assert screen.day_range.first == date(2026, 11, 27)  # 20:00 UTC is past midnight in Kolkata
        await wait_until(pilot, lambda: settings.exists())
    again = app_for(settings_path=settings, zone_name=None)  # no --tz: the remembered zone
    assert again.config.zone.key == "Asia/Kolkata"
