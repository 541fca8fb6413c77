"""The normaliser: a document's text as the extractors read it, with every
character traced back to the document.

Three layers of the same document:

- ``raw``: the document's text as the reader produced it (`Document.text`);
  evidence quotes it verbatim;
- ``clean``: lines a page break or a hard wrap cut in two joined again, each
  table row on one line with its cells between tabs; values (names, targets,
  actuals) are taken from here, so they stay verbatim;
- ``norm``: ``clean`` with full-width digits, letters and brackets made
  half-width and traditional characters simplified, one character for one,
  so patterns are written once.

``pos[i]`` is the raw index of ``clean[i]``: a span found in ``norm`` is the
same span of ``clean`` and maps back to the raw text it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from . import document as model
from .chars import normalise, to_half_width
from .numbers import chinese_number, quantities

# Where a paragraph may end: sentence punctuation, possibly closed by a quote
# or bracket.
_TERMINALS = "。！？!?；;…"
_CLOSERS = "”’」』）)]"

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
      | [-•·▪●◆■]\s
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


# Its end: where a sentence after a full stop starts, with a character a
# numbering style can start with (most sentences start otherwise: no marker is tried).
_AFTER_STOP = re.compile(r"[。；;]\s*(?=[第一二三四五六七八九十(\d①-⑳])")


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
    for m in _AFTER_STOP.finditer(norm):
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


def _ends_sentence(line: str) -> bool:
    """Does a line (stripped on the right) end a sentence, its punctuation closed
    by quotes or brackets or not? (A pattern searched from the line's start took longer.)"""
    body = line.rstrip(_CLOSERS)
    return body != "" and body[-1] in _TERMINALS


def should_join(before: str, after: str) -> bool:
    """Were these two lines one paragraph that a page break or wrap cut?"""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after:
        return False
    if _ends_sentence(before) or MARKER.match(after):
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
    column: int = 0  # its slot in the row
    header: bool = False  # the format marks it a column header
    # The document's cell (None for a slot a merged cell covers), for its
    # location and spans.
    source: model.Cell | None = None
    # A slot covered by a merged cell (above or to the left): its text is
    # empty, as the text shows it, and this is the cell that covers it.
    merged_from: "Cell | None" = None


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
    """A paragraph (one logical line) or a table (its rows, one line each)."""

    kind: str  # "paragraph" | "table"
    start: int
    end: int
    rows: list[Row] = field(default_factory=list)
    source: model.Block | None = None  # the document block it comes from
    heading_level: int | None = None  # a heading the format marks as one


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

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < self.length:
            raise IndexError(index)
        k = bisect_right(self.starts, index) - 1
        return self.origins[k] + index - self.starts[k]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The smallest origin span holding every character of [start, end):
        a table row whose cells the source wrote out of order (or on several
        lines) maps to the one span that holds them all."""
        k = bisect_right(self.starts, start) - 1
        low, high = None, None
        while k < len(self.starts) and (k < 0 or self.starts[k] < end):
            run_start = max(start, self.starts[k])
            run_end = min(end, self.starts[k + 1] if k + 1 < len(self.starts) else self.length)
            if run_end > run_start:
                first = self.origins[k] + run_start - self.starts[k]
                last = self.origins[k] + run_end - self.starts[k]
                low = first if low is None else min(low, first)
                high = last if high is None else max(high, last)
            k += 1
        if low is None:
            return 0, 0
        return low, high

    def __len__(self) -> int:
        return self.length


# A pinyin gloss a traditional-character mirror puts after a character
# (戶(hù), 數(shù)): left out of clean, like markup, so the rules read the words;
# evidence, quoted from the document's text, keeps it. (The bracket comes first
# and the character before it is looked at after: a search then skips to the
# brackets, where a leading look-behind was tried at every position.)
GLOSS = re.compile(r"[(（](?<=[\u4e00-\u9fff][(（])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]{1,8}[)）]")


class Text:
    def __init__(self, document: model.Document):
        self.document = document
        self.raw = document.text
        self.clean, self.pos, self.blocks = _build(document)
        self.norm = normalise(self.clean)

    def raw_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The span of the document's text behind clean[start:end]."""
        if end <= start:
            return (self.pos[start], self.pos[start]) if start < len(self.pos) else (len(self.raw), len(self.raw))
        return self.pos.bounds(start, end)

    def raw_span(self, start: int, end: int) -> str:
        """The document's text behind clean[start:end], verbatim."""
        low, high = self.raw_bounds(start, end)
        return self.raw[low:high]

    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "paragraph"]


def collapse_ws(text: str) -> str:
    """Runs of whitespace as one space, none at the ends."""
    return " ".join(text.split())


# Spaces that are one space to the extractors; page breaks and vertical tabs
# end a line as a line break does.
_ODD_SPACE = re.compile("[\u3000\u00a0]")
_LINE_BREAKS = re.compile("[\n\f\v\r]")
_TRIM = " \t\u3000\u00a0"


def _clean(text: str) -> str:
    if "\u3000" in text or "\u00a0" in text:
        return _ODD_SPACE.sub(" ", text)
    return text


