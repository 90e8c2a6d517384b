"""`gcal-tui --demo`: the whole app against the bundled sandbox, with nothing of the person's touched."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from tui.config import AppConfig
from tui.sandbox import Sandbox


class Demo:
    """The sandbox and a temporary directory for its client secrets and credentials."""

    def __init__(self, config: AppConfig) -> None:
        self.sandbox = Sandbox(hostile_text=False).start()
        self.directory = Path(tempfile.mkdtemp(prefix="gcal-tui-demo-"))
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


def run_demo(config: AppConfig) -> int:
    """Run the app against the stand-in; its exit status."""
    from tui.app import make_app, run_app

    demo = Demo(config)
    try:
        return run_app(make_app(demo.config))
    finally:
        demo.close()
