"""Before a change is sent: what it does, in words, and the person's choices for it: a note (for a
reply), which events of a series, and who Google emails. Nothing is sent until they press Enter
or the button; Esc sends nothing."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from tui.calendar.changes import SCOPE_WORDS, SEND_UPDATES_WORDS, Scope, SendUpdates


@dataclass(frozen=True)
class SendChoices:
    note: str = ""
    send_updates: SendUpdates = "all"
    scope: Scope = "this"


class SendChangeScreen(ModalScreen[SendChoices | None]):
    CSS_PATH = "pickers.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("enter", "send", "Send", priority=True),
    ]

    def __init__(
        self,
        title: str,
        explanation: str,
        send: str,
        *,
        note: bool = False,
        recurring: bool = False,
        following: bool = False,
        guests: bool = False,
        danger: bool = False,
    ) -> None:
        """`recurring`: ask "this event or all" (`following`: or this and the following ones);
        `guests`: ask who is emailed (default: all)."""
        super().__init__()
        self.title_text = title
        self.explanation = explanation
        self.send = send
        self.asks_note = note
        self.recurring = recurring
        self.scopes = ("this", "following", "all") if following else ("this", "all")
        self.guests = guests
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Label(Text(self.title_text), classes="picker-title")
            if self.explanation:
                yield Static(Text(self.explanation))
            if self.asks_note:
                yield Input(
                    placeholder="A note for the organiser (optional)", id="note", max_length=500, compact=True
                )
            if self.recurring:
                with RadioSet(id="scope", compact=True):
                    for scope in self.scopes:
                        yield RadioButton(
                            SCOPE_WORDS[scope], value=scope == "this", name=scope, id=f"scope-{scope}"
                        )
            if self.guests:
                with RadioSet(id="send-updates", compact=True):
                    for value, words in SEND_UPDATES_WORDS.items():
                        yield RadioButton(words, value=value == "all", name=value, id=f"send-{value}")
            with Horizontal(classes="buttons"):
                yield Button(
                    self.send, id="send", variant="error" if self.danger else "primary", compact=True
                )
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        first = self.query("#note, RadioSet, #send").first()
        first.focus()

    def choices(self, highlighted: RadioButton | None = None) -> SendChoices:
        """What is chosen; `highlighted` (the list's option under the cursor) counts as chosen."""
        note = self.query_one("#note", Input).value if self.asks_note else ""
        scope = self._picked("#scope", "this", highlighted)
        send_updates = self._picked("#send-updates", "all", highlighted) if self.guests else "none"
        return SendChoices(note, send_updates, scope)  # type: ignore[arg-type]

    def _picked(self, selector: str, default: str, highlighted: RadioButton | None) -> str:
        found = self.query(selector)
        if not found:
            return default
        radio_set = found.only_one(RadioSet)
        pressed = highlighted if highlighted is not None and highlighted.parent is radio_set else None
        pressed = pressed or radio_set.pressed_button
        return pressed.name if pressed is not None and pressed.name else default

    def action_send(self) -> None:
        """Enter sends, wherever the focus is: a list's highlighted choice is taken first."""
        focused = self.focused
        if isinstance(focused, Button) and focused.id == "cancel":
            self.dismiss(None)
            return
        highlighted = None
        if isinstance(focused, RadioSet) and focused._selected is not None:  # Textual is pinned
            highlighted = focused.query(RadioButton)[focused._selected]
        self.dismiss(self.choices(highlighted))

    @on(Button.Pressed, "#send")
    def sent(self) -> None:
        self.dismiss(self.choices())

    @on(Button.Pressed, "#cancel")
    def cancelled(self) -> None:
        self.dismiss(None)
