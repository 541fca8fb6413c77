"""Report text on a terminal, shown and never obeyed.

A report (or a file's name) may hold escape sequences: ESC or CSI sequences
that set the terminal's title, clear the screen, colour text as perfkg's own
output, or write the clipboard (OSC 52), and bidirectional overrides that show
text in another order than it is read. Whatever the command line prints to a
terminal has them as visible escapes (`\\x1b`, `\\u202e`): every control
character but newline and tab (C0, DEL, C1), and the bidirectional controls.
What goes to a pipe or a file as data (CSV, an export) is left whole; JSON escapes them
in its own notation, so it stays exact.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from rich.console import Console, ConsoleRenderable, RenderHook, RichCast
from rich.segment import Segment

# Bidirectional embeddings, overrides and isolates, the marks, and Arabic's letter mark.
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
_CONTROLS = [c for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in "\n\t"]

# Visible escapes; a carriage return is dropped (a CRLF line ends as a line does).
_VISIBLE = str.maketrans({**{c: f"\\x{c:02x}" for c in _CONTROLS}, **{c: f"\\u{c:04x}" for c in _BIDI}, 0x0D: ""})
# In JSON, the characters JSON itself leaves raw, in its \\u notation.
_JSON = str.maketrans({c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), *_BIDI)})


def visible(text: str) -> str:
    """The text with control and bidirectional characters as visible escapes."""
    return text.translate(_VISIBLE)


def json_text(value: Any, **options) -> str:
    """JSON with no character a terminal obeys: the same value, read back."""
    return json.dumps(value, ensure_ascii=False, **options).translate(_JSON)


def on_terminal(chunks: Iterable[str], terminal: bool) -> Iterable[str]:
    """Data (CSV, an export) as printed: made visible on a terminal, whole to a pipe or a file."""
    return (visible(chunk) for chunk in chunks) if terminal else chunks


class _Shown:
    """A renderable as it would be drawn, its text made visible and its links
    dropped (Rich's [link=…] markup in a report's text would make one)."""

    def __init__(self, renderable):
        self.renderable = renderable

    def __rich_console__(self, console: Console, options):
        for text, style, control in console.render(self.renderable, options):
            if control:  # the console's own cursor moves (a progress bar)
                yield Segment(text, style, control)
            else:
                yield Segment(visible(text), style.update_link(None) if style and style.link else style)


class ShownNotObeyed(RenderHook):
    """Every renderable a console prints, drawn with `visible` text."""

    def process_renderables(self, renderables: list[ConsoleRenderable | RichCast]) -> list[ConsoleRenderable]:
        return [_Shown(r) for r in renderables]


def safe_console(**options) -> Console:
    console = Console(**options)
    console.push_render_hook(ShownNotObeyed())
    return console
