"""Snapshots of every screen at 120x40, from a fixed configuration (no randomness, no clock)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tui.app import make_app
from tui.config import AppConfig
from tui.screens.sign_in import SignInScreen

SIZE = (120, 40)
FIXED_STATE = "Qx7fK2mZpR9vT4wYb1nC8eL5uH3jA6sD0gI"
FIXED_VERIFIER = b"snapshot-verifier-snapshot-verifier-snapshot-verifier"


def fixed_config(tmp_path: Path, client_secrets: str = "client_secret_desktop.json") -> AppConfig:
    return AppConfig(
        client_secrets_path=Path(client_secrets),
        credentials_path=tmp_path / "credentials.json",
        redirect_uri="http://127.0.0.1:8085/oauth2callback",
        listen=False,
        fixed_state=FIXED_STATE,
        fixed_code_verifier=FIXED_VERIFIER,
    )


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths on screen are relative, so the snapshots do not depend on where the repo lives."""
    monkeypatch.chdir(FIXTURES)


def test_sign_in_screen(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(fixed_config(tmp_path)), terminal_size=SIZE, run_before=settle)


def test_sign_in_error(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def paste_forged(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        assert isinstance(pilot.app.screen, SignInScreen)
        await pilot.press(*"state=forged&code=4/abc", "enter")
        await pilot.pause()

    assert snap_compare(make_app(fixed_config(tmp_path)), terminal_size=SIZE, run_before=paste_forged)


def test_missing_client_secrets(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = fixed_config(tmp_path, client_secrets="no_such_client_secrets.json")
    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=settle)
