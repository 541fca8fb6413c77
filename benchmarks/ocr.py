"""Reading scans by OCR: the five example reports as LibreOffice exports them
(tests/producers/libreoffice), rasterised at 150 dpi with a slight skew and
speckle noise (tests/scans.py), read one after another in this process;
then `perfkg eval` of the scans against the gold.

Per report: pages, wall and CPU seconds of reading it (OCR, extraction
and loading into a scratch store: the OCR is nearly all of it), pages per
second of each; the process's peak memory; the indicator F1 and the facts. The
machine's load is written beside them: OCR is CPU-bound, and on a shared
machine the wall time is mostly waiting for a core, so the CPU time is the
figure that carries over.

    python benchmarks/ocr.py [--stems 003 004]   # -> its section of BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from formats import write_section  # noqa: E402
from scans import scans_for_eval  # noqa: E402

import pypdfium2  # noqa: E402

from perfkg.ingest.evaluate import assemble, evaluate_folder  # noqa: E402

SECTION_START, SECTION_END = "<!-- ocr -->", "<!-- /ocr -->"
STEMS = ("000", "001", "002", "003", "004")


def measure(stems: tuple[str, ...], folder: Path) -> dict:
    """Each report scanned, then evaluated on its own (read by OCR once,
    extracted, loaded into a scratch store, compared with its gold), timed."""
    shared = Path(os.environ.get("PERFKG_SHARED", ROOT.parent / "shared"))
    rows, entries = [], []
    for stem in stems:
        gold = scans_for_eval(ROOT / "tests" / "producers" / "libreoffice", shared / "gold", folder / stem, (stem,))
        (scan,) = (folder / stem / "reports").glob("*.pdf")
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        result = evaluate_folder(gold, folder / stem / "reports")
        row = {"report": stem, "pages": len(pypdfium2.PdfDocument(str(scan))), "bytes": scan.stat().st_size,
               "wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
               "load": (load + os.getloadavg()[0]) / 2}
        (entry,) = result["reports"]
        entries.append(entry)
        row["f1"] = entry["summary"]["indicators"]["f1"]
        row["facts"] = (entry["summary"]["facts"]["correct"], entry["summary"]["facts"]["total"])
        rows.append(row)
    overall = assemble(entries, folder, folder)["overall"]["indicators"]["f1"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "overall_f1": overall, "peak_mb": peak_mb, "cores": os.cpu_count()}


def markdown(results: dict, command: str) -> str:
    rows = results["rows"]
    pages = sum(r["pages"] for r in rows)
    wall = sum(r["wall_s"] for r in rows)
    cpu = sum(r["cpu_s"] for r in rows)
    f1 = "—" if results["overall_f1"] is None else f"{results['overall_f1']:.3f}"
    lines = [SECTION_START, "## Reading scans by OCR", "",
             f"`{command}`: the example reports exported to PDF by LibreOffice, rasterised at 150 dpi with a "
             "0.6° skew and speckle noise (no text layer), each read by RapidOCR (PP-OCRv4, onnxruntime, one "
             "thread), extracted and evaluated against its gold (`perfkg eval`), one after another on a machine "
             f"of {results['cores']} cores shared with other jobs; the load "
             "average during each read is beside it. The wall time is mostly waiting for a core: the CPU "
             "time is what a page costs.", "",
             "| report | pages | MB | wall (s) | CPU (s) | pages/s (wall) | pages/s (CPU) | load | indicator F1 | facts |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['report']} | {r['pages']} | {r['bytes'] / 1e6:.1f} | {r['wall_s']:.0f} | {r['cpu_s']:.0f} | "
                     f"{r['pages'] / r['wall_s']:.3f} | {r['pages'] / r['cpu_s']:.3f} | {r['load']:.1f} | "
                     f"{'—' if r['f1'] is None else format(r['f1'], '.3f')} | {r['facts'][0]}/{r['facts'][1]} |")
    lines += [f"| all | {pages} | | {wall:.0f} | {cpu:.0f} | {pages / wall:.3f} | {pages / cpu:.3f} | | {f1} | |", "",
              f"Peak memory of the reading process: {results['peak_mb']:.0f} MB (the OCR models loaded once, "
              "one page image at a time).", SECTION_END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stems", nargs="*", help="only these reports (000 … 004)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="the markdown report")
    args = parser.parse_args(argv)
    command = "python benchmarks/ocr.py" + (f" --stems {' '.join(args.stems)}" if args.stems else "")
    with tempfile.TemporaryDirectory(prefix="perfkg-ocr-") as scratch:
        results = measure(tuple(args.stems or STEMS), Path(scratch))
    section = markdown(results, command)
    write_section(args.out, section, SECTION_START, SECTION_END)
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
