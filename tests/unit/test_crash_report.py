"""An unexpected error ends the app with a short report, a private file and exit status 1: no
traceback with local variables, no token or secret anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

import tui.__main__
from tui.crash import crash_message, crash_report, redact


def test_secrets_of_every_shape_are_redacted() -> None:
    text = (
        "refresh_token=1//0gLz-abc&code=4/0AX4XfWhsomeCODE123 'client_secret': 'GOCSPX-abc_DEF' "
        "Bearer ya29.a0AfH6SMB.x-y state=q8Zr1Lk2pM3nB4vC5 verifier Zr1Lk2pM3nB4vC5xD6zE7aF8gH9iJ0kLm"
    )
    redacted = redact(text)
    for secret in (
        "1//0gLz-abc",
        "4/0AX4",
        "GOCSPX-abc_DEF",
        "ya29.a0AfH6SMB",
        "q8Zr1Lk2",
        "Zr1Lk2pM3nB4vC5xD6",
    ):
        assert secret not in redacted
    kept = "on_events_screen_stored_sign_in_usable /home/ada/.local/state/gcal-tui/crash-1.txt line 42"
    assert redact(kept) == kept


def test_the_report_has_no_local_variables() -> None:
    def exchange(client_secret: str) -> None:
        verifier = "plain words"  # noqa: F841
        raise KeyError("ftp")

    try:
        exchange("GOCSPX-secret")
    except KeyError as error:
        report = crash_report(error)
    assert "KeyError: 'ftp'" in report
    assert "plain words" not in report and "GOCSPX-secret" not in report


def test_the_message_is_one_line_of_plain_text_per_fact() -> None:
    message = crash_message(ValueError("\x1b]52;c;cm0gLXJmIH4=\x07 and\nmore"), Path("/tmp/r.txt"))
    assert "\x1b" not in message and "\x07" not in message
    assert message.count("\n") == 2 and "/tmp/r.txt" in message


def test_main_turns_an_error_outside_the_app_into_a_report_and_status_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(argv: object) -> int:
        raise OSError("disk on fire with token ya29.leaked-token")

    monkeypatch.setattr(tui.__main__, "run", broken)
    assert tui.__main__.main([]) == 1
    printed = capsys.readouterr().err
    assert "Traceback" not in printed and "ya29.leaked" not in printed
    assert "OSError" in printed and str(tmp_path / "state") in printed
