"""ctrl+q ends `gcal-tui` at once whatever the network does: run as a person runs it, in a
pseudo-terminal, against a Calendar that never answers."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials

from tui.sandbox import Sandbox
from tui.sandbox.server import Fault

HUNG_FOR = 60.0


def in_a_terminal(*arguments: str) -> tuple[subprocess.Popen[bytes], int, bytearray]:
    """`python -m tui ARGUMENTS` in an 80x24 pseudo-terminal: the process, the terminal's other end
    (for keys) and what it has shown so far."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    app = subprocess.Popen(
        [sys.executable, "-m", "tui", *arguments],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(terminal)
    shown = bytearray()
    threading.Thread(target=_read_all, args=(controller, shown), daemon=True).start()
    return app, controller, shown


@pytest.mark.slow
def test_ctrl_q_exits_at_once_while_loads_hang(
    sandbox: Sandbox,
    client_secrets: Path,
    credentials_path: Path,
    stored_credentials: OAuth2Credentials,
    event_requests,
) -> None:
    sandbox.inject("events", Fault(status=200, body={"items": []}, delay=HUNG_FOR, times=None))
    app, controller, shown = in_a_terminal(
        "--client-secrets",
        str(client_secrets),
        "--credentials",
        str(credentials_path),
        "--api-endpoint",
        sandbox.base_url,
    )
    try:
        _wait_for(lambda: b"Loading" in shown and len(event_requests(sandbox)) >= 1, 30)
        for _ in range(20):  # each r starts a new load; every one of them hangs
            os.write(controller, b"r")
            time.sleep(0.1)
        _wait_for(lambda: len(event_requests(sandbox)) >= 21, 15)  # each had a thread: the pool never filled
        pressed = time.monotonic()
        os.write(controller, b"\x11")  # ctrl+q
        status = app.wait(timeout=HUNG_FOR / 2)
        assert time.monotonic() - pressed < 5, "ctrl+q waited for the network"
        assert status == 0
    finally:
        if app.poll() is None:
            app.kill()
        os.close(controller)


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


def demo_folder_of(pid: int) -> Path | None:
    for folder in Path(tempfile.gettempdir()).glob("gcal-tui-demo-*"):
        with contextlib.suppress(OSError):
            if (folder / "pid").read_text() == str(pid):
                return folder
    return None


@pytest.mark.slow
@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_restores_the_terminal_and_removes_the_demo_folder(tmp_path: Path, ending: int) -> None:
    app, controller, shown = in_a_terminal("--demo")
    try:
        _wait_for(lambda: b"ctrl+b" in shown and demo_folder_of(app.pid) is not None, 30)
        folder = demo_folder_of(app.pid)
        assert folder is not None
        app.send_signal(ending)
        assert app.wait(timeout=10) == 0
        time.sleep(0.2)
        assert shown.rfind(b"\x1b[?1049l") > shown.rfind(b"\x1b[?1049h") >= 0  # left the alternate screen
        assert not folder.exists()
    finally:
        if app.poll() is None:
            app.kill()
        os.close(controller)


@pytest.mark.slow
def test_a_demo_folder_left_by_sigkill_is_removed_by_the_next_demo() -> None:
    first, controller, _ = in_a_terminal("--demo")
    try:
        _wait_for(lambda: demo_folder_of(first.pid) is not None, 30)
        left = demo_folder_of(first.pid)
        first.kill()
        first.wait(timeout=10)
        assert left is not None and left.exists()
    finally:
        os.close(controller)
    second, controller, shown = in_a_terminal("--demo")
    try:
        _wait_for(lambda: b"ctrl+b" in shown and demo_folder_of(second.pid) is not None, 30)
        assert not left.exists()
        os.write(controller, b"\x11")
        assert second.wait(timeout=10) == 0
    finally:
        if second.poll() is None:
            second.kill()
        os.close(controller)
