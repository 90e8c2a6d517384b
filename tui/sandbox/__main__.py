"""Run the sandbox by hand: `python -m tui.sandbox --client-secrets PATH`; Ctrl-C stops it."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from tui.sandbox.server import Sandbox


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tui.sandbox")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-secrets", type=Path, required=True, help="where to write them")
    parser.add_argument("--client-type", choices=("installed", "web"), default="installed")
    args = parser.parse_args()
    sandbox = Sandbox().start(args.port)
    sandbox.write_client_secrets(args.client_secrets, args.client_type)
    print(f"sandbox at {sandbox.base_url}; client secrets in {args.client_secrets}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sandbox.stop()


if __name__ == "__main__":
    main()
