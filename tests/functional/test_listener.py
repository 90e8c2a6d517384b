"""The loopback listener, spoken to as a browser (and an attacker) would."""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from tui.auth.listener import CallbackResult, ListenerError, LoopbackListener
from tui.auth.redirect import ExpectedRedirect

STATE = "s" * 43


@pytest.fixture
def results() -> list[CallbackResult]:
    return []


@pytest.fixture
def listener(results: list[CallbackResult]) -> Iterator[LoopbackListener]:
    running = LoopbackListener(0, "/oauth2callback", results.append)
    running.start(ExpectedRedirect(f"http://127.0.0.1:{running.port}/oauth2callback", STATE, "http://issuer"))
    yield running
    running.close()


def request(port: int, method: str, target: str, host: str | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": host} if host else {}
    connection.request(method, target, headers=headers)
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_binds_loopback_only(listener: LoopbackListener) -> None:
    assert listener._server.server_address[0] == "127.0.0.1"


def test_genuine_redirect(listener: LoopbackListener, results: list[CallbackResult]) -> None:
    response = request(
        listener.port, "GET", f"/oauth2callback?state={STATE}&code=4/abc&iss=http%3A%2F%2Fissuer"
    )
    assert response.status == 200
    assert response.getheader("Cache-Control") == "no-store"
    assert response.getheader("Referrer-Policy") == "no-referrer"
    assert b"<script" not in response.body and b"http" not in response.body.split(b"<body>")[1]
    assert results == [CallbackResult(code="4/abc")]


def test_closes_after_success(listener: LoopbackListener) -> None:
    request(listener.port, "GET", f"/oauth2callback?state={STATE}&code=4/abc")
    listener._thread.join(timeout=5)
    with pytest.raises(OSError):
        request(listener.port, "GET", f"/oauth2callback?state={STATE}&code=4/abc")


def test_forged_or_missing_state_is_400_and_it_keeps_listening(
    listener: LoopbackListener, results: list[CallbackResult]
) -> None:
    assert request(listener.port, "GET", "/oauth2callback?state=forged&code=4/abc").status == 400
    assert request(listener.port, "GET", "/oauth2callback?code=4/abc").status == 400
    assert results == []
    assert request(listener.port, "GET", f"/oauth2callback?state={STATE}&code=4/ok").status == 200
    assert results == [CallbackResult(code="4/ok")]


def test_escapes_what_it_echoes(listener: LoopbackListener) -> None:
    response = request(listener.port, "GET", f"/oauth2callback?state={STATE}&error=<script>alert(1)</script>")
    assert b"<script>" not in response.body


def test_refusal_is_reported(listener: LoopbackListener, results: list[CallbackResult]) -> None:
    response = request(listener.port, "GET", f"/oauth2callback?state={STATE}&error=access_denied")
    assert response.status == 200
    assert results[0].error is not None and "cancelled" in results[0].error.message


def test_other_path_is_404_and_other_methods_405(
    listener: LoopbackListener, results: list[CallbackResult]
) -> None:
    assert request(listener.port, "GET", f"/favicon.ico?state={STATE}&code=x").status == 404
    response = request(listener.port, "POST", f"/oauth2callback?state={STATE}&code=x")
    assert response.status == 405 and response.getheader("Allow") == "GET"
    assert results == []


def test_foreign_host_header_is_refused(listener: LoopbackListener, results: list[CallbackResult]) -> None:
    target = f"/oauth2callback?state={STATE}&code=4/abc"
    assert request(listener.port, "GET", target, host=f"evil.example:{listener.port}").status == 400
    assert results == []


def test_slow_client_does_not_block_it(listener: LoopbackListener, results: list[CallbackResult]) -> None:
    slow = socket.create_connection(("127.0.0.1", listener.port))
    slow.sendall(b"GET /oauth2callback?state=")  # and never finishes
    try:
        assert request(listener.port, "GET", f"/oauth2callback?state={STATE}&code=4/abc").status == 200
    finally:
        slow.close()


def test_busy_port_says_what_to_do() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ListenerError) as caught:
            LoopbackListener(port, "/oauth2callback", lambda result: None)
    assert str(caught.value) == (
        f"Port {port} on 127.0.0.1 is already in use, so the browser's redirect cannot reach gcal-tui. "
        "Paste the redirected URL instead, or pass another --redirect-uri port."
    )


