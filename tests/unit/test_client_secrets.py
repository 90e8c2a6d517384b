"""Loading client secrets: the files Google gives, and the wrong files people give."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures import fixture_path
from tui.auth.client_secrets import GOOGLE_REVOKE_URI, ClientSecretsError, load_client_secrets
from tui.auth.redirect import default_redirect_uri


def test_desktop_client(copy_fixture: Callable[[str], Path]) -> None:
    secrets = load_client_secrets(copy_fixture("client_secret_desktop.json"))
    assert secrets.client_type == "installed"
    assert secrets.type_label == "Desktop app"
    assert secrets.project_id == "calendar-tui-demo"
    assert secrets.revoke_uri == GOOGLE_REVOKE_URI
    assert secrets.short_client_id == "123456789012-abc…012345"
    assert default_redirect_uri(secrets) == "http://127.0.0.1:0/oauth2callback"


def test_web_client_uses_its_first_loopback_redirect(copy_fixture: Callable[[str], Path]) -> None:
    secrets = load_client_secrets(copy_fixture("client_secret_web.json"))
    assert secrets.type_label == "Web application"
    assert default_redirect_uri(secrets) == "http://localhost:8080/oauth2callback"


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "client_secrets.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def desktop_info(tmp_path: Path, **changes: object) -> Path:
    data = json.loads(fixture_path("client_secret_desktop.json").read_text())
    data["installed"].update(changes)
    data["installed"] = {k: v for k, v in data["installed"].items() if v is not None}
    return write(tmp_path, json.dumps(data))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "absent.json", "no such file"),
        (lambda tmp: tmp, "directory"),
        (lambda tmp: write(tmp, "{not json"), "not valid JSON"),
        (lambda tmp: write(tmp, b"\xff\xfe\x00garbage"), "not valid JSON"),
        (lambda tmp: write(tmp, ""), "not valid JSON"),
        (lambda tmp: write(tmp, "[]"), "not an OAuth client"),
        (lambda tmp: write(tmp, '{"other": {}}'), 'neither an "installed"'),
        (lambda tmp: desktop_info(tmp, redirect_uris=None), 'Missing property "redirect_uris"'),
        (lambda tmp: desktop_info(tmp, client_secret=None), 'Missing property "client_secret"'),
        (lambda tmp: desktop_info(tmp, client_id=12345), "not an OAuth client"),
        (lambda tmp: desktop_info(tmp, client_id="[[INSERT CLIENT ID HERE]]"), "not configured"),
        (lambda tmp: desktop_info(tmp, redirect_uris="http://localhost"), "redirect_uris"),
        (lambda tmp: write(tmp, '{"installed": []}'), "not an OAuth client"),
    ],
)
def test_bad_files_get_one_error_that_names_the_file_and_the_fix(
    tmp_path: Path, make: Callable[[Path], Path], expected: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(ClientSecretsError) as caught:
        load_client_secrets(path)
    message = str(caught.value)
    assert expected in message
    assert str(path) in message
    assert "Google Cloud console" in message and "Desktop app" in message and "Download JSON" in message


def test_service_account_key_is_named_as_such(copy_fixture: Callable[[str], Path]) -> None:
    with pytest.raises(ClientSecretsError, match="service-account key, not an OAuth client"):
        load_client_secrets(copy_fixture("service_account_key.json"))


def test_secret_is_not_in_the_error(tmp_path: Path) -> None:
    path = desktop_info(tmp_path, redirect_uris=None)
    with pytest.raises(ClientSecretsError) as caught:
        load_client_secrets(path)
    assert "GOCSPX" not in str(caught.value)
