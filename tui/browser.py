"""Opening a link in the person's browser, when there is one that will not take over the terminal."""

from __future__ import annotations

import webbrowser

NO_BROWSER = "No graphical browser on this machine: copy the link and open it on another device."


def open_in_browser(url: str) -> str | None:
    """Open `url`; None if it was opened, else why not, in words. It may block: call it from a
    thread worker."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return NO_BROWSER
    if isinstance(browser, webbrowser.GenericBrowser) and not isinstance(
        browser, webbrowser.BackgroundBrowser
    ):
        return NO_BROWSER  # a text browser would take over this terminal
    return None if browser.open(url) else NO_BROWSER
