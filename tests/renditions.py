"""The example reports as they are published: each .txt rendered as PDF,
DOCX, HTML and Markdown (and a form as XLSX and XLS), for the readers' tests.

A report is rendered from what the .txt reads as: its paragraphs (lines the
normaliser joins into one are one paragraph; the title and short numbered
headings as headings) and its tables (the grids of its tab rows). Where a
row leaves its first cells empty under filled ones, the formats that can
merge cells (Word, Excel, HTML) merge them down, as the forms' authors do.
The PDF sets paragraphs with a two-character first-line indent and draws
tables with ruling lines, splitting them across pages with the header row
repeated. Nothing here is committed as a file: tests render into a
temporary folder.

    python tests/renditions.py OUT   # OUT/<format>/reports/* and OUT/<format>/gold/*.json
    perfkg eval --gold OUT/pdf/gold  # the renditions measured against the gold
"""

from __future__ import annotations

import html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from perfkg.ingest.pipeline import text_as_document
from perfkg.ingest.text import Text, _heading_like

FORMATS = ("pdf", "docx", "html", "md")
SHEET_FORMATS = ("xlsx", "xls")


@dataclass
class Block:
    kind: str  # title | heading | paragraph | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def blocks_of(path: Path) -> list[Block]:
    """What the .txt reads as: paragraphs and tables, in order."""
    text = Text(text_as_document(path.read_text(encoding="utf-8"), source_file=path.name))
    found: list[Block] = []
    for block in text.blocks:
        if block.kind == "table":
            found.append(Block("table", rows=[[cell.text for cell in row.cells] for row in block.rows]))
            continue
        line = text.clean[block.start : block.end].strip()
        if not line:
            continue
        if not any(b.kind == "title" for b in found) and re.search(r"自评报告|自评表|评价报告", line) and len(line) < 80:
            found.append(Block("title", line))
        elif _heading_like(line):
            found.append(Block("heading", line))
        else:
            found.append(Block("paragraph", line))
    return found


def width(rows: list[list[str]]) -> int:
    return max(len(row) for row in rows)


def merges(rows: list[list[str]]) -> dict[tuple[int, int], int]:
    """(row, column) of a cell -> how many rows it spans, where leading empty
    cells of a row sit under a filled cell (or one merged from above)."""
    spans: dict[tuple[int, int], int] = {}
    owner: dict[int, tuple[int, int]] = {}  # column -> the cell a merge in it started at
    for r, row in enumerate(rows):
        filled_from = next((c for c, text in enumerate(row) if text), len(row))
        for c in range(width(rows)):
            text = row[c] if c < len(row) else ""
            if c < filled_from and not text and c in owner and filled_from < len(row):
                spans[owner[c]] += 1
                continue
            owner.pop(c, None)
            if text:
                owner[c] = (r, c)
                spans[(r, c)] = 1
    return spans


# -- Markdown -------------------------------------------------------------------


def _md_escape(text: str, *, cell: bool = False) -> str:
    text = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)
    if not cell:
        text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
        text = re.sub(r"^([#>+\-=])", r"\\\1", text)
    return text


def to_markdown(blocks: list[Block]) -> bytes:
    parts = []
    for block in blocks:
        if block.kind == "table":
            n = width(block.rows)
            rows = [row + [""] * (n - len(row)) for row in block.rows]
            lines = ["| " + " | ".join(_md_escape(t, cell=True) for t in rows[0]) + " |",
                     "|" + "---|" * n]
            lines += ["| " + " | ".join(_md_escape(t, cell=True) for t in row) + " |" for row in rows[1:]]
            parts.append("\n".join(lines))
        elif block.kind == "title":
            parts.append("# " + _md_escape(block.text, cell=True))
        elif block.kind == "heading":
            parts.append("## " + _md_escape(block.text, cell=True))
        else:
            parts.append(_md_escape(block.text))
    return ("\n\n".join(parts) + "\n").encode("utf-8")


# -- HTML -------------------------------------------------------------------------


