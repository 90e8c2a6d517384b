"""SignInSession on its own: which redirect URI each attempt uses, when it listens and why not, and
that a new attempt or `close()` frees the old listener's port. Real sockets, no app."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tui.auth.client_secrets import ClientSecretsError
from tui.auth.session import SignInSession
from tui.config import READONLY_SCOPE, Determinism


def ignore(result: object) -> None:
    pass


def can_bind(port: int, host: str = "127.0.0.1") -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def redirect_in(url: str) -> str:
    return parse_qs(urlsplit(url).query)["redirect_uri"][0]


@pytest.fixture
def session_for(copy_fixture: Callable[[str], Path]) -> Iterator[Callable[..., SignInSession]]:
    sessions: list[SignInSession] = []

    def make(fixture: str = "client_secret_desktop.json", **options: object) -> SignInSession:
        session = SignInSession(copy_fixture(fixture), (READONLY_SCOPE,), **options)  # type: ignore[arg-type]
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


def test_a_desktop_client_listens_on_a_port_the_system_picks_and_says_so(session_for) -> None:
    setup = session_for().new_attempt(ignore)
    listening_on = setup.listening_on
    assert listening_on is not None and setup.not_listening_because is None
    parts = urlsplit(listening_on)
    assert (parts.scheme, parts.hostname, parts.path) == ("http", "127.0.0.1", "/oauth2callback")
    assert parts.port not in (None, 0) and not can_bind(parts.port)
    assert setup.attempt.redirect_uri == listening_on == redirect_in(setup.attempt.authorize_url)


def test_a_new_attempt_closes_the_old_listener_and_close_frees_the_last(session_for) -> None:
    session = session_for()
    first = session.new_attempt(ignore)
    second = session.new_attempt(ignore)
    first_port = urlsplit(first.listening_on or "").port
    second_port = urlsplit(second.listening_on or "").port
    assert first_port and second_port and first_port != second_port
    assert can_bind(first_port) and not can_bind(second_port)
    assert first.attempt.state != second.attempt.state
    session.close()
    assert can_bind(second_port)
    session.close()  # twice is fine


def test_paste_mode_says_why_and_keeps_a_valid_redirect_uri(session_for) -> None:
    setup = session_for(listen=False).new_attempt(ignore)
    assert setup.listening_on is None
    assert setup.not_listening_because == "Paste mode (--no-listen): paste the code or redirected URL below."
    assert setup.attempt.redirect_uri == "http://127.0.0.1:8085/oauth2callback"
    assert redirect_in(setup.attempt.authorize_url) == setup.attempt.redirect_uri


def test_a_redirect_uri_on_another_machine_is_not_listened_for(session_for) -> None:
    setup = session_for(redirect_uri="https://example.com/callback").new_attempt(ignore)
    assert setup.listening_on is None
    assert setup.not_listening_because == (
        "https://example.com/callback is not on this machine: paste the redirected URL below."
    )
    assert setup.attempt.redirect_uri == "https://example.com/callback"


def test_a_fixed_loopback_port_is_kept_and_a_busy_one_is_said(session_for, closed_port) -> None:
    port = closed_port()
    setup = session_for(redirect_uri=f"http://localhost:{port}/cb").new_attempt(ignore)
    assert setup.listening_on == f"http://localhost:{port}/cb" == setup.attempt.redirect_uri
    assert not can_bind(port)

    busy = session_for(redirect_uri=f"http://127.0.0.1:{port}/cb").new_attempt(ignore)
    assert busy.listening_on is None
    assert busy.not_listening_because is not None
    assert busy.not_listening_because.startswith(f"Port {port} on 127.0.0.1 is already in use")
    assert busy.attempt.redirect_uri == f"http://127.0.0.1:{port}/cb"


def test_a_redirect_uri_without_a_port_means_port_80(session_for) -> None:
    setup = session_for(redirect_uri="http://127.0.0.1/cb").new_attempt(ignore)
    if setup.listening_on is None:  # port 80 needs privileges this machine may not give
        assert setup.not_listening_because is not None and " port 80" in setup.not_listening_because
    else:
        assert setup.listening_on == "http://127.0.0.1/cb"
        assert not can_bind(80)


def test_an_ipv6_loopback_redirect_listens_on_ipv6(session_for) -> None:
    if not can_bind(0, "::1"):
        pytest.skip("no IPv6 loopback here")
    setup = session_for(redirect_uri="http://[::1]:0/cb").new_attempt(ignore)
    listening_on = setup.listening_on
    assert listening_on is not None and listening_on.startswith("http://[::1]:")
    port = urlsplit(listening_on).port
    assert port and not can_bind(port, "::1")


def test_a_web_client_uses_its_first_registered_loopback_uri(session_for, closed_port, tmp_path) -> None:
    port = closed_port()
    session = session_for("client_secret_web.json")
    document = json.loads(session.client_secrets_path.read_text())
    document["web"]["redirect_uris"] = ["https://example.com/cb", f"http://localhost:{port}/cb"]
    session.client_secrets_path.write_text(json.dumps(document))
    setup = session.new_attempt(ignore)
    assert setup.listening_on == f"http://localhost:{port}/cb"


def test_the_determinism_given_is_what_the_attempt_uses(session_for) -> None:
    determinism = Determinism(oauth_state="fixed-state-" + "x" * 20, code_verifier=b"v" * 64)
    attempt = session_for(listen=False, determinism=determinism).new_attempt(ignore).attempt
    assert attempt.state == determinism.oauth_state
    assert parse_qs(urlsplit(attempt.authorize_url).query)["state"] == [determinism.oauth_state]
    assert attempt.flow.code_verifier == b"v" * 64


def test_the_client_secrets_are_read_once_and_a_broken_file_later_is_said(session_for) -> None:
    session = session_for(listen=False)
    assert session.client_secrets is None
    session.new_attempt(ignore)
    first = session.client_secrets
    assert first is not None
    session.new_attempt(ignore)
    assert session.client_secrets is first
    session.client_secrets_path.write_text("{not json")
    with pytest.raises(ClientSecretsError, match="could not be loaded again"):
        session.new_attempt(ignore)  # oauth2client reads the file again for its flow
    with pytest.raises(ClientSecretsError):
        session.load()
