"""A process killed at random points while it saves credentials: the file always loads afterwards,
old or new, never half; and the next save clears what the killed writer left behind."""

from __future__ import annotations

import datetime
import os
import random
import signal
import time
from pathlib import Path

import pytest
from oauth2client import client
from oauth2client.file import Storage

from tui.storage import save_credentials

KILLS = 300
# Long values make each write take a while, so kills land inside it, not only between writes.
VERSIONS = [
    client.OAuth2Credentials(
        f"ya29.version{n}-" + "a" * 200_000,
        "id.apps.googleusercontent.com",
        "GOCSPX-secret",
        "1//0gtest",
        datetime.datetime(2030, 1, 1),
        "https://oauth2.googleapis.com/token",
        None,
    )
    for n in range(3)
]
SAVED_TOKENS = {credentials.access_token for credentials in VERSIONS}


def keep_saving(path: Path) -> None:
    """The child: save one version after another until killed."""
    try:
        number = 0
        while True:
            save_credentials(path, VERSIONS[number % len(VERSIONS)])
            number += 1
    finally:
        os._exit(1)  # never run the parent's pytest machinery in the child


@pytest.mark.slow
def test_a_writer_killed_anywhere_leaves_a_file_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "data" / "credentials.json"
    save_credentials(path, VERSIONS[0])
    chooser = random.Random(20261126)
    leftovers_seen = 0
    for _ in range(KILLS):
        child = os.fork()
        if child == 0:
            keep_saving(path)
        time.sleep(chooser.uniform(0, 0.03))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        loaded = Storage(str(path)).get()
        assert isinstance(loaded, client.OAuth2Credentials), path.read_bytes()[:200]
        assert loaded.access_token in SAVED_TOKENS
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        leftovers_seen += any(name.name.endswith(".tmp") for name in path.parent.iterdir())
    assert leftovers_seen > 0, "no kill landed inside a write: the test proves nothing"
    save_credentials(path, VERSIONS[1])
    assert [entry.name for entry in path.parent.iterdir()] == ["credentials.json"]
    assert Storage(str(path)).get().access_token == VERSIONS[1].access_token
