"""Textual's Footer, rebuilt once however often the bindings change before the next refresh.

A new screen changes its bindings several times while it mounts and takes focus; Textual's Footer
rebuilds all its keys for each change (about 15 ms each), which showed up in the time to first rows.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _rebuild_scheduled = False

    def bindings_changed(self, screen: Screen) -> None:
        if self._rebuild_scheduled:
            return
        self._rebuild_scheduled = True
        self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen) -> None:
        self._rebuild_scheduled = False
        super().bindings_changed(screen)
