"""Credentials that last: start-up checks, refresh, sign in again with a reason, sign out."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials
from oauth2client.file import Storage
from textual.widgets import Button

from tui.app import GcalApp
from tui.config import READONLY_SCOPE
from tui.sandbox import Sandbox
from tui.sandbox.server import Fault
from tui.screens.confirm import ConfirmScreen
from tui.screens.events import EventsScreen
from tui.screens.sign_in import SignInScreen

FULL_SCOPE = "https://www.googleapis.com/auth/calendar"


def refreshes(sandbox: Sandbox) -> list:
    return [r for r in sandbox.requests_to("/token") if r.params.get("grant_type") == "refresh_token"]


# Start-up
async def test_credentials_of_another_client_are_not_used(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    rewrite,
    terminal_size,
    sign_in,
) -> None:
    rewrite(credentials_path, client_id="999-other.apps.googleusercontent.com")
    before = len(sandbox.requests)
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert "another OAuth client" in sign_in.status(screen)
    assert [r.path for r in sandbox.requests[before:]] == []


async def test_narrower_scopes_ask_to_sign_in_again(
    app_for: Callable[..., GcalApp], stored_credentials: OAuth2Credentials, terminal_size, sign_in
) -> None:
    app = app_for(scopes=(FULL_SCOPE,))
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert "does not grant calendar. Sign in again to grant it" in sign_in.status(screen)


async def test_a_broader_stored_scope_covers_readonly(
    app_for: Callable[..., GcalApp],
    client_secrets: Path,
    credentials_path: Path,
    wait_until,
    loaded,
    terminal_size,
) -> None:
    from tui.sandbox.browser import sign_in_directly
    from tui.storage import save_credentials

    save_credentials(credentials_path, sign_in_directly(client_secrets, (FULL_SCOPE,)))
    app = app_for(scopes=(READONLY_SCOPE,))
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))


@pytest.mark.parametrize(
    "content", [b"{half", b"\xff\xfe not text", b'{"_module": "os", "_class": "system"}']
)
async def test_corrupt_file_is_kept_aside_and_sign_in_offered(
    app_for: Callable[..., GcalApp], credentials_path: Path, content: bytes, terminal_size, sign_in
) -> None:
    credentials_path.parent.mkdir(parents=True, exist_ok=True)
    credentials_path.write_bytes(content)
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        (backup,) = credentials_path.parent.glob("credentials.json.unusable-*")
        assert backup.read_bytes() == content
        assert str(backup) in sign_in.status(screen)
    assert not credentials_path.exists()


async def test_missing_client_secrets_lists_where_it_looked(
    app_for: Callable[..., GcalApp], tmp_path: Path, wait_until, terminal_size, sign_in
) -> None:
    searched = (
        tmp_path / "env.json",
        tmp_path / "cwd" / "client_secrets.json",
        tmp_path / "config" / "cs.json",
    )
    app = app_for(client_secrets_path=searched[0], client_secrets_searched=searched)
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(
            pilot, lambda: isinstance(app.screen, SignInScreen) and bool(app.screen.status.lines)
        )
        text = sign_in.status(app.screen)  # type: ignore[arg-type]
        assert all(str(path) in text for path in searched)
        assert "Desktop app" in text and "Download JSON" in text


# Refresh
async def test_expired_token_is_refreshed_before_the_first_call_and_stored(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    wait_until,
    loaded,
    expire_locally,
    terminal_size,
) -> None:
    expire_locally(credentials_path)
    old = json.loads(credentials_path.read_text())
    before = len(sandbox.requests)
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
    paths = [r.path for r in sandbox.requests[before:]]
    assert paths[0] == "/token" and all(p != "/token" for p in paths[1:])  # no 401 first
    new = Storage(str(credentials_path)).get()
    assert new.access_token != old["access_token"] and new.refresh_token == old["refresh_token"]


async def test_a_new_refresh_token_replaces_the_old_one(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    wait_until,
    loaded,
    expire_locally,
    terminal_size,
) -> None:
    sandbox.rotate_refresh_tokens()
    expire_locally(credentials_path)
    old_refresh = stored_credentials.refresh_token
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
    new_refresh = Storage(str(credentials_path)).get().refresh_token
    assert new_refresh.startswith("1//") and new_refresh != old_refresh


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=503, body="unavailable"),
        Fault(status=500, body={"error": "server_error"}),
        Fault(status=200, delay=3.0),
    ],
)
async def test_refresh_trouble_is_retried_and_the_file_kept(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    fault: Fault,
    wait_until,
    loaded,
    expire_locally,
    terminal_size,
) -> None:
    expire_locally(credentials_path)
    refresh_token = stored_credentials.refresh_token
    sandbox.inject("token", fault)
    app = app_for(api_timeout=1.0)
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
    assert len(refreshes(sandbox)) == 2
    stored = Storage(str(credentials_path)).get()
    assert stored.refresh_token == refresh_token and not stored.invalid


async def test_invalid_client_at_refresh_names_the_client_secrets(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    client_secrets: Path,
    wait_until,
    rewrite,
    expire_locally,
    terminal_size,
) -> None:
    rewrite(credentials_path, client_secret="GOCSPX-wrong")
    expire_locally(credentials_path)
    before = credentials_path.read_bytes()
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, EventsScreen)
                and app.screen.notice is not None
                and "client id and secret" in app.screen.notice.plain
            ),
        )
        assert str(client_secrets) in app.screen.notice.plain  # type: ignore[union-attr]
    assert credentials_path.read_bytes() == before


async def test_refresh_token_revoked_between_two_runs(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    wait_until,
    loaded,
    terminal_size,
    sign_in,
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app))
    sandbox.oauth_state.revoke_refresh_tokens()
    before = credentials_path.read_bytes()
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert "no longer accepts your sign-in" in sign_in.status(screen) and "revoked" in sign_in.status(
            screen
        )
    assert credentials_path.read_bytes() == before


# Sign in again, sign out
async def test_reauth_replaces_the_file_only_after_success(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    wait_until,
    loaded,
    terminal_size,
    sign_in,
) -> None:
    import asyncio

    from tui.sandbox.browser import consent

    before = credentials_path.read_bytes()
    app = app_for(reauth=True, listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert "--reauth" in sign_in.status(screen)
        assert credentials_path.read_bytes() == before
        location = await asyncio.to_thread(consent, screen.attempt.authorize_url)  # type: ignore[union-attr]
        screen.query_one("#code").value = location  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_until(pilot, lambda: loaded(app))
    assert credentials_path.read_bytes() != before


async def test_events_screen_says_who_is_signed_in_and_when_the_token_expires(
    app_for: Callable[..., GcalApp], stored_credentials: OAuth2Credentials, wait_until, loaded, terminal_size
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: loaded(app) and app.screen.account is not None)  # type: ignore[attr-defined]
        line = app.screen.status.plain  # type: ignore[attr-defined]
        assert "  ·  Signed in as ada.lovelace@example.com · access token expires " in line


@pytest.fixture
def sign_out(wait_until, loaded):  # type: ignore[no-untyped-def]
    """Press s on the loaded calendar and answer the confirmation."""
    return partial(_sign_out, wait_until, loaded)


async def _sign_out(wait_until, loaded, pilot, app: GcalApp, confirm: bool = True) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: loaded(app))
    await pilot.press("s")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and bool(app.screen.query("#yes")))
    if confirm:
        app.screen.query_one("#yes", Button).press()


async def test_sign_out_revokes_with_the_token_in_the_body_and_deletes_the_file(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    terminal_size,
    sign_out,
    sign_in,
) -> None:
    sandbox.inject("revoke", Fault(status=503, body="busy", times=2))
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await sign_out(pilot, app)
        screen = await sign_in.ready(pilot)
        assert "Signed out. Access revoked at Google." in sign_in.status(screen)
    revokes = sandbox.requests_to("/revoke")
    assert len(revokes) == 3
    assert all(r.params["token"] == stored_credentials.refresh_token for r in revokes)
    assert not credentials_path.exists()
    assert sandbox.oauth_state.refresh_tokens[stored_credentials.refresh_token].revoked


async def test_revoke_request_carries_no_token_in_the_url(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    terminal_size,
    sign_out,
    sign_in,
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await sign_out(pilot, app)
        await sign_in.ready(pilot)
    (revoke,) = sandbox.requests_to("/revoke")
    assert revoke.query == ""


async def test_sign_out_cancelled_keeps_everything(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    terminal_size,
    sign_out,
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await sign_out(pilot, app, confirm=False)
        await pilot.press("escape")
        assert isinstance(app.screen, EventsScreen)
    assert credentials_path.exists() and sandbox.requests_to("/revoke") == []


@pytest.mark.parametrize("delete_anyway", [True, False])
async def test_unreachable_revocation_asks_before_deleting(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    delete_anyway: bool,
    wait_until,
    terminal_size,
    sign_out,
    sign_in,
) -> None:
    sandbox.inject("revoke", Fault(close_connection=True, times=None))
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await sign_out(pilot, app)
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen)
                and "could not be told" in app.screen.title_text
                and bool(app.screen.query("#no"))
            ),
        )
        app.screen.query_one("#yes" if delete_anyway else "#no", Button).press()
        if delete_anyway:
            screen = await sign_in.ready(pilot)
            assert "myaccount.google.com/permissions" in sign_in.status(screen)
        else:
            await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
    assert credentials_path.exists() is not delete_anyway


@pytest.mark.slow
def test_two_writers_and_a_reader_never_see_half_a_file(
    tmp_path: Path, stored_credentials: OAuth2Credentials
) -> None:
    path = tmp_path / "shared" / "credentials.json"
    writer = (
        "import sys, datetime; from oauth2client import client; from tui.storage import save_credentials\n"
        "from pathlib import Path\n"
        "for n in range(150):\n"
        "    token = 'a' * (n * 37 % 900) + sys.argv[1]\n"
        "    c = client.OAuth2Credentials(token, 'id', 's', 'r', None, 'u', None)\n"
        "    save_credentials(Path(sys.argv[2]), c)\n"
    )
    reader = (
        "import sys; from pathlib import Path; from tui.storage import load_credentials\n"
        "seen = 0\n"
        "for n in range(600):\n"
        "    c = load_credentials(Path(sys.argv[1]))\n"
        "    seen += c is not None\n"
        "print(seen)\n"
    )
    root = Path(__file__).parents[2]
    path.parent.mkdir()
    Storage(str(path)).put(stored_credentials)
    writers = [
        subprocess.Popen([sys.executable, "-c", writer, tag, str(path)], cwd=root) for tag in ("X", "Y")
    ]
    read = subprocess.run(
        [sys.executable, "-c", reader, str(path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert all(process.wait(timeout=120) == 0 for process in writers)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "600"
    assert Storage(str(path)).get().access_token[-1] in "XY"
    assert sorted(p.name for p in path.parent.iterdir()) == ["credentials.json"]


async def test_a_renewed_token_that_cannot_be_saved_is_said_and_kept_in_memory(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    wait_until,
    loaded,
) -> None:
    app = app_for()
    async with app.run_test(size=(160, 30)) as pilot:  # wide: the whole status line is shown
        await wait_until(pilot, lambda: loaded(app))
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        credentials_path.unlink()
        credentials_path.mkdir()  # as a full disk would, the save fails (even for root)
        sandbox.oauth_state.expire_access_tokens()
        before = len(refreshes(sandbox))
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.unsaved is not None and screen.refreshed_at is not None)
        assert len(refreshes(sandbox)) == before + 1
        assert "not saved" in screen.status.plain and "Is a directory" in screen.status.plain
        assert screen.notice is None  # the events loaded with the renewed token, in memory
