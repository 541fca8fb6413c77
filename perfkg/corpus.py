"""Synthetic reports for load tests and benchmarks, never for accuracy.

Each is one of the example reports with another department (a made-up name
in a made-up district and city), another year, some met indicators' achieved
values moved to the wrong side of their targets, its numbers perturbed and
the items of its lists in another order. What to replace is read off the
template by the extractor itself, so the generator knows no report by name.

With `missing`, that share of the reports each lose their department's name,
district, city or year (each left out on its own), as reports found on the web
often do: graphs with gaps for the explorer and the queries to cope with.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from perfkg.ingest.numbers import parse_number
from perfkg.ingest.pipeline import extract_file
from perfkg.ingest.tables import compact

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
    missable: list[tuple[int, str, str]]  # (where, an achieved value as the report words it, the same missing its target)
    indicator_names: list[str]  # as the report writes them, longest first


# The share of a template's missable indicators each generated report misses.
MISS_RATE = 0.25
# The share of a template's indicator names each generated report writes another way.
VARY_RATE = 0.3
_SCOPE_WORDS = ("辖区", "辖内", "辖区内", "全区", "全年", "年度")
_SYNONYMS = (("抽检", "抽验"), ("群众", "人民群众"), ("数量", "数"), ("拆除", "清拆"))


def vary_name(name: str, rng: random.Random) -> str:
    """The name as another report would write the same indicator (docs/metrics.md):
    with a scope word, a bracketed note or unit, a synonym, or in traditional characters."""
    way = rng.randrange(5)
    if way == 0:
        return rng.choice(_SCOPE_WORDS) + name
    if way == 1:
        return name + rng.choice(("（%）", "（全年）") if name.endswith("率") else ("（年度任务）", "（累计）", "（全年）"))
    if way == 2:
        for a, b in _SYNONYMS:
            if a in name and b not in name:
                return name.replace(a, b, 1)
            if b in name and a not in name:
                return name.replace(b, a, 1)
        if name.endswith("率") and not name.endswith("满意率"):
            return name[:-1] + "比例"
    if way == 3:
        return _traditional().convert(name)
    return rng.choice(_SCOPE_WORDS) + name + "（年度任务）" if way == 4 else name


@lru_cache(maxsize=1)
def _traditional():
    from opencc import OpenCC

    return OpenCC("s2t")


def _renamable(names: list[str]) -> list[str]:
    """Names that can be written another way in the text without touching
    another indicator's: four characters or more, inside no other name; longest first."""
    kept = {n for n in names if len(n) >= 4 and not any(n != other and n in other for other in names)}
    return sorted(kept, key=lambda n: (-len(n), n))

# What a report may leave out (generate's `missing`).
MISSABLE_FIELDS = ("department", "district", "city", "year")


class _Located:
    """Finds what the extractor quotes (evidence, achieved values: with their
    whitespace normalised) back in the text as written, whitespace aside."""

    def __init__(self, text: str):
        self.text = text
        self.kept = [i for i, ch in enumerate(text) if not ch.isspace()]
        self.squeezed = "".join(text[i] for i in self.kept)

    def last_within(self, quoted: str, evidence: str) -> tuple[int, str] | None:
        """Where `quoted` last occurs inside `evidence`, and how it is written there."""
        outer, inner = compact(evidence), compact(quoted)
        start = self.squeezed.find(outer) if outer and inner else -1
        at = self.squeezed.rfind(inner, start, start + len(outer)) if start >= 0 else -1
        if at < 0:
            return None
        begin, end = self.kept[at], self.kept[at + len(inner) - 1] + 1
        return begin, self.text[begin:end]


def _missed(indicator, located: _Located) -> tuple[int, str, str] | None:
    """Where a met indicator's achieved value is written (the last place in its
    evidence, since the target comes first), that text, and the same with its
    number moved well past the target the wrong way (half a floor, twice a
    ceiling), so the numbers' later perturbation cannot bring it back. None
    when the text does not hold it so plainly."""
    target, actual = indicator.target_value, indicator.actual_value
    if indicator.status != "met" or not indicator.actual_text or target is None or actual is None:
        return None
    # Only where the two numbers themselves show the target met (not a stated completion rate alone).
    if not (indicator.target_op == ">=" and actual >= target or indicator.target_op == "<=" and actual <= target):
        return None
    found = located.last_within(indicator.actual_text, indicator.evidence.text)
    if found is None:
        return None
    where, written = found
    for m in _NUMBER.finditer(written):
        if parse_number(m.group(0)) == actual:
            decimals = len(m.group(2)) - 1 if m.group(2) else 0
            value = target / 2 if indicator.target_op == ">=" else target * 2 + 1
            return where, written, written[: m.start()] + f"{value:.{decimals}f}" + written[m.end():]
    return None


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
        text = path.read_text(encoding="utf-8")
        # One per place, last place first, so replacing one leaves the others' places as they were.
        located = _Located(text)
        places = {spot[0]: spot for spot in (_missed(i, located) for i in extraction.indicators) if spot}
        missable = sorted(places.values(), reverse=True)
        found.append(Template(text, department.name, stem, department.district, department.city,
                              extraction.year, missable,
                              _renamable([i.name for i in extraction.indicators if i.name in text])))
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


def generate(count: int, out: Path, examples: Path, seed: int = 0, missing: float = 0.0,
             offices: dict[Path, tuple[str, ...]] | None = None) -> list[Path]:
    """`count` reports written to `out` from the templates of `examples`; with
    `missing` (0 to 1), each of MISSABLE_FIELDS is left out of that share of them.
    `offices`, when given, gets the office each is of (its template's department
    with the new name, district and city)."""
    if not 0 <= missing <= 1:
        raise ValueError(f"missing must be a share between 0 and 1, got {missing}")
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
        for where, achieved, missed in base.missable:
            if rng.random() < MISS_RATE:
                text = text[:where] + missed + text[where + len(achieved):]
        # Drawn only when asked, so a corpus without gaps is the same as before for a seed.
        left_out = {field for field in MISSABLE_FIELDS if missing and rng.random() < missing}
        if "department" in left_out:
            text = text.replace(base.name, "")
        for name in base.indicator_names:
            if rng.random() < VARY_RATE:
                text = text.replace(name, vary_name(name, rng))
        replacements = [(base.unit_stem, stem), (str(base.year), "" if "year" in left_out else str(year))]
        if base.district:
            replacements.append((base.district, "" if "district" in left_out else district))
        if base.city:
            replacements.append((base.city, "" if "city" in left_out else city))
        office = base.name
        for old, new in replacements:
            if old:
                text = text.replace(old, new)
                office = office.replace(old, new)
        text = _shuffle_items(_perturb(text, rng), rng)
        path = out / f"bench_{index:05d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
        if offices is not None:
            offices[path] = (office, district, city)
    return written
