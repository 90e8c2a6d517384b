"""Run blocking jobs side by side in daemon threads, at most so many at once.

Written here rather than with `concurrent.futures`: its threads are joined when the interpreter
exits, so a job blocked on a hung server would hold `ctrl+q` for as long as its timeout (the same
reason as `tui.worker_pool`). These threads are daemons, and the caller stops waiting as soon as it
is cancelled; each job checks `cancelled()` itself between its requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

POLL_SECONDS = 0.05


def run_side_by_side(
    jobs: Sequence[Callable[[], None]], most_at_once: int, cancelled: Callable[[], bool]
) -> None:
    """Run every job, at most `most_at_once` at a time; return when all have ended or when
    `cancelled()`. An exception that escapes a job ends only that job, and is raised here once all
    have ended (the first of them), for the caller's own error handling."""
    free = threading.Semaphore(max(1, most_at_once))
    threads: list[threading.Thread] = []
    escaped: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:
            escaped.append(error)
        finally:
            free.release()

    for job in jobs:
        while not free.acquire(timeout=POLL_SECONDS):
            if cancelled():
                return
        if cancelled():
            free.release()
            return
        thread = threading.Thread(target=run, args=(job,), name="gcal-tui-calendar", daemon=True)
        threads.append(thread)
        thread.start()
    for thread in threads:
        while thread.is_alive():
            if cancelled():
                return
            thread.join(POLL_SECONDS)
    if escaped:
        raise escaped[0]
