"""The events screen's writes: reply (a/x/m), quick add (n), new (N), edit (e) and delete. Each asks
for leave to write the first time (see write_access), is sent only after the person confirms,
shows at once in the agenda, and goes back (with a message) if Google refuses it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from tui.calendar.agenda import Agenda
from tui.calendar.changes import (
    REPLY_WORDS,
    WRITE_SCOPE,
    WRITER_ROLES,
    Change,
    CheckedDraft,
    Draft,
    Reply,
    affects,
    delete_change,
    draft_of,
    edit_change,
    insert_change,
    is_invitation,
    may_edit,
    new_draft,
    reply_change,
    server_changes,
    shown_as_changed,
    shown_as_new,
)
from tui.calendar.errors import CalendarError
from tui.calendar.model import CalendarInfo, Event, parse_event
from tui.screens.confirm import ConfirmScreen
from tui.text import safe_text

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials

    from tui.calendar.loader import CalendarLoader
    from tui.config import AppConfig
    from tui.screens.event_form import EventFormScreen
    from tui.screens.send_change import SendChoices
    from tui.widgets.agenda_view import AgendaView


class ChangesEvents(Screen[None]):
    """The part of the events screen that changes events (EventsScreen derives from it): it uses
    the screen's agenda, calendars and sign-in."""

    BINDINGS = [
        Binding("a", "reply('accepted')", "Accept", show=False),
        Binding("x", "reply('declined')", "Decline", show=False),
        Binding("m", "reply('tentative')", "Maybe", show=False),
        Binding("n", "quick_add", "Quick add"),
        Binding("N", "new_event", "New event", key_display="N", show=False),
        Binding("e", "edit_event", "Edit", show=False),
        Binding("delete", "delete_event", "Delete", show=False),
    ]

    config: AppConfig
    loader: CalendarLoader
    credentials: OAuth2Credentials | None
    account: str | None
    calendars: dict[str, CalendarInfo]
    listed_calendars: list[CalendarInfo]
    agenda: Agenda
    use_store: bool
    notice: Text | None
    agenda_view: AgendaView

    @dataclass
    class ChangeMade(Message):
        pending: PendingChange
        answer: dict[str, Any]  # the event as Google now has it ({} once deleted)

    @dataclass
    class ChangeRefused(Message):
        pending: PendingChange
        error: CalendarError
        current: dict[str, Any] | None  # after a 412: the event as it is at Google now

    def __init__(self) -> None:
        super().__init__()
        self.pending_changes: list[PendingChange] = []
        self.unsaved_ids = itertools.count(1)

    if TYPE_CHECKING:  # what the events screen provides

        def selected_event(self) -> Event | None: ...
        def signed_in(self) -> bool: ...
        def show_lines(self) -> None: ...
        def sync(self, *, after_paint: bool = False) -> None: ...
        def load(self) -> None: ...
        def calendar_name(self, calendar_id: str) -> str: ...

    # Leave to write
    def with_write_access(self, doing: str, then: Callable[[], None]) -> None:
        """Run `then` once the sign-in may change events; ask Google for it first if it may not."""
        from tui.auth.stored import covers, granted_scopes  # deferred: oauth2client's storage

        if not self.signed_in() or self.credentials is None:
            return
        if covers(granted_scopes(self.credentials), [WRITE_SCOPE]):
            then()
            return

        def answered(result: OAuth2Credentials | str | None) -> None:
            if result is None or isinstance(result, str):
                why = f" {result}" if result else ""
                self.notify(f"Still read-only:{why} Nothing was changed.", severity="warning", timeout=8)
                return
            from tui.credentials_store import CredentialsStore  # deferred

            result.set_store(CredentialsStore(self.config.credentials_path))
            self.credentials = result
            self.loader.credentials = result
            self.notify("gcal-tui may now change your calendar's events.")
            then()

        self.app.push_screen(self.app.write_access_screen(self.account, doing), answered)  # type: ignore[attr-defined]

    # The actions
    def chosen_event(self) -> Event | None:
        event = self.selected_event()
        if event is None:
            self.notify("Move the cursor to an event first.", timeout=3)
        return event

    def action_reply(self, reply: Reply) -> None:
        event = self.chosen_event()
        if event is None:
            return
        if not is_invitation(event):
            self.notify(
                f"“{event.title}” is not an invitation to you: there is nothing to answer.", timeout=4
            )
            return
        self.with_write_access("answer invitations", lambda: self.ask_reply(event, reply))

    def ask_reply(self, event: Event, reply: Reply) -> None:
        from tui.screens.send_change import SendChangeScreen  # deferred: the write screens, when used

        def chosen(choices: SendChoices | None) -> None:
            if choices is not None:
                self.make(reply_change(event, reply, choices.note, choices.send_updates, choices.scope))

        self.app.push_screen(
            SendChangeScreen(
                f"{REPLY_WORDS[reply]} “{event.title}”",
                f"From {event.organizer or 'the organiser'}. Your reply goes to them.",
                REPLY_WORDS[reply],
                note=True,
                recurring=bool(event.recurring_event_id),
                guests=True,
            ),
            chosen,
        )

    def writable_calendars(self) -> list[tuple[str, str]]:
        """(name, id) of the calendars you may add to: yours first, as Google lists them."""
        writable = [(c.summary, c.id) for c in self.listed_calendars if c.access_role in WRITER_ROLES]
        return writable or [(self.account or "Your calendar", "primary")]

    def default_calendar(self, writable: list[tuple[str, str]]) -> str:
        event = self.selected_event()
        ids = [id_ for _, id_ in writable]
        if event is not None and event.calendar_id in ids:
            return event.calendar_id
        primary = next((c.id for c in self.listed_calendars if c.primary), "primary")
        return primary if primary in ids else ids[0]

    def action_quick_add(self) -> None:
        from tui.screens.quick_add import QuickAddScreen  # deferred

        def ask() -> None:
            writable = self.writable_calendars()
            self.app.push_screen(QuickAddScreen(writable, self.default_calendar(writable)), self.make_if_any)

        self.with_write_access("add events", ask)

    def make_if_any(self, change: Change | None) -> None:
        if change is not None:
            self.make(change)

    def action_new_event(self) -> None:
        def ask() -> None:
            writable = self.writable_calendars()
            draft = new_draft(self.selected_event(), self.config.now(), self.default_calendar(writable))

            def saved(checked: CheckedDraft | None) -> None:
                if checked is not None:
                    self.ask_send(
                        f"Add “{checked.body.get('summary', '')}”",
                        "Add",
                        bool(checked.body.get("attendees")),
                        False,
                        lambda choices: self.make(insert_change(checked, choices.send_updates)),
                    )

            self.app.push_screen(self.form("New event", draft, writable), saved)

        self.with_write_access("add events", ask)

    def form(self, title: str, draft: Draft, calendars: list[tuple[str, str]]) -> EventFormScreen:
        from tui.screens.event_form import EventFormScreen  # deferred

        return EventFormScreen(title, draft, calendars, self.config.now().date(), self.config.zone)

    def ask_send(
        self,
        words: str,
        send: str,
        guests: bool,
        recurring: bool,
        then: Callable[[SendChoices], None],
        *,
        danger: bool = False,
    ) -> None:
        """Ask who is emailed and which events of a series, when there is a choice; else go on."""
        from tui.screens.send_change import SendChangeScreen, SendChoices  # deferred

        if not guests and not recurring:
            then(SendChoices(send_updates="none"))
            return

        def chosen(choices: SendChoices | None) -> None:
            if choices is not None:
                then(choices)

        explanation = "Guests are emailed as you choose." if guests else ""
        self.app.push_screen(
            SendChangeScreen(
                words,
                explanation,
                send,
                recurring=recurring,
                following=recurring,
                guests=guests,
                danger=danger,
            ),
            chosen,
        )

    def editable(self, event: Event) -> bool:
        """Whether `event` is yours to change; if not, say why (and what can be done instead)."""
        calendar = self.calendars.get(event.calendar_id)
        role = calendar.access_role if calendar is not None else ""
        if may_edit(event, role):
            return True
        if is_invitation(event):
            self.notify(
                f"“{event.title}” is an invitation: its organiser changes it. a, x or m answers it.",
                timeout=5,
            )
        elif role in WRITER_ROLES and not event.busy_only:
            self.notify(
                f"“{event.title}” is a {event.event_type} event: change it in Google Calendar.", timeout=5
            )
        else:
            self.notify(f"You cannot change events on “{self.calendar_name(event.calendar_id)}”.", timeout=5)
        return False

    def action_edit_event(self) -> None:
        event = self.chosen_event()
        if event is None or not self.editable(event):
            return

        def ask() -> None:
            name = self.calendar_name(event.calendar_id)
            draft = draft_of(event, self.config.zone)

            def saved(checked: CheckedDraft | None) -> None:
                if checked is None:
                    return

                def send(choices: SendChoices) -> None:
                    change = edit_change(event, checked, choices.send_updates, choices.scope)
                    if change is None:
                        self.notify("Nothing to save: the fields are as they were.", timeout=3)
                    else:
                        self.make(change)

                guests = bool(event.attendees or checked.body.get("attendees"))
                self.ask_send(
                    f"Save “{checked.body.get('summary')}”",
                    "Save",
                    guests,
                    bool(event.recurring_event_id),
                    send,
                )

            self.app.push_screen(
                self.form(f"Edit “{event.title}”", draft, [(name, event.calendar_id)]), saved
            )

        self.with_write_access("change events", ask)

    def action_delete_event(self) -> None:
        event = self.chosen_event()
        if event is None:
            return
        calendar = self.calendars.get(event.calendar_id)
        if is_invitation(event) and not (calendar and may_edit(event, calendar.access_role)):
            if event.my_response != "declined":
                self.notify(f"“{event.title}” is an invitation: it is declined, not deleted.", timeout=5)
                self.action_reply("declined")
            else:
                self.notify(f"“{event.title}” is declined already.", timeout=4)
            return
        if not self.editable(event):
            return

        def ask() -> None:
            self.ask_send(
                f"Delete “{event.title}”",
                "Delete",
                bool(event.attendees),
                bool(event.recurring_event_id),
                lambda choices: self.make(delete_change(event, choices.send_updates, choices.scope)),
                danger=True,
            )

        def confirm() -> None:
            if event.attendees or event.recurring_event_id:
                ask()  # the dialog names the event and asks the rest
                return
            self.app.push_screen(
                ConfirmScreen(
                    f"Delete “{event.title}”?", f"{event.calendar}: it is deleted at Google.", "Delete"
                ),
                lambda yes: self.make(delete_change(event, "none", "this")) if yes else None,
            )

        self.with_write_access("delete events", confirm)

    # Sending
    def make(self, change: Change) -> None:
        """Show the change at once, and send it in a worker."""
        pending = PendingChange(change, f"unsaved-{next(self.unsaved_ids)}")
        self.pending_changes.append(pending)
        self.agenda = self.with_pending(self.agenda, [pending])
        self.show_lines()
        self.notice = Text(f"Saving: {change.words}…")
        self.send_change(pending)

    def with_pending(self, agenda: Agenda, pending_changes: list[PendingChange]) -> Agenda:
        """`agenda` with the changes not yet answered shown as made (after a store read too)."""
        for pending in pending_changes:
            change = pending.change
            if change.kind == "quick_add":
                continue  # Google reads the text: shown once it answers
            if change.before is None:
                name = self.calendar_name(change.calendar_id)
                new = shown_as_new(change, name, pending.unsaved_id)
                agenda = agenda.changed(lambda event: False, [new] if new is not None else [])
                continue
            affected = [event for event in agenda.events() if affects(change, event)]
            pending.originals = pending.originals or affected
            shown = [
                changed for event in affected if (changed := shown_as_changed(change, event)) is not None
            ]
            agenda = agenda.changed(partial(affects, change), shown)
        return agenda

    def without_pending(self, pending: PendingChange, instead: list[Event]) -> None:
        """Take the change's look out of the agenda, and show `instead` (the events as they were,
        or as Google now has them), in one step: the cursor stays on its event."""
        change = pending.change
        if change.before is None:
            self.agenda = self.agenda.changed(lambda event: event.id == pending.unsaved_id, instead)
        else:
            ids = {event.id for event in pending.originals} | {change.before.id}
            calendar_id = change.before.calendar_id
            self.agenda = self.agenda.changed(
                lambda event: event.calendar_id == calendar_id and event.id in ids, instead
            )
        self.show_lines()

    @work(thread=True, group="write", exit_on_error=False)
    def send_change(self, pending: PendingChange) -> None:
        from tui.calendar.changes import send  # deferred: the client, googleapiclient
        from tui.calendar.client import connect

        change = pending.change
        assert self.loader.credentials is not None
        with connect(self.config, self.loader.credentials) as calendar:
            try:
                answer = send(change, calendar)
            except CalendarError as error:
                current = None
                if error.kind == "conflict" and change.scope == "this":  # a series' own is no event to show
                    try:
                        current = calendar.get_event(change.calendar_id, change.event_id)
                    except CalendarError:
                        current = None
                self.post_message(self.ChangeRefused(pending, error, current))
                return
        self.post_message(self.ChangeMade(pending, answer))

    def on_changes_events_change_made(self, message: ChangeMade) -> None:
        pending, answer = message.pending, message.answer
        change = pending.change
        self.pending_changes.remove(pending)
        self.notice = None
        made = (
            parse_event(answer, self.calendar_name(change.calendar_id), change.calendar_id)
            if answer
            else None
        )
        if made is not None and change.scope == "this":
            if change.before is not None and change.before.also_on:
                made.also_on = change.before.also_on
            self.without_pending(pending, [made])
        if made is not None and change.before is None and not self.agenda_view.select_event(made.id):
            day = made.starts_at(self.config.zone)
            self.notify(f"“{made.title}” is on {day:%a %d %b}, outside the days shown: g goes there.")
        self.notify(f"Done: {change.words}.", timeout=4)
        if self.use_store:
            self.sync()  # into the store: a restart shows it
        elif change.scope != "this":
            self.load()  # each event of the series as Google changed it

    def on_changes_events_change_refused(self, message: ChangeRefused) -> None:
        pending, error, current = message.pending, message.error, message.current
        change = pending.change
        self.pending_changes.remove(pending)
        self.notice = None
        self.without_pending(pending, pending.originals if error.kind != "gone" else [])
        if error.kind == "write_access":
            self.with_write_access("change events", lambda: self.make(change))
        elif error.kind == "conflict":
            self.resolve_conflict(change, current)
        elif error.kind == "gone":
            self.notify(
                f"Not done: {change.words}. {error.message} {error.hint}", severity="warning", timeout=8
            )
        else:
            hint = (
                "Try again once Google Calendar can be reached." if error.kind == "transient" else error.hint
            )
            self.notify(
                f"Not saved: {change.words}. {error.message} Nothing was changed. {hint}",
                severity="error",
                timeout=10,
            )

    def resolve_conflict(self, change: Change, current: dict[str, Any] | None) -> None:
        """A 412: show what changed at Google; redo the change on the event as it is now, or drop it."""
        before = change.before
        now_event = (
            parse_event(current, before.calendar, before.calendar_id)
            if current and before is not None
            else None
        )
        if before is None or current is None or now_event is None:
            self.notify(
                f"Not saved: {change.words}. The event changed at Google; press r and try again.",
                severity="warning",
                timeout=8,
            )
            return
        self.agenda = self.agenda.changed(
            lambda event: affects(change, event) and event.id == before.id, [now_event]
        )
        self.show_lines()

        def chosen(redo: bool | None) -> None:
            if redo:
                self.make(change.again_at(safe_text(current.get("etag")), now_event))
            else:
                self.notify(f"Dropped: {change.words}. The event is shown as it is at Google.", timeout=5)

        self.app.push_screen(
            ConfirmScreen(
                "Changed elsewhere",
                conflict_text(change.words, server_changes(before.item, current)),
                "Redo my change",
                "Drop my change",
            ),
            chosen,
        )


def conflict_text(words: str, changes: list[tuple[str, str, str]]) -> Text:
    """After a 412: what changed at Google (then → now), and the change asked for."""
    text = Text()
    text.append("Someone changed this event since gcal-tui read it. Changed at Google:\n", style="bold")
    for label, then, now in changes or [("(nothing gcal-tui shows)", "", "")]:
        text.append(f"  {label}: ", style="dim")
        if then or now:
            text.append(then, style="strike")
            text.append(" → ")
            text.append(now, style="green")
        text.append("\n")
    text.append("\nYour change: ", style="dim")
    text.append(words)
    return text


@dataclass(eq=False)
class PendingChange:
    """A change sent and not yet answered; `originals`, the events it changed in the agenda."""

    change: Change
    unsaved_id: str  # a new event's id in the agenda until Google gives it one
    originals: list[Event] = field(default_factory=list)
