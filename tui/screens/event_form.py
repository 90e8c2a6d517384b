"""The form for a new event (N) or an event of yours (e): checked as it is typed, saved with ctrl+s."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from tui.calendar.changes import CheckedDraft, Draft, read_draft
from tui.screens.confirm import ConfirmScreen

LABELS = {
    "title": "Title",
    "calendar_id": "Calendar",
    "day": "Day",
    "start": "Starts",
    "end": "Ends",
    "last_day": "Last day",
    "zone": "Time zone",
    "location": "Where",
    "guests": "Guests",
    "description": "Notes",
}
PLACEHOLDERS = {
    "title": "What",
    "day": "2026-12-24, dec 24, +7, monday…",
    "start": "14:30, 9am…",
    "end": "15:30 (01:00 +1: the next day)",
    "last_day": "the same day, or a later one",
    "zone": "Europe/London…",
    "location": "Room, address or link",
    "guests": "ana@example.com, bo@example.com",
}


class EventFormScreen(ModalScreen[CheckedDraft | None]):
    CSS_PATH = "event_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, title: str, draft: Draft, calendars: list[tuple[str, str]], today: date, zone: ZoneInfo
    ) -> None:
        """`calendars`: (name, id) to choose from; one alone (an edit) is shown, not chosen."""
        super().__init__()
        self.title_text = title
        self.first_draft = draft
        self.calendars = calendars
        self.today = today
        self.zone = zone
        self.checked: CheckedDraft | None = None
        self.tried = False  # a save was asked for: every problem is shown, not only those typed

    def compose(self) -> ComposeResult:
        draft = self.first_draft
        with VerticalScroll(classes="form"):
            yield Label(Text(self.title_text), classes="form-title")
            yield from self._row("title", Input(draft.title, id="title", max_length=1024, compact=True))
            if len(self.calendars) > 1:
                choice = Select(
                    [(Text(name), id_) for name, id_ in self.calendars],
                    value=draft.calendar_id,
                    allow_blank=False,
                    id="calendar_id",
                    compact=True,
                )
            else:
                choice = Static(Text(self.calendars[0][0] if self.calendars else draft.calendar_id))
            yield from self._row("calendar_id", choice)
            yield from self._row("day", Input(draft.day, id="day", compact=True))
            yield Checkbox("All day", draft.all_day, id="all_day", compact=True)
            for name in ("start", "end", "last_day", "zone", "location", "guests"):
                yield from self._row(name, Input(getattr(draft, name), id=name, compact=True))
            yield from self._row("description", TextArea(draft.description, id="description", compact=True))
            yield Static(id="problems")
            with Horizontal(classes="buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def _row(self, name: str, field: Input | Select[str] | Static | TextArea) -> ComposeResult:
        if isinstance(field, Input):
            field.placeholder = PLACEHOLDERS.get(name, "")
        with Horizontal(classes="row", id=f"row-{name}"):
            yield Label(LABELS[name], classes="label")
            yield field

    def on_mount(self) -> None:
        self.show_all_day(self.first_draft.all_day)
        self.check()
        self.query_one("#title", Input).focus()

    def draft(self) -> Draft:
        values: dict[str, object] = {}
        for field in fields(Draft):
            found = self.query(f"#{field.name}")
            widget = found.first() if found else None
            if isinstance(widget, Input):
                values[field.name] = widget.value
            elif isinstance(widget, TextArea):
                values[field.name] = widget.text
            elif isinstance(widget, Checkbox):
                values[field.name] = widget.value
            elif isinstance(widget, Select):
                values[field.name] = str(widget.value)
            else:
                values[field.name] = getattr(self.first_draft, field.name)
        return Draft(**values)  # type: ignore[arg-type]

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def check(self) -> None:
        """Check the fields as they are typed: each wrong one marked, what to type said below (for
        a field not typed in yet, once a save is asked for)."""
        draft = self.draft()
        self.checked, problems = read_draft(draft, self.today, self.zone)
        if not self.tried:
            problems = {
                name: problem
                for name, problem in problems.items()
                if getattr(draft, name) != getattr(self.first_draft, name)
            }
        for name in LABELS:
            for widget in self.query(f"#{name}"):
                widget.set_class(name in problems, "-invalid")
        shown = Text()
        for name, problem in problems.items():
            shown.append(f"{LABELS[name]}: ", style="bold red")
            shown.append(f"{problem}\n", style="red")
        if self.checked is not None:
            shown.append("Ready to save.", style="green")
        elif not problems:
            shown.append("Fill in the title and times.", style="dim")
        shown.rstrip()
        self.query_one("#problems", Static).update(shown)
        self.query_one("#save", Button).disabled = self.checked is None

    @on(Checkbox.Changed, "#all_day")
    def all_day_changed(self, message: Checkbox.Changed) -> None:
        self.show_all_day(message.value)
        self.check()

    def show_all_day(self, all_day: bool) -> None:
        for name in ("start", "end", "zone"):
            self.query_one(f"#row-{name}").display = not all_day
        self.query_one("#row-last_day").display = all_day

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.tried = True
        self.check()
        if self.checked is None:
            self.notify("Not saved yet: fix the fields marked in red.", severity="warning")
            return
        self.dismiss(self.checked)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.draft() == self.first_draft:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Discard your changes?", "What you typed in the form is lost.", "Discard", "Keep editing"
            ),
            answered,
        )
