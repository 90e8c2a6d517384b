"""ctrl+q ends `gcal-tui` at once whatever the network does: run as a person runs it, in a
pseudo-terminal, against a Calendar that never answers."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from oauth2client.client import OAuth2Credentials

from tui.sandbox import Sandbox
from tui.sandbox.server import Fault

HUNG_FOR = 60.0


def test_ctrl_q_exits_at_once_while_loads_hang(
    sandbox: Sandbox, client_secrets: Path, credentials_path: Path, stored_credentials: OAuth2Credentials
) -> None:
    sandbox.inject("events", Fault(status=200, body={"items": []}, delay=HUNG_FOR, times=None))
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    command = [sys.executable, "-m", "tui", "--client-secrets", str(client_secrets)]
    command += ["--credentials", str(credentials_path), "--api-endpoint", sandbox.base_url]
    app = subprocess.Popen(
        command,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(terminal)
    shown = bytearray()
    reader = threading.Thread(target=_read_all, args=(controller, shown), daemon=True)
    reader.start()
    try:
        _wait_for(lambda: b"Loading" in shown and event_requests(sandbox) >= 1, 30)
        for _ in range(10):  # each r starts a new load; every one of them hangs
            os.write(controller, b"r")
            time.sleep(0.1)
        _wait_for(lambda: event_requests(sandbox) >= 5, 10)
        pressed = time.monotonic()
        os.write(controller, b"\x11")  # ctrl+q
        status = app.wait(timeout=HUNG_FOR / 2)
        assert time.monotonic() - pressed < 5, "ctrl+q waited for the network"
        assert status == 0
    finally:
        if app.poll() is None:
            app.kill()
        os.close(controller)


def event_requests(sandbox: Sandbox) -> int:
    return sum(request.path.endswith("/events") for request in list(sandbox.requests))


def _read_all(controller: int, shown: bytearray) -> None:
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            return
        if not chunk:
            return
        shown.extend(chunk)


def _wait_for(condition: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the app did not get there"
        time.sleep(0.05)
