"""Textual's Footer, Quit and Help first (Help as F1 while a text field has focus), built with the
screen and rebuilt only when the keys it shows change.

A new screen changes its bindings several times while it mounts and takes focus; Textual's Footer
starts empty and rebuilds all its keys for each change (15 to 35 ms each on the UI thread, while the
first page of events is on its way). This one shows its keys in the screen's first frame, and
rebuilds (once however many changes come before the next refresh) only when a key, its label or
whether it is enabled differs. Each new key also restyled itself twice as it mounted (its `compact`
starts True, then the footer's False is bound to it); the keys are made with the value already set.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

FIRST_ACTIONS = ("quit", "help", "stay_read_only")  # the keys a narrow terminal must still show

KeysShown = tuple[object, ...]  # what the keys shown depend on (see keys_shown)


class KeyFooter(Footer):
    """Also puts Quit and Help first, so a narrow terminal cuts other keys, not those."""

    _bindings_ready = True  # Footer waits for the first change of bindings to show any
    _rebuild_scheduled = False
    _shown: KeysShown | None = None

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
        self._shown = self.keys_shown()
        yield from sorted(first, key=lambda key: FIRST_ACTIONS.index(key.action))
        yield from (key for key in keys if key not in first)

    def keys_shown(self) -> KeysShown:
        """What the keys composed now would show: the bindings shown, whether each is enabled, and
        whether a text field has focus (Help's key)."""
        screen = self.screen
        shown = tuple(
            (binding, enabled, tooltip)
            for _, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )
        return (isinstance(screen.focused, Input), *shown)

    def bindings_changed(self, screen: Screen) -> None:
        if self._rebuild_scheduled:
            return
        self._rebuild_scheduled = True
        self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen) -> None:
        self._rebuild_scheduled = False
        attached = self.is_attached and screen is self.screen
        if attached and self._shown is not None and self.keys_shown() == self._shown:
            return
        super().bindings_changed(screen)
