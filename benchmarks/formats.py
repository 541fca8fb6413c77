"""What reading a report costs in each format, and an ingest of 1,000 PDFs.

- Reading: the five example reports rendered as Markdown, HTML, Word and
  PDF (report 002, the form, also as .xlsx and .xls; tests/renditions.py
  renders them), each read into the document model over and over for a few
  seconds, next to the same reports as text: milliseconds a report, MB and
  (PDF) pages a second; then the same with extraction.
- 1,000 PDFs: `perfkg bench-corpus` reports rendered as PDF (the generator,
  `pdf_corpus`, keeps them in the work folder for the next run), ingested by
  `perfkg ingest` into an empty embedded store in a process of its own, next
  to the same reports as text.

Results go to a JSON file and to their own section of BENCHMARKS.md (between
`<!-- formats -->` markers), which `benchmarks/bench.py` keeps when it writes
the rest.

    python benchmarks/formats.py                   # 1,000 PDFs -> BENCHMARKS.md (about 20 minutes)
    python benchmarks/formats.py --pdfs 20 --out /tmp/b.md --json /tmp/b.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from renditions import FORMATS, SHEET_FORMATS, render  # noqa: E402

from perfkg.ingest.pipeline import extract_document  # noqa: E402
from perfkg.ingest.readers import read_document  # noqa: E402

EXAMPLES = ROOT / "examples" / "reports"
SECTION_START, SECTION_END = "<!-- formats -->", "<!-- /formats -->"


def say(message: str) -> None:
    print(f"[formats] {message}", file=sys.stderr, flush=True)


def renditions(work: Path) -> dict[str, list[Path]]:
    """format -> files: the examples as text and rendered in every format."""
    found: dict[str, list[Path]] = {"txt": sorted(EXAMPLES.glob("*.txt"))}
    found["txt (002)"] = [path for path in found["txt"] if path.name.startswith("002")]  # beside the sheets
    folder = work / "examples"
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS:
        found[fmt] = [render(path, fmt, folder) for path in found["txt"]]
    for fmt in SHEET_FORMATS:
        found[fmt] = [render(path, fmt, folder) for path in found["txt"] if path.name.startswith("002")]
    return found


def page_count(path: Path) -> int:
    """A PDF's pages, from its page tree alone (reading the pages is what is measured)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def reading_cost(files: list[Path], budget_s: float) -> dict[str, Any]:
    """Read (and separately read and extract) the files round after round for `budget_s` each, after a
    round that loads what the readers and extraction load once."""
    for path in files:
        extract_document(read_document(path))
    size = sum(path.stat().st_size for path in files)
    pages = sum(page_count(path) for path in files if path.suffix == ".pdf")

    def rounds(work) -> tuple[int, float]:
        count, started = 0, time.perf_counter()
        while True:
            for path in files:
                work(path)
            count += 1
            elapsed = time.perf_counter() - started
            if elapsed >= budget_s:
                return count, elapsed

    read_rounds, read_s = rounds(read_document)
    full_rounds, full_s = rounds(lambda path: extract_document(read_document(path)))
    per_read = read_s / (read_rounds * len(files))
    return {
        "files": len(files), "bytes": size, "pages": pages or None,
        "read_ms": 1000 * per_read, "read_mb_s": size * read_rounds / read_s / 1e6,
        "read_pages_s": pages * read_rounds / read_s if pages else None,
        "read_extract_ms": 1000 * full_s / (full_rounds * len(files)),
    }


def _render_pdf(args: tuple[str, str]) -> str:
    return str(render(Path(args[0]), "pdf", Path(args[1])))


def pdf_corpus(count: int, work: Path, seed: int) -> tuple[Path, Path, float]:
    """(folder of N synthetic .txt reports, the same as PDFs, seconds spent rendering); kept for later runs."""
    from perfkg.corpus import generate

    texts, pdfs = work / f"txt-{count}-{seed}", work / f"pdf-{count}-{seed}"
    if not texts.exists() or len(list(texts.glob("*.txt"))) != count:
        generate(count, texts, EXAMPLES, seed=seed)
    pdfs.mkdir(parents=True, exist_ok=True)
    todo = [(str(path), str(pdfs)) for path in sorted(texts.glob("*.txt")) if not (pdfs / f"{path.stem}.pdf").exists()]
    started = time.perf_counter()
    if todo:
        with multiprocessing.get_context("fork").Pool() as pool:
            pool.map(_render_pdf, todo, chunksize=8)
    return texts, pdfs, time.perf_counter() - started


