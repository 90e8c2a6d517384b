"""oauth2client's Storage interface on tui.storage's atomic writes (a module of its own because it
must import oauth2client, which start-up avoids)."""

from __future__ import annotations

import threading
from pathlib import Path

from oauth2client import client

from tui.storage import CredentialsFileError, load_credentials, save_credentials


def usable_access_token(value: object) -> bool:
    return isinstance(value, str) and bool(value)


class CredentialsStore(client.Storage):
    """oauth2client's Storage interface on tui.storage's atomic writes.

    Attached with `credentials.set_store(store)`, it makes oauth2client save refreshed tokens.
    A refresh that failed (credentials marked invalid) is never written, so the file survives.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(lock=threading.Lock())
        self.path = path
        self.write_error: CredentialsFileError | None = None

    def locked_get(self) -> client.OAuth2Credentials | None:
        try:
            credentials = load_credentials(self.path)
        except CredentialsFileError:
            return None
        if credentials is not None:
            credentials.set_store(self)
        return credentials

    def locked_put(self, credentials: client.OAuth2Credentials) -> None:
        if credentials.invalid or not usable_access_token(credentials.access_token):
            return  # oauth2client saves whatever a token answer held, a number or "" included
        try:
            save_credentials(self.path, credentials)
        except CredentialsFileError as error:
            self.write_error = error
        else:
            self.write_error = None

    def locked_delete(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            raise CredentialsFileError(f"Could not delete {self.path}: {error.strerror}") from None
