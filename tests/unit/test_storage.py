"""Credentials on disk: oauth2client's format, private, atomic, never through a symlink."""

from __future__ import annotations

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

from tui.credentials_store import CredentialsStore
from tui.storage import (
    MAX_CREDENTIALS_BYTES,
    CredentialsFileError,
    load_credentials,
    save_credentials,
    write_private_file,
)


def test_saved_file_loads_with_oauth2client_storage_and_is_private(tmp_path: Path, make_credentials) -> None:
    path = tmp_path / "new" / "dir" / "credentials.json"
    save_credentials(path, make_credentials())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = Storage(str(path)).get()
    assert isinstance(loaded, client.OAuth2Credentials)
    assert loaded.refresh_token == "1//0gtest"
    assert load_credentials(path).access_token == "ya29.a0test"
    assert [p.name for p in path.parent.iterdir()] == ["credentials.json"]  # no temp files left


def test_replacing_keeps_mode_and_content_is_new(tmp_path: Path, make_credentials) -> None:
    path = tmp_path / "credentials.json"
    save_credentials(path, make_credentials(access="old"))
    os.chmod(path, 0o644)
    save_credentials(path, make_credentials(access="new"))
    assert load_credentials(path).access_token == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_symlink_is_refused_and_its_target_untouched(tmp_path: Path, make_credentials) -> None:
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


def test_unwritable_directory_is_an_error(tmp_path: Path, make_credentials) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    with pytest.raises(CredentialsFileError, match="Cannot write credentials"):
        save_credentials(blocker / "credentials.json", make_credentials())


def written_with(credentials: client.OAuth2Credentials, **changes: object) -> str:
    data = json.loads(credentials.to_json())
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
def test_a_field_of_the_wrong_shape_makes_the_file_unusable(
    tmp_path: Path, changes: dict, make_credentials
) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(written_with(make_credentials(), **changes))
    with pytest.raises(CredentialsFileError, match=str(path)):
        load_credentials(path)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("fifo", "it is not a plain file"),
        ("dev-zero-link", "Too many levels of symbolic links"),
        ("folder", "Is a directory"),
    ],
)
def test_what_is_not_a_plain_file_is_refused_without_blocking(tmp_path: Path, kind: str, reason: str) -> None:
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
    assert [str(error) for error in outcome] == [f"Cannot read credentials from {path}: {reason}."]


def test_a_file_of_the_largest_size_is_read_and_one_byte_more_is_refused(
    tmp_path: Path, make_credentials
) -> None:
    path = tmp_path / "credentials.json"
    text = written_with(make_credentials())
    path.write_text(text + " " * (MAX_CREDENTIALS_BYTES - len(text)))
    assert load_credentials(path) is not None
    path.write_text(text + " " * (MAX_CREDENTIALS_BYTES + 1 - len(text)))
    with pytest.raises(CredentialsFileError) as caught:
        load_credentials(path)
    assert str(caught.value) == f"Cannot read credentials from {path}: it is too large (over 1024 kB)."


@pytest.mark.slow
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


def test_a_failed_rename_leaves_no_temp_file_and_raises(tmp_path: Path) -> None:
    target = tmp_path / "in the way"
    (target / "inside").mkdir(parents=True)  # os.replace cannot put a file over a folder
    with pytest.raises(OSError):
        write_private_file(target, '{"secret": "ya29.nothing-real"}')
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["in the way"]
    assert [entry.name for entry in target.iterdir()] == ["inside"]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path, make_credentials) -> None:
    path = tmp_path / "credentials.json"
    save_credentials(path, make_credentials())
    before = path.read_bytes()
    with pytest.raises(UnicodeEncodeError):
        write_private_file(path, "half a file, then a lone surrogate: \ud800")
    assert path.read_bytes() == before
    assert [entry.name for entry in tmp_path.iterdir()] == ["credentials.json"]


def test_the_store_remembers_why_a_renewed_token_was_not_saved_until_one_is(
    tmp_path: Path, make_credentials
) -> None:  # type: ignore[no-untyped-def]
    in_the_way = tmp_path / "credentials.json"
    (in_the_way / "a folder").mkdir(parents=True)  # the file cannot be written where a folder is
    store = CredentialsStore(in_the_way)
    store.put(make_credentials(access="ya29.renewed"))
    assert isinstance(store.write_error, CredentialsFileError) and str(in_the_way) in str(store.write_error)
    store.path = tmp_path / "elsewhere" / "credentials.json"
    store.put(make_credentials(access="ya29.renewed-again"))
    assert store.write_error is None
    assert load_credentials(store.path).access_token == "ya29.renewed-again"


def test_a_refresh_that_failed_or_left_no_token_is_never_written(tmp_path: Path, make_credentials) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "credentials.json"
    store = CredentialsStore(path)
    invalid = make_credentials()
    invalid.invalid = True
    store.put(invalid)
    store.put(make_credentials(access=""))
    assert not path.exists() and store.write_error is None


def test_deleting_what_is_not_there_is_fine(tmp_path: Path) -> None:
    CredentialsStore(tmp_path / "never written.json").delete()
