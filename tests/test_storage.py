"""Credentials on disk: oauth2client's format, private, atomic, never through a symlink."""

from __future__ import annotations

import datetime
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from oauth2client import client
from oauth2client.file import Storage

from tui.storage import CredentialsFileError, load_credentials, save_credentials


def make_credentials(access: str = "ya29.a0test", refresh: str = "1//0gtest") -> client.OAuth2Credentials:
    return client.OAuth2Credentials(
        access,
        "id.apps.googleusercontent.com",
        "GOCSPX-secret",
        refresh,
        datetime.datetime(2030, 1, 1),
        "https://oauth2.googleapis.com/token",
        None,
        scopes="https://www.googleapis.com/auth/calendar.readonly",
    )


def test_saved_file_loads_with_oauth2client_storage_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "credentials.json"
    save_credentials(path, make_credentials())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = Storage(str(path)).get()
    assert isinstance(loaded, client.OAuth2Credentials)
    assert loaded.refresh_token == "1//0gtest"
    assert load_credentials(path).access_token == "ya29.a0test"
    assert [p.name for p in path.parent.iterdir()] == ["credentials.json"]  # no temp files left


def test_replacing_keeps_mode_and_content_is_new(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    save_credentials(path, make_credentials(access="old"))
    os.chmod(path, 0o644)
    save_credentials(path, make_credentials(access="new"))
    assert load_credentials(path).access_token == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious")
    link = tmp_path / "credentials.json"
    link.symlink_to(target)
    with pytest.raises(CredentialsFileError, match="symbolic link"):
        save_credentials(link, make_credentials())
    assert target.read_text() == "precious"


def test_missing_file_is_none(tmp_path: Path) -> None:
    assert load_credentials(tmp_path / "absent.json") is None


@pytest.mark.parametrize(
    "content",
    [
        "{half a file",
        "[]",
        json.dumps({"_module": "os", "_class": "system"}),
        json.dumps({"_module": "oauth2client.client", "_class": "OAuth2Credentials"}),
    ],
)
def test_unusable_file_is_an_error_naming_it(tmp_path: Path, content: str) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(content)
    with pytest.raises(CredentialsFileError, match=str(path)):
        load_credentials(path)
    assert path.read_text() == content


def test_unwritable_directory_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    with pytest.raises(CredentialsFileError, match="Cannot write credentials"):
        save_credentials(blocker / "credentials.json", make_credentials())


def written_with(**changes: object) -> str:
    data = json.loads(make_credentials().to_json())
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": None},
        {"client_id": ""},
        {"access_token": 5},
        {"refresh_token": ["1//x"]},
        {"client_secret": {"x": 1}},
        {"token_uri": None},
        {"scopes": [1, 2]},
    ],
    ids=lambda changes: "-".join(f"{name}={value!r}" for name, value in changes.items()),
)
def test_a_field_of_the_wrong_shape_makes_the_file_unusable(tmp_path: Path, changes: dict) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(written_with(**changes))
    with pytest.raises(CredentialsFileError, match=str(path)):
        load_credentials(path)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link", "folder"])
def test_what_is_not_a_plain_file_is_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "credentials.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero-link":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    outcome: list[object] = []

    def load() -> None:
        try:
            load_credentials(path)
        except CredentialsFileError as error:
            outcome.append(error)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "reading the credentials blocked"
    assert len(outcome) == 1 and str(path) in str(outcome[0])


def test_an_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(written_with(id_token_jwt="x" * 2_000_000))
    with pytest.raises(CredentialsFileError, match="too large"):
        load_credentials(path)


def test_folders_made_under_umask_000_are_private(tmp_path: Path) -> None:
    target = tmp_path / "home" / ".local" / "share" / "gcal-tui" / "credentials.json"
    script = (
        "import os, sys; from pathlib import Path; os.umask(0); "
        "from tui.storage import write_private_file; write_private_file(Path(sys.argv[1]), 'x')"
    )
    subprocess.run([sys.executable, "-c", script, str(target)], check=True)
    for folder in (tmp_path / "home", target.parent.parent.parent, target.parent.parent, target.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_credentials_file_others_can_read_is_made_private_and_said_once(
    tmp_path: Path, client_secrets: Path
) -> None:
    from tui.auth.stored import check_stored
    from tui.config import READONLY_SCOPE
    from tui.sandbox.browser import sign_in_directly

    path = tmp_path / "credentials.json"
    save_credentials(path, sign_in_directly(client_secrets))
    os.chmod(path, 0o644)
    now = datetime.datetime.now(datetime.UTC)
    first = check_stored(path, client_secrets, (READONLY_SCOPE,), now)
    assert first.credentials is not None and first.note is not None and "0644" in first.note
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert check_stored(path, client_secrets, (READONLY_SCOPE,), now).note is None


def test_stored_credentials_missing_a_granted_scope_say_which(tmp_path: Path, client_secrets: Path) -> None:
    from tui.auth.stored import check_stored
    from tui.config import READONLY_SCOPE
    from tui.sandbox.browser import sign_in_directly

    path = tmp_path / "credentials.json"
    credentials = sign_in_directly(client_secrets)
    credentials.token_response = {**credentials.token_response, "scope": "openid"}
    save_credentials(path, credentials)
    stored = check_stored(path, client_secrets, (READONLY_SCOPE,), datetime.datetime.now(datetime.UTC))
    assert stored.credentials is None and stored.reason is not None
    assert "calendar.readonly" in stored.reason
