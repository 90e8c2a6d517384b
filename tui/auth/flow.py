"""One sign-in attempt: oauth2client's flow from authorize URL to credentials, with clear errors."""

from __future__ import annotations

import http.client
import re
import secrets
import socket
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import httplib2
from oauth2client import client, clientsecrets

from tui.auth.client_secrets import ClientSecrets, ClientSecretsError
from tui.auth.redirect import ExpectedRedirect, issuer_of
from tui.auth.stored import granted_scopes, missing_scopes, scope_words
from tui.bounded_http import NETWORK_ERRORS, BoundedHttp
from tui.config import DEFAULT_TIMEOUT_SECONDS
from tui.credentials_store import usable_access_token
from tui.text import clip, safe_text

STATE_BYTES = 32  # 256 bits, well over the 128 the flow needs

# Error codes a token endpoint may send; oauth2client glues code and description together.
TOKEN_ERROR_CODES = (
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "redirect_uri_mismatch",
    "access_denied",
    "server_error",
    "temporarily_unavailable",
    "deleted_client",
    "admin_policy_enforced",
)


class ExchangeError(Exception):
    """The code could not be exchanged for credentials."""

    def __init__(self, message: str, hint: str, *, retryable: bool) -> None:
        self.message = message
        self.hint = hint
        self.retryable = retryable
        super().__init__(f"{message} {hint}")


def split_flow_error(text: str) -> tuple[str, str]:
    """Split oauth2client's "invalid_grantBad Request" into ("invalid_grant", "Bad Request")."""
    for code in sorted(TOKEN_ERROR_CODES, key=len, reverse=True):
        if text.startswith(code):
            return code, text[len(code) :].strip()
    return "", text.strip()


@dataclass
class SignInAttempt:
    """A fresh state, PKCE verifier and authorize URL; the first code presented claims it."""

    flow: client.OAuth2WebServerFlow
    state: str
    authorize_url: str
    expected: ExpectedRedirect
    _claim_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _claimed: bool = False

    @property
    def redirect_uri(self) -> str:
        return self.expected.redirect_uri

    def claim(self) -> bool:
        """True for the first caller only: the callback or the paste, whichever comes first."""
        with self._claim_lock:
            if self._claimed:
                return False
            self._claimed = True
            return True

    def release(self) -> None:
        """Let the same attempt be tried again (after an exchange that never reached Google)."""
        with self._claim_lock:
            self._claimed = False


def start_attempt(
    client_secrets: ClientSecrets,
    scopes: Sequence[str],
    redirect_uri: str,
    *,
    state: str | None = None,
    code_verifier: bytes | None = None,
    extra_params: dict[str, str] | None = None,
) -> SignInAttempt:
    """Build the flow with PKCE S256 and offline access, and its authorize URL (`extra_params` go
    into it as they are: include_granted_scopes, login_hint)."""
    state = state or secrets.token_urlsafe(STATE_BYTES)
    try:
        flow = client.flow_from_clientsecrets(
            str(client_secrets.path),
            scope=list(scopes),
            # oauth2client ignores the file's redirect_uris; passing it here (not to step 1) keeps
            # step 2's redirect_uri identical to step 1's.
            redirect_uri=redirect_uri,
            pkce=True,
            code_verifier=code_verifier,
            prompt="consent",
        )
    except (clientsecrets.InvalidClientSecretsError, ValueError, TypeError, AttributeError) as exc:
        raise ClientSecretsError(client_secrets.path, f"could not be loaded again ({exc}).") from None
    flow.revoke_uri = client_secrets.revoke_uri
    flow.params.update(extra_params or {})  # oauth2client's own way to add to the authorize URL
    authorize_url = flow.step1_get_authorize_url(state=state)
    return SignInAttempt(
        flow=flow,
        state=state,
        authorize_url=authorize_url,
        expected=ExpectedRedirect(redirect_uri, state, issuer_of(client_secrets.auth_uri)),
    )


