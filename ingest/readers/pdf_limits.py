"""What a PDF may unpack to, checked as it is unpacked.

A PDF's streams are compressed (Flate, as zip's): a few hundred kilobytes of
zeros or of drawing operators unpack to gigabytes, which pdfminer would
decompress whole and then turn into one object per line drawn. Every Flate
and LZW stream pdfminer decodes goes through `bound_pdfminer`'s decoders, which stop at
MAX_STREAM_BYTES; and a page's drawing (its content streams, unpacked) may
take MAX_PAGE_CONTENT_BYTES, checked before pdfplumber interprets it. A long
report's page takes tens or hundreds of kilobytes; a font embedded whole,
a few tens of megabytes.
"""

from __future__ import annotations

import io
import zlib

MAX_STREAM_BYTES = 64 * 1024 * 1024
MAX_PAGE_CONTENT_BYTES = 4 * 1024 * 1024


class ReadLimit(Exception):
    """A file past one of the reader's limits: the message says which."""


def _too_large() -> ReadLimit:
    return ReadLimit(f"a compressed stream unpacks to more than {MAX_STREAM_BYTES:,} bytes, the limit (a "
                     "decompression bomb?); refused before unpacking the rest")


class _BoundedDecompressor:
    def __init__(self, *args):
        self._inner = zlib.decompressobj(*args)
        self._total = 0

    def decompress(self, data: bytes) -> bytes:
        out = self._inner.decompress(data, MAX_STREAM_BYTES + 1 - self._total)
        self._total += len(out)
        if self._total > MAX_STREAM_BYTES or self._inner.unconsumed_tail:
            raise _too_large()
        return out

    def flush(self, *args) -> bytes:
        out = self._inner.flush(*args)
        self._total += len(out)
        if self._total > MAX_STREAM_BYTES:
            raise _too_large()
        return out

    def __getattr__(self, name):
        return getattr(self._inner, name)


class bounded_zlib:
    """Stands in for the zlib module in pdfminer: the same calls, each bounded."""

    error = zlib.error
    decompressobj = _BoundedDecompressor

    @staticmethod
    def decompress(data: bytes) -> bytes:
        stream = zlib.decompressobj()
        out = stream.decompress(data, MAX_STREAM_BYTES + 1)
        if len(out) > MAX_STREAM_BYTES or stream.unconsumed_tail:
            raise _too_large()
        if not stream.eof:  # as zlib.decompress: pdfminer then reads what it can of a damaged stream
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out


def bounded_lzwdecode(data: bytes) -> bytes:
    """pdfminer's LZW decoding (a code stands for up to 4,096 bytes), within MAX_STREAM_BYTES."""
    from pdfminer.lzw import LZWDecoder

    pieces, total = [], 0
    for piece in LZWDecoder(io.BytesIO(data)).run():
        total += len(piece)
        if total > MAX_STREAM_BYTES:
            raise _too_large()
        pieces.append(piece)
    return b"".join(pieces)


def bound_pdfminer() -> None:
    """pdfminer's streams decoded within MAX_STREAM_BYTES: it calls zlib and
    its LZW decoder through its module's names, which this replaces."""
    from pdfminer import pdftypes

    pdftypes.zlib = bounded_zlib
    pdftypes.lzwdecode = bounded_lzwdecode


def check_page_content(page, number: int) -> None:
    """Refuse a page whose drawing unpacks past MAX_PAGE_CONTENT_BYTES, before
    pdfplumber makes an object of each thing it draws."""
    from pdfminer.pdftypes import resolve1

    total = 0
    for stream in page.page_obj.contents or []:
        stream = resolve1(stream)
        if hasattr(stream, "get_data"):
            total += len(stream.get_data())
    if total > MAX_PAGE_CONTENT_BYTES:
        raise ReadLimit(f"page {number} draws {total:,} bytes of content (text and drawing operators), over the "
                        f"limit of {MAX_PAGE_CONTENT_BYTES:,} a page")
