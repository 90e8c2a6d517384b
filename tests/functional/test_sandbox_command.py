"""`python -m tui.sandbox` says how to point gcal-tui at it."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tui.__main__ import build_parser


@pytest.mark.slow
def test_the_sandbox_prints_the_command_to_use_with_it(tmp_path: Path) -> None:
    secrets, credentials = tmp_path / "client secrets.json", tmp_path / "credentials.json"
    command = [
        sys.executable,
        "-m",
        "tui.sandbox",
        "--client-secrets",
        str(secrets),
        "--credentials",
        str(credentials),
    ]
    sandbox = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert sandbox.stdout is not None
        first, second = sandbox.stdout.readline(), sandbox.stdout.readline()
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    api_root = first.split()[2].rstrip(";")
    words = shlex.split(second.removeprefix("run: "))
    assert words[0] == "gcal-tui"
    args = build_parser().parse_args(words[1:])
    assert (args.client_secrets, args.credentials, args.api_endpoint) == (
        str(secrets),
        str(credentials),
        api_root,
    )
