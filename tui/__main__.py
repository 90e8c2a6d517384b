"""The command line: `gcal-tui` or `python -m tui`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

from tui import __version__
from tui.calendar.limits import MAX_DAYS
from tui.config import (
    CLIENT_SECRETS_ENV,
    CREDENTIALS_NAME,
    GOOGLE_API_ROOT,
    READONLY_SCOPE,
    ZoneError,
    config_from_environment,
    named_zone,
    user_config_dir,
    user_data_dir,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gcal-tui",
        description="Sign in to Google and browse your Google Calendar in the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--client-secrets",
        metavar="PATH",
        help=f"OAuth client JSON from Google Cloud console (default: ${CLIENT_SECRETS_ENV}, "
        f"./client_secrets.json, then {user_config_dir() / 'client_secrets.json'})",
    )
    parser.add_argument(
        "--credentials",
        metavar="PATH",
        help=f"where to store credentials (default: {user_data_dir() / CREDENTIALS_NAME})",
    )
    parser.add_argument(
        "--scope",
        action="append",
        dest="scopes",
        metavar="SCOPE",
        help=f"OAuth scope to request; repeatable (default: {READONLY_SCOPE})",
    )
    parser.add_argument(
        "--redirect-uri",
        type=redirect_uri_option,
        metavar="URI",
        help="redirect URI (default for a Desktop client: http://127.0.0.1:<free port>/oauth2callback)",
    )
    parser.add_argument(
        "--no-listen",
        action="store_true",
        help="do not listen for the browser's redirect; paste the code or URL instead",
    )
    parser.add_argument(
        "--api-endpoint",
        metavar="ROOT",
        default=GOOGLE_API_ROOT,
        help=f"API root; calendar/v3/ is appended (default: {GOOGLE_API_ROOT})",
    )
    parser.add_argument("--reauth", action="store_true", help="sign in again even if credentials are stored")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="try everything against a built-in local stand-in for Google (no account needed)",
    )
    parser.add_argument(
        "--calendar",
        action="append",
        metavar="ID",
        help="a calendar to show, for this run (repeat for more; default: those ticked in Google "
        "Calendar, or those last chosen with c)",
    )
    parser.add_argument(
        "--days", type=int, default=30, metavar="N", help="days to show from today (default 30)"
    )
    parser.add_argument(
        "--tz",
        type=zone_option,
        metavar="ZONE",
        help="IANA time zone to show times in, e.g. Europe/London (default: the one chosen in the "
        "app, else $TZ or the system's)",
    )
    return parser


def zone_option(text: str) -> str:
    try:
        return named_zone(text).key
    except ZoneError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def redirect_uri_option(text: str) -> str:
    """An http(s) URI with a host and, if given, a port from 0 to 65535."""
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a port out of range
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a usable URI ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an http:// or https:// URI with a host, such as "
            "http://127.0.0.1:8080/oauth2callback"
        )
    return text


def entry() -> None:
    """The `gcal-tui` command: `main()`, then end the process at once. A worker still waiting on a
    hung server would otherwise hold the exit until its timeout (Python waits for such threads);
    every file gcal-tui writes is written atomically, so nothing is lost by not waiting."""
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run gcal-tui; its exit status. Whatever goes wrong unexpectedly, here or in the app, ends
    with a short report and status 1, never a traceback."""
    try:
        return run(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from tui.config import user_state_dir
        from tui.crash import crash_message, write_crash_report

        print(crash_message(error, write_crash_report(error, user_state_dir())), file=sys.stderr)
        return 1


def run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.days <= MAX_DAYS:
        print(f"gcal-tui: --days must be from 1 to {MAX_DAYS:,} (ten years)", file=sys.stderr)
        return 2
    config = config_from_environment(
        client_secrets=args.client_secrets,
        credentials=args.credentials,
        scopes=tuple(args.scopes or (READONLY_SCOPE,)),
        redirect_uri=args.redirect_uri,
        listen=not args.no_listen,
        api_endpoint=args.api_endpoint,
        reauth=args.reauth,
        calendar_ids=tuple(args.calendar) if args.calendar else None,
        days=args.days,
        zone_name=args.tz,
    )
    if args.demo:
        from tui.demo import run_demo

        return run_demo(config)
    from tui.app import GcalApp, run_app

    return run_app(GcalApp(config))


if __name__ == "__main__":
    entry()
