"""The domain layer stays free of Textual, so it can be read, tested and reused on its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tui.deferred_imports import DEFERRED

PACKAGE = Path(__file__).parents[2] / "tui"
DOMAIN = [
    *sorted((PACKAGE / "auth").rglob("*.py")),
    *sorted((PACKAGE / "calendar").rglob("*.py")),
    *sorted((PACKAGE / "sandbox").rglob("*.py")),
    PACKAGE / "storage.py",
    PACKAGE / "credentials_store.py",
    PACKAGE / "text.py",
    PACKAGE / "config.py",
    PACKAGE / "bounded_http.py",
    PACKAGE / "side_by_side.py",
    PACKAGE / "collector.py",
    PACKAGE / "crash.py",
    PACKAGE / "settings.py",
    PACKAGE / "browser.py",
    PACKAGE / "agenda_command.py",
]


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_domain_modules_exist() -> None:
    assert len(DOMAIN) >= 8
    assert all(path.exists() for path in DOMAIN)


def test_domain_modules_do_not_import_textual() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in ("textual", "rich")
        )
        for path in DOMAIN
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def imported_among(modules: str, packages: tuple[str, ...]) -> list[str]:
    """Which of `packages` (or modules in them) a fresh interpreter has after importing `modules`."""
    probe = (
        f"import sys, {modules}; "
        f"print(sorted(m for m in sys.modules if any(m == p or m.startswith(p + '.') for p in {packages!r})))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(result.stdout.strip()))


@pytest.mark.slow
def test_start_up_imports_nothing_deferred() -> None:
    """The first paint comes before the slow libraries are imported (tui/deferred_imports.py says
    which and why): starting the app, and building either first screen, imports none of them."""
    assert imported_among("tui.__main__, tui.app, tui.screens.sign_in", DEFERRED) == []


def test_the_stored_agenda_is_drawn_before_the_google_libraries_are_imported() -> None:
    """A start with a store draws its agenda first: the events screen and the store's reading
    bring none of oauth2client, httplib2 and googleapiclient (the sync's worker imports them)."""
    google = ("oauth2client.client", "httplib2", "googleapiclient")
    assert imported_among("tui.app, tui.screens.events, tui.calendar.stored_agenda", google) == []


def test_unit_tests_need_no_textual_and_no_sandbox() -> None:
    """tests/unit runs without Textual and without sockets: the domain on its own."""
    unit = Path(__file__).parent
    offenders = {
        path.name: sorted(
            m
            for m in imported_modules(path)
            if m.split(".")[0] in ("textual", "socket", "http")
            or m.startswith(("tui.sandbox", "tui.screens"))
        )
        for path in unit.glob("test_*.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}
