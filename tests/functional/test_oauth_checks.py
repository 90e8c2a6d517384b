"""The OAuth protections, end to end through the app against the local authorization server:
PKCE S256, a fresh state of 128 bits or more per attempt, the same redirect_uri in both requests,
replayed callbacks and foreign issuers refused with no token request."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from tui.app import GcalApp
from tui.auth.session import SignInSession
from tui.config import READONLY_SCOPE
from tui.sandbox import Sandbox
from tui.sandbox.browser import follow_redirect


def state_bits(state: str) -> int:
    return len(base64.urlsafe_b64decode(state + "=" * (-len(state) % 4))) * 8


def test_every_attempt_has_a_fresh_state_of_128_bits_or_more_and_its_own_verifier(
    client_secrets: Path,
) -> None:
    session = SignInSession(client_secrets, (READONLY_SCOPE,), listen=False)
    attempts = [session.new_attempt(lambda result: None).attempt for _ in range(32)]
    states = [attempt.state for attempt in attempts]
    assert len(set(states)) == len(states)
    assert min(state_bits(state) for state in states) >= 128
    assert len({attempt.flow.code_verifier for attempt in attempts}) == len(attempts)


async def test_token_request_matches_the_authorize_request(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, wait_until, terminal_size, sign_in
) -> None:
    """S256 challenge of the verifier sent; redirect_uri identical (with the port the OS picked)."""
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        await asyncio.to_thread(follow_redirect, location)
        await wait_until(pilot, lambda: sign_in.finished(app))
    (authorize,) = sandbox.requests_to("/o/oauth2/auth")
    (token,) = sandbox.requests_to("/token")
    sent = parse_qs(authorize.query, strict_parsing=True)
    assert sent["code_challenge_method"] == ["S256"]
    verifier = token.params["code_verifier"].encode()
    assert 43 <= len(verifier) <= 128
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
    assert sent["code_challenge"] == [challenge]
    assert sent["redirect_uri"] == [token.params["redirect_uri"]]
    assert f"redirect_uri={quote(token.params['redirect_uri'], safe='')}" in authorize.query
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/oauth2callback", token.params["redirect_uri"])


async def test_a_replayed_callback_is_refused_and_sends_no_second_token_request(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, wait_until, terminal_size, sign_in
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        first = await asyncio.to_thread(follow_redirect, location)
        assert first.status == 200
        await wait_until(pilot, lambda: sign_in.finished(app))
        try:
            replay = await asyncio.to_thread(follow_redirect, location)
        except (ConnectionRefusedError, ConnectionResetError):
            replayed_status = None  # the listener has closed (or is closing), as it should after success
        else:
            replayed_status = replay.status
        assert replayed_status in (None, 410)
    assert len(sandbox.requests_to("/token")) == 1


async def test_an_old_redirect_pasted_into_a_new_attempt_is_refused(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, wait_until, terminal_size, sign_in
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        old_location = await sign_in.consent(screen)
        old_state = screen.attempt.state if screen.attempt else ""
        await pilot.press("ctrl+r")  # a new link: a new state
        await wait_until(pilot, lambda: screen.attempt is not None and screen.attempt.state != old_state)
        await sign_in.paste(pilot, old_location)
        await wait_until(pilot, lambda: "different sign-in attempt" in sign_in.status(screen))
    assert sandbox.requests_to("/token") == []


async def test_another_issuer_is_refused_and_a_missing_one_accepted(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, wait_until, terminal_size, sign_in
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        issuer = parse_qs(urlsplit(location).query)["iss"][0]
        assert issuer == sandbox.base_url.rstrip("/")  # the sandbox sends iss, as Google does
        await sign_in.paste(
            pilot, location.replace(quote(issuer, safe=""), quote("https://evil.example", safe=""))
        )
        await wait_until(pilot, lambda: "names another issuer" in sign_in.status(screen))
        assert sandbox.requests_to("/token") == []
        await sign_in.paste(pilot, re.sub(r"&iss=[^&]*", "", location))
        await wait_until(pilot, lambda: sign_in.finished(app))
    assert len(sandbox.requests_to("/token")) == 1


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


async def test_the_listener_closes_when_sign_in_ends_another_way(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, wait_until, terminal_size, sign_in
) -> None:
    """Signed in by paste while the listener waits: the screen goes, and the port with it."""
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert screen.attempt is not None
        port = urlsplit(screen.attempt.redirect_uri).port
        assert port and not refuses_connections(port)
        await sign_in.paste(pilot, await sign_in.consent(screen))
        await wait_until(pilot, lambda: sign_in.finished(app))
        await wait_until(pilot, lambda: refuses_connections(port))


async def test_the_listener_closes_when_the_app_quits_before_sign_in(
    app_for: Callable[..., GcalApp], terminal_size, sign_in
) -> None:
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        assert screen.attempt is not None
        port = urlsplit(screen.attempt.redirect_uri).port
        assert port
        await pilot.press("ctrl+q")
    assert refuses_connections(port)


async def test_no_token_request_for_anything_but_the_right_code_and_state(
    app_for: Callable[..., GcalApp], sandbox: Sandbox, wait_until, terminal_size, sign_in
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        screen = await sign_in.ready(pilot)
        location = await sign_in.consent(screen)
        query = location.split("?", 1)[1]
        bad = [
            "",
            "   ",
            "x" * 10_000,
            "not a code!",
            "http://[::1/oauth2callback?" + query,
            location.replace("127.0.0.1", "evil.example"),
            location.replace("/oauth2callback", "/other"),
            location.replace("http://", "https://"),
            re.sub(r"state=[^&]+", "state=", location),
            re.sub(r"code=[^&]+", "code=", location),
            location + "&code=again",
            "?" + re.sub(r"state=[^&]+&?", "", query),
            "\x1b[31m" + location,
        ]
        for number, text in enumerate(bad, 1):
            await sign_in.paste(pilot, text)
            await wait_until(pilot, lambda n=number: sign_in.status(screen).count("✗") == n)
        assert sandbox.requests_to("/token") == []
        assert app.is_running and isinstance(app.screen, type(screen))
