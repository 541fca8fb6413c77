"""Numbers, quantities, targets and actuals as the genre writes them.

Arabic numbers with thousands separators and 万/亿 multipliers, Chinese
numerals (cn2an) in ranks, comparators before or after the number (≥, 不低于,
达到, 以上, 控制在 ...), ranks (前3, 第二, 全区第一), grades (优, 良, 合格),
done-states (清零, 全部完成) and zero targets (确保不发生…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from .chars import to_half_width, to_simplified

# Measure words and units, longest first so 人次 wins over 人 and 万元 over 元.
_UNITS = sorted(
    """
    个百分点 平方公里 万平方米 平方米 立方米 公里 千米 厘米 毫米 米 公顷 亩 ㎡ m² m2 km
    万元 亿元 千元 元 吨 公斤 千克 斤 克
    人次 户次 家次 场次 车次 间次 套次 档次 辆次 批次 架次 频次 班次 次
    个月 小时 分钟 天 日 周 年 月
    人 名 户 家 个 宗 件 起 处 条 场 批 项 份 套 栋 幢 间 座 辆 台 张 所 棵 株 只 头 册 本 部 篇 期 堂
    面 支 根 块 盏 组 队 类 封 轮 例 床 位 岗 段 路 幅 首 曲 杆 单 宗次 片 点 格 级 星 倍 分 % ‰
    种 艘 趟 班 口 眼 台次 羽
    """.split(),
    key=len,
    reverse=True,
)
UNIT_PATTERN = "|".join(re.escape(u) for u in _UNITS)

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# (Opening with the characters a match can start with lets a search skip the others at once.)
QUANTITY = re.compile(
    r"(?=[约近超逾共合累\s\d])"
    rf"(?P<approx_pre>约|近|超|逾|共|合计|累计)?\s*"
    rf"(?P<num>{_NUMBER})\s*(?P<more>余|多)?\s*(?:(?P<mult>万|亿|千)(?!元))?\s*(?P<more2>余|多)?\s*"
    # A compound unit keeps its denominator: 吨/日, 个/年, 元/人、天.
    rf"(?P<unit>(?:{UNIT_PATTERN})(?:/(?:人、天|{UNIT_PATTERN}))?)?"
)

MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3}
MONEY_IN_WAN = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}

_GRADES = {"优秀": 4, "优": 4, "良好": 3, "良": 3, "中等": 2, "中": 2, "合格": 2, "较好": 3, "差": 1, "不合格": 1}
_GRADE_RE = re.compile(r"^(?:等级|等次|评级|评价)?(?:为|达到|达)?(优秀|优|良好|良|中等|中|不合格|合格|较好|差)(?:等次|等级|级)?$")
_CN_NUM = "零一二两三四五六七八九十百"
_RANK_RE = re.compile(rf"(?:排名|排)?(?P<kind>前|第)\s*(?P<n>\d+|[{_CN_NUM}]+)\s*(?:名|位)?")
_DONE_WORDS = ("清零", "全部完成", "已完成", "完成", "全覆盖", "全部办结", "达标", "实现", "建成", "通过")
_NEGATED_DONE = re.compile(r"未(?:完成|清零|达标|实现|建成|通过)|没有完成|尚未")
_ZERO_TARGET = re.compile(r"不发生|零发生|零事故|零增长|“零”|零容忍|无(?:重大|较大)?|杜绝|确保不|^0$")
_ZERO_ACTUAL = re.compile(r"未发生|零发生|无(?:确诊|疑似|重大|较大)|“零”|均为0|为0|^0[^.\d]|^0$")

_GE_PREFIX = re.compile(r"(?:≥|>=|不低于|不少于|不小于|大于等于|大于或等于|至少|达到|达|(?<!不)超过|(?<!不)高于|(?<!不)大于|>)\s*$")
# 不低于 is a floor and 不高于 a ceiling: the plain words must not match inside their negations.
_LE_PREFIX = re.compile(r"(?:≤|<=|不超过|不高于|不多于|不大于|小于等于|小于或等于|控制在|(?<!不)低于|(?<!不)少于|(?<!不)小于|<)\s*$")
_GE_SUFFIX = re.compile(r"^\s*(?:及)?(?:以上|或以上|之上)")
_LE_SUFFIX = re.compile(r"^\s*(?:及)?(?:以下|或以下|以内|之内)")


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float  # as written, before the multiplier
    unit: str | None  # as written, without the multiplier: 次, %, 平方米, 元
    multiplier: float  # 1, 1e4 (万), 1e8 (亿)
    text: str
    start: int
    end: int
    approx: bool = False

    @property
    def base_value(self) -> float:
        return _decimal(self.value * self.multiplier)

    def in_unit(self) -> tuple[float, str | None]:
        """(value, unit) with the multiplier folded in; money goes to 万元."""
        if self.unit in MONEY_IN_WAN:
            return _decimal(self.value * self.multiplier * MONEY_IN_WAN[self.unit]), "万元"
        return self.base_value, self.unit


def _decimal(product: float) -> float:
    """A product of decimals without binary noise: 23.42 × 10⁴ is 234200.00000000003 as a
    double. 15 significant digits hold every figure a report writes, and are what the
    embedded store prints in its replies, so both stores give back the same number."""
    return float(f"{product:.15g}")


def parse_number(text: str) -> float:
    return float(text.replace(",", ""))


def quantities(text: str, *, need_unit: bool = False) -> tuple[Quantity, ...]:
    """Every number in the text with its multiplier and unit.

    Years (2021年), dates (12月8日), ordinals (第3) and identifiers like
    12345 热线 are skipped: they are not measured values.
    """
    return _quantities(text, need_unit)


# The extractors ask about the same cells and clauses again and again.
@lru_cache(maxsize=8192)
def _quantities(text: str, need_unit: bool) -> tuple[Quantity, ...]:
    found = []
    for m in QUANTITY.finditer(text):
        number = m.group("num")
        unit = m.group("unit")
        start, end = m.start("num"), m.end()
        before = text[max(0, start - 1) : start]
        if before and (before.isdigit() or before in ".-/:：第"):
            continue
        if not m.group("mult") and (unit == "年" and re.fullmatch(r"(19|20)\d\d", number)
                                    or unit in ("月", "日") and re.fullmatch(r"\d{1,2}", number)):
            continue  # a date (2021年, 12月, 8日), not a duration (14年)
        if unit is None and re.fullmatch(r"(19|20)\d\d", number) and text[end : end + 1] in ("年", "-", "—"):
            continue
        if need_unit and unit is None:
            continue
        while end > start and text[end - 1] == " ":
            end -= 1
        found.append(
            Quantity(
                value=parse_number(number),
                unit=unit,
                multiplier=MULTIPLIERS.get(m.group("mult") or "", 1.0),
                text=text[m.start() : end].strip(),
                start=m.start(),
                end=end,
                approx=bool(m.group("approx_pre") in ("约", "近", "超", "逾") or m.group("more") or m.group("more2")),
            )
        )
    return tuple(found)


@lru_cache(maxsize=256)
def chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return int(cn2an.cn2an(text.replace("两", "二"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True, slots=True)
class Value:
    """A target or an actual, read: what kind of value, which way it compares."""

    kind: str  # number | rank | grade | done | zero | date | text
    value: float | None = None
    unit: str | None = None
    op: str | None = None  # for targets: >= <= = rank<=
    text: str = ""


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# A date as a deadline or a completion date: 2021年12月31日前, 2023年12月底, 2021年底, ≤2023年12月.
_DATE = re.compile(r"^(?:于|在|[=≤<]|<=)?(?P<y>(?:19|20)\d\d)\s*年(?:度)?\s*(?:(?P<m>\d{1,2})\s*月)?\s*(?:(?P<d>\d{1,2})\s*日)?"
                   r"\s*(?P<end>底|末|前|之前|以前|内|完成|截止)?")


def _date(compact: str) -> float | None:
    """A date as a sortable number (yyyymmdd); a month or year alone counts as its end."""
    m = _DATE.match(compact)
    if not m or m.end() < len(compact) - 4:
        return None
    year, month, day = int(m.group("y")), m.group("m"), m.group("d")
    month = int(month) if month else 12
    day = int(day) if day else 31
    return float(year * 10000 + month * 100 + day)


def read_value(text: str | None, *, is_target: bool = False) -> Value | None:
    """Read a target or actual as written (`≥95%`, `前3`, `优`, `清零`, `10万人次`, `2021年12月31日前` ...)."""
    if text is None:
        return None
    compact = to_simplified(to_half_width(_compact(text)))  # 大於等於85戶 reads as 大于等于85户
    if not compact:
        return None
    date = _date(compact)
    if date is not None:
        return Value("date", date, None, "<=" if is_target else None, compact)
    grade = _GRADE_RE.match(compact)
    if grade:
        return Value("grade", float(_GRADES[grade.group(1)]), "grade", "=" if not is_target else ">=", compact)
    rank = _RANK_RE.search(compact)
    if rank and not re.search(r"\d+(?:\.\d+)?\s*%", compact[: rank.start()]):
        n = chinese_number(rank.group("n"))
        if n is not None:
            op = "rank<=" if (rank.group("kind") == "前" or is_target) else "="
            return Value("rank", float(n), "rank", op, compact)
    found = quantities(compact)
    if is_target and _ZERO_TARGET.search(compact) and not any(q.value != 0 for q in found):
        return Value("zero", 0.0, None, "<=", compact)
    if not is_target and found and all(q.value == 0 for q in found):
        return Value("zero", 0.0, found[-1].unit, None, compact)
    if not found:
        found = _chinese_quantities(compact)
    if found:
        # The measured value is the last number: 实际完成引进注册资本2000万的企业数1家 -> 1家.
        q = found[-1] if not is_target else found[0]
        value, unit = q.in_unit()
        op = None
        if is_target:
            before, after = compact[: q.start], compact[q.end :]
            if _LE_PREFIX.search(before) or _LE_SUFFIX.match(after):
                op = "<="
            elif _GE_PREFIX.search(before) or _GE_SUFFIX.match(after):
                op = ">="
            elif value == 0:
                op = "<="  # a target of none (0次, 0起): nothing may exceed it; a floor of 0 asks for nothing
        return Value("number", value, unit, op, compact)
    if _NEGATED_DONE.search(compact):
        return Value("text", None, None, None, compact)
    if any(word in compact for word in _DONE_WORDS):
        return Value("done", None, None, "=" if is_target else None, compact)
    if is_target and _ZERO_TARGET.search(compact):
        return Value("zero", 0.0, None, "<=", compact)
    if not is_target and _ZERO_ACTUAL.search(compact):
        return Value("zero", 0.0, None, None, compact)
    return Value("text", None, None, None, compact)


_CN_QUANTITY = re.compile(rf"(?P<num>[{_CN_NUM}千万]+)(?P<unit>{UNIT_PATTERN})")


def _chinese_quantities(text: str) -> list[Quantity]:
    """十次, 两个: a value written in Chinese numerals, with its unit."""
    found = []
    for m in _CN_QUANTITY.finditer(text):
        if m.group("unit") in ("%", "‰", "分") or m.start() > 0 and text[m.start() - 1] in "第前":
            continue
        value = chinese_number(m.group("num"))
        if value is not None:
            found.append(Quantity(float(value), m.group("unit"), 1.0, m.group(0), m.start(), m.end()))
    return found


# Characters that follow a number without being a unit of it: dates, ordinals, connectives.
_NOT_A_UNIT = re.compile(r"[年月日号第至到和及与或、，,。；;：:（()）的个名]")


def unknown_unit(text: str | None) -> str | None:
    """A measure word after a number in a value (5只羊 is no value: only short texts
    are looked at) that the reader does not know, or None."""
    if not text or len(text) > 12:
        return None
    for m in re.finditer(r"\d(?:\.\d+)?\s*(?:万|亿|千)?\s*(?P<unit>[\u4e00-\u9fa5])", text or ""):
        unit = m.group("unit")
        if not _NOT_A_UNIT.match(unit) and not any(u.startswith(unit) for u in _UNITS) \
                and unit not in "以上下内左右余多余":
            return unit
    return None


def compatible_units(a: str | None, b: str | None) -> bool:
    """Can values in these units be compared? 人次 and 次 can; % and 家 cannot."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    return a.endswith(b) or b.endswith(a)
