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
    AppConfig,
    ZoneError,
    config_from_environment,
    named_zone,
    user_config_dir,
    user_data_dir,
)

COMMANDS = ("agenda", "next")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gcal-tui",
        description="Sign in to Google and browse your Google Calendar in the terminal.",
        epilog="For scripts: `gcal-tui agenda` prints the agenda, `gcal-tui next` the next event "
        "(see `gcal-tui agenda --help`).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_account_options(parser)
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
    parser.add_argument("--reauth", action="store_true", help="sign in again even if credentials are stored")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="try everything against a built-in local stand-in for Google (no account needed)",
    )
    parser.add_argument(
        "--days", type=int, default=30, metavar="N", help="days to show from today (default 30)"
    )
    parser.add_argument(
        "--no-store",
        action="store_true",
        help="neither read nor write the local event store: every start loads from Google",
    )
    return parser


def build_command_parser(command: str) -> argparse.ArgumentParser:
    """`gcal-tui agenda` or `gcal-tui next`: print from the event store, for scripts."""
    from tui.agenda_command import FORMATS

    if command == "next":
        parser = argparse.ArgumentParser(
            prog="gcal-tui next",
            description="Print the next event that has not ended (within 7 days) on one line.",
        )
    else:
        parser = argparse.ArgumentParser(
            prog="gcal-tui agenda",
            description="Print the agenda of the calendars shown in the app (synced first).",
            epilog="Exit status: 0 printed (after a failed sync, from what is stored, with a warning on "
            "stderr); 1 nothing to print (not signed in and nothing stored); 2 a wrong option.",
        )
        parser.add_argument("--days", type=int, default=7, metavar="N", help="how many days (default 7)")
        parser.add_argument("--from", dest="first_day", metavar="DATE", help="the first day (default today)")
        parser.add_argument("--format", dest="output_format", choices=FORMATS, default="text")
    parser.add_argument("--offline", action="store_true", help="print what is stored, without syncing")
    add_account_options(parser)
    return parser


def add_account_options(parser: argparse.ArgumentParser) -> None:
    """Which account's files, which server, which calendars, which zone: the app's and the commands'."""
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
        "--api-endpoint",
        metavar="ROOT",
        default=GOOGLE_API_ROOT,
        help=f"API root; calendar/v3/ is appended (default: {GOOGLE_API_ROOT})",
    )
    parser.add_argument(
        "--calendar",
        action="append",
        metavar="ID",
        help="a calendar to show, for this run (repeat for more; default: those ticked in Google "
        "Calendar, or those last chosen with c)",
    )
    parser.add_argument(
        "--tz",
        type=zone_option,
        metavar="ZONE",
        help="IANA time zone to show times in, e.g. Europe/London (default: the one chosen in the "
        "app, else $TZ or the system's)",
    )


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
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return run_command(argv[0], argv[1:])
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
        use_store=not args.no_store,
    )
    if args.demo:
        from tui.demo import run_demo

        return run_demo(config)
    from tui.app import GcalApp, run_app

    return run_app(GcalApp(config))


def run_command(command: str, argv: list[str]) -> int:
    from tui.settings import load_settings, use_remembered

    args = build_command_parser(command).parse_args(argv)
    config = config_from_environment(
        client_secrets=args.client_secrets,
        credentials=args.credentials,
        api_endpoint=args.api_endpoint,
        calendar_ids=tuple(args.calendar) if args.calendar else None,
        zone_name=args.tz,
    )
    use_remembered(config, load_settings(config.settings_path))
    try:
        return print_for(command, args, config)
    except BrokenPipeError:  # `gcal-tui agenda | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def print_for(command: str, args: argparse.Namespace, config: AppConfig) -> int:
    from tui.agenda_command import AgendaOptions, run_agenda, run_next
    from tui.calendar.dates import DayError, parse_day

    if command == "next":
        return run_next(config, args.offline)
    if not 1 <= args.days <= MAX_DAYS:
        print(f"gcal-tui agenda: --days must be from 1 to {MAX_DAYS:,}", file=sys.stderr)
        return 2
    first_day = None
    if args.first_day is not None:
        try:
            first_day = parse_day(args.first_day, config.now().date())
        except DayError as error:
            print(f"gcal-tui agenda: --from: {error}", file=sys.stderr)
            return 2
    return run_agenda(config, AgendaOptions(args.days, first_day, args.output_format, args.offline))


if __name__ == "__main__":
    entry()
