"""Copying text: the system clipboard through pyperclip, else the terminal's (OSC 52)."""

from __future__ import annotations

import pyperclip
from textual.app import App


def copy_from_worker(app: App[object], text: str, what: str) -> None:
    """Call from a thread worker: pyperclip may run a clipboard program and block."""
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        app.call_from_thread(_copy_through_terminal, app, text, what)
    else:
        app.call_from_thread(app.notify, f"{what} copied to the clipboard (pyperclip).")


def _copy_through_terminal(app: App[object], text: str, what: str) -> None:
    app.copy_to_clipboard(text)
    app.notify(
        f"No system clipboard here, so the {what.lower()} was sent to your terminal's clipboard (OSC 52). "
        "If pasting gives nothing, select it on screen instead; in tmux, `set -g set-clipboard on`.",
        title="Copied through the terminal",
        timeout=8,
    )
