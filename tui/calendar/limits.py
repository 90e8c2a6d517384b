"""The days the app moves among, and how many it shows at once (ten years): far inside what
Python's dates and Google's API take, so moving and widening a range never meets their ends.
A module of its own so that the command line can check --days without importing the agenda."""

from __future__ import annotations

from datetime import date

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_DAYS = 3660
