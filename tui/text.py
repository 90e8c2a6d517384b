"""Text from outside (the Calendar API, the token endpoint, a proxy) made safe to put on a terminal."""

from __future__ import annotations

from typing import Any

# C0 and C1 control characters but tab and newline: they could drive the terminal (ANSI escapes).
# Bidirectional embeddings, overrides and isolates: they could make text read differently from what
# it is (the "Trojan Source" trick). All become visible marks.
_CONTROLS = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
_BIDI_OVERRIDES = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_UNSAFE = dict.fromkeys([*_CONTROLS, *_BIDI_OVERRIDES], "\ufffd")
_UNSAFE[0x1B] = "␛"


def safe_text(value: Any) -> str:
    """`value` if it is text, with control and bidirectional-override characters made visible."""
    if not isinstance(value, str):
        return ""
    if value.isprintable():  # none of _UNSAFE is printable: most text is returned as it is, at once
        return value
    return value.translate(_UNSAFE)


def clip(text: str, limit: int = 300) -> str:
    """At most `limit` characters: servers can send error descriptions of any length."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
