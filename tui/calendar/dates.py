"""A day typed by a person: "2026-12-24", "dec 24", "24 dec", "+7", "-3", "monday", "tomorrow".

Written by hand: the forms are few, and a general date parser (dateutil's) guesses where this should
refuse ("1" or "mon 5" are not days), and it would be one more dependency for ten lines.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tui.calendar.limits import FIRST_DAY, LAST_DAY

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RELATIVE = {"today": 0, "tomorrow": 1, "yesterday": -1}
EXAMPLES = "2026-12-24, dec 24, 24 dec, +7, -3, monday, today or tomorrow"


class DayError(ValueError):
    """Text that names no day; the message says what would."""


def _month(word: str) -> int | None:
    return MONTHS.index(word[:3]) + 1 if len(word) >= 3 and word[:3] in MONTHS else None


def _weekday(word: str) -> int | None:
    return WEEKDAYS.index(word[:3]) if len(word) >= 3 and word[:3] in WEEKDAYS else None


def parse_day(text: str, today: date) -> date:
    """The day `text` names, counted from `today`; a weekday is the next one (today if it is that
    day); a day and month without a year are this year's. Only days from 1900 to 2999."""
    day = _named_day(text, today)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DayError(
            f"{text.strip()!r} is too far away: choose a day from {FIRST_DAY.year} to {LAST_DAY.year}."
        )
    return day


def _named_day(text: str, today: date) -> date:
    words = text.strip().casefold()
    if not words:
        raise DayError(f"Type a day: {EXAMPLES}.")
    try:
        if words in RELATIVE:
            return today + timedelta(days=RELATIVE[words])
        if re.fullmatch(r"[+-]\d{1,5}", words):
            return today + timedelta(days=int(words))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
            return date.fromisoformat(words)
        parts = re.split(r"[\s,/]+", words)
        if len(parts) == 1 and (weekday := _weekday(parts[0])) is not None:
            return today + timedelta(days=(weekday - today.weekday()) % 7)
        if len(parts) in (2, 3):
            month_first = _month(parts[0])
            month, day_text = (month_first, parts[1]) if month_first else (_month(parts[1]), parts[0])
            year = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else today.year
            if month and day_text.isdigit() and (len(parts) == 2 or parts[2].isdigit()):
                return date(year, month, int(day_text))
    except (ValueError, OverflowError):
        raise DayError(f"{text.strip()!r} is not a real date. Try {EXAMPLES}.") from None
    raise DayError(f"{text.strip()!r} is not a day gcal-tui understands. Try {EXAMPLES}.")
