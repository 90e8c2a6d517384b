"""What a browser does at the sandbox's consent page: load it, press Allow or Deny, follow on."""

from __future__ import annotations

import http.client
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from oauth2client.client import OAuth2Credentials

from tui.auth.client_secrets import load_client_secrets
from tui.auth.flow import exchange_code, start_attempt
from tui.auth.redirect import code_from_pasted
from tui.config import READONLY_SCOPE


class ConsentError(Exception):
    """The consent page did not offer a choice (the authorize URL was refused)."""


@dataclass(frozen=True)
class PageResponse:
    status: int
    headers: dict[str, str]
    body: str


def fetch(method: str, url: str, body: str | None = None) -> PageResponse:
    """One request, redirects not followed (a browser shows us where it would go next)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    try:
        connection.request(method, target or "/", body=body, headers=headers)
        response = connection.getresponse()
        return PageResponse(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read().decode("utf-8", "replace"),
        )
    finally:
        connection.close()


def consent(authorize_url: str, *, allow: bool = True, untick: Sequence[str] = ()) -> str:
    """Load the consent page, untick the boxes of the scopes in `untick`, choose, and return where
    the browser is redirected."""
    page = fetch("GET", authorize_url)
    found = re.search(r"name='request' value='([^']*)'", page.body)
    if page.status != 200 or found is None:
        raise ConsentError(f"consent page answered {page.status}: {page.body[:200]}")
    parts = urlsplit(authorize_url)
    approve_url = f"{parts.scheme}://{parts.netloc}/o/oauth2/approve"
    fields = {"request": unescape(found.group(1)), "decision": "allow" if allow else "deny"}
    for box, scope in re.findall(r"name='(keep_\d+)' value='1' checked> ([^<]*)<", page.body):
        if unescape(scope) not in untick:
            fields[box] = "1"
    form = urlencode(fields)
    answer = fetch("POST", approve_url, form)
    if answer.status != 302:
        raise ConsentError(f"approval answered {answer.status}: {answer.body[:200]}")
    return answer.headers["location"]


def sign_in_directly(
    client_secrets: Path,
    scopes: Sequence[str] = (READONLY_SCOPE,),
    redirect_uri: str = "http://127.0.0.1:8085/oauth2callback",
) -> OAuth2Credentials:
    """The whole flow without the app's screens: the real oauth2client flow, with this module as the
    browser at the consent page. For tests, screenshots and benchmarks."""
    attempt = start_attempt(load_client_secrets(client_secrets), scopes, redirect_uri)
    return exchange_code(attempt, code_from_pasted(consent(attempt.authorize_url), attempt.expected))


def follow_redirect(location: str) -> PageResponse:
    """Load the redirect target, as the browser does after consent (it hits the loopback listener)."""
    return fetch("GET", location)


def main() -> None:
    """`python -m tui.sandbox.browser URL [--deny] [--follow]`: be the browser at the consent page."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tui.sandbox.browser")
    parser.add_argument("authorize_url")
    parser.add_argument("--deny", action="store_true")
    parser.add_argument("--follow", action="store_true", help="load the redirect (reaches the listener)")
    args = parser.parse_args()
    location = consent(args.authorize_url, allow=not args.deny)
    print(location)
    if args.follow:
        page = follow_redirect(location)
        print(page.status, page.body)


if __name__ == "__main__":
    main()
