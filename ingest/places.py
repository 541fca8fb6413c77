"""China's administrative divisions, to tell a place name in the text from
the words around it (泸县 in `…基本情况泸县城市生活垃圾填埋场…`).

The names come from the national division codes (adcodes) in
`data/divisions.csv`, taken from the `cpca` package's data file (MIT
licence, in data/LICENSE-divisions.txt): provinces, prefecture-level cities
and county-level divisions (2020), each with its code, so a county knows its
city. A county is found by its full name (彭水苗族土家族
自治县) or by the short form the genre writes (彭水自治县, 围场县 is rarer).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import ahocorasick_rs

_GROUPINGS = frozenset({"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Province-level municipalities.
_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


@dataclass(frozen=True)
class Division:
    code: str  # 12-digit adcode
    name: str
    level: str  # province | city | county

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00000000"


@dataclass(frozen=True)
class Gazetteer:
    divisions: dict[str, Division]  # by code
    by_name: dict[str, list[Division]]  # full names and short forms
    automaton: ahocorasick_rs.AhoCorasick
    names: list[str]

    def find(self, text: str, level: str | None = None) -> list[tuple[int, int, Division]]:
        """Every division named in the text, longest names first where they overlap."""
        found = []
        for index, start, end in self.automaton.find_matches_as_indexes(text, overlapping=False):
            for division in self.by_name[self.names[index]]:
                if level is None or division.level == level:
                    found.append((start, end, division))
                    break
        return found

    def city_of(self, county: Division) -> Division | None:
        return self.divisions.get(county.city_code)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    data = resources.files(__package__).joinpath("data", "divisions.csv").read_text(encoding="utf-8")
    divisions: dict[str, Division] = {}
    for row in csv.DictReader(io.StringIO(data)):
        code, name = row["adcode"], row["name"]
        if code[:2] in _MUNICIPALITIES and code[2:] == "0" * 10:
            level = "city"  # 北京市, 重庆市: a province that reports are filed under as a city
        elif code[2:] == "0" * 10:
            level = "province"
        elif code[4:] == "0" * 8:
            level = "city"
        elif code[6:] == "0" * 6:
            level = "county"
        else:
            continue
        if name in _GROUPINGS:
            continue  # a statistical grouping of divisions (重庆市's 县, 市辖区), not a place of its own
        divisions[code] = Division(code, name, level)
    by_name: dict[str, list[Division]] = {}
    for division in divisions.values():
        for alias in _aliases(division):
            by_name.setdefault(alias, []).append(division)
    names = sorted(by_name, key=len, reverse=True)
    automaton = ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return Gazetteer(divisions, by_name, automaton, names)


def _aliases(division: Division) -> list[str]:
    """The full name and the short forms reports write."""
    name = division.name
    aliases = [name]
    if division.level == "county" and name.endswith("自治县") and len(name) > 5:
        aliases += [name[:2] + "自治县", name[:2] + "县"]  # 彭水苗族土家族自治县 -> 彭水自治县, 彭水县
    elif division.level == "city" and name.endswith("自治州") and len(name) > 5:
        aliases.append(name[:2] + "州")  # 红河哈尼族彝族自治州 -> 红河州
    elif division.level == "county" and name.endswith("县") and len(name) >= 3:
        aliases.append(name[:-1] + "区")  # many a 县 has become a 区 (梁平县 -> 梁平区) since the data's year
    return aliases
