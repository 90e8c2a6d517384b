"""Messages that cross screens: they bubble to the app, which moves between sign-in and the calendar.
A screen's own messages are defined on the screen that posts them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # importing it here would load oauth2client at start-up
    from oauth2client.client import OAuth2Credentials


@dataclass
class SignedIn(Message):
    """Credentials were obtained and stored."""

    credentials: OAuth2Credentials


@dataclass
class SignInNeeded(Message):
    """The stored sign-in no longer works; the app goes back to the sign-in screen, saying why."""

    reason: str | None


@dataclass
class SignedOut(Message):
    """The local credentials are gone; the app returns to the sign-in screen, saying what happened."""

    reason: str
