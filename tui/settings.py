"""Choices remembered between runs (the theme, the time zone, the calendars shown), in the user
config directory."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from tui.storage import write_private_file


@dataclass
class Settings:
    theme: str | None = None
    time_zone: str | None = None
    calendars: list[str] | None = None  # None: those ticked in Google Calendar's list


MOST_CALENDARS = 500  # a hand-edited file is read no further


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
    return Settings(
        theme=theme if isinstance(theme, str) else None,
        time_zone=zone if isinstance(zone, str) else None,
        calendars=[c for c in calendars[:MOST_CALENDARS] if isinstance(c, str) and c]
        if isinstance(calendars, list)
        else None,
    )


def save_settings(path: Path, settings: Settings) -> None:
    write_private_file(path, json.dumps(asdict(settings)))
