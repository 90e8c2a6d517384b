"""What the events screen asks of Google Calendar, in one place: whether the stored sign-in can be
used, the calendar list, and a range's events of every calendar shown, page by page.

Every method blocks on the network: call them from a thread worker. Answers that come while a
range loads (the calendar list, pages, a failed calendar, a retry after a 429) go to the
`AgendaListener` the caller passes; other failures raise CalendarError. `sync_store` brings the
local event store up to date (see tui/calendar/store.py and sync.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from tui.calendar.errors import CalendarError
from tui.config import AppConfig
from tui.side_by_side import run_side_by_side

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials

    from tui.auth.stored import StoredSignIn
    from tui.calendar.client import CalendarClient, EventPage, RetryNotice
    from tui.calendar.model import CalendarInfo
    from tui.calendar.sync import CalendarSynced


T = TypeVar("T")
MOST_AT_ONCE = 16  # calendars loaded at the same time; more wait for a free thread
SEARCH_PAGE_SIZE = 250
MOST_SEARCH_RESULTS = 1000  # of one calendar's matches, in start order
SEARCH_PAGES = MOST_SEARCH_RESULTS // SEARCH_PAGE_SIZE


class PageListener(Protocol):
    """Where the pages of several calendars go, called from the loading threads."""

    def page(self, page: EventPage) -> None: ...

    def failed(self, calendar_id: str, error: CalendarError) -> None:
        """One calendar could not be loaded; the others go on."""

    def retrying(self, notice: RetryNotice) -> None: ...

    def cancelled(self) -> bool: ...


class AgendaListener(PageListener, Protocol):
    """Where a range's answers go: its pages, and first what is known of the calendars."""

    def calendars_known(self, calendars: list[CalendarInfo], shown: list[str]) -> None:
        """The calendar list (empty if it could not be read) and the ids whose events follow."""

    def event_colors_known(self, event_colors: dict[str, str]) -> None:
        """Google's event palette (`colorId` to colour), unless it could not be read."""


@dataclass(frozen=True)
class AgendaRequest:
    """The events from `start` to `end` of the calendars `calendar_ids` (None: those ticked in
    Google Calendar's list, and the primary), times written in the zone `zone_name`."""

    calendar_ids: tuple[str, ...] | None
    start: datetime
    end: datetime
    zone_name: str

    def of(self, calendar_id: str) -> RangeRequest:
        return RangeRequest(calendar_id, self.start, self.end, self.zone_name)


@dataclass(frozen=True)
class SearchRequest:
    """The events of the calendars `calendar_ids` from `start` to `end` in which Google finds
    `query`, times written in the zone `zone_name`."""

    query: str
    calendar_ids: tuple[str, ...]
    start: datetime
    end: datetime
    zone_name: str

    def of(self, calendar_id: str) -> RangeRequest:
        return RangeRequest(
            calendar_id,
            self.start,
            self.end,
            self.zone_name,
            self.query,
            SEARCH_PAGE_SIZE,
            SEARCH_PAGES,
        )


def calendars_shown(calendars: Sequence[CalendarInfo]) -> list[str]:
    """The ids shown when none are chosen: "primary" first, then the others ticked in the list."""
    return ["primary", *(c.id for c in calendars if c.shown_by_default and not c.primary)]


def shown_ids(calendars: Sequence[CalendarInfo], chosen: Sequence[str] | None) -> list[str]:
    """The ids of the calendars shown, `chosen` or else those ticked in the list, with the
    primary's own id for "primary" (as the event store files them)."""
    primary = next((calendar.id for calendar in calendars if calendar.primary), None)
    wanted = list(chosen) if chosen is not None else calendars_shown(calendars)
    return [primary if calendar_id == "primary" and primary else calendar_id for calendar_id in wanted]


@dataclass(frozen=True)
class RangeRequest:
    """One calendar's events from `start` to `end`, with times written in the zone `zone_name`."""

    calendar_id: str
    start: datetime
    end: datetime
    zone_name: str
    query: str | None = None  # only the events Google finds this in
    page_size: int | None = None  # None: the client's
    most_pages: int | None = None  # stop after this many (the last page read then says it is not)


@dataclass
class SyncReport:
    """What a sync of the event store did."""

    calendars: list[CalendarInfo]  # the calendar list, as read
    shown: list[str]  # the calendars synced (ids from the list: the primary's own, not "primary")
    store_note: str | None  # the store could not be read and was made again, in words
    synced: list[CalendarSynced] = field(default_factory=list)
    failed: dict[str, CalendarError] = field(default_factory=dict)


