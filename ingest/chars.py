"""Characters as the rules read them: one character for one, so any span of
the normalised text is the same span of the text it came from.

- full-width digits, letters and brackets as half-width (１３１％ -> 131%);
- traditional characters as simplified (數量指標 -> 数量指标): reports copied
  through traditional-character mirrors keep their values verbatim, but the
  genre's words must still be recognised. OpenCC converts by phrase; where a
  phrase would change the text's length, the characters are converted one by
  one instead.
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
# Characters that exist only in traditional writing would be many; the CJK
# block is what a converter is asked about, and only when some are present.
_CJK = re.compile("[\u4e00-\u9fff]")


def to_half_width(text: str) -> str:
    """Full-width digits, letters and brackets as half-width, one character for one."""
    return _FULL_WIDTH.sub(lambda m: _HALF_WIDTH[m.group(0)], text)


@lru_cache(maxsize=1)
def _converter():
    import opencc  # loaded on first use

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters as simplified, one character for one."""
    if not _CJK.search(text):
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_one(char) for char in text)


@lru_cache(maxsize=65536)
def _one(char: str) -> str:
    converted = _converter().convert(char)
    return converted if len(converted) == 1 else char


def normalise(text: str) -> str:
    """The text the rules read: half-width and simplified, the same length."""
    return to_simplified(to_half_width(text))
