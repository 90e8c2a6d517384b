"""The thread pool that Textual's thread workers run in.

asyncio's default pool waits, when the app exits, for every thread still running: a worker blocked
on a hung server held ctrl+q for as long as its timeout. This pool does not wait (and the
`gcal-tui` command then ends the process at once: `tui.__main__.entry`). It also leaves room for
workers still waiting on the network while new ones start: asyncio's default is 6 threads on 2
cores, and `r` pressed against a hung server starts a new load each time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

MAX_THREADS = 64


class NonWaitingPool(ThreadPoolExecutor):
    def __init__(self) -> None:
        super().__init__(max_workers=MAX_THREADS, thread_name_prefix="gcal-tui-worker")

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)
