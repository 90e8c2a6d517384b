"""`gcal-tui --demo`: the whole app against the bundled sandbox, with nothing of the person's touched."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from tui.config import AppConfig
from tui.sandbox import Sandbox

PREFIX = "gcal-tui-demo-"
OWNER_FILE = "pid"


class Demo:
    """The sandbox and a temporary directory for its client secrets and credentials."""

    def __init__(self, config: AppConfig) -> None:
        remove_abandoned_demos()
        self.sandbox = Sandbox(hostile_text=False).start()
        self.directory = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.directory / OWNER_FILE).write_text(str(os.getpid()))
        secrets = self.sandbox.write_client_secrets(self.directory / "client_secrets.json")
        self.config = replace(
            config,
            client_secrets_path=secrets,
            client_secrets_searched=(secrets,),
            credentials_path=self.directory / "credentials.json",
            api_endpoint=self.sandbox.base_url,
            settings_path=self.directory / "settings.json",  # a theme tried in the demo stays there
            demo=True,
        )

    def close(self) -> None:
        self.sandbox.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def remove_abandoned_demos() -> None:
    """Remove the folders (tokens in them) of demos that were killed before they could."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            owner = folder / OWNER_FILE
            if owner.exists():
                if _running(int(owner.read_text())):
                    continue
            elif time.time() - folder.stat().st_mtime < 3600:  # an older version's, perhaps running
                continue
        except (OSError, ValueError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_demo(config: AppConfig) -> int:
    """Run the app against the stand-in; its exit status."""
    from tui.app import make_app, run_app

    demo = Demo(config)
    try:
        return run_app(make_app(demo.config))
    finally:
        demo.close()
