"""Text as it comes from PDFs, cleaned, with every character traced to the source.

Three layers of the same document:

- ``raw``: the decoded file, untouched;
- ``clean``: markup (``<p>``, ``**``) removed and lines a page break or a
  hard wrap cut in two joined again; values (names, targets, actuals) are
  taken from here, so they stay verbatim;
- ``norm``: ``clean`` with full-width digits, letters and brackets made
  half-width, one character for one, so patterns are written once.

``pos[i]`` is the raw index of ``clean[i]``: a span found in ``norm`` is the
same span of ``clean`` and maps back to the raw text it came from, which is
what evidence quotes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from .numbers import chinese_number, quantities

# Markup the PDF-to-text step leaves behind. Only these tags: a '<' in the
# text itself (≤, 《》 aside) must survive.
_MARKUP = re.compile(
    r"</?(?:p|br|b|i|u|strong|em|span|div|font|td|tr|th|table|tbody|thead)\b[^>\n]{0,80}>|\*\*|&nbsp;|&amp;|&lt;|&gt;",
    re.I,
)
_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">"}
# Invisible characters dropped outright.
_INVISIBLE = "\u200b\u200c\u200d\ufeff\u00ad"
_SPACES = {"\u3000": " ", "\u00a0": " ", "\r": "", "\f": "\n", "\v": "\n"}

_HALF_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_HALF_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_HALF_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_HALF_WIDTH.update(
    {"％": "%", "（": "(", "）": ")", "．": ".", "＋": "+", "－": "-", "＜": "<", "＞": ">", "＝": "=",
     "～": "~", "／": "/", "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "Ⅰ": "I", "Ⅱ": "II"}
)
_HALF_WIDTH = {k: v for k, v in _HALF_WIDTH.items() if len(v) == 1}
# str.translate looks every character up in its table, a few ms per report;
# a regex visits only the characters that change.
_FULL_WIDTH = re.compile("[" + "".join(re.escape(k) for k in _HALF_WIDTH) + "]")


def to_half_width(text: str) -> str:
    """Full-width digits, letters and brackets as half-width, one character for one."""
    return _FULL_WIDTH.sub(lambda m: _HALF_WIDTH[m.group(0)], text)

# Where a paragraph may end: sentence punctuation, possibly closed by a quote
# or bracket.
_TERMINAL = re.compile(r"[。！？!?；;…]+[”’」』）)\]]*\s*$")

# A numbered heading or item, an inline enumeration head (一是), a table or
# figure caption: a line starting so begins something new.
MARKER = re.compile(
    r"""^\s*(?:
        第[一二三四五六七八九十百]+(?:部分|章|节|条)
      | [一二三四五六七八九十]{1,3}\s*[、.．]
      | [(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]
      | \d{1,2}\s*[、.．](?!\d)
      | \d{1,2}\s*[)）]
      | [(（]\s*\d{1,2}\s*[)）]
      | [①-⑳]
      | [一二三四五六七八九十]{1,3}是
      | 第[一二三四五六七八九十]+[，,、是]
      | (?:表|图)\s*\d
      | 附件
    )""",
    re.X,
)

_CJK = re.compile(r"[\u4e00-\u9fff]")

# The numbering styles of Chinese official documents, outermost first; the
# number is their rank in the outline.
# (Matched at a position, so no ^: it would only match at the string's start.)
_STYLES = [
    ("part", 0, re.compile(r"\s*第(?P<n>[一二三四五六七八九十]+)(?:部分|章)\s*")),
    ("cn", 1, re.compile(r"\s*(?P<n>[一二三四五六七八九十]{1,3})\s*[、.](?!\d)\s*")),
    ("paren_cn", 2, re.compile(r"\s*\(\s*(?P<n>[一二三四五六七八九十]{1,3})\s*\)\s*[、.]?\s*")),
    ("num", 3, re.compile(r"\s*(?P<n>\d{1,2})\s*[、.](?!\d)\s*")),
    ("paren_num", 4, re.compile(r"\s*\(\s*(?P<n>\d{1,2})\s*\)\s*[、.]?\s*")),
    ("num_paren", 4, re.compile(r"\s*(?P<n>\d{1,2})\s*\)\s*")),
    ("circled", 5, re.compile(r"\s*(?P<n>[①-⑳])\s*")),
]

_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}


def marker(text: str, pos: int = 0) -> tuple[str, int, int, int] | None:
    """(style, rank, ordinal, length of the marker) of a numbered paragraph
    (of the text from `pos`)."""
    for style, rank, pattern in _STYLES:
        m = pattern.match(text, pos)
        if m:
            raw = m.group("n")
            ordinal = _CIRCLED[raw] if style == "circled" else chinese_number(raw)
            if ordinal is None:
                continue
            return style, rank, ordinal, m.end() - pos
    return None


def _item_starts(norm: str) -> list[int]:
    """Where the numbered items of a line start, when the PDF ran several
    onto one line: (一)A。(二)B。(三)C。 -> [0, start of (二), start of (三)].
    The items must continue the line's own numbering, each right after a
    full stop."""
    first = marker(norm)
    if first is None:
        return [0]
    style, _, ordinal, _ = first
    starts = [0]
    for m in re.finditer(r"(?<=[。；;])\s*", norm):
        following = marker(norm, m.end())
        if following and following[0] == style and following[2] == ordinal + len(starts):
            starts.append(m.end())
    return starts


@lru_cache(maxsize=4096)
def _segment(window: str) -> tuple[str, ...]:
    import jieba  # loaded on first use: most joins never need it

    jieba.setLogLevel(60)
    return tuple(jieba.cut(window, HMM=False))


def straddles_word(before: str, after: str) -> bool:
    """True when the last characters of `before` and the first of `after`
    form one word, as when a page break cut 功|夫 or 建|设."""
    left, right = before.rstrip()[-4:], after.lstrip()[:4]
    if not left or not right or not (_CJK.match(left[-1]) and _CJK.match(right[0])):
        return False
    position = 0
    for token in _segment(left + right):
        if position < len(left) < position + len(token):
            return True
        position += len(token)
    return False


def _heading_like(line: str) -> bool:
    """A short numbered line with no sentence inside it: a heading."""
    body = line.strip()
    return bool(MARKER.match(body)) and len(body) <= 40 and not re.search(r"[。！？；;]", body)


def _title_like(line: str) -> bool:
    """A short line without punctuation: a title, caption or unit note."""
    body = line.strip()
    return len(body) <= 30 and not re.search(r"[，,。；;、：:]", body)


def should_join(before: str, after: str) -> bool:
    """Were these two lines one paragraph that a page break or wrap cut?"""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after:
        return False
    if _TERMINAL.search(before) or MARKER.match(after):
        return False
    if _heading_like(before) or _title_like(before):
        # A heading or title stands alone unless the break cut a word (上下功|夫)
        # or a value from what it counts (开展活动共计|124 次).
        return straddles_word(before, after) or _starts_with_quantity(after)
    return True


def _starts_with_quantity(text: str) -> bool:
    found = quantities(text[:16], need_unit=True)
    return bool(found) and found[0].start == 0


@dataclass
class Cell:
    start: int
    end: int
    text: str  # clean text of the cell, stripped


@dataclass
class Row:
    start: int
    end: int
    cells: list[Cell]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Block:
    """A paragraph (one logical line) or a table (consecutive tab rows)."""

    kind: str  # "paragraph" | "table"
    start: int
    end: int
    rows: list[Row] = field(default_factory=list)


class OffsetMap:
    """Where each character of a derived text came from in another, kept as
    runs: the characters from ``starts[k]`` on, up to the next run, came
    from ``origins[k]`` on, one for one. Text is copied in long runs, so a
    report needs a few hundred entries where a table of every character
    took a millisecond to fill."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.origins: list[int] = []
        self.length = 0
        self._next_origin = -1  # where a run continuing the last one would come from

    def add(self, origin: int, length: int) -> None:
        """The next `length` characters came from `origin` on."""
        if length <= 0:
            return
        if origin != self._next_origin:
            self.starts.append(self.length)
            self.origins.append(origin)
        self.length += length
        self._next_origin = origin + length

    def add_span(self, source: "OffsetMap", start: int, end: int) -> None:
        """The next characters are source's [start, end): they came from where those came from."""
        k = bisect_right(source.starts, start) - 1
        while start < end:
            run_end = source.starts[k + 1] if k + 1 < len(source.starts) else source.length
            take = min(end, run_end) - start
            self.add(source.origins[k] + start - source.starts[k], take)
            start += take
            k += 1

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < self.length:
            raise IndexError(index)
        k = bisect_right(self.starts, index) - 1
        return self.origins[k] + index - self.starts[k]

    def __len__(self) -> int:
        return self.length


