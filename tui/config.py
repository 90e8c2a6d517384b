"""Where files live and what the command line chose; no Textual here."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

APP_NAME = "gcal-tui"
CLIENT_SECRETS_NAME = "client_secrets.json"
CREDENTIALS_NAME = "credentials.json"
SETTINGS_NAME = "settings.json"
CLIENT_SECRETS_ENV = "GCAL_TUI_CLIENT_SECRETS"
READONLY_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
GOOGLE_API_ROOT = "https://www.googleapis.com/"
DEFAULT_TIMEOUT_SECONDS = 30.0  # for each exchange, refresh, API call and revocation


class ZoneError(ValueError):
    """A time zone name that is not an IANA zone this machine knows."""


def named_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name` ("Europe/London"), or ZoneError saying what to type instead."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ZoneError(
            f"{name!r} is not a time zone this machine knows; use an IANA name such as "
            "Europe/London, America/New_York or Asia/Kolkata."
        ) from None


def local_zone(name: str | None = None) -> ZoneInfo:
    """`name` if given, else the system's zone (from $TZ, /etc/localtime or timedatectl, through
    tzlocal), as an IANA zone with its rules, never a fixed offset; UTC if the system names none."""
    if name:
        return named_zone(name)
    import tzlocal  # deferred

    try:
        zone = tzlocal.get_localzone()
    except (ZoneInfoNotFoundError, ValueError, LookupError, OSError):
        return ZoneInfo("UTC")
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def client_secrets_candidates(
    explicit: str | None, environ: Mapping[str, str], cwd: Path
) -> tuple[Path, ...]:
    """Where to look, in order: --client-secrets, $GCAL_TUI_CLIENT_SECRETS, ./, the config dir."""
    if explicit:
        return (Path(explicit).expanduser(),)
    candidates = []
    if environ.get(CLIENT_SECRETS_ENV):
        candidates.append(Path(environ[CLIENT_SECRETS_ENV]).expanduser())
    candidates += [cwd / CLIENT_SECRETS_NAME, user_config_dir() / CLIENT_SECRETS_NAME]
    return tuple(candidates)


def pick_client_secrets(candidates: tuple[Path, ...]) -> Path:
    """The first candidate that exists; else the first one, so the error names where we looked."""
    return next((path for path in candidates if path.exists()), candidates[0])


def real_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Determinism:
    """Where the app's time and randomness come from. The defaults are the real clock and fresh
    randomness for each sign-in link; snapshots, screenshots and tests pass fixed ones."""

    clock: Callable[[], datetime] = real_clock
    oauth_state: str | None = None  # None: a fresh random state for each link
    code_verifier: bytes | None = None  # None: a fresh PKCE verifier for each link

    @classmethod
    def fixed(
        cls, now: datetime, oauth_state: str | None = None, code_verifier: bytes | None = None
    ) -> Determinism:
        return cls(lambda: now, oauth_state, code_verifier)


REAL_WORLD = Determinism()


@dataclass
class AppConfig:
    client_secrets_path: Path
    credentials_path: Path
    client_secrets_searched: tuple[Path, ...] = ()
    scopes: tuple[str, ...] = (READONLY_SCOPE,)
    redirect_uri: str | None = None
    listen: bool = True
    api_endpoint: str = GOOGLE_API_ROOT
    reauth: bool = False
    calendar_ids: tuple[str, ...] | None = None  # None: those ticked in Google Calendar's list
    days: int = 30
    use_store: bool = True  # draw from the event store and sync it (--no-store: only the network)
    sync_minutes: float = 5.0  # how often the store is synced while the app is open
    exchange_timeout: float = DEFAULT_TIMEOUT_SECONDS
    api_timeout: float = DEFAULT_TIMEOUT_SECONDS
    api_retry_base_delay: float = 1.0
    settings_path: Path | None = None  # remembered choices (the theme); None: not remembered
    zone_name: str | None = None  # --tz; None: the remembered one, else the system's
    crash_dir: Path | None = None  # where a crash report goes; None: the user state folder
    determinism: Determinism = field(default=REAL_WORLD, repr=False)
    _zone: ZoneInfo | None = field(default=None, init=False, repr=False, compare=False)
    _zone_for: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.client_secrets_searched:
            self.client_secrets_searched = (self.client_secrets_path,)
        if not self.api_endpoint.endswith("/"):
            self.api_endpoint += "/"

    @property
    def zone(self) -> ZoneInfo:
        """The zone every instant is shown in: an IANA zone, so each instant gets its own offset."""
        if self._zone is None or self._zone_for != self.zone_name:
            self._zone, self._zone_for = local_zone(self.zone_name), self.zone_name
        return self._zone

    @property
    def store_path(self) -> Path:
        """The event store: beside the credentials (it holds that account's calendars)."""
        return self.credentials_path.with_name("events.sqlite3")

    @property
    def crash_reports(self) -> Path:
        return self.crash_dir if self.crash_dir is not None else user_state_dir()

    def now(self) -> datetime:
        """Now, in `zone`."""
        return self.determinism.clock().astimezone(self.zone)


def config_from_environment(
    *,
    client_secrets: str | None = None,
    credentials: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    **options: object,
) -> AppConfig:
    environ = os.environ if environ is None else environ
    searched = client_secrets_candidates(client_secrets, environ, cwd or Path.cwd())
    return AppConfig(
        client_secrets_path=pick_client_secrets(searched),
        client_secrets_searched=searched,
        credentials_path=Path(credentials).expanduser()
        if credentials
        else user_data_dir() / CREDENTIALS_NAME,
        settings_path=user_config_dir() / SETTINGS_NAME,
        **options,  # type: ignore[arg-type]
    )