def _kept(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of raw[start:end] clean keeps: all of it but pinyin glosses."""
    if raw.find("(", start, end) < 0 and raw.find("（", start, end) < 0:
        return [(start, end)] if end > start else []  # no gloss without a bracket (most spans)
    spans = []
    for m in GLOSS.finditer(raw, start, end):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, end))
    return [(s, e) for s, e in spans if e > s]


def _clean_span(raw: str, start: int, end: int) -> str:
    """What clean holds of raw[start:end]."""
    return "".join(_clean(raw[s:e]) for s, e in _kept(raw, start, end))


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The physical lines of text[start:end], spaces trimmed, blank ones dropped."""
    if _LINE_BREAKS.search(text, start, end) is None:  # one line (most cells): only trimmed
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
        return [(start, end)] if end > start else []
    found = []
    cursor = start
    for m in list(_LINE_BREAKS.finditer(text, start, end)) + [None]:
        stop = m.start() if m else end
        s, e = cursor, stop
        while s < e and text[s] in _TRIM:
            s += 1
        while e > s and text[e - 1] in _TRIM:
            e -= 1
        if e > s:
            found.append((s, e))
        cursor = m.end() if m else end
    return found


class _Builder:
    """Clean text and its offset map, written a piece at a time."""

    def __init__(self, raw: str):
        self.raw = raw
        self.parts: list[str] = []
        self.pos = OffsetMap()
        self.length = 0

    def copy(self, start: int, end: int) -> str:
        """Clean's text of raw[start:end], written; returned too."""
        written = []
        for s, e in _kept(self.raw, start, end):
            written.append(_clean(self.raw[s:e]))
            self.pos.add(s, e - s)
            self.length += e - s
        self.parts.extend(written)
        return "".join(written)

    def put(self, text: str, origin: int) -> None:
        """Text of our own (a line break, a tab between cells), traced to `origin`."""
        self.parts.append(text)
        for _ in text:
            self.pos.add(origin, 1)
        self.length += len(text)

    def new_line(self, origin: int) -> None:
        if self.length:
            self.put("\n", max(0, origin - 1))


def _build(document: model.Document) -> tuple[str, OffsetMap, list[Block]]:
    """Join cut lines, and lay out the paragraphs and tables as clean lines."""
    raw = document.text
    out = _Builder(raw)
    blocks: list[Block] = []
    run: list[tuple[int, int]] = []  # physical lines of Line blocks, to be joined into paragraphs
    run_source: list[model.Block] = []

    def paragraph(segments: list[tuple[int, int]], source: model.Block | None, level: int | None = None) -> None:
        out.new_line(segments[0][0])
        line_start = out.length
        line = "".join([out.copy(s, e) for s, e in segments])
        starts = _item_starts(to_half_width(line)) if MARKER.match(line) else [0]
        for a, b in zip(starts, starts[1:] + [len(line)]):
            blocks.append(Block("paragraph", line_start + a, line_start + b, source=source, heading_level=level))

    def flush_run() -> None:
        # Logical lines: runs of physical lines that should_join glues together.
        logical: list[list[tuple[int, int]]] = []
        clean = {span: _clean_span(raw, *span) for span in run}
        for s, e in run:
            if logical:
                previous = "".join([clean[span] for span in logical[-1][-3:]])
                if should_join(previous, clean[(s, e)]):
                    logical[-1].append((s, e))
                    continue
            logical.append([(s, e)])
        for segments in logical:
            paragraph(segments, run_source[0] if run_source else None)
        run.clear()
        run_source.clear()

    for block in document.blocks:
        if isinstance(block, model.Line):
            run.extend(_segments(raw, block.start, block.end))
            run_source.append(block)
            continue
        flush_run()
        if isinstance(block, model.Table):
            table = _table(block, out)
            if table.rows:
                blocks.append(table)
            continue
        segments = _segments(raw, block.start, block.end)
        if segments:  # a paragraph or heading the format delimits: its lines are one paragraph
            paragraph(segments, block, block.level if isinstance(block, model.Heading) else None)
    flush_run()
    return "".join(out.parts), out.pos, blocks


def _table(table: model.Table, out: _Builder) -> Block:
    """Each row on a clean line: its slots left to right, a tab between two
    (or the text between them, when both sit in order on one line, as in a
    tab row); a merged cell's text once, where it starts."""
    raw = out.raw
    grid = table.grid()
    clean_of: dict[int, Cell] = {}
    rows: list[Row] = []
    for r, slots in enumerate(grid):
        # Trailing slots with no cell at all are no columns of this row.
        while slots and slots[-1] is None:
            slots = slots[:-1]
        first = None
        for cell in slots:  # (a loop: a generator per row cost more than the search)
            if cell is not None and cell.row == r:
                first = cell
                break
        if first is None:
            continue  # a row wholly covered by merged cells above shows nothing
        out.new_line(first.start)
        row_start = out.length
        cells: list[Cell] = []
        previous: model.Cell | None = None  # the cell of the slot before, when it starts in this slot
        for column, cell in enumerate(slots):
            starts_here = cell is not None and cell.row == r and cell.column == column
            if column:
                if (starts_here and previous is not None and previous.end <= cell.start
                        and raw.find("\n", previous.end, cell.start) < 0):
                    out.copy(previous.end, cell.start)
                else:
                    out.put("\t", previous.end if previous is not None else first.start)
            if not starts_here:
                origin = clean_of.get(id(cell)) if cell is not None else None
                cells.append(Cell(out.length, out.length, "", column, merged_from=origin))
                previous = None
                continue
            start = out.length
            text = "".join([out.copy(s, e) for s, e in _segments(raw, cell.start, cell.end)]).strip()
            clean = Cell(start, out.length, text, column, cell.header, cell)
            clean_of[id(cell)] = clean
            cells.append(clean)
            previous = cell
        rows.append(Row(row_start, out.length, cells))
    return Block("table", rows[0].start if rows else out.length, rows[-1].end if rows else out.length, rows, table)
