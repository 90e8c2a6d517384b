"""Redirect URIs: which one to use, whether the app can listen on it, and what the browser sent back."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit, urlunsplit

from tui.auth.client_secrets import ClientSecrets
from tui.text import clip, safe_text

DEFAULT_CALLBACK_PATH = "/oauth2callback"
MAX_PASTE_LENGTH = 8192
_URL_WITH_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_CODE_CHARACTERS = re.compile(r"^[A-Za-z0-9/_.~+\-]+$")

# RFC 6749 §4.1.2.1, plus what Google adds, in words a person can act on.
AUTHORIZATION_ERRORS = {
    "access_denied": (
        "Sign-in was cancelled: consent was refused in the browser, or this account may not use "
        "the app (apps in 'Testing' only admit their listed test users).",
        "Press ctrl+r for a new link and choose Allow, or add the account as a test user.",
    ),
    "invalid_scope": (
        "Google did not accept the requested scopes.",
        "Check --scope; the default is calendar.readonly.",
    ),
    "invalid_request": (
        "Google rejected the sign-in request as malformed.",
        "Press ctrl+r for a new link; if it happens again, check the client secrets file.",
    ),
    "unauthorized_client": (
        "This OAuth client may not use this kind of sign-in.",
        "Use a 'Desktop app' OAuth client ID.",
    ),
    "unsupported_response_type": (
        "Google did not accept the response type.",
        "Press ctrl+r for a new link.",
    ),
    "server_error": (
        "Google's sign-in service had an error.",
        "Wait a moment, then press ctrl+r for a new link.",
    ),
    "temporarily_unavailable": (
        "Google's sign-in service is busy.",
        "Wait a moment, then press ctrl+r for a new link.",
    ),
}


class RedirectError(Exception):
    """What came back from the browser cannot be used; no token request is sent for it."""

    def __init__(self, message: str, hint: str, *, ends_attempt: bool = False) -> None:
        self.message = message
        self.hint = hint
        self.ends_attempt = ends_attempt
        super().__init__(f"{message} {hint}")


def is_loopback_http(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in ("127.0.0.1", "localhost", "::1")


def default_redirect_uri(secrets: ClientSecrets) -> str:
    """Desktop clients: a loopback URI on a port the OS picks (port 0 until the listener binds).

    Web clients only accept the URIs registered in the console: their first loopback one, else the
    first one at all (then the listener is off and pasting is the way in).
    """
    if secrets.client_type == "installed":
        return f"http://127.0.0.1:0{DEFAULT_CALLBACK_PATH}"
    loopback = [uri for uri in secrets.redirect_uris if is_loopback_http(uri)]
    if loopback:
        return loopback[0]
    if secrets.redirect_uris:
        return secrets.redirect_uris[0]
    raise RedirectError(
        f"{secrets.path} registers no redirect URIs.",
        "Add http://localhost:8080/oauth2callback to the client in Google Cloud console, or pass "
        "--redirect-uri.",
    )


def with_port(uri: str, port: int) -> str:
    parts = urlsplit(uri)
    host = parts.hostname or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return urlunsplit((parts.scheme, f"{host}:{port}", parts.path or "/", "", ""))


def issuer_of(auth_uri: str) -> str:
    parts = urlsplit(auth_uri)
    return f"{parts.scheme}://{parts.netloc}"


def _same_endpoint(got: SplitResult, redirect_uri: str) -> bool:
    want = urlsplit(redirect_uri)
    try:
        got_port, want_port = got.port, want.port
    except ValueError:
        return False
    return (
        got.scheme.lower() == want.scheme.lower()
        and (got.hostname or "") == (want.hostname or "")
        and (got_port or 80) == (want_port or 80)
        and (got.path or "/") == (want.path or "/")
    )


def _clean(text: str) -> str:
    text = text.strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        text = text[1:-1].strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    return text


@dataclass(frozen=True)
class ExpectedRedirect:
    """What a genuine answer to one authorization request looks like."""

    redirect_uri: str
    state: str
    issuer: str


def code_from_query(query: str, expected: ExpectedRedirect) -> str:
    """Check a redirect's query string (state, iss, error) and return its authorization code."""
    try:
        params = parse_qs(query, keep_blank_values=True, strict_parsing=True, max_num_fields=50)
    except ValueError:
        raise RedirectError(
            "That is not a redirect from the sign-in page.",
            "Paste the whole URL from the browser's address bar, or just the code.",
        ) from None
    if any(len(values) > 1 for values in params.values()):
        raise RedirectError(
            "The redirect repeats a parameter, so it cannot be trusted.",
            "Paste the URL exactly as the browser shows it.",
        )
    values = {name: found[0] for name, found in params.items()}
    state = values.get("state")
    if state is None:
        raise RedirectError(
            "The redirect has no state, so it cannot be matched to this sign-in.",
            "Paste the whole URL from the browser's address bar, or just the code.",
        )
    if not hmac.compare_digest(state.encode(), expected.state.encode()):
        raise RedirectError(
            "The redirect belongs to a different sign-in attempt (its state does not match).",
            "Use the link shown above: copy it again, sign in, and paste the new redirect.",
        )
    issuer = values.get("iss")
    if issuer is not None and issuer != expected.issuer:
        raise RedirectError(
            f"The redirect names another issuer ({clip(safe_text(issuer), 200)}), not {expected.issuer}.",
            "Use the link shown above and paste what its sign-in page sends back.",
        )
    error = values.get("error")
    if error is not None:
        message, hint = AUTHORIZATION_ERRORS.get(
            error,
            (f"Sign-in failed: {clip(safe_text(error), 100)}.", "Press ctrl+r for a new link and try again."),
        )
        description = clip(safe_text(values.get("error_description")), 300)
        if description:
            message = f"{message} ({description})"
        raise RedirectError(message, hint, ends_attempt=True)
    code = values.get("code", "")
    if not code or not _CODE_CHARACTERS.match(code):
        raise RedirectError(
            "The redirect has no usable code.",
            "Paste the whole URL from the browser's address bar after you choose Allow.",
        )
    return code


def code_from_pasted(text: str, expected: ExpectedRedirect) -> str:
    """Accept a bare code, the whole redirected URL, or its query string; return the code."""
    text = _clean(text)
    if not text:
        raise RedirectError(
            "Nothing was pasted.",
            "Paste the code, or the whole URL from the browser's address bar, then press Enter.",
        )
    if len(text) > MAX_PASTE_LENGTH:
        raise RedirectError(
            "That is far too long to be a code or a redirect URL.",
            "Copy just the browser's address bar and paste again.",
        )
    if _URL_WITH_SCHEME.match(text):
        try:
            parts = urlsplit(text)
        except ValueError:  # an unbalanced [ in the host, for one
            parts = None
        if parts is None or not _same_endpoint(parts, expected.redirect_uri):
            raise RedirectError(
                f"That URL does not go to this sign-in's redirect URI ({expected.redirect_uri}).",
                "Paste the URL the browser landed on after you chose Allow.",
            )
        return code_from_query(parts.query, expected)
    if text.startswith("?") or re.search(r"(^|&)(code|state|error)=", text):
        return code_from_query(text.lstrip("?"), expected)
    code = unquote(text)
    if not _CODE_CHARACTERS.match(code):
        raise RedirectError(
            "That does not look like an authorization code.",
            "Paste the code, or the whole URL from the browser's address bar.",
        )
    return code
