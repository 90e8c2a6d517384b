"""Thread workers run with `exit_on_error=False`: they catch the network and server errors they
expect, and anything else (a bug) is reported on screen instead of ending the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState

from tui.crash import unexpected_error

if TYPE_CHECKING:
    from tui.app import GcalApp


class ReportsWorkerErrors:
    """Mixed into a screen (or the app) whose failed workers are reported: a notification, a crash
    report on disk, and `worker_failed` for what the screen itself should undo. A plain class, not
    a widget: as a DOMNode it would change the CSS type names of what it is mixed into."""

    app: GcalApp

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        what = unexpected_error(event.worker.error, self.app.config.crash_reports)
        self.app.notify(what, severity="error", timeout=10)
        self.worker_failed(event.worker, what)

    def worker_failed(self, worker: Worker[object], what: str) -> None:
        """What the screen shows or undoes after `worker` failed; `what` says what happened."""
