"""Choices remembered between runs (the theme, the time zone), in the user config directory."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from tui.storage import write_private_file


@dataclass
class Settings:
    theme: str | None = None
    time_zone: str | None = None


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
    theme, zone = data.get("theme"), data.get("time_zone")
    return Settings(
        theme=theme if isinstance(theme, str) else None, time_zone=zone if isinstance(zone, str) else None
    )


def save_settings(path: Path, settings: Settings) -> None:
    write_private_file(path, json.dumps(asdict(settings)))
