"""The domain layer stays free of Textual, so it can be read, tested and reused on its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "tui"
DOMAIN = [
    *sorted((PACKAGE / "auth").rglob("*.py")),
    *sorted((PACKAGE / "calendar").rglob("*.py")),
    *sorted((PACKAGE / "sandbox").rglob("*.py")),
    PACKAGE / "storage.py",
    PACKAGE / "credentials_store.py",
    PACKAGE / "text.py",
    PACKAGE / "config.py",
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


def test_start_up_imports_no_google_libraries() -> None:
    """The sign-in screen paints before oauth2client, httplib2 or googleapiclient are imported; its
    worker imports them afterwards (they cost about 150 ms)."""
    probe = (
        "import sys, tui.__main__, tui.app; "
        "print(sorted(m for m in ('oauth2client.client', 'httplib2', 'googleapiclient') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
