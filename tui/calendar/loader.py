"""What the events screen asks of Google Calendar, in one place: whether the stored sign-in can be
used, each range's events page by page, who is signed in, and the calendar list.

Every method blocks on the network: call them from a thread worker. Answers that come while a
range loads (its pages, a retry after a 429) go to the callbacks the caller passes; failures raise
CalendarError. A local store of events will sit behind this interface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tui.calendar.errors import CalendarError
from tui.config import AppConfig

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials

    from tui.auth.stored import StoredSignIn
    from tui.calendar.client import EventPage, RetryNotice
    from tui.calendar.model import CalendarInfo


@dataclass(frozen=True)
class RangeRequest:
    """One calendar's events from `start` to `end`, with times written in the zone `zone_name`."""

    calendar_id: str
    start: datetime
    end: datetime
    zone_name: str


class CalendarLoader:
    def __init__(self, config: AppConfig, credentials: OAuth2Credentials | None = None) -> None:
        """Without credentials, `check_stored_sign_in` reads the stored ones first."""
        self.config = config
        self.credentials = credentials

    def check_stored_sign_in(self) -> StoredSignIn:
        """Load and check the stored sign-in; when it can be used, load with it from now on."""
        from tui.auth.stored import check_stored  # deferred

        config = self.config
        stored = check_stored(
            config.credentials_path, config.client_secrets_path, config.scopes, config.now()
        )
        if stored.credentials is not None:
            self.credentials = stored.credentials
        return stored

    def load_range(
        self,
        request: RangeRequest,
        on_page: Callable[[EventPage], None],
        on_retry: Callable[[RetryNotice], None],
        cancelled: Callable[[], bool],
        *,
        find_account: bool,
    ) -> str | None:
        """Every page of the range to `on_page`, in order, until `cancelled()`; then, if
        `find_account`, who is signed in (the primary calendar's id; None if that cannot be found:
        the events matter more)."""
        from tui.calendar.client import connect  # deferred

        assert self.credentials is not None, "check_stored_sign_in first"
        with connect(self.config, self.credentials, on_retry) as calendar:
            for page in calendar.event_pages(
                request.calendar_id, request.start, request.end, request.zone_name
            ):
                if cancelled():
                    return None
                on_page(page)
            if not find_account:
                return None
            try:
                primary = next((c for c in calendar.calendars() if c.primary), None)
            except CalendarError:
                return None
            return primary.id if primary is not None else None

    def calendars(self) -> list[CalendarInfo]:
        """Every calendar in the person's list."""
        from tui.calendar.client import connect  # deferred

        assert self.credentials is not None, "check_stored_sign_in first"
        with connect(self.config, self.credentials) as calendar:
            return calendar.calendars()

    def token_save_problem(self) -> str | None:
        """Why the last renewed access token could not be saved, or None if it could (or none was)."""
        write_error = getattr(self.credentials.store, "write_error", None) if self.credentials else None
        return str(write_error) if write_error else None
