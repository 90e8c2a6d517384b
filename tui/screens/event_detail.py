"""One event in full, as plain text: nothing in it is read as markup."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.browser import open_in_browser
from tui.calendar.changes import is_invitation
from tui.calendar.model import Attendee, Event, format_when
from tui.clipboard import copy_from_worker
from tui.config import AppConfig
from tui.widgets.key_footer import KeyFooter
from tui.worker_errors import ReportsWorkerErrors

RESPONSE_MARKS = {
    "accepted": "✓ accepted",
    "declined": "✗ declined",
    "tentative": "? maybe",
    "needsAction": "· no reply",
}


REPLIES = {"accept": "reply('accepted')", "decline": "reply('declined')", "maybe": "reply('tentative')"}
# The changes this screen's keys ask for, as the events screen's actions.
CHANGE_ACTIONS = {**REPLIES, "edit": "edit_event", "delete": "delete_event"}


def attendee_line(person: Attendee) -> str:
    who = f"{person.name} <{person.email}>" if person.name else person.email
    notes = [
        note
        for flag, note in (
            (person.organizer, "organizer"),
            (person.optional, "optional"),
            (person.resource, "room"),
        )
        if flag
    ]
    extra = f" ({', '.join(notes)})" if notes else ""
    return f"  {RESPONSE_MARKS.get(person.response, person.response):<12} {who}{extra}"


def event_text(event: Event, config: AppConfig) -> Text:
    now = config.now()
    zone = now.tzinfo
    assert zone is not None
    text = Text()
    text.append(f"{event.title}\n", style="bold")
    text.append("\n")

    def field(label: str, value: str) -> None:
        if value:
            text.append(f"{label:<12}", style="dim")
            text.append(f"{value}\n")

    field("When", format_when(event, zone, now.date()))
    field("Where", event.location)
    field("Calendar", event.calendar)
    field("Also on", ", ".join(event.also_on))
    field("Organizer", event.organizer)
    field("Video call", event.conference_link)
    for number in event.phone_numbers:
        field("Dial in", number)
    if event.attendees:
        field("Your reply", RESPONSE_MARKS.get(event.my_response, event.my_response).lstrip("·✓✗? "))
    field("Link", event.html_link)
    for attachment in event.attachments:
        field("Attached", attachment)
    if event.recurring_event_id:
        field("Repeats", "This is one occurrence of a recurring event.")
    if event.attendees:
        going = sum(person.response == "accepted" for person in event.attendees)
        text.append(f"\nGuests: {len(event.attendees)} ({going} accepted)\n", style="bold")
        for person in event.attendees:
            text.append(attendee_line(person) + "\n")
    if event.attendees_omitted:
        text.append("  Google left some guests out of this list.\n", style="dim")
    description = event.description
    if description:
        text.append("\nDescription\n", style="bold")
        text.append(description + "\n")
    return text


class EventDetailScreen(ReportsWorkerErrors, ModalScreen[str | None]):
    """Closes with the name of a change to make to the event (the events screen makes it), or None."""

    CSS_PATH = "event_detail.tcss"
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("y", "copy_link", "Copy event link"),
        Binding("o", "open_video", "Open video call"),
        Binding("a", "change('accept')", "Accept"),
        Binding("x", "change('decline')", "Decline"),
        Binding("m", "change('maybe')", "Maybe"),
        Binding("e", "change('edit')", "Edit"),
        Binding("delete", "change('delete')", "Delete"),
    ]

    def __init__(self, event: Event, config: AppConfig, *, editable: bool = False) -> None:
        super().__init__()
        self.event = event
        self.config = config
        self.editable = editable

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(event_text(self.event, self.config), id="detail-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail").focus()

    def action_copy_link(self) -> None:
        if not self.event.html_link:
            self.notify("This event has no link.", severity="warning")
            return
        self.copy_link(self.event.html_link)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_video":
            return bool(self.event.conference_link)
        if action == "change":
            return is_invitation(self.event) if parameters[0] in REPLIES else self.editable
        return True

    def action_change(self, change: str) -> None:
        self.dismiss(CHANGE_ACTIONS[change])

    def action_open_video(self) -> None:
        self.open_video(self.event.conference_link)

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def open_video(self, link: str) -> None:
        problem = open_in_browser(link)
        if problem is None:
            self.notify("Opened the video call in your browser.")
        else:
            self.notify(f"{problem} The call: {link}", severity="warning", timeout=10)

    @work(thread=True, exclusive=True, group="clipboard", exit_on_error=False)
    def copy_link(self, link: str) -> None:
        copy_from_worker(self.app, link, "Event link")
