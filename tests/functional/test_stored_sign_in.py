"""The stored sign-in checked at start-up, with credentials made by a real exchange at the sandbox."""

from __future__ import annotations

import datetime
import os
import stat
from pathlib import Path

from tui.auth.stored import check_stored
from tui.config import READONLY_SCOPE
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
