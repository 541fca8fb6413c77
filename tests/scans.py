"""Reports as offices scan them: a PDF's pages rasterised at 150 dpi,
turned by a slight skew, with speckle noise, saved as a PDF of page images
(no text layer) or a page as a .png, for the OCR reader's tests and
benchmark.

    python tests/scans.py OUT   # OUT/reports/*.pdf (scans of the LibreOffice PDFs) and OUT/gold/*.json
"""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

DPI = 150


def scanned_pages(pdf: Path, *, skew: float = 0.6, noise: float = 0.005, seed: int = 0,
                  pages: list[int] | None = None) -> list:
    """The PDF's pages (1-based `pages`, all by default) as scanned
    greyscale images: rotated by `skew` degrees (alternating direction),
    with a share `noise` of pixels turned to random grey."""
    import pypdfium2
    from PIL import Image

    random.seed(seed)
    document = pypdfium2.PdfDocument(str(pdf))
    images = []
    try:
        for number in pages or range(1, len(document) + 1):
            image = document[number - 1].render(scale=DPI / 72).to_pil().convert("L")
            angle = skew if number % 2 else -skew
            image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
            pixels = image.load()
            for _ in range(int(noise * image.width * image.height)):
                pixels[random.randrange(image.width), random.randrange(image.height)] = random.randrange(0, 256)
            images.append(image)
    finally:
        document.close()
    return images


def scanned_pdf(pdf: Path, out: Path, **options) -> Path:
    """`pdf` scanned (see scanned_pages) into the PDF `out`: page images, no text layer."""
    images = scanned_pages(pdf, **options)
    # JPEG at the quality scanners save at: a page of 150 dpi is about 0.2 MB.
    images[0].save(out, save_all=True, append_images=images[1:], resolution=DPI, quality=50)
    return out


def scanned_png(pdf: Path, page: int, *, crop: tuple[float, float, float, float] | None = None, **options) -> bytes:
    """One page of `pdf` scanned, as a .png with its resolution; `crop`:
    only this part of it (x0, top, x1, bottom in points of the page), as a
    photograph of a table would be."""
    image = scanned_pages(pdf, pages=[page], **options)[0]
    if crop is not None:
        image = image.crop(tuple(round(v * DPI / 72) for v in crop))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def scans_for_eval(pdfs: Path, gold: Path, out: Path, stems: tuple[str, ...] | None = None) -> Path:
    """Every gold file's report, from its PDF in `pdfs`, scanned into
    out/reports, with the gold files naming the scans in out/gold."""
    (out / "reports").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    for gold_file in sorted(gold.glob("*.json")):
        entry = json.loads(gold_file.read_text(encoding="utf-8"))
        stem = Path(entry["file"]).stem
        if stems is not None and not stem.startswith(stems):
            continue
        scan = scanned_pdf(pdfs / f"{stem}.pdf", out / "reports" / f"{stem}.pdf", seed=len(stem) + int(stem[:3]))
        entry["file"] = scan.name
        (out / "gold" / gold_file.name).write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")
    return out / "gold"


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    scans_for_eval(here / "producers" / "libreoffice", here.parent.parent / "shared" / "gold", Path(sys.argv[1]))
