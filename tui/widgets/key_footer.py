"""Textual's Footer, Quit and Help first (Help as F1 while a text field has focus), built with its
screen and rebuilt only when the keys it shows change.

Textual's Footer starts empty and rebuilds all its keys for each change of the screen's bindings,
several while a new screen mounts and takes focus (15 to 35 ms each on the UI thread, while the
first page of events is on its way). This one shows its keys in the screen's first frame, as they
will be once the screen's auto focus lands, and rebuilds (once however many changes come before
the next refresh) only when a key, its label or whether it is enabled differs. Each new key also
restyled itself twice as it mounted (its `compact` starts True, then the footer's False is bound to
it); the keys are made with the value already set.
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

    _bindings_ready = True  # Footer waits for the first change of bindings to show any keys
    _rebuild_scheduled = False
    _shown: KeysShown | None = None

    def __init__(self, *, field_first: bool = False) -> None:
        """`field_first`: the screen puts the focus in a text field as it opens (Help is F1 from
        its first frame, before the field is there to be found)."""
        super().__init__()
        self.field_first = field_first

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        for key in keys:
            if isinstance(key, FooterKey) and not key.has_class("-command-palette"):  # not bound
                key.set_reactive(FooterKey.compact, self.compact)
                key.set_class(self.compact, "-compact", update=False)
        first = [key for key in keys if isinstance(key, FooterKey) and key.action in FIRST_ACTIONS]
        if self.typing():  # "?" types into the field: say the other key
            for key in first:
                if key.action == "help":
                    key.key, key.key_display = "f1", "F1"
        self._shown = self.keys_shown()
        yield from sorted(first, key=lambda key: FIRST_ACTIONS.index(key.action))
        yield from (key for key in keys if key not in first)

    def keys_shown(self) -> KeysShown:
        """What the keys composed now would show: as Footer does, the first binding shown of each
        action, whether it is enabled, its tooltip; and whether a text field has focus (which
        decides Help's key, whichever of its bindings is first)."""
        shown: dict[str, object] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                key = binding.description if binding.action == "help" else binding
                shown[binding.action] = (key, enabled, tooltip)
        return (self.typing(), *shown.values())

    def typing(self) -> bool:
        """Whether a text field has focus, or will have once the screen's first focus lands."""
        focused = self.screen.focused
        return self.field_first if focused is None else isinstance(focused, Input)

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
