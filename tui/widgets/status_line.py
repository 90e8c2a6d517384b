"""One line of status under the title, drawn again when its text changes.

A `Static` lays the whole screen out again on every `update()` (it may change height); this line
is always one row high, so a new text only repaints it. While pages stream in the status changes
with each page, and those layouts were most of the main thread's work.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StatusLine(Widget):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    text: reactive[Text] = reactive(Text, layout=False)

    def render(self) -> Text:
        return self.text
