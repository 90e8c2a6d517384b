"""The sign-in screen, driven with Pilot against the sandbox over real HTTP."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import stat
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from oauth2client import client
from oauth2client.file import Storage
from textual.widgets import Input, Static

from tests.fixtures import fixture_path
from tui.app import GcalApp
from tui.auth.flow import exchange_code
from tui.auth.redirect import code_from_pasted
from tui.sandbox import Sandbox
from tui.sandbox.browser import follow_redirect
from tui.sandbox.server import Fault
from tui.screens.help import HelpScreen
from tui.screens.sign_in import SignInScreen
from tui.storage import save_credentials


def screen_of(app: GcalApp) -> SignInScreen:
    assert isinstance(app.screen, SignInScreen)
    return app.screen


def assert_stored(path: Path) -> client.OAuth2Credentials:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = Storage(str(path)).get()
    assert isinstance(stored, client.OAuth2Credentials)
    assert stored.refresh_token.startswith("1//")
    return stored


async def test_opens_with_focus_in_the_input_and_shows_the_whole_url(
    app_for: Callable[..., GcalApp], terminal_size, sign_in
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert app.focused is screen.query_one("#code", Input)
        shown = str(screen.query_one("#authorize-url", Static).render())
        assert screen.attempt is not None
        assert screen.attempt.authorize_url in shown.replace("\n", "")
        assert "Listening for the browser's redirect on http://127.0.0.1:" in sign_in.status(screen)
        assert "calendar-tui-demo" in str(screen.query_one("#client-info", Static).render())


async def test_copy_falls_back_to_osc52_when_pyperclip_fails(
    app_for: Callable[..., GcalApp],
    no_system_clipboard: None,
    wait_until,
    terminal_size,
    notifications,
    sign_in,
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        screen = await sign_in.ready(pilot)
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: app.clipboard != "")
        assert screen.attempt is not None and app.clipboard == screen.attempt.authorize_url
        await wait_until(pilot, lambda: notifications.any("OSC 52"))
        await pilot.press("ctrl+y")  # said once per run; then only that it was copied
        await wait_until(pilot, lambda: len(notifications.texts) == 2)
        assert [("OSC 52" in text) for text in notifications.texts] == [True, False]
        assert "copied" in notifications.texts[-1]


async def test_open_without_a_browser_says_so(
    app_for: Callable[..., GcalApp], no_browser: None, wait_until, terminal_size, notifications, sign_in
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        await sign_in.ready(pilot)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: notifications.any("No graphical browser"))


async def test_paste_bare_code(
    app_for: Callable[..., GcalApp], credentials_path: Path, wait_until, terminal_size, sign_in
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        code = re.search(r"code=([^&]+)", location).group(1)  # type: ignore[union-attr]
        await sign_in.paste(pilot, f"  {code}  ")
        await wait_until(pilot, lambda: sign_in.finished(app))
        assert "Credentials saved" in sign_in.status(screen)
    assert_stored(credentials_path)


async def test_paste_redirected_url(
    app_for: Callable[..., GcalApp],
    credentials_path: Path,
    sandbox: Sandbox,
    wait_until,
    terminal_size,
    sign_in,
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        await sign_in.paste(pilot, location)
        await wait_until(pilot, lambda: sign_in.finished(app))
        assert "Credentials saved" in sign_in.status(screen)
    assert_stored(credentials_path)
    assert len(sandbox.requests_to("/token")) == 1


async def test_listener_callback(
    app_for: Callable[..., GcalApp],
    credentials_path: Path,
    sandbox: Sandbox,
    wait_until,
    terminal_size,
    sign_in,
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        page = await asyncio.to_thread(follow_redirect, location)
        assert page.status == 200
        await wait_until(pilot, lambda: sign_in.finished(app))
        assert "from the browser's redirect" in sign_in.status(screen)
        assert "Credentials saved" in sign_in.status(screen)
    assert_stored(credentials_path)
    assert len(sandbox.requests_to("/token")) == 1


async def test_the_paste_that_comes_second_is_ignored(
    app_for: Callable[..., GcalApp],
    credentials_path: Path,
    sandbox: Sandbox,
    wait_until,
    terminal_size,
    notifications,
    sign_in,
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        sandbox.inject("token", Fault(status=503, delay=1.0))  # keeps the first exchange busy
        await asyncio.to_thread(follow_redirect, location)
        await wait_until(pilot, lambda: "Exchanging the code from the browser" in sign_in.status(screen))
        screen.query_one("#code", Input).value = location
        screen.submit_pasted()
        await wait_until(pilot, lambda: notifications.any("already being exchanged"))
        await app.workers.wait_for_complete()
    assert len(sandbox.requests_to("/token")) == 1


async def test_forged_state_by_paste_sends_no_token_request(
    app_for: Callable[..., GcalApp],
    sandbox: Sandbox,
    credentials_path: Path,
    wait_until,
    terminal_size,
    sign_in,
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        await sign_in.paste(pilot, re.sub(r"state=[^&]+", "state=forged", location))
        await wait_until(pilot, lambda: "different sign-in attempt" in sign_in.status(screen))
    assert sandbox.requests_to("/token") == []
    assert not credentials_path.exists()


async def test_forged_state_by_callback_sends_no_token_request(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, terminal_size, sign_in
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        page = await asyncio.to_thread(follow_redirect, re.sub(r"state=[^&]+", "state=forged", location))
        assert page.status == 400
        await pilot.pause(0.2)
        assert "Exchanging" not in sign_in.status(screen)
    assert sandbox.requests_to("/token") == []


async def test_access_denied_in_the_browser(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, wait_until, terminal_size, sign_in
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen, allow=False)
        await asyncio.to_thread(follow_redirect, location)
        await wait_until(pilot, lambda: "Sign-in was cancelled" in sign_in.status(screen))
        assert "ctrl+r" in sign_in.status(screen)
        first_url = screen.attempt.authorize_url
        old_port = urlsplit(screen.attempt.expected.redirect_uri).port
        await pilot.press("ctrl+r")
        await wait_until(
            pilot, lambda: screen.attempt is not None and screen.attempt.authorize_url != first_url
        )
        new_port = urlsplit(screen.attempt.expected.redirect_uri).port
        assert old_port and new_port and new_port != old_port
        with pytest.raises(ConnectionRefusedError):  # the old link's listener is closed
            socket.create_connection(("127.0.0.1", old_port), timeout=2).close()
        socket.create_connection(("127.0.0.1", new_port), timeout=2).close()  # the new one listens
    assert sandbox.requests_to("/token") == []


async def test_reused_code_is_explained_and_old_credentials_survive(
    app_for: Callable[..., GcalApp],
    credentials_path: Path,
    wait_until,
    make_credentials,
    terminal_size,
    sign_in,
) -> None:

    save_credentials(credentials_path, make_credentials(access="keep-me"))
    before = credentials_path.read_bytes()
    app = app_for(listen=False, reauth=True)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        code = code_from_pasted(location, screen.attempt.expected)
        await asyncio.to_thread(exchange_code, screen.attempt, code)  # someone used it first
        await sign_in.paste(pilot, location)
        await wait_until(pilot, lambda: "already used" in sign_in.status(screen))
        assert "invalid_grant" in sign_in.status(screen)
    assert credentials_path.read_bytes() == before


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault(close_connection=True, times=None), "connection to the token service failed"),
        (Fault(status=200, delay=3.0, times=None), "did not answer in time"),
        (Fault(status=503, body="Service Unavailable", times=None), "token service had an error"),
    ],
)
async def test_token_endpoint_trouble_keeps_the_code_usable(
    app_for: Callable[..., GcalApp],
    sandbox: Sandbox,
    credentials_path: Path,
    fault: Fault,
    expected: str,
    wait_until,
    terminal_size,
    sign_in,
) -> None:
    app = app_for(listen=False, exchange_timeout=0.5)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        sandbox.inject("token", fault)
        await sign_in.paste(pilot, location)
        await wait_until(pilot, lambda: expected in sign_in.status(screen))
        assert "try" in sign_in.status(screen)
        sandbox.clear_faults()
        await pilot.press("enter")  # the same pasted URL, once more
        await wait_until(pilot, lambda: sign_in.finished(app))
        assert "Credentials saved" in sign_in.status(screen)
    assert_stored(credentials_path)


async def test_token_endpoint_refusing_connections(
    app_for: Callable[..., GcalApp],
    sandbox: Sandbox,
    client_secrets: Path,
    wait_until,
    terminal_size,
    sign_in,
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        sandbox.stop()
        await sign_in.paste(pilot, location)
        await wait_until(pilot, lambda: "refused the connection" in sign_in.status(screen))


async def test_a_second_submit_does_not_start_a_second_exchange(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, terminal_size, sign_in
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        sandbox.inject("token", Fault(status=503, delay=1.0))
        await sign_in.paste(pilot, location)
        screen.submit_pasted()  # as if Enter were pressed again while the exchange runs
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(sandbox.requests_to("/token")) == 1


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda tmp: tmp / "missing.json", "no such file"),
        (lambda tmp: (tmp / "bad.json").write_text("{oops") and tmp / "bad.json", "not valid JSON"),
        (
            lambda tmp: (
                (tmp / "sa.json").write_text(fixture_path("service_account_key.json").read_text())
                and tmp / "sa.json"
            ),
            "service-account key",
        ),
    ],
)
async def test_bad_client_secrets_are_explained(
    app_for: Callable[..., GcalApp],
    tmp_path: Path,
    setup: Callable[[Path], Path],
    expected: str,
    wait_until,
    terminal_size,
    sign_in,
) -> None:
    path = setup(tmp_path)
    app = app_for(client_secrets_path=path, client_secrets_searched=(path,))
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        screen = screen_of(app)
        await wait_until(pilot, lambda: expected in sign_in.status(screen))
        text = sign_in.status(screen)
        assert str(path) in text and "Google Cloud console" in text and "ctrl+r" in text
        assert app.screen.query_one("#copy").disabled


async def test_fixing_the_client_secrets_then_ctrl_r_recovers(
    app_for: Callable[..., GcalApp], tmp_path: Path, sandbox: Sandbox, wait_until, terminal_size, sign_in
) -> None:
    path = tmp_path / "later.json"
    app = app_for(client_secrets_path=path, client_secrets_searched=(path,))
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        screen = screen_of(app)
        await wait_until(pilot, lambda: "no such file" in sign_in.status(screen))
        path.write_text(json.dumps(sandbox.client_secrets()))
        await pilot.press("ctrl+r")
        screen = await sign_in.ready(pilot)
        assert not screen.query_one("#copy").disabled


def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_localhost_redirect_uri_works_when_passed(
    app_for: Callable[..., GcalApp],
    credentials_path: Path,
    sandbox: Sandbox,
    wait_until,
    closed_port,
    terminal_size,
    sign_in,
) -> None:
    redirect = f"http://localhost:{closed_port()}/oauth2callback"
    app = app_for(redirect_uri=redirect)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert f"Listening for the browser's redirect on {redirect}" in sign_in.status(screen)
        location = await sign_in.consent(screen)
        assert location.startswith(redirect)
        assert (await asyncio.to_thread(follow_redirect, location)).status == 200
        await wait_until(pilot, lambda: sign_in.finished(app))
    assert_stored(credentials_path)
    assert sandbox.requests_to("/token")[0].params["redirect_uri"] == redirect


async def test_web_client_uses_its_registered_redirect(
    app_for: Callable[..., GcalApp],
    credentials_path: Path,
    sandbox: Sandbox,
    tmp_path: Path,
    wait_until,
    terminal_size,
    sign_in,
) -> None:
    secrets = sandbox.write_client_secrets(tmp_path / "web.json", "web")
    app = app_for(client_secrets_path=secrets, listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert screen.attempt is not None
        assert screen.attempt.redirect_uri == "http://localhost:8080/oauth2callback"
        location = await sign_in.consent(screen)
        await sign_in.paste(pilot, location)
        await wait_until(pilot, lambda: sign_in.finished(app))
    assert_stored(credentials_path)


async def test_a_busy_port_is_explained_and_pasting_still_works(
    app_for: Callable[..., GcalApp], credentials_path: Path, wait_until, terminal_size, sign_in
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = app_for(redirect_uri=f"http://127.0.0.1:{port}/oauth2callback")
        async with app.run_test(size=terminal_size) as pilot:
            screen = await sign_in.ready(pilot)
            assert f"Port {port} on 127.0.0.1 is already in use" in sign_in.status(screen)
            location = await sign_in.consent(screen)
            await sign_in.paste(pilot, location)
            await wait_until(pilot, lambda: sign_in.finished(app))
    assert_stored(credentials_path)


@pytest.mark.parametrize("stray", ["hello", "truncated"])
async def test_a_refused_paste_does_not_end_the_attempt(
    app_for: Callable[..., GcalApp],
    credentials_path: Path,
    sandbox: Sandbox,
    stray: str,
    wait_until,
    terminal_size,
    sign_in,
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size, notifications=True) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        assert screen.attempt is not None
        code = code_from_pasted(location, screen.attempt.expected)
        await sign_in.paste(pilot, "hello" if stray == "hello" else code[: len(code) // 2])
        await wait_until(pilot, lambda: "mistyped" in sign_in.status(screen))
        assert not screen.query_one("#code", Input).disabled
        page = await asyncio.to_thread(follow_redirect, location)  # the real redirect still works
        assert page.status == 200
        await wait_until(pilot, lambda: sign_in.finished(app))
    assert_stored(credentials_path)
    assert len(sandbox.requests_to("/token")) == 2


async def test_the_footer_offers_f1_for_help_while_typing_and_f1_opens_it(
    app_for: Callable[..., GcalApp], wait_until, screen_lines, sign_in
) -> None:
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in.ready(pilot)
        await pilot.pause(0.2)
        footer = screen_lines(app)[-1]
        assert "F1 Help" in footer and "? Help" not in footer
        await pilot.press("question_mark")
        assert app.screen.query_one("#code", Input).value == "?"  # typed, as the footer implies
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


@pytest.mark.parametrize("case", ["missing-after-a-search", "a-folder", "unknown-client-type"])
async def test_client_secrets_trouble_says_where_to_save_the_file(
    app_for: Callable[..., GcalApp], tmp_path: Path, case: str, wait_until, terminal_size, sign_in
) -> None:
    here, config_folder = tmp_path / "here" / "client_secret.json", tmp_path / "config" / "client_secret.json"
    searched: tuple[Path, ...] = (here, config_folder)
    if case == "a-folder":
        here.mkdir(parents=True)
        searched = (here,)
    elif case == "unknown-client-type":
        here.parent.mkdir(parents=True)
        here.write_text('{"foo": {"client_id": "x"}}')
        searched = (here,)
    app = app_for(client_secrets_path=here, client_secrets_searched=searched)
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(
            pilot, lambda: isinstance(app.screen, SignInScreen) and "✗" in sign_in.status(app.screen)
        )
        text = sign_in.status(screen_of(app))
    if case == "missing-after-a-search":
        assert f"Save it as {config_folder}" in text
    elif case == "a-folder":
        assert "Save it in that folder as client_secrets.json and pass the file's path" in text
    else:
        assert "Unknown client type" not in text and 'neither an "installed"' in text
        assert f"Replace {here} with it" in text