def to_html(blocks: list[Block], encoding: str = "utf-8") -> bytes:
    out = [f'<!DOCTYPE html>\n<html><head><meta charset="{encoding}"><title>report</title>',
           "<style>td { border: 1px solid }</style><script>var tracking = 1;</script></head>",
           "<body><nav><a href='/'>首页</a> | <a href='/gk'>政务公开</a></nav>"]
    for block in blocks:
        if block.kind == "table":
            spans = merges(block.rows)
            out.append("<table>")
            for r, row in enumerate(block.rows):
                cells = []
                for c in range(width(block.rows)):
                    if (r, c) not in spans and any(
                            r0 < r < r0 + n and c0 == c for (r0, c0), n in spans.items()):
                        continue  # covered by a rowspan
                    text = row[c] if c < len(row) else ""
                    tag = "th" if r == 0 else "td"
                    rowspan = f' rowspan="{spans[(r, c)]}"' if spans.get((r, c), 1) > 1 else ""
                    cells.append(f"<{tag}{rowspan}>{html.escape(text)}</{tag}>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
        elif block.kind == "title":
            out.append(f"<h1>{html.escape(block.text)}</h1>")
        elif block.kind == "heading":
            out.append(f"<h2>{html.escape(block.text)}</h2>")
        else:
            out.append(f"<p>{html.escape(block.text)}</p>")
    out.append("<footer>版权所有 © 某区人民政府</footer></body></html>")
    return "\n".join(out).encode("gb18030" if encoding == "gbk" else encoding)


# -- Word -------------------------------------------------------------------------


def to_docx(blocks: list[Block], path: Path) -> None:
    import docx

    document = docx.Document()
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
        else:
            n = width(block.rows)
            table = document.add_table(rows=len(block.rows), cols=n)
            table.style = "Table Grid"
            grid = [row.cells for row in table.rows]  # python-docx finds a cell by walking the table: once
            for r, row in enumerate(block.rows):
                for c, text in enumerate(row):
                    if text:
                        grid[r][c].text = text
            for (r, c), span in merges(block.rows).items():
                if span > 1:
                    grid[r][c].merge(grid[r + span - 1][c])
    document.save(path)


# -- PDF --------------------------------------------------------------------------


def to_pdf(blocks: list[Block], path: Path, *, indent: bool = True, ruled: bool = True) -> None:
    """As 公文 are set (`indent`: paragraphs two characters in) or as a word
    processor's default (flush left, spaced); tables drawn with ruling lines
    (`ruled`) or as columns of text alone."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK",
                          firstLineIndent=22 if indent else 0, spaceAfter=4 if indent else 8)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=22, alignment=1, firstLineIndent=0,
                           spaceAfter=10)
    heading = ParagraphStyle("heading", parent=body, spaceBefore=4)  # indented as paragraphs are, as in 公文
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    frame_width = A4[0] - 40 * mm

    def para(text: str, style) -> Paragraph:
        return Paragraph(html.escape(text), style)

    story = []
    for block in blocks:
        if block.kind == "table":
            n = width(block.rows)
            rows = [[para(t, cell) for t in row + [""] * (n - len(row))] for row in block.rows]
            lengths = [max(min(len(row[c]) if c < len(row) else 0, 60) for row in block.rows) + 4 for c in range(n)]
            widths = [frame_width * length / sum(lengths) for length in lengths]
            # Rows break across pages, as Word lets them by default.
            table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=1)
            style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
            if ruled:
                style.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
            table.setStyle(TableStyle(style))
            story.append(table)
        else:
            story.append(para(block.text, {"title": title, "heading": heading}.get(block.kind, body)))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, onPage=_page_number).build(story, onFirstPage=_page_number,
                                                                        onLaterPages=_page_number)


def _page_number(canvas, document) -> None:
    from reportlab.lib.pagesizes import A4

    canvas.setFont("STSong-Light", 9)
    canvas.drawCentredString(A4[0] / 2, 25, f"- {document.page} -")


# -- Excel ------------------------------------------------------------------------

_NUMBER = re.compile(r"^-?\d[\d,]*(?:\.(\d+))?(%?)$")


def number_and_format(text: str) -> tuple[float, str] | None:
    """A cell's text as the number and format a spreadsheet would store: 15,616.28 -> (15616.28, '#,##0.00')."""
    m = _NUMBER.match(text)
    if not m or (text.startswith("0") and len(text) > 1 and text[1].isdigit()):
        return None
    decimals = len(m.group(1) or "")
    value = float(text.rstrip("%").replace(",", ""))
    digits = "0" + ("." + "0" * decimals if decimals else "")
    if m.group(2):
        return value / 100, digits + "%"
    return value, ("#,##" + digits if "," in text else digits)


def sheet_layout(blocks: list[Block]) -> list[tuple[str, object]]:
    """A form's blocks as sheet rows: ("text", str) for a lone cell, ("row", cells), ("blank", None)."""
    rows: list[tuple[str, object]] = []
    for block in blocks:
        if block.kind == "table":
            if rows:
                rows.append(("blank", None))
            rows.extend(("row", row) for row in block.rows)
            rows.append(("blank", None))
        else:
            rows.append(("text", block.text))
    return rows


def to_xlsx(blocks: list[Block], path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    _fill(blocks, lambda r, c, text: _xlsx_write(sheet, r, c, text),
          lambda r0, c0, r1, c1: sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1,
                                                  end_column=c1 + 1))
    workbook.save(path)


def _xlsx_write(sheet, r: int, c: int, text: str) -> None:
    cell = sheet.cell(row=r + 1, column=c + 1)
    number = number_and_format(text)
    if number is None:
        cell.value = text
    else:
        cell.value, cell.number_format = number


def to_xls(blocks: list[Block], path: Path) -> None:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("自评表")
    styles: dict[str, object] = {}
    merged: list[tuple[int, int, int, int]] = []

    def write(r: int, c: int, text: str) -> None:
        number = number_and_format(text)
        if number is None:
            sheet.write(r, c, text)
        else:
            value, fmt = number
            style = styles.setdefault(fmt, xlwt.easyxf(num_format_str=fmt))
            sheet.write(r, c, value, style)

    _fill(blocks, write, lambda r0, c0, r1, c1: merged.append((r0, c0, r1, c1)))
    for r0, c0, r1, c1 in merged:
        sheet.merge(r0, r1, c0, c1)
    workbook.save(str(path))


def _fill(blocks: list[Block], write, merge) -> None:
    r = 0
    tables = [b for b in blocks if b.kind == "table"]
    n = max((width(t.rows) for t in tables), default=1)
    for kind, content in sheet_layout(blocks):
        if kind == "text":
            write(r, 0, content)
            merge(r, 0, r, n - 1)  # a title across the form's width
        elif kind == "row":
            for c, text in enumerate(content):
                if text:
                    write(r, c, text)
        r += 1
    # Merges down, table by table, at the rows the tables were written to.
    r = 0
    layout = sheet_layout(blocks)
    index = 0
    while index < len(layout):
        kind, _ = layout[index]
        if kind == "row":
            start = index
            while index < len(layout) and layout[index][0] == "row":
                index += 1
            rows = [content for _, content in layout[start:index]]
            for (tr, tc), span in merges(rows).items():
                if span > 1:
                    merge(start + tr, tc, start + tr + span - 1, tc)
            continue
        index += 1


# -- all of them --------------------------------------------------------------------


def render(txt: Path, fmt: str, folder: Path) -> Path:
    """`txt` rendered as `fmt` into `folder`, under the same stem."""
    blocks = blocks_of(txt)
    path = folder / f"{txt.stem}.{fmt}"
    if fmt == "md":
        path.write_bytes(to_markdown(blocks))
    elif fmt == "html":
        # One report's page in GBK, as many government sites still serve them.
        path.write_bytes(to_html(blocks, "gbk" if txt.name.startswith("001") else "utf-8"))
    elif fmt == "docx":
        to_docx(blocks, path)
    elif fmt == "pdf":
        to_pdf(blocks, path)
    elif fmt == "xlsx":
        to_xlsx(blocks, path)
    elif fmt == "xls":
        to_xls(blocks, path)
    else:
        raise ValueError(fmt)
    return path


def render_for_eval(reports: Path, gold: Path, out: Path, fmt: str, stems: tuple[str, ...] | None = None) -> Path:
    """Every gold file's report rendered as `fmt` in out/reports, and the gold
    files naming the renditions in out/gold (for `perfkg eval --gold out/gold`)."""
    (out / "reports").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    for gold_file in sorted(gold.glob("*.json")):
        entry = json.loads(gold_file.read_text(encoding="utf-8"))
        if stems is not None and not entry["file"].startswith(stems):
            continue
        rendition = render(reports / entry["file"], fmt, out / "reports")
        entry["file"] = rendition.name
        (out / "gold" / gold_file.name).write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")
    return out / "gold"


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    shared = root.parent / "shared"
    target = Path(sys.argv[1])
    for fmt in FORMATS:
        render_for_eval(shared / "reports", shared / "gold", target / fmt, fmt)
    for fmt in SHEET_FORMATS:
        render_for_eval(shared / "reports", shared / "gold", target / fmt, fmt, stems=("002",))
    print(f"renditions in {target}: " + ", ".join(FORMATS + SHEET_FORMATS))