def test_close_is_idempotent_and_threadsafe(listener: LoopbackListener) -> None:
    threads = [threading.Thread(target=listener.close) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    listener.close()
    assert not listener._thread.is_alive()


def test_oversized_requests_are_refused_and_it_keeps_listening(
    listener: LoopbackListener, results: list[CallbackResult]
) -> None:
    long_target = "/oauth2callback?state=" + "x" * 100_000
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as raw:
        raw.sendall(f"GET {long_target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert raw.recv(64).startswith(b"HTTP/1.0 414")
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as raw:
        headers = "".join(f"X-Filler-{number}: {'y' * 100}\r\n" for number in range(200))
        raw.sendall(f"GET /oauth2callback HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
        assert raw.recv(64).startswith(b"HTTP/1.0 431")
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as raw:
        raw.sendall(b"POST /oauth2callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50000000\r\n\r\n")
        raw.sendall(b"z" * 65536)
        assert raw.recv(64).startswith(b"HTTP/1.0 405")
    assert results == []
    assert request(listener.port, "GET", f"/oauth2callback?state={STATE}&code=4/abc").status == 200
    assert results == [CallbackResult(code="4/abc")]


def test_many_idle_connections_do_not_block_it(
    listener: LoopbackListener, results: list[CallbackResult]
) -> None:
    idle = [socket.create_connection(("127.0.0.1", listener.port)) for _ in range(40)]
    try:
        for connection in idle[::2]:
            connection.sendall(b"GET /oauth2callback?st")  # half a request line, then nothing
        assert request(listener.port, "GET", f"/oauth2callback?state={STATE}&code=4/abc").status == 200
        assert results == [CallbackResult(code="4/abc")]
    finally:
        for connection in idle:
            connection.close()


def test_a_malformed_target_is_400(listener: LoopbackListener, results: list[CallbackResult]) -> None:
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as raw:
        host = f"127.0.0.1:{listener.port}"
        raw.sendall(f"GET //[::1]x/oauth2callback HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        assert raw.recv(64).split(b" ")[1] in (b"400", b"404")
    assert results == []


def test_a_redirect_uri_without_a_port_is_answered_when_the_browser_sends_the_host_alone(
    results: list[CallbackResult],
) -> None:
    try:
        running = LoopbackListener(80, "/", results.append)
    except ListenerError as error:
        pytest.skip(f"port 80 is not ours to take here: {error}")
    running.start(ExpectedRedirect("http://localhost/", STATE, "http://issuer"))
    try:
        for host in ("127.0.0.1", "[::1]", "localhost:80", "127.0.0.1:80"):  # all addressed to it
            answer = request(80, "GET", "/?state=another&code=4/abc", host=host)
            assert page_of(answer)[0] == "Not this sign-in", host
        assert (
            page_of(request(80, "GET", "/?state=another&code=4/abc", host="example.com"))[0] == "Wrong host"
        )
        response = request(80, "GET", f"/?state={STATE}&code=4/abc", host="localhost")
        assert response.status == 200, response.body  # type: ignore[attr-defined]
        assert results and results[0].code == "4/abc"
    finally:
        running.close()


def test_a_redirect_uri_on_ipv6_loopback_is_listened_on_there(results: list[CallbackResult]) -> None:
    running = LoopbackListener(0, "/cb", results.append, host="::1")
    running.start(ExpectedRedirect(f"http://[::1]:{running.port}/cb", STATE, "http://issuer"))
    try:
        connection = http.client.HTTPConnection("::1", running.port, timeout=5)
        connection.request("GET", f"/cb?state={STATE}&code=4/abc")
        assert connection.getresponse().status == 200
        connection.close()
        assert results and results[0].code == "4/abc"
    finally:
        running.close()


FLOODED_LISTENER = """
import json, resource, socket, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512))
from tui.auth.listener import LoopbackListener
from tui.auth.redirect import ExpectedRedirect
listener = LoopbackListener(0, "/cb", lambda result: None)
listener.start(ExpectedRedirect(f"http://127.0.0.1:{listener.port}/cb", "state", "issuer"))
print(listener.port, flush=True)
sys.stdin.readline()  # the flood is on
began = time.process_time()
time.sleep(2)
cpu = time.process_time() - began
try:
    spare = [socket.socket() for _ in range(50)]  # what a token exchange after a paste needs, and more
except OSError as error:
    spare = []
print(json.dumps({"cpu_seconds": cpu, "spare_sockets": len(spare)}), flush=True)
"""


@pytest.mark.slow
def test_a_flood_of_idle_connections_neither_spins_nor_takes_every_descriptor() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", FLOODED_LISTENER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    flood: list[socket.socket] = []
    try:
        assert child.stdin is not None and child.stdout is not None
        port = int(child.stdout.readline())
        for _ in range(600):  # more than the listener's 512 descriptors
            with contextlib.suppress(OSError):
                flood.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        child.stdin.write("go\n")
        child.stdin.flush()
        figures = json.loads(child.stdout.readline())
    finally:
        for connection in flood:
            connection.close()
        child.kill()
        child.wait()
    assert figures["spare_sockets"] == 50  # the paste path can still reach the token endpoint
    assert figures["cpu_seconds"] < 1.0  # it waits when out of descriptors instead of spinning


def page_of(response: http.client.HTTPResponse) -> tuple[str, str]:
    """The heading and the paragraph of the page the listener answered with."""
    match = re.search(rb"<h1>(.*)</h1><p>(.*)</p>", response.body)  # type: ignore[attr-defined]
    assert match is not None, response.body  # type: ignore[attr-defined]
    return html.unescape(match.group(1).decode()), html.unescape(match.group(2).decode())


ANSWERS = {
    "the redirect": (
        "GET",
        f"/oauth2callback?state={STATE}&code=4/abc&iss=http%3A%2F%2Fissuer",
        None,
        200,
        ("Signed in", "gcal-tui has the code. You can close this tab."),
    ),
    "consent refused": (
        "GET",
        f"/oauth2callback?state={STATE}&error=access_denied",
        None,
        200,
        (
            "Sign-in cancelled",
            "Sign-in was cancelled: consent was refused in the browser, or this account may not use the "
            "app (apps in 'Testing' only admit their listed test users). Return to the terminal.",
        ),
    ),
    "another sign-in's state": (
        "GET",
        "/oauth2callback?state=forged&code=4/abc",
        None,
        400,
        (
            "Not this sign-in",
            "The redirect belongs to a different sign-in attempt (its state does not match). "
            "Return to the terminal.",
        ),
    ),
    "another path": (
        "GET",
        "/favicon.ico",
        None,
        404,
        ("Not found", "gcal-tui is waiting for the sign-in redirect elsewhere."),
    ),
    "another host": (
        "GET",
        f"/oauth2callback?state={STATE}&code=4/abc",
        "evil.example",
        400,
        ("Wrong host", "This listener only answers requests addressed to itself."),
    ),
    "a post": (
        "POST",
        "/oauth2callback",
        None,
        405,
        ("Method not allowed", "Only GET is answered here."),
    ),
}


@pytest.mark.parametrize(("method", "target", "host", "status", "page"), ANSWERS.values(), ids=ANSWERS.keys())
def test_each_answer_tells_the_browser_what_happened(
    listener: LoopbackListener, method: str, target: str, host: str | None, status: int, page: tuple[str, str]
) -> None:
    response = request(listener.port, method, target, host)
    assert (response.status, page_of(response)) == (status, page)
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Allow") == ("GET" if method == "POST" else None)
    assert response.getheader("Content-Security-Policy") == "default-src 'none'; style-src 'unsafe-inline'"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Server", "").startswith("gcal-tui")


def test_a_target_that_is_not_a_url_is_a_bad_request(listener: LoopbackListener) -> None:
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as raw:
        host = f"127.0.0.1:{listener.port}".encode()
        raw.sendall(b"GET http://[::1/oauth2callback HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 400") or head.startswith(b"HTTP/1.1 400"), head
    assert b"<h1>Bad request</h1><p>This listener only answers the sign-in redirect.</p>" in body


def test_a_redirect_uri_without_a_path_is_served_at_the_root(results: list[CallbackResult]) -> None:
    running = LoopbackListener(0, "", results.append)
    running.start(ExpectedRedirect(f"http://127.0.0.1:{running.port}", STATE, "http://issuer"))
    try:
        response = request(running.port, "GET", f"/?state={STATE}&code=4/root&iss=http%3A%2F%2Fissuer")
        assert response.status == 200 and results == [CallbackResult(code="4/root")]
    finally:
        running.close()


def test_head_is_not_allowed_and_gets_no_body(listener: LoopbackListener) -> None:
    response = request(listener.port, "HEAD", "/oauth2callback")
    assert response.status == 405 and response.body == b""  # type: ignore[attr-defined]
    assert response.getheader("Allow") == "GET"


def test_the_page_says_its_length_and_names_no_python_version(listener: LoopbackListener) -> None:
    response = request(listener.port, "GET", "/elsewhere")
    assert response.getheader("Content-Length") == str(len(response.body))  # type: ignore[attr-defined]
    assert response.getheader("Server", "").strip() == "gcal-tui"  # not "BaseHTTP/0.6 Python/3.11"


def test_closing_takes_a_moment_not_half_a_second(listener: LoopbackListener) -> None:
    started = time.monotonic()
    listener.close()
    assert time.monotonic() - started < 0.25
