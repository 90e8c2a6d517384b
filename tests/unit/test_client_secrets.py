"""Loading client secrets: the files Google gives, and the wrong files people give."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures import fixture_path
from tui.auth.client_secrets import GOOGLE_REVOKE_URI, HOW_TO_GET_ONE, ClientSecretsError, load_client_secrets
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


NOT_OAUTH = "not an OAuth client secrets file"
NOT_A_CLIENT = f'{NOT_OAUTH}: it holds neither an "installed" (Desktop app) nor a "web" client.'
NOT_A_LIST = '"redirect_uris" must be a list of URIs.'


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda tmp: tmp / "absent.json", "no such file."),
        (lambda tmp: tmp, "this is a directory, not a file."),
        (
            lambda tmp: write(tmp, "{not json"),
            "is not valid JSON "
            "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1)).",
        ),
        (
            lambda tmp: write(tmp, b"\xff\xfe\x00garbage"),
            "is not valid JSON ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte).",
        ),
        (lambda tmp: write(tmp, ""), "is not valid JSON (Expecting value: line 1 column 1 (char 0))."),
        (lambda tmp: write(tmp, "[]"), NOT_A_CLIENT),
        (lambda tmp: write(tmp, '{"other": {}}'), NOT_A_CLIENT),
        (
            lambda tmp: desktop_info(tmp, redirect_uris=None),
            f'{NOT_OAUTH}: Missing property "redirect_uris" in a client type of "installed".',
        ),
        (
            lambda tmp: desktop_info(tmp, client_secret=None),
            f'{NOT_OAUTH}: Missing property "client_secret" in a client type of "installed".',
        ),
        (
            lambda tmp: desktop_info(tmp, client_id=12345),
            f"{NOT_OAUTH} (AttributeError(\"'int' object has no attribute 'startswith'\")).",
        ),
        (
            lambda tmp: desktop_info(tmp, client_id="[[INSERT CLIENT ID HERE]]"),
            f'{NOT_OAUTH}: Property "client_id" is not configured.',
        ),
        (
            lambda tmp: desktop_info(tmp, redirect_uris="http://localhost"),
            '"redirect_uris" must be a list of URIs.',
        ),
        (
            lambda tmp: desktop_info(tmp, redirect_uris=["http://localhost", 5]),
            '"redirect_uris" must be a list of URIs.',
        ),
        (
            lambda tmp: desktop_info(tmp, token_uri=""),
            "client_id, client_secret, auth_uri and token_uri must be text.",
        ),
        (
            lambda tmp: write(tmp, '{"installed": []}'),
            f'{NOT_OAUTH}: Missing property "client_id" in a client type of "installed".',
        ),
    ],
)
def test_bad_files_get_one_error_that_names_the_file_and_the_fix(
    tmp_path: Path, make: Callable[[Path], Path], problem: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(ClientSecretsError) as caught:
        load_client_secrets(path)
    assert (caught.value.path, caught.value.problem) == (path, problem)
    assert str(caught.value) == f"{path}: {problem}\n{HOW_TO_GET_ONE}"
    assert "Google Cloud console" in HOW_TO_GET_ONE and "Desktop app" in HOW_TO_GET_ONE


def test_service_account_key_is_named_as_such(copy_fixture: Callable[[str], Path]) -> None:
    path = copy_fixture("service_account_key.json")
    with pytest.raises(ClientSecretsError) as caught:
        load_client_secrets(path)
    assert (caught.value.path, caught.value.problem) == (
        path,
        "this is a service-account key, not an OAuth client. "
        "gcal-tui signs you in as yourself, so it needs an OAuth client ID.",
    )


def test_secret_is_not_in_the_error(tmp_path: Path) -> None:
    path = desktop_info(tmp_path, redirect_uris=None)
    with pytest.raises(ClientSecretsError) as caught:
        load_client_secrets(path)
    assert "GOCSPX" not in str(caught.value)
