"""Characters as the rules read them: one character for one, so any span of
the normalised text is the same span of the text it came from.

- full-width digits, letters and brackets as half-width (１３１％ -> 131%);
- traditional characters as simplified (數量指標 -> 数量指标): reports copied
  through traditional-character mirrors keep their values verbatim, but the
  genre's words must still be recognised. OpenCC converts by phrase; where a
  phrase would change the text's length, the characters are converted one by
  one instead.

`fold` is the form names are matched in (a graph's names, ids, searches and
filters): half-width and simplified, so 臨河 and 临河, 殘疾人 and 残疾人 are
one name.
"""

from __future__ import annotations

import re
from functools import lru_cache

_HALF_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_HALF_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_HALF_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_HALF_WIDTH.update(
    {"％": "%", "（": "(", "）": ")", "．": ".", "＋": "+", "－": "-", "＜": "<", "＞": ">", "＝": "=",
     "～": "~", "／": "/", "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "═": "=", "Ⅰ": "I", "Ⅱ": "II"}
)
_HALF_WIDTH = {k: v for k, v in _HALF_WIDTH.items() if len(v) == 1}
# str.translate looks every character up in its table, a few ms per report;
# a regex visits only the characters that change.
_FULL_WIDTH = re.compile("[" + "".join(re.escape(k) for k in _HALF_WIDTH) + "]")
# Characters that exist only in traditional writing, common in every
# traditional text of the genre: a text with none of them is simplified
# already, and the converter (a few ms on a long report) is not asked.
_TRADITIONAL = re.compile("[這們個來時國會實際標數質區縣鎮項資預執體經濟發務門開對當與為於後過還進關點現從動種業長說問題應將認處員總號變產設連達義報級財務構類準計劃績評價級聯縣資]")


def to_half_width(text: str) -> str:
    """Full-width digits, letters and brackets as half-width, one character for one."""
    return _FULL_WIDTH.sub(lambda m: _HALF_WIDTH[m.group(0)], text)


@lru_cache(maxsize=1)
def _converter():
    import opencc  # loaded on first use

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters as simplified, one character for one."""
    if len(text) <= _SHORT:
        return _simplified_short(text)
    return _simplified(text)


def _simplified(text: str) -> str:
    if len(text) > 200 and not _TRADITIONAL.search(text):
        return text  # a long text without one common traditional character is simplified
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_one(char) for char in text)


@lru_cache(maxsize=65536)
def simplified_name(name: str) -> str:
    """A short name half-width and simplified, every character asked (the quick
    test of to_simplified looks for common characters only; one 羣 in a name matters)."""
    converted = _converter().convert(to_half_width(name))
    return converted if len(converted) == len(name) else "".join(_one(char) for char in to_half_width(name))


@lru_cache(maxsize=65536)
def _one(char: str) -> str:
    converted = _converter().convert(char)
    return converted if len(converted) == 1 else char


def normalise(text: str) -> str:
    """The text the rules read: half-width and simplified, the same length."""
    if len(text) <= _SHORT:
        return _normalise_short(text)
    return to_simplified(to_half_width(text))


# Cells, tokens, values and headings are short and repeat across a table, a
# report and a corpus: the converter is asked once for each.
_SHORT = 48


@lru_cache(maxsize=65536)
def _normalise_short(text: str) -> str:
    return _simplified(to_half_width(text))


@lru_cache(maxsize=65536)
def _simplified_short(text: str) -> str:
    return _simplified(text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """A name or a search as names are matched: half-width and simplified,
    every character looked at (a short name may hold no character of the
    genre's common traditional ones)."""
    if text.isascii():
        return text
    return _converter().convert(to_half_width(text))
