"""Choices remembered between runs (the theme, the time zone, the calendars shown) and the sync
interval (set by hand), in the user config directory."""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path

from tui.config import AppConfig, ZoneError, named_zone
from tui.storage import write_private_file


@dataclass
class Settings:
    theme: str | None = None
    time_zone: str | None = None
    calendars: list[str] | None = None  # None: those ticked in Google Calendar's list
    sync_minutes: float | None = None  # how often the open app syncs the store; None: every 5 minutes


MOST_CALENDARS = 500  # a hand-edited file is read no further
SYNC_MINUTES = (1, 24 * 60)  # the sync interval a hand-edited file may set


def load_settings(path: Path | None) -> Settings:
    """The stored settings; defaults when there are none or they cannot be read."""
    if path is None:
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    theme, zone, calendars = data.get("theme"), data.get("time_zone"), data.get("calendars")
    minutes = data.get("sync_minutes")
    return Settings(
        theme=theme if isinstance(theme, str) else None,
        time_zone=zone if isinstance(zone, str) else None,
        calendars=[c for c in calendars[:MOST_CALENDARS] if isinstance(c, str) and c]
        if isinstance(calendars, list)
        else None,
        sync_minutes=float(minutes)
        if isinstance(minutes, int | float)
        and not isinstance(minutes, bool)
        and SYNC_MINUTES[0] <= minutes <= SYNC_MINUTES[1]
        else None,
    )


def save_settings(path: Path, settings: Settings) -> None:
    write_private_file(path, json.dumps(asdict(settings)))


def use_remembered(config: AppConfig, settings: Settings) -> None:
    """The zone and calendars remembered in `settings`, where the command line named none."""
    if config.zone_name is None and settings.time_zone:
        with suppress(ZoneError):  # a hand-edited name that is no zone: the system's, then
            config.zone_name = named_zone(settings.time_zone).key
    if config.calendar_ids is None and settings.calendars:
        config.calendar_ids = tuple(settings.calendars)
    if settings.sync_minutes is not None:
        config.sync_minutes = settings.sync_minutes
