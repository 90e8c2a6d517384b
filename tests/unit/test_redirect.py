"""Reading what the person pastes or the browser sends back, as Google shapes it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.fixtures import fixture_path
from tui.auth.client_secrets import ClientSecrets
from tui.auth.redirect import (
    ExpectedRedirect,
    RedirectError,
    code_from_pasted,
    code_from_query,
    default_redirect_uri,
    is_loopback_http,
    with_port,
)

REDIRECTS = [
    line
    for line in fixture_path("redirects.txt").read_text().splitlines()
    if line and not line.startswith("#")
]
CONSENT_URL, REFUSAL_URL, BARE_CODE, ENCODED_CODE = REDIRECTS
CODE = "4/0AVMBsJhFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake"
EXPECTED = ExpectedRedirect(
    redirect_uri="http://127.0.0.1:53682/oauth2callback",
    state="Qx7fK2mZpR9vT4wYb1nC8eL5uH3jA6sD0gI",
    issuer="https://accounts.google.com",
)


@pytest.mark.parametrize(
    "pasted",
    [
        CONSENT_URL,
        f"  {CONSENT_URL}\n",
        f"'{CONSENT_URL}'",
        f'"{CONSENT_URL}"',
        f"<{CONSENT_URL}>",
        CONSENT_URL.split("?", 1)[1],
        "?" + CONSENT_URL.split("?", 1)[1],
        BARE_CODE,
        ENCODED_CODE,
        f"\t{BARE_CODE}  ",
    ],
)
def test_accepted_forms_all_give_the_code(pasted: str) -> None:
    assert code_from_pasted(pasted, EXPECTED) == CODE


def test_missing_iss_is_accepted() -> None:
    assert (
        code_from_pasted(CONSENT_URL.replace("&iss=https%3A%2F%2Faccounts.google.com", ""), EXPECTED) == CODE
    )


PASTE_AGAIN = "Paste the whole URL from the browser's address bar, or just the code."
NOT_THIS_REDIRECT = (
    "That URL does not go to this sign-in's redirect URI (http://127.0.0.1:53682/oauth2callback)."
)
LANDED_AFTER_ALLOW = "Paste the URL the browser landed on after you chose Allow."
NO_CODE = (
    "The redirect has no usable code.",
    "Paste the whole URL from the browser's address bar after you choose Allow.",
)
OTHER_ATTEMPT = (
    "The redirect belongs to a different sign-in attempt (its state does not match).",
    "Use the link shown above: copy it again, sign in, and paste the new redirect.",
)


@pytest.mark.parametrize(
    ("pasted", "message", "hint"),
    [
        (
            "",
            "Nothing was pasted.",
            "Paste the code, or the whole URL from the browser's address bar, then press Enter.",
        ),
        (
            "   ",
            "Nothing was pasted.",
            "Paste the code, or the whole URL from the browser's address bar, then press Enter.",
        ),
        (CONSENT_URL.replace("state=Qx7f", "state=Zx7f"), *OTHER_ATTEMPT),
        (CONSENT_URL.replace("state=Qx7fK2mZpR9vT4wYb1nC8eL5uH3jA6sD0gI", "state="), *OTHER_ATTEMPT),
        (
            CONSENT_URL.replace("state=Qx7fK2mZpR9vT4wYb1nC8eL5uH3jA6sD0gI&", ""),
            "The redirect has no state, so it cannot be matched to this sign-in.",
            PASTE_AGAIN,
        ),
        (CONSENT_URL.replace("127.0.0.1:53682", "127.0.0.1:53683"), NOT_THIS_REDIRECT, LANDED_AFTER_ALLOW),
        (CONSENT_URL.replace("127.0.0.1", "evil.example"), NOT_THIS_REDIRECT, LANDED_AFTER_ALLOW),
        (CONSENT_URL.replace("/oauth2callback", "/other"), NOT_THIS_REDIRECT, LANDED_AFTER_ALLOW),
        (CONSENT_URL.replace("http://", "https://"), NOT_THIS_REDIRECT, LANDED_AFTER_ALLOW),
        ("http://[::1/oauth2callback?code=x", NOT_THIS_REDIRECT, LANDED_AFTER_ALLOW),
        (
            CONSENT_URL.replace("accounts.google.com", "evil.example"),
            "The redirect names another issuer (https://evil.example), not https://accounts.google.com.",
            "Use the link shown above and paste what its sign-in page sends back.",
        ),
        (
            CONSENT_URL + "&state=second",
            "The redirect repeats a parameter, so it cannot be trusted.",
            "Paste the URL exactly as the browser shows it.",
        ),
        (
            "?state=Qx7fK2mZpR9vT4wYb1nC8eL5uH3jA6sD0gI&&code=abc",
            "That is not a redirect from the sign-in page.",
            PASTE_AGAIN,
        ),
        (CONSENT_URL.replace("code=4/0AVMBsJh", "code=4/0 AVMBsJh"), *NO_CODE),
        (CONSENT_URL.replace("&code=", "&nocode="), *NO_CODE),
        (
            "x" * 9000,
            "That is far too long to be a code or a redirect URL.",
            "Copy just the browser's address bar and paste again.",
        ),
        (
            "not a code at all",
            "That does not look like an authorization code.",
            "Paste the code, or the whole URL from the browser's address bar.",
        ),
        ("http://127.0.0.1:99999999/oauth2callback?code=x", NOT_THIS_REDIRECT, LANDED_AFTER_ALLOW),
    ],
)
def test_rejected_input_says_why_and_what_to_do(pasted: str, message: str, hint: str) -> None:
    with pytest.raises(RedirectError) as caught:
        code_from_pasted(pasted, EXPECTED)
    assert (caught.value.message, caught.value.hint) == (message, hint)
    assert not caught.value.ends_attempt


def test_an_empty_error_is_still_an_error() -> None:
    with pytest.raises(RedirectError) as caught:
        code_from_query(f"state={EXPECTED.state}&error=&code=abc", EXPECTED)
    assert caught.value.message == "Sign-in failed: ."
    assert caught.value.ends_attempt


def test_long_redirect_values_are_cut_at_their_own_lengths() -> None:
    cases = [
        ({"iss": "i" * 500}, "The redirect names another issuer (", 200),
        ({"error": "e" * 500}, "Sign-in failed: ", 100),
        ({"error": "access_denied", "error_description": "d" * 500}, "users). (", 300),
    ]
    for values, before, length in cases:
        with pytest.raises(RedirectError) as caught:
            code_from_query(urlencode({"state": EXPECTED.state, "code": CODE, **values}), EXPECTED)
        value = caught.value.message.split(before, 1)[1]
        cut = value[: value.index("…") + 1]
        assert len(cut) == length and cut[:-1] == cut[0] * (length - 1)


def test_refusal_in_plain_words_and_ends_the_attempt() -> None:
    with pytest.raises(RedirectError) as caught:
        code_from_pasted(REFUSAL_URL, EXPECTED)
    assert caught.value.message.startswith("Sign-in was cancelled: consent was refused in the browser")
    assert caught.value.hint == (
        "Press ctrl+r for a new link and choose Allow, or add the account as a test user."
    )
    assert caught.value.ends_attempt


def test_an_unknown_error_is_named_with_what_to_do() -> None:
    with pytest.raises(RedirectError) as caught:
        code_from_query(f"state={EXPECTED.state}&error=odd_new_error&error_description=Why", EXPECTED)
    assert caught.value.message == "Sign-in failed: odd_new_error. (Why)"
    assert caught.value.hint == "Press ctrl+r for a new link and try again."


@pytest.mark.parametrize(
    "error", ["invalid_scope", "server_error", "temporarily_unavailable", "odd_new_error"]
)
def test_other_errors_have_messages(error: str) -> None:
    with pytest.raises(RedirectError) as caught:
        code_from_pasted(REFUSAL_URL.replace("access_denied", error), EXPECTED)
    assert caught.value.ends_attempt
    assert caught.value.hint


def test_refusal_with_wrong_state_is_a_forgery_not_a_refusal() -> None:
    with pytest.raises(RedirectError, match="different sign-in attempt") as caught:
        code_from_pasted(REFUSAL_URL.replace("state=Qx7f", "state=Zx7f"), EXPECTED)
    assert not caught.value.ends_attempt


HOSTILE_TEXT = "\x1b]2;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[31mred\u202eexe.txt"


@pytest.mark.parametrize(
    "values",
    [
        {"error": "access_denied", "error_description": HOSTILE_TEXT + "x" * 8000},
        {"error": HOSTILE_TEXT + "y" * 8000},
        {"iss": "https://evil.example/" + HOSTILE_TEXT + "z" * 8000},
    ],
    ids=["error_description", "error", "iss"],
)
def test_redirect_values_reach_the_message_clean_and_short(values: dict[str, str]) -> None:
    """As the listener reads them (no paste-length limit there), and pasted, shorter."""
    query = urlencode({"state": EXPECTED.state, "code": CODE, **values})
    short_query = urlencode(
        {"state": EXPECTED.state, "code": CODE, **{k: v[:300] for k, v in values.items()}}
    )
    for read in (
        lambda: code_from_query(query, EXPECTED),
        lambda: code_from_pasted(f"{EXPECTED.redirect_uri}?{short_query}", EXPECTED),
    ):
        with pytest.raises(RedirectError) as caught:
            read()
        message = caught.value.message
        assert len(message) < 700
        assert not any(mark in message for mark in ("\x1b", "\x07", "\u202e"))


@pytest.mark.parametrize(
    ("uri", "port", "expected"),
    [
        ("http://127.0.0.1:0/oauth2callback", 8085, "http://127.0.0.1:8085/oauth2callback"),
        ("http://[::1]:0/oauth2callback", 4321, "http://[::1]:4321/oauth2callback"),
        ("http://localhost", 80, "http://localhost:80/"),
        ("http://[::1]/cb?x=1#f", 9, "http://[::1]:9/cb"),
    ],
)
def test_with_port_keeps_the_host_and_path_and_brackets_ipv6(uri: str, port: int, expected: str) -> None:
    assert with_port(uri, port) == expected


@pytest.mark.parametrize(
    "query",
    ["state&code", "state=a&&code=b", "&".join(f"p{n}=v" for n in range(51))],
    ids=["no-equals", "empty-field", "too-many-fields"],
)
def test_a_query_that_is_not_a_redirect_is_refused_in_words(query: str) -> None:
    with pytest.raises(RedirectError) as caught:
        code_from_query(query, EXPECTED)
    assert caught.value.message == "That is not a redirect from the sign-in page."
    assert "Paste the whole URL" in caught.value.hint


@pytest.mark.parametrize(
    ("uri", "loopback"),
    [
        ("http://127.0.0.1:8085/oauth2callback", True),
        ("http://localhost/oauth2callback", True),
        ("http://[::1]:9/cb", True),
        ("https://127.0.0.1/cb", False),  # the listener speaks plain http only
        ("http://127.0.0.2/cb", False),
        ("http://example.com/cb", False),
        ("http:///cb", False),
        ("urn:ietf:wg:oauth:2.0:oob", False),
    ],
)
def test_which_redirects_the_listener_can_catch(uri: str, loopback: bool) -> None:
    assert is_loopback_http(uri) is loopback


def client(client_type: str, *redirect_uris: str) -> ClientSecrets:
    return ClientSecrets(
        Path("/home/ada/client_secrets.json"),
        client_type,
        "123-abc.apps.googleusercontent.com",
        "project",
        "https://accounts.google.com/o/oauth2/auth",
        "https://oauth2.googleapis.com/token",
        "https://oauth2.googleapis.com/revoke",
        redirect_uris,
    )


def test_a_desktop_client_listens_on_a_port_the_system_picks() -> None:
    assert (
        default_redirect_uri(client("installed", "http://localhost")) == "http://127.0.0.1:0/oauth2callback"
    )


def test_a_web_client_uses_its_first_loopback_redirect_else_its_first() -> None:
    web = client("web", "https://app.example.com/cb", "http://localhost:8080/a", "http://127.0.0.1:9/b")
    assert default_redirect_uri(web) == "http://localhost:8080/a"
    assert default_redirect_uri(client("web", "https://a.example/cb", "https://b.example/cb")) == (
        "https://a.example/cb"
    )


def test_a_web_client_without_redirects_says_what_to_register() -> None:
    with pytest.raises(RedirectError) as caught:
        default_redirect_uri(client("web"))
    assert caught.value.message == "/home/ada/client_secrets.json registers no redirect URIs."
    assert caught.value.hint == (
        "Add http://localhost:8080/oauth2callback to the client in Google Cloud console, "
        "or pass --redirect-uri."
    )