class Text:
    def __init__(self, raw: str):
        self.raw = raw
        pieces, positions = _strip_markup(raw)
        self.clean, self.pos, self.blocks = _build(pieces, positions)
        self.norm = to_half_width(self.clean)

    def raw_span(self, start: int, end: int) -> str:
        """The raw source text behind clean[start:end]."""
        if end <= start:
            return ""
        return self.raw[self.pos[start] : self.pos[end - 1] + 1]

    def evidence(self, start: int, end: int) -> str:
        """The source behind clean[start:end], whitespace runs collapsed."""
        return collapse_ws(self.raw_span(start, end))

    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "paragraph"]


def collapse_ws(text: str) -> str:
    """Runs of whitespace as one space, none at the ends."""
    return " ".join(text.split())


_DROPPED = re.compile("[" + _INVISIBLE + "\r]")
_ODD_SPACE = re.compile("[\u3000\u00a0\f\v]")


def _strip_markup(raw: str) -> tuple[list[str], OffsetMap]:
    """Pieces of raw without markup or invisible characters, and where their
    characters are in raw. Copied a segment at a time; only a segment holding
    a character to drop is walked character by character."""
    pieces: list[str] = []
    positions = OffsetMap()

    def copy(start: int, end: int) -> None:
        segment = raw[start:end]
        if not _DROPPED.search(segment):
            pieces.append(_ODD_SPACE.sub(lambda m: _SPACES[m.group(0)], segment))
            positions.add(start, end - start)
            return
        for index in range(start, end):
            char = raw[index]
            if char in _INVISIBLE or char == "\r":
                continue
            pieces.append(_SPACES.get(char, char))
            positions.add(index, 1)

    last = 0
    for match in _MARKUP.finditer(raw):
        copy(last, match.start())
        replacement = _ENTITIES.get(match.group(0).lower())
        if replacement:  # an entity stands for one character; a tag for none
            pieces.append(replacement)
            positions.add(match.start(), 1)
        last = match.end()
    copy(last, len(raw))
    return pieces, positions


