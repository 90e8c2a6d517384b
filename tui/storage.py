"""Credentials on disk, in oauth2client's JSON format, written so a crash never leaves half a file.

The file is what `oauth2client.file.Storage(path).get()` reads, so a person's own scripts can use it.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import glob
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oauth2client import client

FILE_MODE = 0o600
MAX_CREDENTIALS_BYTES = 1024 * 1024  # a real file is about 2 kB
DIRECTORY_MODE = 0o700
TEMP_SUFFIX = ".tmp"
_EXPECTED_CLASS = ("oauth2client.client", "OAuth2Credentials")


class CredentialsFileError(Exception):
    """The credentials file cannot be read or written; the message says which and why."""


def write_private_file(path: Path, text: str) -> None:
    """Write atomically and readable by the owner only: a temp file beside the target (0600), fsync,
        os.replace, then fsync the folder (created 0700). A failure leaves no temp file and the old file as
    it was; OSError says why.

        Writers take turns (an exclusive lock on the folder), so a temp file found while holding the
        lock is the leftover of a writer that was killed: it is removed, as it may hold the secrets."""
    make_private_folders(path.parent)
    with _writers_lock(path.parent):
        for leftover in path.parent.glob(f".{glob.escape(path.name)}.*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                leftover.unlink()
        descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as temp_file:
                os.fchmod(temp_file.fileno(), FILE_MODE)
                temp_file.write(text)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            os.replace(temp_name, path)
        except BaseException:  # OSError, or text that cannot be encoded: no temp file is left either way
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        _fsync_directory(path.parent)


def make_private_folders(folder: Path) -> None:
    """Create `folder` and any missing parents 0700 whatever the umask (mkdir(parents=True) makes
    the parents with the umask's mode: 0777 under umask 000)."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):
            new.mkdir(mode=DIRECTORY_MODE)
            os.chmod(new, DIRECTORY_MODE)


def make_private(path: Path) -> str | None:
    """If others may read or write the credentials file, make it 0600; what was done, in words."""
    try:
        found = os.lstat(path)
        mode = stat.S_IMODE(found.st_mode)
        if not stat.S_ISREG(found.st_mode) or not mode & 0o077:
            return None
        os.chmod(path, FILE_MODE, follow_symlinks=False)
    except (OSError, NotImplementedError):
        return None
    return f"{path} could be read by others (mode {mode:04o}); it is now {FILE_MODE:04o}."


@contextlib.contextmanager
def _writers_lock(directory: Path) -> Iterator[None]:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # released by the OS if this process dies
        yield
    finally:
        os.close(descriptor)


def save_credentials(path: Path, credentials: client.OAuth2Credentials) -> None:
    """Write in oauth2client's format with write_private_file, never through a symlink."""
    if path.is_symlink():
        raise CredentialsFileError(
            f"{path} is a symbolic link; gcal-tui will not write credentials through it. "
            "Remove the link or pass another --credentials path."
        )
    try:
        write_private_file(path, credentials.to_json())
    except OSError as exc:
        raise CredentialsFileError(f"Cannot write credentials to {path}: {exc.strerror}.") from None


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def load_credentials(path: Path) -> client.OAuth2Credentials | None:
    """The stored credentials, None when there is no file, CredentialsFileError when unusable."""
    try:
        text = _read_plain_file(path)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CredentialsFileError(f"Cannot read credentials from {path}: {reason}.") from None
    from oauth2client import client  # deferred

    try:
        data = json.loads(text)
        # new_from_json imports whatever module the file names: only let it name ours.
        if not isinstance(data, dict) or (data.get("_module"), data.get("_class")) != _EXPECTED_CLASS:
            raise ValueError("not OAuth2Credentials")
        _check_shapes(data)
        credentials = client.OAuth2Credentials.from_json(text)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CredentialsFileError(f"{path} is not a credentials file gcal-tui wrote ({exc}).") from None
    return credentials


def _read_plain_file(path: Path) -> str:
    """A regular file's text, at most MAX_CREDENTIALS_BYTES. Never through a symlink, and never
    waiting on a FIFO or a device."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(0, "it is not a plain file")
        data = file.read(MAX_CREDENTIALS_BYTES + 1)
    if len(data) > MAX_CREDENTIALS_BYTES:
        raise OSError(0, f"it is too large (over {MAX_CREDENTIALS_BYTES // 1024} kB)")
    return data.decode("utf-8")


def _check_shapes(data: dict[str, object]) -> None:
    """oauth2client takes any JSON value for any field; a later use of a number or null crashes."""
    for name in ("client_id", "token_uri"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise ValueError(f"{name} is not text")
    for name in ("access_token", "refresh_token", "client_secret", "revoke_uri", "id_token_jwt"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValueError(f"{name} is not text")
    scopes = data.get("scopes")
    if scopes is not None and not (
        isinstance(scopes, str) or (isinstance(scopes, list) and all(isinstance(s, str) for s in scopes))
    ):
        raise ValueError("scopes are not text")


def set_aside(path: Path, now: datetime.datetime) -> Path:
    """Move an unusable credentials file out of the way, keeping it as a backup."""
    backup = path.with_name(f"{path.name}.unusable-{now:%Y%m%d-%H%M%S}")
    os.replace(path, backup)
    return backup
