"""Revoking a grant at the token service (RFC 7009): the token goes in the POST body.

oauth2client's own `revoke()` puts the token in the URL, where proxies and logs keep it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from oauth2client import client

from tui.auth.client_secrets import GOOGLE_REVOKE_URI
from tui.bounded_http import NETWORK_ERRORS, AnswerTooLarge, BoundedHttp
from tui.config import DEFAULT_TIMEOUT_SECONDS

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RevokeError(Exception):
    """Google could not be told; the message says whether it was unreachable or refused."""

    def __init__(self, message: str, *, unreachable: bool) -> None:
        self.message = message
        self.unreachable = unreachable
        super().__init__(message)


def revoke(
    credentials: client.OAuth2Credentials,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
    retry_delay: float = 1.0,
) -> str:
    """Revoke the refresh token (which ends the whole grant); returns what happened, in words."""
    token = credentials.refresh_token or credentials.access_token
    if not token:
        return "There was no token to revoke."
    uri = credentials.revoke_uri or GOOGLE_REVOKE_URI
    body = urlencode({"token": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection = BoundedHttp(timeout)
    for attempt in range(attempts):
        try:
            response, _ = connection.request(uri, "POST", body=body, headers=headers)
        except (*NETWORK_ERRORS, AnswerTooLarge) as error:
            if attempt + 1 < attempts:
                sleep(retry_delay * 2**attempt)
                continue
            raise RevokeError(
                f"Google's revocation service could not be reached ({error.__class__.__name__}).",
                unreachable=True,
            ) from None
        if response.status == 200:
            return "Access revoked at Google."
        if response.status == 400:
            return "Google no longer knew this sign-in (already revoked or expired)."
        if response.status in RETRY_STATUSES and attempt + 1 < attempts:
            sleep(retry_delay * 2**attempt)
            continue
        raise RevokeError(
            f"Google's revocation service answered HTTP {response.status}.",
            unreachable=response.status in RETRY_STATUSES,
        )
    raise AssertionError("unreachable")
