"""Jobs run side by side: how many at once, what an escaping error does, and cancelling."""

from __future__ import annotations

import threading
import time

import pytest

from tui.side_by_side import run_side_by_side


def test_every_job_runs_and_no_more_than_asked_run_at_once() -> None:
    lock = threading.Lock()
    running, most, done = [0], [0], []

    def job(number: int) -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
            done.append(number)

    run_side_by_side([lambda n=n: job(n) for n in range(9)], 3, lambda: False)
    assert sorted(done) == list(range(9))
    assert most[0] == 3


def test_an_error_that_escapes_a_job_is_raised_once_the_others_have_ended() -> None:
    done: list[str] = []

    def broken() -> None:
        raise LookupError("a bug")

    def slow() -> None:
        time.sleep(0.05)
        done.append("slow")

    with pytest.raises(LookupError, match="a bug"):
        run_side_by_side([broken, slow], 2, lambda: False)
    assert done == ["slow"]


def test_cancelling_returns_at_once_and_starts_no_more_jobs() -> None:
    release, started = threading.Event(), []

    def stuck(number: int) -> None:
        started.append(number)
        release.wait(5)

    cancelled = threading.Event()
    timer = threading.Timer(0.1, cancelled.set)
    timer.start()
    began = time.monotonic()
    run_side_by_side([lambda n=n: stuck(n) for n in range(4)], 2, cancelled.is_set)
    assert time.monotonic() - began < 2  # not the 5 s the stuck jobs wait
    assert sorted(started) == [0, 1]
    release.set()
