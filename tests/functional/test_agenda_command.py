"""`gcal-tui agenda` and `gcal-tui next`, run as a script runs them (`main([...])`), against the
emulator over real HTTP, then offline from the store."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials

from tui.__main__ import main
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import PRIMARY, TEAM, _event, _timed

ZONE = "Europe/London"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    client_secrets: Path,
    credentials_path: Path,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """Run `gcal-tui COMMAND ...` on the sandbox's account; (exit status, stdout, stderr)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def gcal_tui(*argv: str, api: str | None = None) -> tuple[int, str, str]:
        status = main(
            [
                *argv,
                "--client-secrets",
                str(client_secrets),
                "--credentials",
                str(credentials_path),
                "--api-endpoint",
                api or sandbox.base_url,
                "--tz",
                ZONE,
            ]
        )
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return gcal_tui


def week_of_events(sandbox: Sandbox, calendars: list[str]) -> set[str]:
    """The ids of the events the emulator has in the 7 days from today in London."""
    zone = dt.UTC if ZONE == "UTC" else __import__("zoneinfo").ZoneInfo(ZONE)
    today = dt.datetime.now(zone).date()
    start = dt.datetime.combine(today, dt.time(), zone)
    end = start + dt.timedelta(days=7)
    found = set()
    for calendar_id in calendars:
        for first, last, item in sandbox.calendar_api.store.events.get(calendar_id, []):
            if item.get("status") == "cancelled":
                continue
            if "date" in item["start"]:
                first_day = dt.date.fromisoformat(item["start"]["date"])
                last_day = dt.date.fromisoformat(item["end"]["date"]) - dt.timedelta(days=1)
                if first_day <= today + dt.timedelta(days=6) and last_day >= today:
                    found.add(item["id"])
            elif first < end and last > start:
                found.add(item["id"])
    return found


def test_agenda_syncs_then_prints_every_shown_calendars_week_as_json(
    run: Run, stored_credentials: OAuth2Credentials, sandbox: Sandbox
) -> None:
    status, out, err = run("agenda", "--format", "json", "--days", "7")
    assert status == 0, err
    events = json.loads(out)
    assert {event["id"] for event in events} == week_of_events(sandbox, [PRIMARY, TEAM, *_ticked(sandbox)])
    assert set(events[0]) == {
        "calendar",
        "id",
        "start",
        "end",
        "all_day",
        "title",
        "location",
        "link",
        "my_response",
    }
    shared = [event for event in events if event["title"] == "Engine review"]
    assert shared and all(event["calendar"] == PRIMARY for event in shared)  # once, from the primary
    timed = next(event for event in events if not event["all_day"])
    assert dt.datetime.fromisoformat(timed["start"]).utcoffset() is not None
    assert all("\x1b" not in event["title"] and "\u202e" not in event["title"] for event in events)


def _ticked(sandbox: Sandbox) -> list[str]:
    entries = sandbox.calendar_api.store.entries
    return [entry["id"] for entry in entries if entry.get("selected") and entry["id"] not in (PRIMARY, TEAM)]


def test_offline_prints_the_store_and_a_sync_brings_in_what_changed(
    run: Run, stored_credentials: OAuth2Credentials, sandbox: Sandbox
) -> None:
    assert run("agenda")[0] == 0
    start, end = _timed(dt.datetime.now(dt.UTC) + dt.timedelta(hours=26), 30)
    sandbox.calendar_api.store.put(
        PRIMARY, _event(PRIMARY, "added", start, end, summary="Added after the sync")
    )
    status, out, _ = run("agenda", "--offline", "--format", "tsv")
    assert status == 0 and "Added after the sync" not in out
    assert out.splitlines()[0] == "start_date\tstart_time\tend_date\tend_time\ttitle\tlocation\tcalendar"
    assert all(len(line.split("\t")) == 7 for line in out.splitlines())
    status, out, _ = run("agenda")
    assert status == 0 and "Added after the sync" in out
    assert "Tomorrow · " in out and "Today · " in out


def test_with_no_network_the_store_is_printed_and_stderr_says_when_it_was_synced(
    run: Run, stored_credentials: OAuth2Credentials, closed_port
) -> None:
    _, online, _ = run("agenda")
    status, out, err = run("agenda", api=f"http://127.0.0.1:{closed_port()}/")
    assert status == 0 and out == online
    assert "offline — last synced " in err


def test_nothing_stored_and_offline_says_what_to_do(run: Run) -> None:
    status, out, err = run("agenda", "--offline")
    assert (status, out) == (1, "")
    assert "nothing is stored yet" in err and "sign in" in err


def test_a_folder_where_the_store_should_be_is_moved_aside_and_said(
    run: Run, stored_credentials: OAuth2Credentials, credentials_path: Path
) -> None:
    (credentials_path.parent / "events.sqlite3" / "inside").mkdir(parents=True)
    status, out, err = run("agenda")
    assert status == 0 and out.strip()
    assert "The event store could not be read" in err and "is made again" in err
    assert list(credentials_path.parent.glob("events.sqlite3.unreadable-*/inside"))


def test_next_prints_one_line(run: Run, stored_credentials: OAuth2Credentials) -> None:
    status, out, err = run("next")
    assert status == 0, err
    assert len(out.splitlines()) == 1 and "–" in out


@pytest.mark.parametrize(
    ("argv", "said"), [(("--days", "0"), "--days must be"), (("--from", "someday"), "--from")]
)
def test_a_wrong_option_exits_2(run: Run, argv: tuple[str, ...], said: str) -> None:
    status, _, err = run("agenda", "--offline", *argv)
    assert status == 2 and said in err


@pytest.mark.slow
def test_a_reader_that_stops_early_ends_it_quietly(
    client_secrets: Path,
    credentials_path: Path,
    stored_credentials: OAuth2Credentials,
    sandbox: Sandbox,
    tmp_path: Path,
) -> None:
    """`gcal-tui agenda | head -1`: the pipe closes before the agenda is written."""
    environment = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    command = [sys.executable, "-m", "tui", "agenda", "--days", "30", "--client-secrets", str(client_secrets)]
    command += ["--credentials", str(credentials_path), "--api-endpoint", sandbox.base_url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""
    assert not (tmp_path / "state").exists()  # no crash report