def _exchange_error_for(exc: BaseException) -> ExchangeError:
    if isinstance(exc, client.FlowExchangeError):
        code, description = split_flow_error(safe_text(str(exc)))
        description = clip(description)
        status = re.fullmatch(r"Invalid response: (\d+)\.", description)
        if status:
            detail = f" (HTTP {status.group(1)})"
        elif code:
            detail = f" Google said: {code}" + (f" ({description})" if description else "") + "."
        else:
            detail = f" ({description})"
        if code == "invalid_grant" and "malformed" in description.casefold():
            return ExchangeError(
                "Google could not read the code: it was cut short or mistyped." + detail,
                "Paste the whole URL from the browser's address bar, or wait for the browser's redirect.",
                retryable=True,
            )
        if code == "invalid_grant":
            return ExchangeError(
                "The code was refused: it was mistyped or cut short, has expired (codes last 10 minutes), "
                "or was already used." + detail,
                "Paste the whole URL from the browser's address bar, or press ctrl+r for a new link.",
                retryable=True,  # the attempt still takes the right code
            )
        if code == "invalid_client":
            return ExchangeError(
                "The client secrets are wrong: Google does not know this client id and secret." + detail,
                "Download the client's JSON again from Google Cloud console (Credentials).",
                retryable=False,
            )
        if code == "redirect_uri_mismatch":
            return ExchangeError(
                "The redirect URI is not registered for this client." + detail,
                "Use a 'Desktop app' client, or register the --redirect-uri in Google Cloud console.",
                retryable=False,
            )
        if status and status.group(1) == "429":
            return ExchangeError(
                "The token service is rate limiting sign-ins" + detail + ".",
                "Wait a minute, then press Enter to try the same code again.",
                retryable=True,
            )
        if status and status.group(1).startswith("3"):
            return ExchangeError(
                "The token request was redirected (a proxy or captive portal?)." + detail,
                "Check your network, then press Enter to try the same code again.",
                retryable=True,
            )
        if status and status.group(1).startswith("2"):
            return _unreadable_answer(detail)
        if code in ("server_error", "temporarily_unavailable") or (
            status and status.group(1).startswith("5")
        ):
            return ExchangeError(
                "Google's token service had an error." + detail,
                "Wait a moment, then press Enter to try the same code again.",
                retryable=True,
            )
        return ExchangeError(
            "The token request failed." + detail,
            "Press ctrl+r for a new link and sign in again.",
            retryable=False,
        )
    if isinstance(exc, ConnectionRefusedError):
        return ExchangeError(
            "The token service refused the connection.",
            "Check your network (or proxy), then press Enter to try again.",
            retryable=True,
        )
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return ExchangeError(
            "The token service did not answer in time.",
            "Check your network, then press Enter to try again.",
            retryable=True,
        )
    if isinstance(exc, ssl.SSLError):
        return ExchangeError(
            f"A secure connection to the token service failed ({exc.__class__.__name__}).",
            "Check the system clock and any proxy that intercepts TLS, then press Enter.",
            retryable=True,
        )
    if isinstance(exc, http.client.LineTooLong):
        return ExchangeError(
            "The token service sent an answer that could not be read (a header line too long).",
            "Check your network (or proxy), then press Enter to try again.",
            retryable=True,
        )
    if isinstance(exc, httplib2.ServerNotFoundError):
        return ExchangeError(
            "The token service's address could not be looked up (DNS).",
            "Check your network connection, then press Enter to try again.",
            retryable=True,
        )
    return ExchangeError(
        f"The connection to the token service failed ({exc.__class__.__name__}).",
        "Check your network, then press Enter to try again.",
        retryable=True,
    )


def exchange_code(
    attempt: SignInAttempt,
    code: str,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    required: Sequence[str] | None = None,
) -> client.OAuth2Credentials:
    """Run step 2 with a timeout (oauth2client's default HTTP object has none); every failure is an
    ExchangeError in words. Google may grant less than was asked (its boxes can be unticked): the
    `required` scopes (by default all those asked for) must be granted."""
    try:
        credentials = attempt.flow.step2_exchange(code, http=BoundedHttp(timeout))
    except (client.FlowExchangeError, *NETWORK_ERRORS) as exc:
        raise _exchange_error_for(exc) from None
    except KeyError:  # httplib2 follows a redirect to any scheme, and has no connection for ftp:
        raise ExchangeError(
            "The token request was redirected away from the web (a proxy or captive portal?).",
            "Check your network, then press Enter to try the same code again.",
            retryable=True,
        ) from None
    except (client.Error, ValueError, OverflowError, TypeError, AttributeError):
        # oauth2client reads a 200 without checking it: an expires_in of 1e12, text, a list...
        raise _unreadable_answer() from None
    if not usable_access_token(credentials.access_token):
        raise _unreadable_answer()
    if not isinstance(credentials.refresh_token, str | None):
        raise _unreadable_answer()
    missing = missing_scopes(granted_scopes(credentials), required or attempt.flow.scope.split())
    if missing:
        raise ExchangeError(
            f"Google granted the sign-in without {scope_words(missing)}: its box was unticked on "
            "Google's page, and gcal-tui cannot show your calendar without it.",
            "Press ctrl+r for a new link and leave every box ticked.",
            retryable=False,
        )
    return credentials


def _unreadable_answer(detail: str = "") -> ExchangeError:
    return ExchangeError(
        "The token service sent an answer that could not be read (a proxy or captive portal?)." + detail,
        "Check your network, then press Enter to try the same code again.",
        retryable=True,
    )