def ingest(folder: Path, store: Path) -> dict[str, Any]:
    """`perfkg ingest folder` into an empty store, in a process of its own."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "perfkg.cli", "ingest", "--quiet", str(folder), "--store", str(store)],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    # The line that counts what was loaded (notices of what was flagged may follow it).
    lines = done.stdout.strip().splitlines()
    summary = next((line for line in reversed(lines) if "reports loaded" in line), lines[-1] if lines else done.stderr[-500:])
    return {"wall_s": wall, "exit": done.returncode, "summary": summary}


def measure(args) -> dict[str, Any]:
    args.work.mkdir(parents=True, exist_ok=True)
    say("rendering the examples")
    # The machine's load (1, 5, 15 min) before and after: others' work on a shared machine slows every number.
    results: dict[str, Any] = {"reading": {}, "load": {"start": os.getloadavg()}}
    for fmt, files in renditions(args.work).items():
        say(f"reading {fmt}")
        results["reading"][fmt] = reading_cost(files, args.budget)
    say(f"{args.pdfs} PDFs")
    texts, pdfs, render_s = pdf_corpus(args.pdfs, args.work, args.seed)
    files = sorted(pdfs.glob("*.pdf"))
    pages = sum(page_count(path) for path in files)
    corpus = {"files": len(files), "bytes": sum(p.stat().st_size for p in files), "pages": pages,
              "render_s": render_s}
    for kind, folder in (("pdf", pdfs), ("txt", texts)):
        scratch = args.work / f"ingest-{kind}"  # a folder of its own: an embedded store is its folder's
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        say(f"ingesting the {kind} files")
        corpus[kind] = ingest(folder, scratch / "graph.db")
    results["corpus"] = corpus
    results["load"]["end"] = os.getloadavg()
    return results


def markdown(results: dict[str, Any], command: str) -> str:
    reading = results["reading"]
    text = reading["txt"]
    lines = [SECTION_START, "## Reading each format", "",
             f"One run of `{command}` on {os.cpu_count()} cores, with a load average of "
             f"{_load(results['load']['start'])} at its start and {_load(results['load']['end'])} at its end "
             "(processes of others waiting for the cores: every number here is slower than on an idle machine). "
             "The five example reports as text and rendered in each format by "
             "tests/renditions.py (the form, 002, alone as .xlsx and .xls), each read into the document model "
             "round after round for a few seconds in one process: the reader alone, then reader and extraction.",
             "",
             "| format | files | MB | pages | read (ms a report) | MB/s | pages/s | read + extract (ms a report) | "
             "reading vs text |",
             "|---|---|---|---|---|---|---|---|---|"]
    for fmt, row in reading.items():
        baseline = text if row["files"] == text["files"] else reading["txt (002)"]
        ratio = f"{row['read_ms'] / baseline['read_ms']:,.0f}×" if not fmt.startswith("txt") else "—"
        lines.append(
            f"| {fmt} | {row['files']} | {row['bytes'] / 1e6:.2f} | {row['pages'] or '—'} | {row['read_ms']:,.1f} | "
            f"{row['read_mb_s']:,.2f} | {f'{row['read_pages_s']:,.1f}' if row['read_pages_s'] else '—'} | "
            f"{row['read_extract_ms']:,.1f} | {ratio} |")
    corpus = results["corpus"]
    pdf, txt = corpus["pdf"], corpus["txt"]
    lines += ["", "## 1,000 PDFs" if corpus["files"] == 1000 else f"## {corpus['files']:,} PDFs", "",
              f"`perfkg bench-corpus` reports rendered as PDF ({corpus['files']:,} files, {corpus['bytes'] / 1e6:.1f} MB, "
              f"{corpus['pages']:,} pages; "
              + (f"rendering them took {corpus['render_s']:.0f} s on all cores and is kept for the next run"
                 if corpus["render_s"] >= 1 else "rendered by an earlier run")
              + "), then `perfkg ingest` of the folder into an empty embedded store (one extracting "
              "process per core), next to the same reports as text:", "",
              "| files | ingest wall (s) | reports/s | pages/s | result |", "|---|---|---|---|---|",
              f"| PDF | {pdf['wall_s']:,.1f} | {corpus['files'] / pdf['wall_s']:,.1f} | "
              f"{corpus['pages'] / pdf['wall_s']:,.1f} | {pdf['summary']} |",
              f"| text | {txt['wall_s']:,.1f} | {corpus['files'] / txt['wall_s']:,.1f} | — | {txt['summary']} |",
              SECTION_END]
    return "\n".join(lines) + "\n"


def _load(averages) -> str:
    return " / ".join(f"{value:.1f}" for value in averages) + " (1 / 5 / 15 min)"


def write_section(path: Path, section: str, start: str = SECTION_START, end: str = SECTION_END) -> None:
    """Put the section (between the markers `start` and `end`) in the file,
    in place of its earlier version (or at the end)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in old and end in old:
        before, rest = old.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        new = before + section + ("\n" + after if after else "")
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + section
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdfs", type=int, default=1000, help="how many PDFs to ingest")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds of reading per format (one round at least)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-formats", help="renditions and stores")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="the markdown report")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "formats.json", help="the raw numbers")
    parser.add_argument("--from-json", action="store_true", help="write the section from the JSON of an earlier run")
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(args.json.read_text(encoding="utf-8"))
        write_section(args.out, markdown(results, results["command"]))
        return 0
    results = measure(args)
    results["command"] = " ".join(["python benchmarks/formats.py", *(sys.argv[1:] if argv is None else argv)])
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_section(args.out, markdown(results, results["command"]))
    say(f"wrote {args.out} and {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
