"""Property-based tests (hypothesis) over what people paste and the client secrets files they bring.

Whatever the input: the project's own error with a message comes out, or a value that is right;
never another exception, and never an authorization code without the attempt's state.
"""

from __future__ import annotations

import json
import string
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.auth.client_secrets import ClientSecrets, ClientSecretsError, load_client_secrets
from tui.auth.redirect import ExpectedRedirect, RedirectError, code_from_pasted
from tui.text import _UNSAFE, safe_text

EXPECTED = ExpectedRedirect(
    redirect_uri="http://127.0.0.1:53682/oauth2callback",
    state="Qx7fK2mZpR9vT4wYb1nC8eL5uH3jA6sD0gI",
    issuer="https://accounts.google.com",
)
CODE_ALPHABET = string.ascii_letters + string.digits + "/_.~+-"
codes = st.text(CODE_ALPHABET, min_size=1, max_size=120)
wrappers = st.sampled_from(["{}", " {} ", "\t{}\n", "'{}'", '"{}"', "<{}>", "`{}`"])
SCOPE = "https://www.googleapis.com/auth/calendar.readonly"


def redirect_url(params: dict[str, str], base: str = EXPECTED.redirect_uri) -> str:
    return f"{base}?{urlencode(params)}"


def try_paste(text: str) -> str | None:
    """The code, or None for the project's own error; any other exception fails the test."""
    try:
        code = code_from_pasted(text, EXPECTED)
    except RedirectError as error:
        assert error.message and error.hint
        return None
    assert code and all(character in CODE_ALPHABET for character in code)
    return code


@settings(max_examples=400)
@given(st.text(max_size=300))
@example("http://127.0.0.1:99999999/oauth2callback?code=x&state=y")
@example("http://[::1/oauth2callback?code=x")
@example("?code=%ZZ&state=%")
@example("&&&=")
def test_any_text_gives_a_code_or_our_error(text: str) -> None:
    try_paste(text)


@settings(max_examples=300)
@given(codes, wrappers, st.sampled_from(["url", "query", "?query"]))
def test_a_genuine_redirect_always_gives_its_code(code: str, wrapper: str, form: str) -> None:
    params = {"state": EXPECTED.state, "code": code, "scope": SCOPE, "iss": EXPECTED.issuer}
    url = redirect_url(params)
    text = {"url": url, "query": url.split("?", 1)[1], "?query": "?" + url.split("?", 1)[1]}[form]
    assert try_paste(wrapper.format(text)) == code


@settings(max_examples=300)
@given(codes, st.text(max_size=60).filter(lambda state: state != EXPECTED.state))
def test_no_code_without_the_attempts_state(code: str, state: str) -> None:
    """A redirect with any other state (or none) never yields a code, so no token request follows."""
    with_state = redirect_url({"state": state, "code": code})
    without_state = redirect_url({"code": code})
    assert try_paste(with_state) is None
    assert try_paste(without_state) is None
    assert try_paste(with_state.split("?", 1)[1]) is None


@settings(max_examples=200)
@given(codes, st.text(min_size=1, max_size=60).filter(lambda iss: iss != EXPECTED.issuer))
def test_another_issuer_is_refused(code: str, issuer: str) -> None:
    assert try_paste(redirect_url({"state": EXPECTED.state, "code": code, "iss": issuer})) is None


@settings(max_examples=200)
@given(
    codes,
    st.sampled_from(["https", "ftp", "javascript", "HTTP"]),
    st.sampled_from(["127.0.0.1:53682", "127.0.0.1:53683", "localhost:53682", "evil.example:53682"]),
    st.sampled_from(["/oauth2callback", "/", "/oauth2callback/", "/other"]),
)
def test_a_url_to_anywhere_else_is_refused(code: str, scheme: str, netloc: str, path: str) -> None:
    genuine = (scheme.lower(), netloc, path) == ("http", "127.0.0.1:53682", "/oauth2callback")
    url = f"{scheme}://{netloc}{path}?{urlencode({'state': EXPECTED.state, 'code': code})}"
    assert (try_paste(url) == code) is genuine


@settings(max_examples=200)
@given(codes, st.sampled_from(["state", "code", "iss"]))
def test_a_repeated_parameter_is_refused(code: str, repeated: str) -> None:
    params = [("state", EXPECTED.state), ("code", code), (repeated, "again")]
    assert try_paste(f"{EXPECTED.redirect_uri}?{urlencode(params)}") is None


@given(codes)
def test_a_bare_code_percent_encoded_or_not_is_the_code(code: str) -> None:
    assert try_paste(code) == code
    assert try_paste(quote(code, safe="")) == code


# Client secrets files
SECRET = "GOCSPX-hypothesis-secret-value"
KEYS = [
    "installed",
    "web",
    "client_id",
    "client_secret",
    "redirect_uris",
    "auth_uri",
    "token_uri",
    "revoke_uri",
    "project_id",
    "type",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.just(SECRET),
    st.just("[[INSERT CLIENT SECRET HERE]]"),
    st.just("http://localhost"),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=6),
    ),
    max_leaves=20,
)


def good_client(**changes: Any) -> dict[str, Any]:
    client = {
        "client_id": "1234-abc.apps.googleusercontent.com",
        "client_secret": SECRET,
        "redirect_uris": ["http://localhost"],
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    client.update(changes)
    return {key: value for key, value in client.items() if value is not None}


def load_bytes(content: bytes) -> ClientSecrets | None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "client_secret.json"
        path.write_bytes(content)
        try:
            secrets = load_client_secrets(path)
        except ClientSecretsError as error:
            message = str(error)
            assert str(path) in message and "Google Cloud console" in message
            assert SECRET not in message, "the client secret is in the error"
            return None
    assert secrets.client_type in ("installed", "web")
    assert all(isinstance(uri, str) for uri in secrets.redirect_uris)
    return secrets


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_is_a_client_or_our_error(value: Any) -> None:
    load_bytes(json.dumps(value).encode())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["installed", "web"]),
    st.sampled_from(["client_id", "client_secret", "redirect_uris", "auth_uri", "token_uri"]),
    json_values,
)
def test_one_field_of_any_shape_is_a_client_or_our_error(kind: str, field: str, value: Any) -> None:
    load_bytes(json.dumps({kind: good_client(**{field: value})}).encode())


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_are_a_client_or_our_error(content: bytes) -> None:
    load_bytes(content)


@given(st.sampled_from(["installed", "web"]), st.sampled_from(["", "\ufeff"]))
def test_a_good_file_loads_with_or_without_a_byte_order_mark(kind: str, bom: str) -> None:
    secrets = load_bytes((bom + json.dumps({kind: good_client()})).encode())
    assert secrets is not None and secrets.client_type == kind


@given(st.text())
def test_safe_text_returns_printable_text_as_it_is_and_marks_every_unsafe_character(text: str) -> None:
    assert safe_text(text) == text.translate(_UNSAFE)
    assert not set(map(ord, safe_text(text))) & set(_UNSAFE)
