"""The garbage collector's pause: nested across threads, and the collector's state kept."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from tui.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_until_the_last_of_several_threads_ends() -> None:
    inside, leave = threading.Barrier(2), threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.wait()
            leave.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait()
    assert not gc.isenabled()
    with collector_paused():  # another pause, ended while the thread's goes on
        pass
    assert not gc.isenabled()
    leave.set()
    holder.join()
    assert gc.isenabled()


def test_on_again_after_an_error_and_left_off_if_it_was_off() -> None:
    with pytest.raises(ZeroDivisionError), collector_paused():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
