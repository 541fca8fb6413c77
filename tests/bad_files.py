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
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"])


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first its catalog), with its cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def xlsx_of(sheet: str, shared_strings: str | None = None) -> bytes:
    """A workbook of one sheet whose <sheetData> and what follows it are `sheet`, deflated as Excel does."""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {main} xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="自评表" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet {main}>{sheet}</worksheet>',
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst {main}>{shared_strings}</sst>'
    return deflated(parts)


def deflated(parts: dict[str, str]) -> bytes:
    """A zip archive of these parts, deflated as Office does."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx_of(body: str) -> bytes:
    """A .docx whose document body is `body` (WordprocessingML)."""
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return deflated({
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0"?><w:document {namespace}><w:body>{body}</w:body></w:document>',
    })


def xls_merging_the_whole_sheet(times: int) -> bytes:
    """An .xls of one cell and `times` merges of its whole sheet (65,536 rows by 256 columns)."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("自评表")
    sheet.write(0, 0, "部门整体支出绩效自评表")
    for _ in range(times):  # xlwt's own merge() refuses overlaps: a crafted file has them
        sheet._Worksheet__merged_ranges.append((0, 65535, 0, 255))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_drawing(content: bytes, times: int = 1) -> bytes:
    """A one-page PDF whose page draws `content` `times` over, stored as a Flate stream."""
    deflate = zlib.compressobj(9)
    stream = b"".join(deflate.compress(content) for _ in range(times)) + deflate.flush()
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                   b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)])
