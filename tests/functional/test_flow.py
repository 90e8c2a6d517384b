"""oauth2client's flow against the local authorization server, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tui.auth.client_secrets import load_client_secrets
from tui.auth.flow import ExchangeError, exchange_code, split_flow_error, start_attempt
from tui.auth.redirect import code_from_pasted
from tui.config import READONLY_SCOPE
from tui.sandbox import Sandbox
from tui.sandbox.browser import consent
from tui.sandbox.server import Fault

REDIRECT = "http://127.0.0.1:8085/oauth2callback"


def attempt_for(client_secrets: Path, redirect: str = REDIRECT, scopes: tuple[str, ...] = (READONLY_SCOPE,)):
    return start_attempt(load_client_secrets(client_secrets), scopes, redirect)


def test_authorize_url_has_pkce_s256_offline_and_a_fresh_256_bit_state(
    client_secrets: Path,
) -> None:
    first, second = attempt_for(client_secrets), attempt_for(client_secrets)
    query = parse_qs(urlsplit(first.authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["access_type"] == ["offline"]
    assert query["redirect_uri"] == [REDIRECT]
    assert query["scope"] == [READONLY_SCOPE]
    verifier = first.flow.code_verifier
    expected_challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == [expected_challenge]
    assert len(base64.urlsafe_b64decode(first.state + "=" * (-len(first.state) % 4))) * 8 >= 128
    assert first.state != second.state
    assert first.flow.code_verifier != second.flow.code_verifier


def test_full_exchange_sends_the_same_redirect_uri_and_the_verifier(
    sandbox: Sandbox, client_secrets: Path
) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    credentials = exchange_code(attempt, code)
    assert credentials.access_token.startswith("ya29.")
    assert credentials.refresh_token.startswith("1//")
    (token_request,) = sandbox.requests_to("/token")
    assert token_request.params["redirect_uri"] == REDIRECT
    assert token_request.params["grant_type"] == "authorization_code"
    assert token_request.params["client_secret"]  # client_secret_post, as Google does it
    assert token_request.params["code_verifier"] == attempt.flow.code_verifier.decode()


def test_reused_code_is_invalid_grant_with_a_way_out(client_secrets: Path) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    exchange_code(attempt, code)
    with pytest.raises(ExchangeError) as caught:
        exchange_code(attempt, code)
    assert "expired" in caught.value.message and "already used" in caught.value.message
    assert "invalid_grant (Bad Request)" in caught.value.message
    assert "ctrl+r" in caught.value.hint
    assert "mistyped" in caught.value.message
    assert caught.value.retryable  # the attempt still takes the right code (a stray paste must not end it)


def test_a_malformed_code_is_called_cut_or_mistyped(sandbox: Sandbox, client_secrets: Path) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    malformed = {"error": "invalid_grant", "error_description": "Malformed auth code."}
    sandbox.inject("token", Fault(status=400, body=malformed))
    with pytest.raises(ExchangeError, match="cut short or mistyped") as caught:
        exchange_code(attempt, code)
    assert caught.value.retryable
    assert exchange_code(attempt, code).access_token  # the whole code, pasted again, works


def test_wrong_client_secret_is_invalid_client(sandbox: Sandbox, client_secrets: Path) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    attempt.flow.client_secret = "GOCSPX-not-the-right-one"
    with pytest.raises(ExchangeError, match="client secrets are wrong") as caught:
        exchange_code(attempt, code)
    assert "invalid_client (Unauthorized)" in caught.value.message
    assert "GOCSPX" not in str(caught.value)


def test_redirect_uri_mismatch(client_secrets: Path) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    attempt.flow.redirect_uri = "http://127.0.0.1:9999/elsewhere"
    with pytest.raises(ExchangeError, match="redirect URI is not registered"):
        exchange_code(attempt, code)


def test_wrong_verifier_is_refused(client_secrets: Path) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    attempt.flow.code_verifier = b"x" * 64
    with pytest.raises(ExchangeError, match="invalid_grant"):
        exchange_code(attempt, code)


def test_token_endpoint_down(tmp_path: Path, sandbox: Sandbox, closed_port) -> None:
    secrets = sandbox.client_secrets()
    secrets["installed"]["token_uri"] = f"http://127.0.0.1:{closed_port()}/token"
    path = tmp_path / "cs.json"
    path.write_text(json.dumps(secrets))
    attempt = attempt_for(path)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    with pytest.raises(ExchangeError, match="refused the connection") as caught:
        exchange_code(attempt, code)
    assert caught.value.retryable


def test_token_endpoint_timeout(sandbox: Sandbox, client_secrets: Path) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    sandbox.inject("token", Fault(status=200, delay=2.0, times=2))
    with pytest.raises(ExchangeError, match="did not answer in time") as caught:
        exchange_code(attempt, code, timeout=0.3)
    assert caught.value.retryable


def test_dns_failure(tmp_path: Path, sandbox: Sandbox) -> None:
    secrets = sandbox.client_secrets()
    secrets["installed"]["token_uri"] = "http://no-such-host.invalid/token"
    path = tmp_path / "cs.json"
    path.write_text(json.dumps(secrets))
    attempt = attempt_for(path)
    with pytest.raises(ExchangeError, match="could not be looked up"):
        exchange_code(attempt, "4/somecode")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retryable(sandbox: Sandbox, client_secrets: Path, status: int) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    sandbox.inject("token", Fault(status=status, body="<html>oops</html>"))
    with pytest.raises(ExchangeError, match="token service had an error") as caught:
        exchange_code(attempt, code)
    assert caught.value.retryable
    assert exchange_code(attempt, code).access_token  # the code still works afterwards


@pytest.mark.parametrize(
    ("glued", "parts"),
    [
        ("invalid_grantBad Request", ("invalid_grant", "Bad Request")),
        ("invalid_clientUnauthorized", ("invalid_client", "Unauthorized")),
        ("redirect_uri_mismatchBad Request", ("redirect_uri_mismatch", "Bad Request")),
        ("invalid_grantinvalid code verifier", ("invalid_grant", "invalid code verifier")),
        ("invalid_request", ("invalid_request", "")),
        ("Invalid response: 502.", ("", "Invalid response: 502.")),
    ],
)
def test_oauth2client_glued_errors_are_split(glued: str, parts: tuple[str, str]) -> None:
    assert split_flow_error(glued) == parts


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Fault(status=200, body={"access_token": "ya29.x", "expires_in": 1e12}), "could not be read"),
        (Fault(status=200, body={"access_token": "ya29.x", "expires_in": "soon"}), "could not be read"),
        (Fault(status=200, body={"access_token": 5, "expires_in": 3600}), "could not be read"),
        (Fault(status=200, body={"expires_in": 3600}), "could not be read"),
        (Fault(status=200, body="[1, 2]"), "could not be read"),
        (Fault(status=303, headers={"Location": "ftp://example.com/token"}), "redirected"),
        (Fault(status=302, headers={"Location": "http://127.0.0.1:1/token"}), "redirected"),
    ],
    ids=["expires-1e12", "expires-text", "token-number", "no-token", "a-list", "303-ftp", "302-elsewhere"],
)
def test_token_answers_that_cannot_be_used_are_errors_in_words(
    sandbox: Sandbox, client_secrets: Path, fault: Fault, words: str
) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    sandbox.inject("token", fault)
    with pytest.raises(ExchangeError, match=words) as caught:
        exchange_code(attempt, code)
    assert caught.value.hint


def test_a_sign_in_granted_without_the_calendar_scope_is_refused_in_words(
    sandbox: Sandbox, client_secrets: Path
) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    answer = {"access_token": "ya29.x", "refresh_token": "1//x", "expires_in": 3599, "scope": "openid"}
    sandbox.inject("token", Fault(status=200, body={**answer, "token_type": "Bearer"}))
    with pytest.raises(ExchangeError, match=r"without calendar\.readonly") as caught:
        exchange_code(attempt, code)
    assert "ctrl+r" in caught.value.hint


@pytest.mark.parametrize(
    "body",
    ["<html>captive portal</html>", "[1, 2]", {"access_token": 5, "expires_in": 3600}],
    ids=["html", "a-list", "token-number"],
)
def test_an_answer_that_cannot_be_read_keeps_the_code_for_another_try(
    sandbox: Sandbox, client_secrets: Path, body: object
) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    sandbox.inject("token", Fault(status=200, body=body))  # type: ignore[arg-type]
    with pytest.raises(ExchangeError) as caught:
        exchange_code(attempt, code)
    error = caught.value
    assert error.message.startswith(
        "The token service sent an answer that could not be read (a proxy or captive portal?)."
    )
    assert error.hint == "Check your network, then press Enter to try the same code again."
    assert error.retryable


REFUSED_EXCHANGES = {
    "malformed code": (
        400,
        {"error": "invalid_grant", "error_description": "Malformed auth code."},
        "Google could not read the code: it was cut short or mistyped. "
        "Google said: invalid_grant (Malformed auth code.).",
        "Paste the whole URL from the browser's address bar, or wait for the browser's redirect.",
        True,
    ),
    "refused code": (
        400,
        {"error": "invalid_grant", "error_description": "Bad Request"},
        "The code was refused: it was mistyped or cut short, has expired (codes last 10 minutes), "
        "or was already used. Google said: invalid_grant (Bad Request).",
        "Paste the whole URL from the browser's address bar, or press ctrl+r for a new link.",
        True,
    ),
    "wrong client": (
        401,
        {"error": "invalid_client", "error_description": "Unauthorized"},
        "The client secrets are wrong: Google does not know this client id and secret. "
        "Google said: invalid_client (Unauthorized).",
        "Download the client's JSON again from Google Cloud console (Credentials).",
        False,
    ),
    "redirect not registered": (
        400,
        {"error": "redirect_uri_mismatch", "error_description": "Bad Request"},
        "The redirect URI is not registered for this client. "
        "Google said: redirect_uri_mismatch (Bad Request).",
        "Use a 'Desktop app' client, or register the --redirect-uri in Google Cloud console.",
        False,
    ),
    "rate limited": (
        429,
        "slow down",
        "The token service is rate limiting sign-ins (HTTP 429).",
        "Wait a minute, then press Enter to try the same code again.",
        True,
    ),
    "redirected": (
        302,
        "",
        "The token request was redirected (a proxy or captive portal?). (HTTP 302)",
        "Check your network, then press Enter to try the same code again.",
        True,
    ),
    "temporarily unavailable": (
        503,
        {"error": "temporarily_unavailable"},
        "Google's token service had an error. Google said: temporarily_unavailable.",
        "Wait a moment, then press Enter to try the same code again.",
        True,
    ),
    "server error page": (
        500,
        "<html>oops</html>",
        "Google's token service had an error. (HTTP 500)",
        "Wait a moment, then press Enter to try the same code again.",
        True,
    ),
    "another refusal": (
        400,
        {"error": "invalid_scope", "error_description": "Bad scope"},
        "The token request failed. Google said: invalid_scope (Bad scope).",
        "Press ctrl+r for a new link and sign in again.",
        False,
    ),
    "a refusal without an error code": (
        400,
        {"hello": "world"},
        "The token request failed. (HTTP 400)",
        "Press ctrl+r for a new link and sign in again.",
        False,
    ),
}


@pytest.mark.parametrize(
    ("status", "body", "message", "hint", "retryable"),
    REFUSED_EXCHANGES.values(),
    ids=REFUSED_EXCHANGES.keys(),
)
def test_each_refused_exchange_reads_as_what_to_do(
    sandbox: Sandbox,
    client_secrets: Path,
    status: int,
    body: object,
    message: str,
    hint: str,
    retryable: bool,
) -> None:
    attempt = attempt_for(client_secrets)
    code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
    headers = {"Location": "http://127.0.0.1:9/elsewhere"} if status == 302 else {}
    sandbox.inject("token", Fault(status=status, body=body, headers=headers))  # type: ignore[arg-type]
    with pytest.raises(ExchangeError) as caught:
        exchange_code(attempt, code)
    assert (caught.value.message, caught.value.hint, caught.value.retryable) == (message, hint, retryable)


def test_network_failures_read_as_what_to_do(
    tmp_path: Path, sandbox: Sandbox, client_secrets: Path, closed_port
) -> None:  # type: ignore[no-untyped-def]
    def exchange_failing_at(token_uri: str | None = None, fault: Fault | None = None) -> ExchangeError:
        secrets = sandbox.client_secrets()
        if token_uri:
            secrets["installed"]["token_uri"] = token_uri
        path = tmp_path / "cs.json"
        path.write_text(json.dumps(secrets))
        attempt = attempt_for(path)
        code = code_from_pasted(consent(attempt.authorize_url), attempt.expected)
        if fault:
            sandbox.inject("token", fault)
        with pytest.raises(ExchangeError) as caught:
            exchange_code(attempt, code, timeout=0.5)
        return caught.value

    port = urlsplit(sandbox.base_url).port
    cases = {
        "refused": (
            exchange_failing_at(f"http://127.0.0.1:{closed_port()}/token"),
            "The token service refused the connection.",
            "Check your network (or proxy), then press Enter to try again.",
        ),
        "no such host": (
            exchange_failing_at("http://no-such-host.invalid/token"),
            "The token service's address could not be looked up (DNS).",
            "Check your network connection, then press Enter to try again.",
        ),
        "tls to a plain server": (
            exchange_failing_at(f"https://127.0.0.1:{port}/token"),
            "A secure connection to the token service failed (SSLError).",
            "Check the system clock and any proxy that intercepts TLS, then press Enter.",
        ),
        "a header line too long": (
            exchange_failing_at(fault=Fault(status=200, headers={"X-Long": "x" * 70_000}, body={})),
            "The token service sent an answer that could not be read (a header line too long).",
            "Check your network (or proxy), then press Enter to try again.",
        ),
        "too slow": (  # last: a slow answer may still be queued for the next request
            exchange_failing_at(fault=Fault(status=200, delay=3.0, times=2)),
            "The token service did not answer in time.",
            "Check your network, then press Enter to try again.",
        ),
    }
    for name, (error, message, hint) in cases.items():
        assert (error.message, error.hint, error.retryable) == (message, hint, True), name
