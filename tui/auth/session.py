"""A sign-in session: the client, the current attempt and its listener, started afresh on demand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui.auth.client_secrets import ClientSecrets, load_client_secrets
from tui.auth.redirect import default_redirect_uri, is_loopback_http, with_port
from tui.config import REAL_WORLD, Determinism

if TYPE_CHECKING:
    from tui.auth.flow import SignInAttempt
    from tui.auth.listener import CallbackResult, LoopbackListener


@dataclass(frozen=True)
class AttemptSetup:
    attempt: SignInAttempt
    listening_on: str | None  # the redirect URI the listener serves, or None
    not_listening_because: str | None


class SignInSession:
    """Owns at most one listener; `new_attempt` closes the old one before opening the next."""

    def __init__(
        self,
        client_secrets_path: Path,
        scopes: Sequence[str],
        *,
        redirect_uri: str | None = None,
        listen: bool = True,
        determinism: Determinism = REAL_WORLD,
        extra_params: dict[str, str] | None = None,
    ) -> None:
        """`extra_params` go into the authorize URL (include_granted_scopes, login_hint)."""
        self.client_secrets_path = client_secrets_path
        self.scopes = tuple(scopes)
        self.extra_params = extra_params or {}
        self._redirect_uri_option = redirect_uri
        self._listen = listen
        self._determinism = determinism
        self._listener: LoopbackListener | None = None
        self.client_secrets: ClientSecrets | None = None

    def load(self) -> ClientSecrets:
        """Read the client secrets (again); raises ClientSecretsError."""
        self.client_secrets = load_client_secrets(self.client_secrets_path)
        return self.client_secrets

    def new_attempt(self, on_callback: Callable[[CallbackResult], None]) -> AttemptSetup:
        """A fresh state, verifier and URL; a listener for it when the redirect is loopback http.

        `on_callback` runs on the listener's thread.
        """
        from tui.auth.flow import start_attempt  # deferred
        from tui.auth.listener import ListenerError, LoopbackListener  # deferred

        secrets = self.client_secrets or self.load()
        self.close()
        redirect_uri = self._redirect_uri_option or default_redirect_uri(secrets)
        reason = None
        if not self._listen:
            reason = "Paste mode (--no-listen): paste the code or redirected URL below."
        elif not is_loopback_http(redirect_uri):
            reason = f"{redirect_uri} is not on this machine: paste the redirected URL below."
        else:
            parts = urlsplit(redirect_uri)
            port = 80 if parts.port is None else parts.port
            try:
                host = "::1" if parts.hostname == "::1" else "127.0.0.1"
                listener = LoopbackListener(port, parts.path, on_callback, host)
            except ListenerError as error:
                reason = str(error)
            else:
                if port == 0:
                    redirect_uri = with_port(redirect_uri, listener.port)
                self._listener = listener
        if redirect_uri.startswith("http://127.0.0.1:0/"):
            # Paste-only with an OS-picked port: pick a fixed one so the URL is still valid.
            redirect_uri = with_port(redirect_uri, 8085)
        attempt = start_attempt(
            secrets,
            self.scopes,
            redirect_uri,
            state=self._determinism.oauth_state,
            code_verifier=self._determinism.code_verifier,
            extra_params=self.extra_params,
        )
        if self._listener is not None:
            self._listener.start(attempt.expected)
        return AttemptSetup(attempt, redirect_uri if self._listener else None, reason)

    def close(self) -> None:
        """Stop listening; waits (briefly) for the listener's thread. Safe from any thread."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
