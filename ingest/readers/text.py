"""Plain text (.txt, .text) and Markdown (.md): decoded, kept as it is.

Reports saved from many sites come in UTF-8 (with or without BOM), GBK /
GB18030 and UTF-16. Decoding tries what the bytes announce (a BOM, the NUL
pattern of UTF-16), then UTF-8, then GB18030, which covers GBK and GB2312.

The document's text is the decoded file without the markup a PDF-to-text or
copy-from-the-web step leaves behind (``<p>``, ``**``, ``&nbsp;``) and
invisible characters; no line break is removed, so a line of it is a line of
the file. Every line is a `Line` block: where paragraphs end and which lines hold
a table (tab, pipe or Markdown rows, one cell per line, ...) is found later,
by the layout stage and the normaliser, the same way for every text.
"""

from __future__ import annotations

import codecs
import re

from ..document import Document, Source, line_blocks
from ..errors import IngestError

# Markup the PDF-to-text step leaves behind. Only these tags: a '<' in the
# text itself (≤, 《》 aside) must survive. None spans a line break.
_MARKUP = re.compile(
    r"</?(?:p|br|b|i|u|strong|em|span|div|font|td|tr|th|table|tbody|thead)\b[^>\n]{0,80}>|\*\*|&nbsp;|&amp;|&lt;|&gt;",
    re.I,
)
_ENTITIES = {"&nbsp;": "\u00a0", "&amp;": "&", "&lt;": "<", "&gt;": ">"}
# Invisible characters, dropped outright.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding used)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise IngestError(name, f"starts with a {encoding} byte-order mark but does not decode: {error}")
    candidates = []
    nul = data.count(0)
    if nul:
        # UTF-16 without a BOM: the digits, spaces and line breaks among the
        # Chinese put a NUL in every other byte, always on the same side.
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if len(data) % 2 == 0 and odd >= 0.95 * nul:
            candidates.append("utf-16-le")
        elif len(data) % 2 == 0 and even >= 0.95 * nul:
            candidates.append("utf-16-be")
        else:
            raise IngestError(name, "binary file (NUL bytes), not a text report")
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding.startswith("utf-16") and looks_binary(text):
            raise IngestError(name, "binary file (NUL bytes), not a text report")
        return text, encoding
    controls = sum(1 for byte in data[:20000] if byte < 9 or 13 < byte < 32)
    if nul or controls > max(8, len(data[:20000]) // 200):
        raise IngestError(name, "binary file (control bytes), not a text report")
    raise IngestError(name, "cannot decode the text: it is not UTF-8, UTF-16 or GB18030/GBK")


# Unicode's control characters (category Cc) but the layout ones, \t to \r.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def looks_binary(text: str) -> bool:
    sample = text[:20000]
    controls = len(_CONTROL_CHARACTERS.findall(sample))
    return controls > max(8, len(sample) // 200)


def read_text(name: str, data: bytes, source: Source) -> Document:
    text, encoding = decode(data, name)
    if looks_binary(text):
        raise IngestError(name, "binary file (control characters), not a text report")
    source.encoding = encoding
    return text_document(text, source)


def text_document(text: str, source: Source) -> Document:
    """The document of a decoded text."""
    # Line breaks as \n, one character for one (\r\n would make two).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _MARKUP.sub(lambda m: _ENTITIES.get(m.group(0).lower(), ""), text))
    if not text.strip():
        raise IngestError(source.name, "empty file")
    return Document(text=text, blocks=line_blocks(text), source=source)
