"""One Department node per real office, whichever way its reports write it.

An office is written with or without its places (广州市天河区人民政府石牌街道办事处,
天河区石牌街道办事处, 石牌街道办事处), with 办事处 or 人民政府 or not, with （本级）,
in traditional characters. Its identity is what is left of the name once
those are taken off (石牌街道, 民政局), together with its place from the
gazetteer (the county, else the city): two names are one office only on
that evidence, the same name at the same place. A name whose place is not
known at all joins only its exact equal (a 民政局 of nowhere is no evidence
of any one 民政局). A county's or city's own government (围场县人民政府) is
the place itself, not an office that reports: it becomes no Department.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .chars import fold, simplified_name as normalise_chars
from .model import DepartmentFacts
from .places import Division, gazetteer

_OWN_LEVEL = re.compile(r"[(（]\s*本级\s*[)）]|本级$")
_NOISE = re.compile(r"[\s\u3000“”\"'‘’《》、，,。.：:；;]")
_GOVERNMENT = re.compile(r"^(?:人民政府|政府)")
# The unit's own kind, written one way: 石牌街道办事处 -> 石牌街道, 马踏镇人民政府 -> 马踏镇.
_SUFFIXES = (("街道办事处", "街道"), ("街道办", "街道"), ("镇人民政府", "镇"), ("乡人民政府", "乡"),
             ("镇政府", "镇"), ("乡政府", "乡"))
_TOWN = re.compile(r"(?:街道|镇|乡)$")


@dataclass(frozen=True)
class Place:
    province: str | None = None
    city: str | None = None
    district: str | None = None
    town: str | None = None
    code: str | None = None  # the county's (else the city's) division code, when the gazetteer knows it

    def describe(self) -> str:
        written = "".join(p for p in (self.province, self.city, self.district) if p)
        return f"{written} ({self.code})" if self.code else written or "no known place"


@dataclass(frozen=True)
class Identity:
    id: str
    core: str  # the name without places and kind words: 石牌街道
    place: Place
    basis: str  # why names with this id are one office
    is_place_government: bool = False  # 围场县人民政府: a place, not a reporting office


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def exact_key(name: str) -> str:
    """A name compared exactly: no spaces or punctuation, simplified characters."""
    return _NOISE.sub("", normalise_chars(name or "")).replace("(", "（").replace(")", "）")


def identify(facts: DepartmentFacts) -> Identity:
    """The office a department's name and place name."""
    name = exact_key(facts.name)
    core, divisions = _strip_places(_OWN_LEVEL.sub("", name))
    for written in (facts.city, facts.district):  # a place the gazetteer does not list (a development zone)
        written = exact_key(written or "")
        if written and core.startswith(written) and len(core) > len(written):
            core = core[len(written):]
    government = bool(_GOVERNMENT.fullmatch(core)) or core == ""
    core = _GOVERNMENT.sub("", core) or core
    for suffix, replacement in _SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)] + replacement
            break
    place = _place(facts, divisions, core)
    if place.code is None and not place.district and not place.city and not place.province:
        return Identity("dept-" + _hash(_legacy_key(facts.name)), core or name, place,
                        f"the exact name {name}: its place is not known", government)
    where = place.code or f"{place.province or ''}{place.city or ''}{place.district or ''}"
    return Identity("dept-" + _hash(core, where), core, place,
                    f"the name {core} at {place.describe()}", government)


def _legacy_key(name: str) -> str:
    # The key earlier versions gave every department: a placeless one keeps its id.
    return re.sub(r"[\s\u3000（）()“”\"'‘’、，,。.：:；;]", "", normalise_chars(name or ""))


def _strip_places(name: str) -> tuple[str, list[Division]]:
    """The name without the places it starts with, and those places."""
    places = gazetteer()
    found: list[Division] = []
    rest = name
    while True:
        matches = places.find(rest[:16])
        if not matches or matches[0][0] != 0 or matches[0][1] >= len(rest):
            break
        found.append(matches[0][2])
        rest = rest[matches[0][1]:]
        rest = re.sub(r"^人民政府(?=.)", "", rest) if len(rest) > 4 else rest
    return rest, found


def _division(name: str | None, level: str, city: Division | None = None) -> Division | None:
    if not name:
        return None
    candidates = [d for d in gazetteer().by_name.get(normalise_chars(name), []) if d.level == level]
    if city is not None:
        inside = [d for d in candidates if d.city_code == city.code[:4] + "00000000"]
        candidates = inside or candidates
    return candidates[0] if len(candidates) == 1 else None


def _place(facts: DepartmentFacts, divisions: list[Division], core: str) -> Place:
    places = gazetteer()
    in_name = {d.level: d for d in divisions}
    city = in_name.get("city") or _division(facts.city, "city")
    county = in_name.get("county") or _division(facts.district, "county", city)
    if county is not None and city is None:
        city = places.city_of(county)
    province = in_name.get("province")
    anchor = county or city or province
    if province is None and anchor is not None:
        province = places.divisions.get(anchor.code[:2] + "0" * 10)
        province = province if province is not None and province.level == "province" else None  # 重庆市 is a city
    written = normalise_chars(facts.district) if facts.district else None
    district = (written if county and written in places.by_name else county.name) if county else written
    return Place(
        province=province.name if province else None,
        city=city.name if city else (normalise_chars(facts.city) if facts.city else None),
        district=district,
        town=core if _TOWN.search(core or "") else None,
        # A district the gazetteer does not list (a development zone) is kept by its name.
        code=county.code if county else (anchor.code if anchor and not facts.district else None),
    )


def merge_department_rows(store, rows: list[dict]) -> None:
    """Give every Department row of a batch the aliases its office has in the
    store and in the batch, and as its name the fullest of them (the longest,
    then the first in code-point order): the same whatever order its reports
    come in."""
    if not rows:
        return
    ids = sorted({row["id"] for row in rows})
    found = store.read("MATCH (d:Department) WHERE d.id IN $ids RETURN d.id, d.name, d.aliases", {"ids": ids}).rows
    names: dict[str, set[str]] = {}
    for department_id, name, aliases in found:
        names.setdefault(department_id, set()).update(aliases or [name])
    for row in rows:
        names.setdefault(row["id"], set()).update(row["aliases"])
    for row in rows:
        aliases = sorted(names[row["id"]])
        row["aliases"] = aliases
        row["name"] = fold(min(aliases, key=lambda n: (-len(n), n)))  # names folded as the graph holds them