def _build(pieces: list[str], positions: OffsetMap) -> tuple[str, OffsetMap, list[Block]]:
    """Join cut lines, drop blank ones, and find the paragraphs and tables."""
    text = "".join(pieces)
    # Physical lines as (start, end) in `text`, spaces trimmed; tab rows keep
    # their leading tabs (empty cells).
    physical: list[tuple[int, int, bool]] = []
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        is_table = "\t" in line and line.replace("\t", "").strip() != "" and line.count("\t") >= 1
        if is_table:
            # Trailing tabs are trailing empty cells: they keep the columns aligned.
            while end > start and text[end - 1] == " ":
                end -= 1
            while start < end and text[start] == " ":
                start += 1
            # a row that is only separators is no row at all
            if text[start:end].replace("\t", "").strip() == "":
                continue
        else:
            if "\t" in line:  # tabs only: blank
                continue
            while start < end and text[start] == " ":
                start += 1
            while end > start and text[end - 1] == " ":
                end -= 1
            if start == end:
                continue
        physical.append((start, end, is_table))

    # Logical lines: runs of physical lines that should_join glues together.
    logical: list[tuple[list[tuple[int, int]], bool]] = []
    for start, end, is_table in physical:
        if logical and not is_table and not logical[-1][1]:
            segments = logical[-1][0]
            previous = "".join(text[s:e] for s, e in segments[-3:])
            if should_join(previous, text[start:end]):
                segments.append((start, end))
                continue
        logical.append(([(start, end)], is_table))

    clean_parts: list[str] = []
    pos = OffsetMap()
    blocks: list[Block] = []
    cursor = 0
    for segments, is_table in logical:
        if clean_parts:
            clean_parts.append("\n")
            pos.add(positions[segments[0][0]] - 1 if segments[0][0] > 0 else 0, 1)
            cursor += 1
        line_start = cursor
        for s, e in segments:
            clean_parts.append(text[s:e])
            pos.add_span(positions, s, e)
            cursor += e - s
        line_end = cursor
        if is_table:
            row = _row(clean_parts[-1], line_start)
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(row)
                blocks[-1].end = line_end
            else:
                blocks.append(Block("table", line_start, line_end, [row]))
        else:
            line = "".join(text[s:e] for s, e in segments)
            starts = _item_starts(to_half_width(line)) if MARKER.match(line) else [0]
            for a, b in zip(starts, starts[1:] + [len(line)]):
                blocks.append(Block("paragraph", line_start + a, line_start + b))
    return "".join(clean_parts), pos, blocks


def _row(line: str, offset: int) -> Row:
    cells = []
    position = offset
    for part in line.split("\t"):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        cells.append(Cell(position + lead, position + lead + len(stripped), stripped))
        position += len(part) + 1
    return Row(offset, offset + len(line), cells)
