"""Loading a client secrets file, with one error type that says what to do about it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oauth2client import clientsecrets

from tui.text import safe_text

HOW_TO_GET_ONE = (
    "Get the right file in Google Cloud console: APIs & Services > Credentials > "
    "Create credentials > OAuth client ID > Application type 'Desktop app', "
    "then 'Download JSON'."
)

GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"


class ClientSecretsError(Exception):
    """The client secrets file is missing, unreadable or not an OAuth client."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}\n{HOW_TO_GET_ONE}")


@dataclass(frozen=True)
class ClientSecrets:
    """What the app needs to know about an OAuth client, plus the file it came from."""

    path: Path
    client_type: str  # "installed" or "web"
    client_id: str
    project_id: str
    auth_uri: str
    token_uri: str
    revoke_uri: str
    redirect_uris: tuple[str, ...]

    @property
    def type_label(self) -> str:
        return "Desktop app" if self.client_type == clientsecrets.TYPE_INSTALLED else "Web application"

    @property
    def short_client_id(self) -> str:
        head = self.client_id.split(".apps.googleusercontent.com")[0]
        return head if len(head) <= 24 else f"{head[:16]}…{head[-6:]}"


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ClientSecretsError(path, "no such file.") from None
    except IsADirectoryError:
        raise ClientSecretsError(path, "this is a directory, not a file.") from None
    except OSError as exc:
        raise ClientSecretsError(path, f"cannot be read ({exc.strerror or exc}).") from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ClientSecretsError(path, f"is not valid JSON ({exc}).") from None


def load_client_secrets(path: Path) -> ClientSecrets:
    """Read and check a client secrets file as oauth2client will, raising ClientSecretsError."""
    data = _read_json(path)
    if isinstance(data, dict) and data.get("type") == "service_account":
        raise ClientSecretsError(
            path,
            "this is a service-account key, not an OAuth client. "
            "gcal-tui signs you in as yourself, so it needs an OAuth client ID.",
        )
    try:
        client_type, info = clientsecrets.loads(json.dumps(data))
        fields = {name: info[name] for name in ("client_id", "client_secret", "auth_uri", "token_uri")}
        redirect_uris = info["redirect_uris"]
    except clientsecrets.InvalidClientSecretsError as exc:
        said = str(exc)
        if said.startswith("Unknown client type") or said.startswith("Invalid file format"):
            problem = (
                'not an OAuth client secrets file: it holds neither an "installed" (Desktop app) '
                'nor a "web" client.'
            )
        else:  # 'Missing property "client_secret" in a client type of "installed".'
            problem = f"not an OAuth client secrets file: {safe_text(said).rstrip('.')}."
        raise ClientSecretsError(path, problem) from None
    except (AttributeError, TypeError, KeyError) as exc:
        raise ClientSecretsError(path, f"not an OAuth client secrets file ({exc!r}).") from None
    if not all(isinstance(value, str) and value for value in fields.values()):
        raise ClientSecretsError(path, "client_id, client_secret, auth_uri and token_uri must be text.")
    if not isinstance(redirect_uris, list) or not all(isinstance(u, str) for u in redirect_uris):
        raise ClientSecretsError(path, '"redirect_uris" must be a list of URIs.')
    revoke_uri = info.get("revoke_uri")
    return ClientSecrets(
        path=path,
        client_type=client_type,
        client_id=fields["client_id"],
        project_id=str(info.get("project_id", "")),
        auth_uri=fields["auth_uri"],
        token_uri=fields["token_uri"],
        revoke_uri=revoke_uri if isinstance(revoke_uri, str) and revoke_uri else GOOGLE_REVOKE_URI,
        redirect_uris=tuple(redirect_uris),
    )
