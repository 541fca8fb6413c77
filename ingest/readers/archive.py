"""Word and Excel files (.docx, .xlsx) are zip archives of XML parts. Before
a library opens one, its directory is checked: a damaged archive, one that
is really an encrypted or old binary Office file, or one whose parts would
unpack to more than a report can hold (a zip bomb) is refused, naming the
file, without unpacking anything.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import IngestError

# What the parts of a .docx or .xlsx may unpack to, in all. A long report's
# parts take a few MB; a zip bomb's, gigabytes.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# An OLE compound file: an old .doc/.xls, or an encrypted .docx/.xlsx (Office
# wraps a password-protected OOXML file in one).
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_archive(name: str, data: bytes, kind: str, required: str) -> None:
    """Refuse a .docx/.xlsx (`kind`) that is no sound zip holding `required`, or would unpack too far."""
    if data.startswith(OLE_SIGNATURE):
        raise IngestError(name, f"password-protected (encrypted) {kind}, or an old binary Office file named {kind}: "
                                "remove the password, or save it again as " + kind)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise IngestError(name, f"damaged {kind} file (not a readable zip archive: {error})") from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise IngestError(name, f"{kind} file would unpack to {unpacked:,} bytes, over the limit of "
                                f"{MAX_UNPACKED_BYTES:,} (a zip bomb?); refused unopened")
    if required not in {member.filename for member in members}:
        raise IngestError(name, f"damaged {kind} file: it has no {required}")
