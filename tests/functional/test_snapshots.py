"""Snapshots of every screen: the README's screenshots (at 100x30 and 80x24), and both main screens at
80x24 and 60x20."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts import export_screenshots as screenshots
from tui.app import GcalApp
from tui.config import AppConfig, Determinism

SCENE_NAMES = [
    "sign-in",
    "sign-in-error",
    "sign-in-80x24",
    "sign-in-done",
    "events",
    "events-80x24",
    "event-detail",
    "calendar-picker",
    "search",
    "event-form",
    "event-form-80x24",
    "reply",
    "write-access-80x24",
]


@pytest.fixture
def studio() -> Iterator[screenshots.Studio]:
    with screenshots.studio() as running:
        yield running


@pytest.mark.parametrize("name", SCENE_NAMES)
def test_scene(snap_compare, studio: screenshots.Studio, name: str) -> None:  # type: ignore[no-untyped-def]
    build, run_before, size = screenshots.scenes(studio)[name]
    assert snap_compare(build(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
@pytest.mark.parametrize("name", ["sign-in-error", "events"])
def test_small_terminals(snap_compare, studio: screenshots.Studio, name: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    build, run_before, _ = screenshots.scenes(studio)[name]
    assert snap_compare(build(), terminal_size=size, run_before=run_before)


def test_missing_client_secrets(snap_compare, studio: screenshots.Studio) -> None:  # type: ignore[no-untyped-def]
    config = AppConfig(
        client_secrets_path=screenshots.Path("no_such_client_secrets.json"),
        credentials_path=screenshots.Path("credentials.json"),
        determinism=Determinism.fixed(screenshots.NOW),
    )
    assert snap_compare(GcalApp(config), terminal_size=screenshots.SIZE, run_before=settle)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_the_scenes_are_all_snapshotted(studio: screenshots.Studio) -> None:
    assert sorted(screenshots.scenes(studio)) == sorted(SCENE_NAMES)
