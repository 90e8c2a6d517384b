"""The event store under stress, with real processes: `gcal-tui agenda` (which syncs first) killed
with SIGKILL at random moments of its sync, 100 times; two instances syncing the same store at once."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.calendar.loader import CalendarLoader
from tui.calendar.store import EventStore
from tui.config import AppConfig
from tui.sandbox import Sandbox

pytestmark = pytest.mark.slow

CalendarState = tuple[str | None, frozenset[tuple[str, str]]]  # sync token, (event id, item JSON)


def states(path: Path) -> dict[str, CalendarState]:
    """Each calendar's sync token and events, as the store at `path` has them."""
    with sqlite3.connect(path) as db:
        tokens = dict(db.execute("SELECT id, sync_token FROM calendars").fetchall())
        rows = db.execute("SELECT calendar_id, id, item FROM events").fetchall()
    db.close()
    events: dict[str, set[tuple[str, str]]] = {calendar_id: set() for calendar_id in tokens}
    for calendar_id, event_id, item in rows:
        events.setdefault(calendar_id, set()).add((event_id, item))
    return {c: (tokens.get(c), frozenset(events[c])) for c in events}


def agenda_process(config: AppConfig, home: Path) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    command = [sys.executable, "-m", "tui", "agenda", "--format", "tsv", "--days", "30"]
    command += [
        "--credentials",
        str(config.credentials_path),
        "--client-secrets",
        str(config.client_secrets_path),
    ]
    command += ["--api-endpoint", config.api_endpoint]
    return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def change_some_events(sandbox: Sandbox, rng: random.Random, round_: int) -> None:
    """What a person might do between two syncs: rename, delete and add events; now and then
    Google stops taking the sync tokens (a 410, then a full sync)."""
    data = sandbox.calendar_api.store
    for entry in data.entries[:3]:
        events = data.events.get(entry["id"], [])
        plain = [item for _, _, item in events if "recurringEventId" not in item]
        for item in rng.sample(plain, min(3, len(plain))):
            data.put(entry["id"], {**item, "summary": f"{item.get('summary', '')} ({round_})"})
        if plain:
            data.remove(entry["id"], rng.choice(plain)["id"])
    if round_ % 10 == 9:
        data.expire_sync_tokens()


def test_a_sync_killed_at_any_moment_leaves_each_calendar_old_or_new(
    config: AppConfig, stored_credentials: Any, sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.calendar_api.page_size = 20  # many pages a calendar: kills land between them
    sandbox.calendar_api.latency = 0.03
    reference = beside(config, tmp_path / "reference")  # where the killed sync is run to its end
    first = agenda_process(config, tmp_path)
    assert first.wait(timeout=60) == 0, first.stderr.read() if first.stderr else ""
    rng = random.Random(20261127)
    killed = mixed = 0
    for round_ in range(100):
        change_some_events(sandbox, rng, round_)
        before = states(config.store_path)
        with sqlite3.connect(config.store_path) as source, sqlite3.connect(reference.store_path) as copy:
            source.backup(copy)
        source.close()
        copy.close()
        child = agenda_process(config, tmp_path)
        time.sleep(rng.uniform(0.3, 1.3))
        child.send_signal(signal.SIGKILL)
        killed += child.wait(timeout=30) == -signal.SIGKILL
        store, note = EventStore.open(config.store_path, datetime.now(UTC))  # always opens, as it is
        store.close()
        assert note is None
        sync_in_process(reference)  # the same sync, to its end
        after, synced = states(config.store_path), states(reference.store_path)
        for calendar_id, state in after.items():
            assert state in (before.get(calendar_id), synced.get(calendar_id)), (round_, calendar_id)
        mixed += len({state == synced.get(id_) for id_, state in after.items()} - {None}) > 1
    print(f"killed mid-run {killed} of 100; stopped with calendars old and new side by side {mixed} times")
    assert killed >= 50


def test_two_instances_syncing_at_once_both_finish_and_the_store_is_whole(
    config: AppConfig, stored_credentials: Any, sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.calendar_api.page_size = 20
    both = [agenda_process(config, tmp_path), agenda_process(config, tmp_path)]
    for child in both:
        assert child.wait(timeout=90) == 0, child.stderr.read() if child.stderr else ""
    change_some_events(sandbox, random.Random(1), 0)
    both = [agenda_process(config, tmp_path), agenda_process(config, tmp_path)]
    for child in both:
        assert child.wait(timeout=90) == 0, child.stderr.read() if child.stderr else ""
    with sqlite3.connect(config.store_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    alone = beside(config, tmp_path / "alone")  # one sync, on its own, of the same calendars
    sync_in_process(alone)
    assert states(config.store_path) == states(alone.store_path)


def beside(config: AppConfig, folder: Path) -> AppConfig:
    """`config`'s account and server, with its own credentials file and store in `folder`."""
    folder.mkdir(mode=0o700)
    shutil.copy(config.credentials_path, folder / "credentials.json")
    return AppConfig(
        client_secrets_path=config.client_secrets_path,
        credentials_path=folder / "credentials.json",
        api_endpoint=config.api_endpoint,
    )


def sync_in_process(config: AppConfig) -> None:
    loader = CalendarLoader(config)
    loader.check_stored_sign_in()
    assert not loader.sync_store(None, datetime.now(UTC)).failed
