"""Fixtures for every test: the watch for leaked secrets, and credentials made without a network."""

from __future__ import annotations

import datetime
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from oauth2client import client

from tests.fixtures import fixture_path
from tests.leak_watch import LeakWatch


@pytest.fixture(autouse=True)
def no_secret_leaks(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LeakWatch]:
    """Every test: fail if a token or client secret reaches a log, the screen, one of the project's
    exception messages, or a file beside the credentials."""
    watch = LeakWatch()
    directory = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    caplog.set_level(logging.DEBUG)
    watch.watch_frames(monkeypatch)
    watch.watch_errors(monkeypatch)
    yield watch
    watch.check_logs(caplog.records)
    if directory is not None:
        watch.check_files(directory)
    assert not watch.leaks, "secrets leaked:\n" + "\n".join(watch.leaks[:10])


def _make_credentials(access: str = "ya29.a0test", refresh: str = "1//0gtest") -> client.OAuth2Credentials:
    return client.OAuth2Credentials(
        access,
        "id.apps.googleusercontent.com",
        "GOCSPX-secret",
        refresh,
        datetime.datetime(2030, 1, 1),
        "https://oauth2.googleapis.com/token",
        None,
        scopes="https://www.googleapis.com/auth/calendar.readonly",
    )


@pytest.fixture
def make_credentials() -> Callable[..., client.OAuth2Credentials]:
    """Credentials as oauth2client makes them, with the tokens given, for a client of no server."""
    return _make_credentials


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[[str], Path]:
    """A copy of a fixture file in the test's folder."""

    def copy(name: str) -> Path:
        return Path(shutil.copy(fixture_path(name), tmp_path / name))

    return copy
