"""Imports put off until they are needed, and why.

The first paint comes before anything slow is imported: the sign-in screen for a first start, the
calendar's frame for the others. So the modules below are imported inside the functions that use
them (marked `# deferred`), never at the top of a module that start-up imports:

- oauth2client, httplib2 and googleapiclient, and our modules built on them (`tui.auth.flow`,
  `tui.auth.listener`, `tui.auth.revoke`, `tui.auth.stored`, `tui.calendar.client`,
  `tui.credentials_store`): about 0.3 s together, googleapiclient alone 0.2 s. Thread workers import
  them after the first paint.
- tzlocal: only to find the local zone, which the sign-in screen does not show.
- `tui.sandbox`: the demo's and the tests' stand-in for Google, never needed otherwise.
- dateutil: only to make a series' instances from its rules (the event store's recurring events).
- `tui.screens.events`: it brings the calendar's modules.

A test starts the app in a fresh interpreter and checks that none of `DEFERRED` was imported.
"""

from __future__ import annotations

# oauth2client's small clientsecrets module is read at start (the client secrets file); its client
# module, which brings httplib2, is not.
DEFERRED = ("oauth2client.client", "httplib2", "googleapiclient", "tzlocal", "tui.sandbox", "dateutil")


def import_calendar_libraries() -> None:
    """Import what the calendar needs; the sign-in screen calls it in a worker while the person is at
    the browser, so the first page is asked for as soon as the token arrives."""
    import googleapiclient.discovery  # noqa: F401

    import tui.calendar.client
    import tui.screens.events  # noqa: F401
