"""Textual's Footer, Quit and Help first (Help as F1 while a text field has focus), rebuilt once
however often the bindings change before the next refresh.

A new screen changes its bindings several times while it mounts and takes focus; Textual's Footer
rebuilds all its keys for each change (about 15 ms each), which showed up in the time to first rows.
Each new key also restyled itself twice as it mounted (its `compact` starts True, then the footer's
False is bound to it), a style update each time; the bound keys are now made with the footer's
value already set.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

FIRST_ACTIONS = ("quit", "help", "stay_read_only")  # the keys a narrow terminal must still show


class KeyFooter(Footer):
    """Also puts Quit and Help first, so a narrow terminal cuts other keys, not those."""

    _rebuild_scheduled = False

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        for key in keys:
            if isinstance(key, FooterKey) and not key.has_class("-command-palette"):  # not bound
                key.set_reactive(FooterKey.compact, self.compact)
                key.set_class(self.compact, "-compact", update=False)
        first = [key for key in keys if isinstance(key, FooterKey) and key.action in FIRST_ACTIONS]
        if isinstance(self.screen.focused, Input):  # "?" types into the field: say the other key
            for key in first:
                if key.action == "help":
                    key.key, key.key_display = "f1", "F1"
        yield from sorted(first, key=lambda key: FIRST_ACTIONS.index(key.action))
        yield from (key for key in keys if key not in first)

    def bindings_changed(self, screen: Screen) -> None:
        if self._rebuild_scheduled:
            return
        self._rebuild_scheduled = True
        self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen) -> None:
        self._rebuild_scheduled = False
        super().bindings_changed(screen)
