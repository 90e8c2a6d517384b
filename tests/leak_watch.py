"""Watches a test for tokens and client secrets where they must never be: logs, the screen, the
project's exception messages, and files beside the credentials file.

The sandbox issues recognisable fakes (`ya29.sandbox-access-…`, `1//sandbox-refresh-…`) and the
fixtures' client secrets start `GOCSPX-`; tests that build credentials by hand use the same shapes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App

from tui.auth.client_secrets import ClientSecretsError
from tui.auth.flow import ExchangeError
from tui.auth.listener import ListenerError
from tui.auth.redirect import RedirectError
from tui.auth.revoke import RevokeError
from tui.calendar.errors import CalendarError
from tui.storage import CredentialsFileError

SECRET = re.compile(r"ya29\.[\w.-]+|1//[\w-]+|GOCSPX-[\w-]+")
PROJECT_ERRORS = (
    ClientSecretsError,
    ExchangeError,
    ListenerError,
    RedirectError,
    RevokeError,
    CalendarError,
    CredentialsFileError,
)
SERVER_SIDE_LOGGERS = ("oauthlib", "tui.sandbox")  # the stand-in for Google may log what it issues


class LeakWatch:
    def __init__(self) -> None:
        self.leaks: list[str] = []

    def check(self, where: str, text: str) -> None:
        found = SECRET.search(text)
        if found:
            start = max(0, found.start() - 60)
            self.leaks.append(f"{where}: …{text[start : found.end() + 20]}…")

    # Logs
    def check_logs(self, records: Iterable[logging.LogRecord]) -> None:
        for record in records:
            if record.name.startswith(SERVER_SIDE_LOGGERS):
                continue
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += f" {record.exc_info[1]!r}"
            self.check(f"log {record.name}", text)

    # The screen: every frame an app draws, headless or not
    def watch_frames(self, monkeypatch: Any) -> None:
        display = App._display
        watch = self

        def watched(app: App[Any], screen: Any, update: Any) -> None:
            for strip in frame_strips(update):
                watch.check(f"screen {type(screen).__name__}", "".join(s.text for s in strip))
            display(app, screen, update)

        monkeypatch.setattr(App, "_display", watched)

    # The project's exceptions, checked as they are made
    def watch_errors(self, monkeypatch: Any) -> None:
        watch = self
        for error_class in PROJECT_ERRORS:

            def watched(
                error: Exception, *args: Any, _original: Any = error_class.__init__, **kwargs: Any
            ) -> None:
                _original(error, *args, **kwargs)
                watch.check(f"{type(error).__name__} message", str(error))

            monkeypatch.setattr(error_class, "__init__", watched)

    # Files beside the credentials
    def check_files(self, directory: Path) -> None:
        for path in directory.rglob("*"):
            if path.is_file() and not holds_secrets_by_design(path):
                text = path.read_bytes().decode("utf-8", "replace")
                self.check(f"file {path.relative_to(directory)}", text)


def frame_strips(update: Any) -> Iterable[Any]:
    if hasattr(update, "strips"):
        yield from update.strips
    for line in getattr(update, "chops", ()):
        yield from (strip for strip in line.values() if strip is not None)


def holds_secrets_by_design(path: Path) -> bool:
    """A credentials file, or a client secrets file: the two places secrets belong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, OSError):
        return False
    if not isinstance(data, dict):
        return False
    return data.get("_class") == "OAuth2Credentials" or "installed" in data or "web" in data
