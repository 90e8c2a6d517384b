"""How long the Calendar API asks us to wait: Retry-After in seconds or as an HTTP date."""

from __future__ import annotations

import time
from email.utils import formatdate

import httplib2
import pytest

from tui.calendar.client import RetryPolicy, _retry_after


def answer(**headers: str) -> httplib2.Response:
    return httplib2.Response({"status": "429", **headers})


@pytest.mark.parametrize(("value", "seconds"), [("0", 0.0), ("7", 7.0), (" 12 ", 12.0), ("120", 120.0)])
def test_seconds(value: str, seconds: float) -> None:
    assert _retry_after(answer(**{"retry-after": value})) == seconds


def test_an_http_date_is_the_time_until_then() -> None:
    in_a_minute = formatdate(time.time() + 60, usegmt=True)
    waited = _retry_after(answer(**{"retry-after": in_a_minute}))
    assert waited is not None and 55 <= waited <= 60


def test_an_http_date_in_the_past_is_no_wait() -> None:
    assert _retry_after(answer(**{"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0


@pytest.mark.parametrize("value", ["", "soon", "²", "1.5e3", "-5", "Mon, 99 Foo 2026"])
def test_anything_else_is_as_if_absent(value: str) -> None:
    assert _retry_after(answer(**{"retry-after": value})) is None


def test_no_header_is_none() -> None:
    assert _retry_after(answer()) is None


@pytest.mark.parametrize(("retry_number", "ceiling"), [(0, 1.0), (1, 2.0), (3, 8.0), (5, 32.0), (9, 32.0)])
def test_back_off_doubles_with_jitter_up_to_its_cap(retry_number: int, ceiling: float) -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=32.0)
    delays = [policy.delay(retry_number, None) for _ in range(200)]
    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    assert max(delays) - min(delays) > ceiling / 10  # jittered, so clients do not retry in step


@pytest.mark.parametrize(("asked", "waited"), [(3.0, 3.0), (0.0, 0.0), (500.0, 32.0)])
def test_the_servers_wait_is_kept_up_to_the_cap(asked: float, waited: float) -> None:
    assert RetryPolicy(max_delay=32.0).delay(0, asked) == waited
