"""The command line: options, where client secrets are looked for, and what --help says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui import __version__
from tui.__main__ import build_parser
from tui.config import (
    CLIENT_SECRETS_ENV,
    READONLY_SCOPE,
    client_secrets_candidates,
    config_from_environment,
    pick_client_secrets,
    user_config_dir,
    user_data_dir,
)
from tui.settings import load_settings, use_remembered


@pytest.mark.slow
def test_version_and_help_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"gcal-tui {__version__}"
    help_text = subprocess.run(
        [sys.executable, "-m", "tui", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in (
        "--client-secrets",
        "--credentials",
        "--scope",
        "--redirect-uri",
        "--no-listen",
        "--api-endpoint",
        "--reauth",
        "--demo",
        "--calendar",
        "--days",
        "--no-store",
    ):
        assert option in help_text


def test_calendars_named_on_the_command_line_are_the_ones_shown(tmp_path: Path) -> None:
    args = build_parser().parse_args(["--calendar", "team@example.com", "--calendar", "primary"])
    assert args.calendar == ["team@example.com", "primary"]


def test_no_store_runs_without_the_event_store(tmp_path: Path) -> None:
    assert build_parser().parse_args(["--no-store"]).no_store is True
    assert build_parser().parse_args([]).no_store is False


@pytest.mark.parametrize(
    ("written", "minutes"),
    [(10, 10.0), (2.5, 2.5), (0, 5.0), (100_000, 5.0), ("10", 5.0), (True, 5.0), (None, 5.0)],
)
def test_the_sync_interval_comes_from_the_settings_file_within_bounds(
    tmp_path: Path, written: object, minutes: float
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"sync_minutes": written}))
    config = config_from_environment(environ={}, cwd=tmp_path)
    use_remembered(config, load_settings(path))
    assert config.sync_minutes == minutes


def test_search_order(tmp_path: Path) -> None:
    explicit = client_secrets_candidates("given.json", {CLIENT_SECRETS_ENV: "env.json"}, tmp_path)
    assert explicit == (Path("given.json"),)
    searched = client_secrets_candidates(None, {CLIENT_SECRETS_ENV: "env.json"}, tmp_path)
    assert searched == (
        Path("env.json"),
        tmp_path / "client_secrets.json",
        user_config_dir() / "client_secrets.json",
    )
    assert client_secrets_candidates(None, {}, tmp_path)[0] == tmp_path / "client_secrets.json"


def test_the_first_existing_candidate_wins(tmp_path: Path) -> None:
    second = tmp_path / "second.json"
    second.write_text("{}")
    assert pick_client_secrets((tmp_path / "missing.json", second)) == second
    assert pick_client_secrets((tmp_path / "a.json", tmp_path / "b.json")) == tmp_path / "a.json"


def test_defaults() -> None:
    args = build_parser().parse_args([])
    config = config_from_environment(environ={}, cwd=Path("/nonexistent"), scopes=(READONLY_SCOPE,))
    assert args.scopes is None and args.days == 30 and args.calendar is None
    assert config.credentials_path == user_data_dir() / "credentials.json"
    assert config.scopes == (READONLY_SCOPE,)
    assert config.api_endpoint == "https://www.googleapis.com/"


def test_repeated_scopes_and_endpoint() -> None:
    args = build_parser().parse_args(
        [
            "--scope",
            "https://www.googleapis.com/auth/calendar",
            "--scope",
            "openid",
            "--api-endpoint",
            "http://x",
        ]
    )
    assert args.scopes == ["https://www.googleapis.com/auth/calendar", "openid"]
    config = config_from_environment(environ={}, cwd=Path("."), api_endpoint=args.api_endpoint)
    assert config.api_endpoint == "http://x/"


@pytest.mark.slow
@pytest.mark.parametrize("days", ["0", "-3", "3661", "4000000"])
def test_bad_days_are_refused_with_a_message(days: str) -> None:
    result = subprocess.run([sys.executable, "-m", "tui", "--days", days], capture_output=True, text=True)
    assert result.returncode == 2 and "--days must be from 1 to 3,660" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("http://127.0.0.1:99999/oauth2callback", "Port out of range"),
        ("http://[::1/oauth2callback", "Invalid IPv6 URL"),
        ("ftp://127.0.0.1/oauth2callback", "not an http:// or https:// URI"),
        ("oauth2callback", "not an http:// or https:// URI"),
    ],
)
def test_unusable_redirect_uri_is_refused_before_the_app_starts(uri: str, why: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--redirect-uri", uri], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "--redirect-uri" in result.stderr and why in result.stderr
    assert "Traceback" not in result.stderr
