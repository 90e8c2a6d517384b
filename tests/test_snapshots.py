"""Snapshots of every screen at 120x40: the same scenes as the README's screenshots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tui import screenshots
from tui.app import make_app
from tui.config import AppConfig

SCENE_NAMES = ["sign-in", "sign-in-error", "sign-in-done", "events", "event-detail", "calendar-picker"]


@pytest.fixture
def studio() -> Iterator[screenshots.Studio]:
    with screenshots.studio() as running:
        yield running


@pytest.mark.parametrize("name", SCENE_NAMES)
def test_scene(snap_compare, studio: screenshots.Studio, name: str) -> None:  # type: ignore[no-untyped-def]
    build, run_before = screenshots.scenes(studio)[name]
    assert snap_compare(build(), terminal_size=screenshots.SIZE, run_before=run_before)


def test_missing_client_secrets(snap_compare, studio: screenshots.Studio) -> None:  # type: ignore[no-untyped-def]
    config = AppConfig(
        client_secrets_path=screenshots.Path("no_such_client_secrets.json"),
        credentials_path=screenshots.Path("credentials.json"),
        clock=lambda: screenshots.NOW,
    )
    assert snap_compare(make_app(config), terminal_size=screenshots.SIZE, run_before=settle)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_the_scenes_are_all_snapshotted(studio: screenshots.Studio) -> None:
    assert sorted(screenshots.scenes(studio)) == sorted(SCENE_NAMES)
