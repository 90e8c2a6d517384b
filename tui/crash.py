"""What is left when something unexpected ends gcal-tui: a short report on screen, and the details in
a private file, with no local variables and no secrets.

Textual's own report shows every frame's local variables (the client secret, the code, the PKCE
verifier, the tokens), and it stays in the terminal's scrollback.
"""

from __future__ import annotations

import os
import re
import traceback
from datetime import UTC, datetime
from pathlib import Path

from tui.storage import write_private_file
from tui.text import clip, safe_text

# A value after a name that holds a secret; then Google's token, code and secret shapes; then any
# long opaque run with a digit in it (a code, a verifier, a state) that has no other shape.
_NAMED = re.compile(
    r"(?P<name>\b(?:access_token|refresh_token|client_secret|id_token|code|code_verifier|state|"
    r"assertion|password)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,)}]+"
)
_SHAPES = re.compile(
    r"ya29\.[\w.\-]+|1//[\w.\-]+|GOCSPX-[\w\-]+|\b4/[\w\-]{10,}|\b(?=[A-Za-z_\-]*\d)[A-Za-z0-9_\-]{32,}\b"
)
REDACTED = "«redacted»"


def redact(text: str) -> str:
    """`text` with every token, secret and long opaque value replaced."""
    text = _NAMED.sub(lambda match: match.group("name") + REDACTED, text)
    return _SHAPES.sub(REDACTED, text)


def crash_report(error: BaseException) -> str:
    """The traceback without local variables, secrets redacted."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return redact("".join(lines))


def write_crash_report(error: BaseException, directory: Path) -> Path | None:
    """Write the report to a new 0600 file in `directory` (0700); its path, or None if it could
    not be written."""
    now = datetime.now(UTC)
    path = directory / f"crash-{now:%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    try:
        write_private_file(path, f"gcal-tui crashed at {now:%Y-%m-%d %H:%M:%S} UTC\n\n{crash_report(error)}")
    except OSError:
        return None
    return path


def _what_it_said(error: BaseException, limit: int) -> str:
    """The error's own words on one line: redacted, cleaned, cut."""
    return clip(safe_text(redact(str(error))).replace("\n", " "), limit)


def crash_message(error: BaseException, report: Path | None) -> str:
    """What the terminal shows: a few lines, the error's kind and where the details are."""
    what = _what_it_said(error, 200)
    kind = type(error).__name__
    lines = [f"gcal-tui stopped after an unexpected error: {kind}" + (f": {what}" if what else "")]
    if report is not None:
        lines.append(f"The details (no tokens or secrets in them) are in {report}")
        lines.append("Please attach that file to a bug report. Your stored sign-in is unchanged.")
    else:
        lines.append("The details could not be saved. Your stored sign-in is unchanged.")
    return "\n".join(lines)


def unexpected_error(error: BaseException | None, directory: Path) -> str:
    """For a worker's unexpected error, which the app survives: a short line for the screen, with
    where the report was written."""
    if error is None:
        return "Something went wrong."
    what = _what_it_said(error, 120)
    report = write_crash_report(error, directory)
    saved = f" Details in {report}." if report is not None else ""
    return f"Unexpected error: {type(error).__name__}" + (f": {what}." if what else ".") + saved