class CalendarLoader:
    def __init__(self, config: AppConfig, credentials: OAuth2Credentials | None = None) -> None:
        """Without credentials, `check_stored_sign_in` reads the stored ones first."""
        self.config = config
        self.credentials = credentials
        self._answers: dict[str, Any] = {}  # what is asked for once a run (see _asked_once)
        self._asking = {"calendars": threading.Lock(), "event_colors": threading.Lock()}

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
    ) -> None:
        """Every page of the range to `on_page`, in order, until `cancelled()`."""
        from tui.calendar.client import connect  # deferred

        assert self.credentials is not None, "check_stored_sign_in first"
        size = {"page_size": request.page_size} if request.page_size else {}
        with connect(self.config, self.credentials, on_retry) as calendar:
            pages = calendar.event_pages(
                request.calendar_id,
                request.start,
                request.end,
                request.zone_name,
                query=request.query,
                **size,
            )
            for page in pages:
                if cancelled():
                    return
                on_page(page)
                if page.number == request.most_pages:
                    return

    def calendars(self, *, again: bool = False) -> list[CalendarInfo]:
        """Every calendar in the person's list, asked for once a run (`again` asks anew)."""
        return self._asked_once("calendars", lambda calendar: calendar.calendars(), again=again)

    def event_colors(self) -> dict[str, str]:
        """Google's event palette, asked for once a run; empty when it cannot be read (the events
        then take their calendars' colours)."""
        try:
            return self._asked_once("event_colors", lambda calendar: calendar.event_colors())
        except CalendarError:
            return {}

    def _asked_once(self, what: str, ask: Callable[[CalendarClient], T], *, again: bool = False) -> T:
        """`ask`'s answer, kept for the run: asked again only when `again` (or after a failure)."""
        from tui.calendar.client import connect  # deferred

        assert self.credentials is not None, "check_stored_sign_in first"
        with self._asking[what]:
            if what not in self._answers or again:
                with connect(self.config, self.credentials) as calendar:
                    self._answers[what] = ask(calendar)
            return self._answers[what]  # type: ignore[no-any-return]

    def load_agenda(self, request: AgendaRequest, listener: AgendaListener) -> None:
        """The calendar list, the event palette and the events of every calendar shown, side by side
        (a thread and a connection each: httplib2 is not thread-safe). The primary calendar, or the
        chosen ones, start at once, beside the calendar list; the others ticked in the list once it
        is read."""
        self._renew_token_if_expired(listener.retrying)
        load = partial(self._load_one, request, listener)

        def list_then_the_rest() -> None:
            try:
                calendars = self.calendars()
            except CalendarError:
                calendars = []
            chosen = request.calendar_ids
            shown = list(chosen) if chosen is not None else calendars_shown(calendars)
            listener.calendars_known(calendars, shown)
            if chosen is None:  # "primary" has started already
                run_side_by_side([partial(load, c) for c in shown[1:]], MOST_AT_ONCE, listener.cancelled)

        def palette() -> None:
            if colors := self.event_colors():
                listener.event_colors_known(colors)

        first = list(request.calendar_ids) if request.calendar_ids is not None else ["primary"]
        # The events first: their threads start (and ask) before those of the list and palette.
        jobs = [*(partial(load, calendar_id) for calendar_id in first), list_then_the_rest, palette]
        run_side_by_side(jobs, MOST_AT_ONCE, listener.cancelled)

    def search(self, request: SearchRequest, listener: PageListener) -> None:
        """Google's matches for the query in each calendar, side by side: the first
        MOST_SEARCH_RESULTS of each, in start order (page SEARCH_PAGES, not `last`, says there are more)."""
        self._renew_token_if_expired(listener.retrying)
        jobs = [partial(self._load_one, request, listener, c) for c in request.calendar_ids]
        run_side_by_side(jobs, MOST_AT_ONCE, listener.cancelled)

    def _renew_token_if_expired(self, on_retry: Callable[[RetryNotice], None] | None = None) -> None:
        """Once here, rather than in every calendar's thread at once."""
        from tui.calendar.client import connect  # deferred

        assert self.credentials is not None, "check_stored_sign_in first"
        with connect(self.config, self.credentials, on_retry) as calendar:
            calendar.renew_token_if_expired()

    def _load_one(
        self, request: AgendaRequest | SearchRequest, listener: PageListener, calendar_id: str
    ) -> None:
        try:
            self.load_range(request.of(calendar_id), listener.page, listener.retrying, listener.cancelled)
        except CalendarError as error:
            if not listener.cancelled():
                listener.failed(calendar_id, error)

    def sync_store(self, chosen: tuple[str, ...] | None, now: datetime) -> SyncReport:
        """The calendar list, then each calendar shown (`chosen`, or those ticked in the list),
        into the event store, side by side: a thread, a connection and a store connection each.
        Raises CalendarError when the list cannot be read (offline, say), StoreError or OSError
        when the store cannot be opened; a calendar that fails is in the report's `failed`, and the
        store keeps what it had of it."""
        from tui.calendar.client import connect  # deferred
        from tui.calendar.store import EventStore, StoreError
        from tui.calendar.sync import sync_calendar

        self._renew_token_if_expired()
        assert self.credentials is not None
        credentials, path = self.credentials, self.config.store_path
        calendars = self.calendars(again=True)
        primary = next((calendar for calendar in calendars if calendar.primary), None)
        shown = shown_ids(calendars, chosen)
        store, note = EventStore.open(path, now)
        try:
            store.save_calendar_list(primary.id if primary else "", [asdict(c) for c in calendars])
        finally:
            store.close()
        report = SyncReport(calendars, shown, note)

        def sync(calendar_id: str) -> None:
            with connect(self.config, credentials) as client:
                store, _ = EventStore.open(path, now)
                try:
                    report.synced.append(sync_calendar(client, store, calendar_id, now))
                except CalendarError as error:
                    report.failed[calendar_id] = error
                except StoreError as error:
                    report.failed[calendar_id] = CalendarError("transient", str(error), "Try again later.")
                finally:
                    store.close()

        run_side_by_side([partial(sync, calendar_id) for calendar_id in shown], MOST_AT_ONCE, lambda: False)
        return report

    def token_save_problem(self) -> str | None:
        """Why the last renewed access token could not be saved, or None if it could (or none was)."""
        write_error = getattr(self.credentials.store, "write_error", None) if self.credentials else None
        return str(write_error) if write_error else None
