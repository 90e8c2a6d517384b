"""The keys a screen offers now, read from its bindings: the help screen lists them and the command
palette offers them by name, so the two always agree (and agree with the footer)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass(frozen=True)
class KeyAction:
    keys: tuple[str, ...]  # as the footer shows them: "^r", "?"
    description: str
    node: DOMNode  # where the binding is defined: a widget, the screen or the app
    action: str


def key_actions(screen: Screen[object]) -> list[KeyAction]:
    """Each action bound on the screen, its focused widget or the app, once, with all its keys: those
    the footer would show (a description and `show`), and never one its `check_action` refuses."""
    grouped: dict[tuple[int, str], tuple[DOMNode, Binding, list[str]]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.show or not binding.description:
            continue
        shown = screen.app.get_key_display(binding)
        *_, keys = grouped.setdefault((id(active.node), binding.action), (active.node, binding, []))
        if shown not in keys:
            keys.append(shown)
    return [
        KeyAction(tuple(keys), binding.description, node, binding.action)
        for node, binding, keys in grouped.values()
    ]
