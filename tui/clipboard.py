"""Copying text: the system clipboard through pyperclip, else the terminal's (OSC 52)."""

from __future__ import annotations

from weakref import WeakSet

import pyperclip
from textual.app import App

_EXPLAINED: WeakSet[App[object]] = WeakSet()  # apps that have said once what OSC 52 is


def copy_from_worker(app: App[object], text: str, what: str) -> None:
    """Call from a thread worker: pyperclip may run a clipboard program and block."""
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        app.call_from_thread(_copy_through_terminal, app, text, what)
    else:
        app.notify(f"{what} copied to the clipboard (pyperclip).")


def _copy_through_terminal(app: App[object], text: str, what: str) -> None:
    app.copy_to_clipboard(text)
    if app in _EXPLAINED:
        app.notify(f"{what} copied (through the terminal).", timeout=3)
        return
    _EXPLAINED.add(app)
    app.notify(
        f"No system clipboard here, so the {what.lower()} was sent to your terminal's clipboard (OSC 52). "
        "If pasting gives nothing, select it on screen instead; in tmux, `set -g set-clipboard on`.",
        title="Copied through the terminal",
        timeout=8,
    )
