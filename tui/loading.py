"""What a screen's loading worker is told by the loader, turned into messages to the screen.

The loader calls its listener from the loading threads; each answer is posted to the screen as a
message tagged with the load it belongs to, and the screen drops answers to an older load. The
messages are for that screen alone: they do not bubble up to the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from tui.calendar.errors import CalendarError

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.worker import Worker

    from tui.calendar.client import EventPage, RetryNotice


@dataclass
class PageLoaded(Message, bubble=False):
    generation: int  # which load: answers to an older one are dropped
    page: EventPage


@dataclass
class CalendarFailed(Message, bubble=False):
    """One calendar could not be loaded; the others go on."""

    generation: int
    calendar_id: str
    error: CalendarError


@dataclass
class LoadRetrying(Message, bubble=False):
    generation: int
    notice: RetryNotice


def retry_text(notice: RetryNotice) -> Text:
    """What the status line says while a load waits to try again."""
    return Text(
        f"Google Calendar asked us to slow down ({notice.reason}): retry {notice.retry_number} "
        f"in {notice.delay:.1f} s…",
        style="yellow",
    )


class PostsPages:
    """A PageListener that posts to `screen`, for the load numbered `generation`, until `worker`
    is cancelled."""

    def __init__(self, screen: Screen[object], generation: int, worker: Worker[None]) -> None:
        self.screen, self.generation, self.worker = screen, generation, worker

    def page(self, page: EventPage) -> None:
        self.screen.post_message(PageLoaded(self.generation, page))

    def failed(self, calendar_id: str, error: CalendarError) -> None:
        self.screen.post_message(CalendarFailed(self.generation, calendar_id, error))

    def retrying(self, notice: RetryNotice) -> None:
        self.screen.post_message(LoadRetrying(self.generation, notice))

    def cancelled(self) -> bool:
        return self.worker.is_cancelled
