"""Signing out: the grant is revoked at Google, then the stored credentials are deleted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tui.config import DEFAULT_TIMEOUT_SECONDS

PERMISSIONS_PAGE = "https://myaccount.google.com/permissions"

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials


def sign_out(
    credentials: OAuth2Credentials,
    credentials_path: Path,
    *,
    revoke_at_google: bool = True,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    retry_delay: float = 1.0,
    store_path: Path | None = None,
) -> str:
    """Revoke the grant (unless told not to), then delete the stored credentials and the event store
    at `store_path`; what happened, in words. Raises RevokeError when Google could not be told
    (nothing is deleted then), and CredentialsFileError when the file could not be deleted."""
    from tui.auth.revoke import revoke  # deferred
    from tui.calendar.store import delete_store
    from tui.credentials_store import CredentialsStore

    if revoke_at_google:
        outcome = revoke(credentials, timeout=timeout, retry_delay=retry_delay)
    else:
        outcome = f"Access was not revoked: remove gcal-tui at {PERMISSIONS_PAGE}."
    CredentialsStore(credentials_path).delete()
    deleted = f"Deleted {credentials_path}"
    if store_path is not None and delete_store(store_path):
        deleted += f" and the stored events ({store_path})"
    return f"Signed out. {outcome} {deleted}."
