"""At start-up: can the stored credentials be used as they are, and if not, why not?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.auth.client_secrets import ClientSecretsError, load_client_secrets
from tui.storage import CredentialsFileError, load_credentials, make_private, set_aside

if TYPE_CHECKING:
    from oauth2client import client

# A broader scope that Google treats as covering a narrower one.
IMPLIED_SCOPES = {
    "https://www.googleapis.com/auth/calendar": {
        "https://www.googleapis.com/auth/calendar.readonly",
        "https://www.googleapis.com/auth/calendar.events.readonly",
        "https://www.googleapis.com/auth/calendar.events",
    },
}


@dataclass(frozen=True)
class StoredSignIn:
    credentials: client.OAuth2Credentials | None
    reason: str | None  # why the sign-in screen is shown, when there was something stored
    note: str | None = None  # something fixed on the way (a file others could read)


def covers(granted: set[str], requested: Sequence[str]) -> bool:
    return not missing_scopes(granted, requested)


def missing_scopes(granted: set[str], requested: Sequence[str]) -> list[str]:
    effective = set(granted)
    for scope in granted:
        effective |= IMPLIED_SCOPES.get(scope, set())
    return [scope for scope in requested if scope not in effective]


def granted_scopes(credentials: client.OAuth2Credentials) -> set[str]:
    """What Google granted: the token answer's `scope` (Google's consent screen lets a person untick
    a scope, and oauth2client's own `scopes` are only what was asked for), else what was asked."""
    response = credentials.token_response
    granted = response.get("scope") if isinstance(response, dict) else None
    if isinstance(granted, str):
        return set(granted.split())
    return set(credentials.scopes or ())


def scope_words(scopes: Sequence[str]) -> str:
    return ", ".join(scope.removeprefix("https://www.googleapis.com/auth/") for scope in scopes)


def check_stored(
    credentials_path: Path, client_secrets_path: Path, scopes: Sequence[str], now: datetime
) -> StoredSignIn:
    try:
        credentials = load_credentials(credentials_path)
    except CredentialsFileError as error:
        try:
            backup = set_aside(credentials_path, now)
        except OSError:
            return StoredSignIn(None, f"{error} Sign in again; the file will be replaced.")
        return StoredSignIn(None, f"{error} It was kept as {backup}. Sign in again.")
    if credentials is None:
        return StoredSignIn(None, None)
    try:
        secrets = load_client_secrets(client_secrets_path)
    except ClientSecretsError:
        return StoredSignIn(None, None)  # the sign-in screen explains the client secrets
    if credentials.client_id != secrets.client_id:
        return StoredSignIn(
            None,
            f"The stored sign-in belongs to another OAuth client ({credentials.client_id[:12]}…), "
            f"not the one in {client_secrets_path}. Sign in again to use this one.",
        )
    missing = missing_scopes(granted_scopes(credentials), scopes)
    if missing:
        return StoredSignIn(
            None,
            f"The stored sign-in does not grant {scope_words(missing)}. Sign in again to grant it "
            "(and leave its box ticked on Google's page).",
        )
    if credentials.invalid or not credentials.refresh_token:
        return StoredSignIn(None, "The stored sign-in can no longer be refreshed. Sign in again.")
    from tui.credentials_store import CredentialsStore  # deferred

    credentials.set_store(CredentialsStore(credentials_path))
    return StoredSignIn(credentials, None, make_private(credentials_path))
