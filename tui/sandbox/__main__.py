"""Run the sandbox by hand: `python -m tui.sandbox --client-secrets PATH`; Ctrl-C stops it.

With --credentials it also signs in (through its own consent page and token endpoint) and stores
the result there, for benchmarks and scripted runs.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import threading
from datetime import date
from pathlib import Path

from tui.sandbox.calendar_data import bulk
from tui.sandbox.server import Sandbox


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tui.sandbox",
        description="A local stand-in for Google's OAuth 2.0 server and Calendar v3 API on 127.0.0.1, "
        "serving sample events; it prints the gcal-tui command to use with it. Ctrl-C stops it.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: one the OS picks)")
    parser.add_argument(
        "--client-secrets", type=Path, required=True, help="where to write a client secrets file for it"
    )
    parser.add_argument(
        "--client-type",
        choices=("installed", "web"),
        default="installed",
        help="the kind of OAuth client in that file (default: installed, as a Desktop app)",
    )
    parser.add_argument(
        "--credentials", type=Path, help="also sign in at once and store the credentials here"
    )
    parser.add_argument("--bulk", type=int, metavar="N", help="serve N plain events instead of the sample")
    parser.add_argument(
        "--calendars", type=int, default=1, metavar="K", help="with --bulk: N events on each of K calendars"
    )
    parser.add_argument(
        "--bulk-days", type=int, default=30, metavar="D", help="with --bulk: spread over D days from today"
    )
    parser.add_argument(
        "--page-size", type=int, default=2500, help="the most events on one page (default 2500)"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to each Calendar request (default 0)"
    )
    args = parser.parse_args()
    sandbox = Sandbox(
        calendars=bulk(date.today(), args.bulk, args.calendars, args.bulk_days)
        if args.bulk is not None
        else None
    ).start(args.port)
    sandbox.calendar_api.page_size = args.page_size
    sandbox.write_client_secrets(args.client_secrets, args.client_type)
    if args.credentials:
        from tui.sandbox.browser import sign_in_directly
        from tui.storage import save_credentials

        save_credentials(args.credentials, sign_in_directly(args.client_secrets))
    sandbox.calendar_api.latency = args.latency
    print(f"sandbox at {sandbox.base_url}; client secrets in {args.client_secrets}", flush=True)
    command = f"gcal-tui --client-secrets {shlex.quote(str(args.client_secrets))}"
    if args.credentials:
        command += f" --credentials {shlex.quote(str(args.credentials))}"
    print(f"run: {command} --api-endpoint {sandbox.base_url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    sandbox.stop()


if __name__ == "__main__":
    main()
