"""Revoking at the token service and signing out, called directly against the sandbox over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials

from tui.auth.revoke import RevokeError, revoke
from tui.auth.sign_out import PERMISSIONS_PAGE, sign_out
from tui.calendar.loader import CalendarLoader
from tui.config import AppConfig
from tui.sandbox import Sandbox
from tui.sandbox.server import Fault
from tui.storage import CredentialsFileError


class Sleeps(list[float]):
    """Stands for time.sleep: records each back-off instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_the_refresh_token_goes_in_the_form_body_never_the_url(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    assert revoke(stored_credentials) == "Access revoked at Google."
    [request] = sandbox.requests_to("/revoke")
    assert request.method == "POST" and request.query == ""
    assert request.params == {"token": stored_credentials.refresh_token}
    headers = {name.lower(): value for name, value in request.headers.items()}
    assert headers["content-type"] == "application/x-www-form-urlencoded"


def test_the_access_token_is_revoked_when_there_is_no_refresh_token(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    stored_credentials.refresh_token = None
    revoke(stored_credentials)
    assert sandbox.requests_to("/revoke")[0].params == {"token": stored_credentials.access_token}


def test_no_token_at_all_sends_nothing(sandbox: Sandbox, stored_credentials: OAuth2Credentials) -> None:
    stored_credentials.refresh_token = None
    stored_credentials.access_token = None
    assert revoke(stored_credentials) == "There was no token to revoke."
    assert sandbox.requests_to("/revoke") == []


def test_a_token_google_no_longer_knows_is_said_so(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    revoke(stored_credentials)
    assert "no longer knew" in revoke(stored_credentials)
    assert len(sandbox.requests_to("/revoke")) == 2


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_busy_answers_are_retried_with_doubling_waits(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, status: int
) -> None:
    sandbox.inject("revoke", Fault(status=status, times=2))
    sleeps = Sleeps()
    assert revoke(stored_credentials, sleep=sleeps, retry_delay=0.5) == "Access revoked at Google."
    assert sleeps == [0.5, 1.0]
    assert len(sandbox.requests_to("/revoke")) == 3


def test_busy_to_the_end_is_an_error_that_says_google_was_unreachable(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials
) -> None:
    sandbox.inject("revoke", Fault(status=503, times=None))
    sleeps = Sleeps()
    with pytest.raises(RevokeError, match="answered HTTP 503") as caught:
        revoke(stored_credentials, sleep=sleeps, retry_delay=0.5, attempts=4)
    assert caught.value.unreachable
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(sandbox.requests_to("/revoke")) == 4


def test_a_refusal_is_not_retried(sandbox: Sandbox, stored_credentials: OAuth2Credentials) -> None:
    sandbox.inject("revoke", Fault(status=403, times=None))
    with pytest.raises(RevokeError, match="answered HTTP 403") as caught:
        revoke(stored_credentials, sleep=Sleeps())
    assert not caught.value.unreachable
    assert len(sandbox.requests_to("/revoke")) == 1


def test_no_connection_is_retried_then_said(
    stored_credentials: OAuth2Credentials, closed_port: Callable[[], int]
) -> None:
    stored_credentials.revoke_uri = f"http://127.0.0.1:{closed_port()}/revoke"
    sleeps = Sleeps()
    with pytest.raises(RevokeError, match="could not be reached") as caught:
        revoke(stored_credentials, sleep=sleeps, retry_delay=0.25)
    assert caught.value.unreachable and sleeps == [0.25, 0.5]


def test_sign_out_revokes_then_deletes(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    said = sign_out(stored_credentials, credentials_path)
    assert said == f"Signed out. Access revoked at Google. Deleted {credentials_path}."
    assert not credentials_path.exists() and len(sandbox.requests_to("/revoke")) == 1


def test_sign_out_deletes_the_stored_events_too_and_says_so(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, config: AppConfig
) -> None:
    CalendarLoader(config, stored_credentials).sync_store(None, config.now())
    store_files = [Path(f"{config.store_path}{suffix}") for suffix in ("", "-wal", "-shm")]
    assert config.store_path.exists()
    said = sign_out(stored_credentials, config.credentials_path, store_path=config.store_path)
    assert said.endswith(f"Deleted {config.credentials_path} and the stored events ({config.store_path}).")
    assert not any(path.exists() for path in store_files)
    said = sign_out(
        stored_credentials, config.credentials_path, revoke_at_google=False, store_path=config.store_path
    )
    assert "stored events" not in said  # none were left to delete


def test_sign_out_keeps_the_file_when_google_cannot_be_told(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    sandbox.inject("revoke", Fault(status=503, times=None))
    with pytest.raises(RevokeError):
        sign_out(stored_credentials, credentials_path, retry_delay=0.0)
    assert credentials_path.exists()


def test_sign_out_without_revoking_says_where_to_remove_access(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    said = sign_out(stored_credentials, credentials_path, revoke_at_google=False)
    assert PERMISSIONS_PAGE in said and str(credentials_path) in said
    assert not credentials_path.exists() and sandbox.requests_to("/revoke") == []


def test_a_file_that_cannot_be_deleted_is_an_error_naming_it(
    stored_credentials: OAuth2Credentials, tmp_path: Path
) -> None:
    in_the_way = tmp_path / "a folder where the file should be"
    in_the_way.mkdir()  # unlink refuses a folder, whoever runs the test (root ignores permissions)
    with pytest.raises(CredentialsFileError, match="Could not delete") as caught:
        sign_out(stored_credentials, in_the_way, revoke_at_google=False)
    assert str(in_the_way) in str(caught.value) and in_the_way.is_dir()


def test_the_time_allowed_reaches_the_revocation(
    sandbox: Sandbox, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    sandbox.inject("revoke", Fault(status=200, delay=30.0, times=None))  # Google hangs
    started = time.monotonic()
    with pytest.raises(RevokeError, match="could not be reached"):
        sign_out(stored_credentials, credentials_path, timeout=0.3, retry_delay=0.0)
    assert time.monotonic() - started < 5 and credentials_path.exists()
