"""Synthetic reports for load tests and benchmarks, never for accuracy.

Each is one of the example reports with another department (a made-up name
in a made-up district and city), another year, its numbers perturbed (so
some targets are missed that were met) and the items of its lists in another
order. What to replace is read off the template by the extractor itself, so
the generator knows no report by name.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.pipeline import extract_file

_SYLLABLES = list("东西南北中新华安康宁和平兴隆昌盛丰泰福永清明秀山水云龙凤桥林江湖海沙石金银")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")


@dataclass
class Template:
    text: str
    name: str  # full department name
    unit_stem: str  # the part of the short name a new department replaces (夏港 of 夏港街道)
    district: str | None
    city: str | None
    year: int


def templates(folder: Path) -> list[Template]:
    found = []
    for path in sorted(Path(folder).glob("*.txt")):
        extraction = extract_file(path)
        department = extraction.department
        if department is None or extraction.year is None:
            continue
        stem = re.sub(r"(街道|镇|乡)$", "", department.short_name or "")
        if department.district and stem.startswith(department.district):
            stem = stem[len(department.district):]
        found.append(Template(path.read_text(encoding="utf-8"), department.name, stem, department.district,
                              department.city, extraction.year))
    return found


def _name(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(length))


def _perturb(text: str, rng: random.Random) -> str:
    """Numbers moved by up to a fifth either way, keeping their format; years and
    list numbers (1. 2.) are left alone."""
    def change(m: re.Match) -> str:
        whole, fraction = m.group(1), m.group(2) or ""
        value = float(whole.replace(",", "") + fraction)
        if value < 10 or 1990 <= value <= 2100 and not fraction:
            return m.group(0)
        new = value * rng.uniform(0.8, 1.2)
        decimals = len(fraction) - 1 if fraction else 0
        formatted = f"{new:,.{decimals}f}" if "," in whole else f"{new:.{decimals}f}"
        return formatted

    return _NUMBER.sub(change, text)


def _shuffle_items(text: str, rng: random.Random) -> str:
    """Reorder the texts of consecutive 一是/二是 points, keeping their numbering."""
    def shuffle(paragraph: str) -> str:
        parts = re.split(r"([一二三四五六七八九十]是)", paragraph)
        if len(parts) < 7:
            return paragraph
        head, markers, bodies = parts[0], parts[1::2], parts[2::2]
        rng.shuffle(bodies)
        return head + "".join(m + b for m, b in zip(markers, bodies))

    return "\n".join(shuffle(line) for line in text.split("\n"))


def generate(count: int, out: Path, examples: Path, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    bases = templates(examples)
    if not bases:
        raise ValueError(f"no usable template reports in {examples}")
    out.mkdir(parents=True, exist_ok=True)
    cities = [_name(rng, 2) + "市" for _ in range(max(2, count // 400 + 1))]
    districts = [(_name(rng, 2) + "区", rng.choice(cities)) for _ in range(max(3, count // 60 + 1))]
    written = []
    used = set()
    for index in range(count):
        base = bases[index % len(bases)]
        while True:
            stem = _name(rng, 2 + rng.random().__lt__(0.3))
            district, city = rng.choice(districts)
            year = 2018 + rng.randrange(7)
            if (stem, district, year) not in used:
                used.add((stem, district, year))
                break
        text = base.text
        replacements = [(base.unit_stem, stem), (str(base.year), str(year))]
        if base.district:
            replacements.append((base.district, district))
        if base.city:
            replacements.append((base.city, city))
        for old, new in replacements:
            if old:
                text = text.replace(old, new)
        text = _shuffle_items(_perturb(text, rng), rng)
        path = out / f"bench_{index:05d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
