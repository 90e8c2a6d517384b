"""The stored sign-in checked at start-up, with credentials made by a real exchange at the sandbox."""

from __future__ import annotations

import datetime
import json
import os
import stat
from pathlib import Path

from oauth2client.client import OAuth2Credentials

from tui.auth.stored import StoredSignIn, check_stored
from tui.config import READONLY_SCOPE
from tui.credentials_store import CredentialsStore
from tui.sandbox.browser import sign_in_directly
from tui.storage import save_credentials


def test_a_credentials_file_others_can_read_is_made_private_and_said_once(
    tmp_path: Path, client_secrets: Path
) -> None:

    path = tmp_path / "credentials.json"
    save_credentials(path, sign_in_directly(client_secrets))
    os.chmod(path, 0o644)
    now = datetime.datetime.now(datetime.UTC)
    first = check_stored(path, client_secrets, (READONLY_SCOPE,), now)
    assert first.credentials is not None and first.note is not None and "0644" in first.note
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert check_stored(path, client_secrets, (READONLY_SCOPE,), now).note is None


def test_stored_credentials_missing_a_granted_scope_say_which(tmp_path: Path, client_secrets: Path) -> None:

    path = tmp_path / "credentials.json"
    credentials = sign_in_directly(client_secrets)
    credentials.token_response = {**credentials.token_response, "scope": "openid"}
    save_credentials(path, credentials)
    stored = check_stored(path, client_secrets, (READONLY_SCOPE,), datetime.datetime.now(datetime.UTC))
    assert stored.credentials is None and stored.reason is not None
    assert "calendar.readonly" in stored.reason


NOW = datetime.datetime(2026, 11, 26, 9, 5, 7, tzinfo=datetime.UTC)


def test_a_good_stored_sign_in_is_used_and_saves_its_renewals(
    stored_credentials: OAuth2Credentials, credentials_path: Path, client_secrets: Path
) -> None:
    stored = check_stored(credentials_path, client_secrets, (READONLY_SCOPE,), NOW)
    assert stored.reason is None and stored.note is None
    assert stored.credentials is not None
    assert stored.credentials.refresh_token == stored_credentials.refresh_token
    assert isinstance(stored.credentials.store, CredentialsStore)
    assert stored.credentials.store.path == credentials_path


def test_no_file_is_no_sign_in_and_nothing_to_explain(credentials_path: Path, client_secrets: Path) -> None:
    assert check_stored(credentials_path, client_secrets, (READONLY_SCOPE,), NOW) == StoredSignIn(None, None)


def test_a_corrupt_file_is_kept_aside_and_said_where(credentials_path: Path, client_secrets: Path) -> None:
    credentials_path.parent.mkdir(parents=True)
    credentials_path.write_text("{not json")
    stored = check_stored(credentials_path, client_secrets, (READONLY_SCOPE,), NOW)
    backup = credentials_path.with_name("credentials.json.unusable-20261126-090507")
    assert stored.credentials is None and backup.read_text() == "{not json"
    assert not credentials_path.exists()
    assert stored.reason is not None and stored.reason.endswith(f"It was kept as {backup}. Sign in again.")
    assert str(credentials_path) in stored.reason


def test_a_corrupt_file_that_cannot_be_moved_is_replaced_at_the_next_sign_in(
    tmp_path: Path, client_secrets: Path
) -> None:
    path = tmp_path / "credentials.json"
    path.write_text("{not json")
    backup = path.with_name("credentials.json.unusable-20261126-090507")
    backup.mkdir()
    (backup / "in the way").touch()  # os.replace cannot put the file over a folder that is not empty
    stored = check_stored(path, client_secrets, (READONLY_SCOPE,), NOW)
    assert stored.credentials is None and path.exists()
    assert stored.reason is not None and stored.reason.endswith("Sign in again; the file will be replaced.")


def test_unreadable_client_secrets_leave_the_explaining_to_the_sign_in_screen(
    stored_credentials: OAuth2Credentials, credentials_path: Path, tmp_path: Path
) -> None:
    stored = check_stored(credentials_path, tmp_path / "missing.json", (READONLY_SCOPE,), NOW)
    assert stored == StoredSignIn(None, None)


def test_credentials_of_another_client_say_whose(
    stored_credentials: OAuth2Credentials, credentials_path: Path, client_secrets: Path
) -> None:
    data = json.loads(credentials_path.read_text())
    data["client_id"] = "999999999999-other.apps.googleusercontent.com"
    credentials_path.write_text(json.dumps(data))
    stored = check_stored(credentials_path, client_secrets, (READONLY_SCOPE,), NOW)
    assert stored.credentials is None
    assert stored.reason == (
        "The stored sign-in belongs to another OAuth client (999999999999…), "
        f"not the one in {client_secrets}. Sign in again to use this one."
    )


def test_credentials_without_a_refresh_token_cannot_go_on(
    stored_credentials: OAuth2Credentials, credentials_path: Path, client_secrets: Path
) -> None:
    data = json.loads(credentials_path.read_text())
    data["refresh_token"] = None
    credentials_path.write_text(json.dumps(data))
    stored = check_stored(credentials_path, client_secrets, (READONLY_SCOPE,), NOW)
    assert stored == StoredSignIn(None, "The stored sign-in can no longer be refreshed. Sign in again.")


def test_a_missing_scope_is_named_and_how_to_grant_it(
    stored_credentials: OAuth2Credentials, credentials_path: Path, client_secrets: Path
) -> None:
    stored = check_stored(
        credentials_path,
        client_secrets,
        (READONLY_SCOPE, "https://www.googleapis.com/auth/calendar.events"),
        NOW,
    )
    assert stored.credentials is None
    assert stored.reason == (
        "The stored sign-in does not grant calendar.events. Sign in again to grant it "
        "(and leave its box ticked on Google's page)."
    )
