"""Files a reader must refuse, made at test time, and the check that it
refuses one in bounded time, naming the file."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest

from perfkg.ingest.errors import IngestError
from perfkg.ingest.readers import document_from_bytes
from perfkg.ingest.readers.archive import MAX_UNPACKED_BYTES

FONT = "STSong-Light"


def refused(name: str, data: bytes, seconds: float = 30) -> str:
    """The problem perfkg names when it refuses `data` as the file `name`."""
    started = time.monotonic()
    with pytest.raises(IngestError) as raised:
        document_from_bytes(name, data)
    assert time.monotonic() - started < seconds
    assert raised.value.file == name
    return raised.value.problem


def register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def png() -> bytes:
    """A 2×2 grey PNG, written by hand: a stand-in for a scanned page."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * 2 for _ in range(2))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def scanned_pdf() -> bytes:
    """Pages with only an image on them, as a scanner makes."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for _ in range(2):
        page.drawImage(ImageReader(io.BytesIO(png())), 50, 50, 500, 700)
        page.showPage()
    page.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt="secret")
    page.setFont(FONT, 12)
    page.drawString(72, 720, "2022年度部门整体支出绩效自评报告")
    page.save()
    return buffer.getvalue()


def many_pages(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number in range(pages):
        page.setFont(FONT, 12)
        page.drawString(72, 720, f"第{number + 1}页：部门整体支出绩效自评报告")
        page.showPage()
    page.save()
    return buffer.getvalue()


def archive_of(parts: dict[str, str]) -> bytes:
    """A zip archive of these parts: an Office file with only what a test gives it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A small .xlsx whose one sheet unpacks to more than the limit (zeros compress a thousandfold)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(MAX_UNPACKED_BYTES // len(chunk) + 1):
                member.write(chunk)
    return buffer.getvalue()


def self_referring_pdf() -> bytes:
    """A 243-byte PDF whose page tree refers to itself: pdfminer resolves it for ever."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
