"""The authorization server's rules, on oauthlib: PKCE S256 required, exact redirect URIs,
single-use codes, client_secret_post, Google-shaped tokens and errors."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from oauthlib.common import Request
from oauthlib.oauth2 import RequestValidator, WebApplicationServer

ACCESS_TOKEN_SECONDS = 3599
CODE_SECONDS = 600
SUPPORTED_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/calendar.readonly",
        "https://www.googleapis.com/auth/calendar",
        "https://www.googleapis.com/auth/calendar.events.readonly",
        "https://www.googleapis.com/auth/calendar.events",
        "openid",
        "email",
    }
)


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    client_secret: str
    client_type: str  # "installed" or "web"
    redirect_uris: tuple[str, ...]

    def accepts_redirect(self, uri: str) -> bool:
        if self.client_type == "installed":
            parts = urlsplit(uri)
            # Desktop clients: any port and path on loopback (RFC 8252 §7.3).
            return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
        return uri in self.redirect_uris


@dataclass
class GrantRecord:
    client_id: str
    scopes: list[str]
    redirect_uri: str
    challenge: str
    challenge_method: str
    expires_at: float
    user: str


@dataclass
class TokenRecord:
    client_id: str
    scopes: list[str]
    user: str
    expires_at: float = 0.0
    revoked: bool = False


@dataclass
class OAuthState:
    """Everything the server knows, guarded by one lock (requests come on many threads)."""

    clients: dict[str, RegisteredClient]
    user: str
    token_prefix: str = "sandbox"
    rotate_refresh_tokens: bool = False  # Google keeps them; some servers issue a new one each time
    lock: threading.RLock = field(default_factory=threading.RLock)
    codes: dict[str, GrantRecord] = field(default_factory=dict)
    access_tokens: dict[str, TokenRecord] = field(default_factory=dict)
    refresh_tokens: dict[str, TokenRecord] = field(default_factory=dict)

    def access_token_owner(self, token: str) -> TokenRecord | None:
        with self.lock:
            record = self.access_tokens.get(token)
            if record is None or record.revoked or record.expires_at <= time.time():
                return None
            return record

    def granted_scopes(self, client_id: str) -> set[str]:
        """What the user has granted the client and not revoked (include_granted_scopes adds them)."""
        with self.lock:
            return {
                scope
                for record in self.refresh_tokens.values()
                if record.client_id == client_id and not record.revoked
                for scope in record.scopes
            }

    def expire_access_tokens(self) -> None:
        with self.lock:
            for record in self.access_tokens.values():
                record.expires_at = 0.0

    def revoke_access_tokens(self) -> None:
        """The access tokens end early (Google may end one before its hour); the sign-in stays."""
        with self.lock:
            for record in self.access_tokens.values():
                record.revoked = True

    def revoke_refresh_tokens(self) -> None:
        """As a person does at myaccount.google.com: every grant and its access tokens end."""
        with self.lock:
            for record in [*self.refresh_tokens.values(), *self.access_tokens.values()]:
                record.revoked = True


class GoogleLikeValidator(RequestValidator):
    def __init__(self, state: OAuthState) -> None:
        self.state = state

    # Clients
    def client_authentication_required(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        return not request.uri.rstrip("/").endswith("/revoke")

    def authenticate_client(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        registered = self.state.clients.get(request.client_id or "")
        if registered is None or not secrets.compare_digest(
            (request.client_secret or "").encode(), registered.client_secret.encode()
        ):
            return False
        request.client = registered
        return True

    def authenticate_client_id(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> bool:
        request.client = self.state.clients.get(client_id)
        return True

    def validate_client_id(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> bool:
        return client_id in self.state.clients

    # Authorization request
    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        return self.state.clients[client_id].accepts_redirect(redirect_uri)

    def get_default_redirect_uri(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> None:
        return None

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return response_type == "code"

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return bool(scopes) and set(scopes) <= SUPPORTED_SCOPES

    def get_default_scopes(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> list[str]:
        return []

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        return True

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Request, *args: Any, **kwargs: Any
    ) -> None:
        with self.state.lock:
            self.state.codes[code["code"]] = GrantRecord(
                client_id=client_id,
                scopes=list(request.scopes),
                redirect_uri=request.redirect_uri,
                challenge=request.code_challenge,
                challenge_method=request.code_challenge_method,
                expires_at=time.time() + CODE_SECONDS,
                user=self.state.user,
            )

    # Token request: authorization_code
    def _grant(self, code: str) -> GrantRecord | None:
        with self.state.lock:
            grant = self.state.codes.get(code)
        if grant is None or grant.expires_at <= time.time():
            return None
        return grant

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        grant = self._grant(code)
        if grant is None or grant.client_id != client_id:
            return False
        request.scopes = grant.scopes
        request.user = grant.user
        return True

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        grant = self._grant(code)
        return grant.challenge if grant else None

    def get_code_challenge_method(self, code: str, request: Request) -> str | None:
        grant = self._grant(code)
        return grant.challenge_method if grant else None

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        grant = self._grant(code)
        return grant is not None and grant.redirect_uri == redirect_uri

    def validate_grant_type(
        self,
        client_id: str,
        grant_type: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return grant_type in ("authorization_code", "refresh_token")

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *args: Any, **kwargs: Any
    ) -> None:
        with self.state.lock:
            self.state.codes.pop(code, None)

    def save_bearer_token(self, token: dict[str, Any], request: Request, *args: Any, **kwargs: Any) -> None:
        user = request.user or self.state.user
        scopes = list(request.scopes or [])
        with self.state.lock:
            self.state.access_tokens[token["access_token"]] = TokenRecord(
                client_id=request.client_id or request.client.client_id,
                scopes=scopes,
                user=user,
                expires_at=time.time() + ACCESS_TOKEN_SECONDS,
            )
            if "refresh_token" in token and token["refresh_token"] not in self.state.refresh_tokens:
                self.state.refresh_tokens[token["refresh_token"]] = TokenRecord(
                    client_id=request.client_id or request.client.client_id,
                    scopes=scopes,
                    user=user,
                )

    # Token request: refresh_token
    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        with self.state.lock:
            record = self.state.refresh_tokens.get(refresh_token)
        if record is None or record.revoked or record.client_id != client.client_id:
            return False
        request.user = record.user
        return True

    def get_original_scopes(
        self, refresh_token: str, request: Request, *args: Any, **kwargs: Any
    ) -> list[str]:
        with self.state.lock:
            return list(self.state.refresh_tokens[refresh_token].scopes)

    def rotate_refresh_token(self, request: Request) -> bool:
        return self.state.rotate_refresh_tokens

    # Revocation (RFC 7009)
    def revoke_token(
        self, token: str, token_type_hint: str | None, request: Request, *args: Any, **kwargs: Any
    ) -> None:
        with self.state.lock:
            for store in (self.state.refresh_tokens, self.state.access_tokens):
                record = store.get(token)
                if record is not None:
                    record.revoked = True
                    if store is self.state.refresh_tokens:
                        self._revoke_access_tokens_of(record)

    def _revoke_access_tokens_of(self, refresh: TokenRecord) -> None:
        for record in self.state.access_tokens.values():
            if record.client_id == refresh.client_id and record.user == refresh.user:
                record.revoked = True


def build_server(state: OAuthState) -> WebApplicationServer:
    def access_token(request: Request) -> str:
        return f"ya29.{state.token_prefix}-access-{secrets.token_urlsafe(24)}"

    def refresh_token(request: Request) -> str:
        return f"1//{state.token_prefix}-refresh-{secrets.token_urlsafe(24)}"

    server = WebApplicationServer(
        GoogleLikeValidator(state),
        token_generator=access_token,
        refresh_token_generator=refresh_token,
        token_expires_in=ACCESS_TOKEN_SECONDS,
    )
    # Google sends no new refresh token on refresh (the client keeps the one it has), unless the
    # sandbox is told to rotate them.
    server.refresh_grant.issue_new_refresh_tokens = state.rotate_refresh_tokens
    return server


def google_token_error(grant_type: str, status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Reshape oauthlib's error bodies into what Google's token endpoint sends."""
    error = body.get("error", "invalid_request")
    description = body.get("error_description", "")
    if error == "invalid_request" and "redirect" in description.lower():
        return 400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"}
    if error == "invalid_client":
        return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
    if error == "invalid_grant":
        if grant_type == "refresh_token":
            return 400, {
                "error": "invalid_grant",
                "error_description": "Token has been expired or revoked.",
            }
        if "verifier" in description.lower():
            return 400, {"error": "invalid_grant", "error_description": "Invalid code verifier."}
        return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
    return status, {"error": error, "error_description": description or "Bad Request"}
