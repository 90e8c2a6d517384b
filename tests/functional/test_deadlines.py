"""Every exchange with Google has an overall deadline, not only one per socket read: a server that
sends a byte every 0.2 s never meets a 1-second read timeout, and would take a minute here."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials

from tui.auth.client_secrets import load_client_secrets
from tui.auth.flow import ExchangeError, exchange_code, start_attempt
from tui.auth.redirect import code_from_pasted
from tui.auth.revoke import RevokeError, revoke
from tui.calendar.client import CalendarClient, CalendarError, RetryPolicy
from tui.config import READONLY_SCOPE
from tui.sandbox import Sandbox
from tui.sandbox.browser import consent
from tui.sandbox.server import Fault

DEADLINE = 1.0
TRICKLE = Fault(status=200, body='{"items": []}' + " " * 300, trickle=0.2, times=None)
START = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


@pytest.mark.parametrize("route", ["events", "token"], ids=["page", "refresh"])
def test_a_trickled_page_or_refresh_ends_at_the_deadline(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, route: str
) -> None:
    if route == "token":  # a token known to be expired is refreshed before the page
        stored_credentials.token_expiry = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(
            minutes=5
        )
    sandbox.inject(route, TRICKLE)
    client = CalendarClient(
        stored_credentials, sandbox.base_url, timeout=DEADLINE, retry=RetryPolicy(attempts=1)
    )
    began = time.monotonic()
    with pytest.raises(CalendarError, match="did not answer in time"):
        list(client.event_pages("primary", START, START + dt.timedelta(days=1)))
    assert time.monotonic() - began < DEADLINE + 3


def test_a_trickled_exchange_ends_at_the_deadline(sandbox: Sandbox, client_secrets: Path) -> None:
    attempt = start_attempt(
        load_client_secrets(client_secrets), (READONLY_SCOPE,), "http://127.0.0.1:8085/cb"
    )
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    sandbox.inject("token", TRICKLE)
    began = time.monotonic()
    with pytest.raises(ExchangeError, match="did not answer in time") as caught:
        exchange_code(attempt, code, timeout=DEADLINE)
    assert caught.value.retryable
    assert time.monotonic() - began < DEADLINE + 3


def test_a_trickled_revoke_ends_at_the_deadline(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    sandbox.inject("revoke", TRICKLE)
    began = time.monotonic()
    with pytest.raises(RevokeError) as caught:
        revoke(stored_credentials, timeout=DEADLINE, attempts=2, sleep=lambda seconds: None)
    assert caught.value.unreachable
    assert time.monotonic() - began < 2 * DEADLINE + 3
