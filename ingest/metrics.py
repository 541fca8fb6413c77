"""What an indicator measures: indicator names grouped into metrics by meaning.

Reports name the same measure many ways (群众满意度, 辖区内群众满意度,
人民群众满意度, 羣眾滿意度). A metric is one such measure across reports; each
indicator MEASURES one. The rule (docs/metrics.md): two names are the same
metric when they measure the same quantity of the same object; a name that
only adds scope or framing (辖区, 全年, a bracketed note, a unit, the work's
own 项目 or 任务) is the same metric, one that swaps or adds an object, a
population, a place, a year or a number is not.

Resolution, in three steps, every one a function of the names alone:

1. `metric_key`: the name normalised (simplified characters, half-width,
   no spaces, brackets or units, scope words such as 辖区内 and 全年 out,
   synonyms such as 抽验 -> 抽检 written one way). Equal keys are one metric.
2. `compare`: two keys are the same metric when they are close (character
   bigrams and jieba words), one of them holds the other's every character in
   order with at most `MAX_EXTRA` more (周围群众满意度 ~ 群众满意度: a
   modifier; 药品抽检完成率 ≁ 化妆品抽检完成率: a swapped object), neither is
   too short to judge, their numbers agree and the kind of unit and the
   category their words imply do not conflict. Each comparison says why.
3. `group`: keys joined by such pairs form one metric (connected
   components, a function of the set of keys: the order reports arrive in
   changes nothing). Its id comes from its representative key (the shortest,
   then the first in code-point order), so the same names always give the
   same metric ids, and a new report's names join the existing groups.

A curated scheme (a SKOS Turtle file, `PERFKG_METRICS`; see docs/metrics.md)
overrides the resolver: a name it lists belongs to its concept, and two
curated concepts are never joined.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from .chars import simplified_name as normalise_chars
from .numbers import read_value

# How close two keys must be (the mean of bigram Dice and word Jaccard), and
# how many characters one may add to the other (周围, 项目, 农).
THRESHOLD = 0.6
MAX_EXTRA = 2
# Keys shorter than this are too general to join anything but their equal (满意度, 再就业).
MIN_LENGTH = 4

UNIT_KINDS = ("percent", "count", "money", "duration", "date", "grade", "text")

# Scope and framing words a name may carry without changing what it measures.
_SCOPE = re.compile(r"^(?:辖区内|辖区|辖内|区内|全区|全市|全县|全镇|全街|全街道|本街道|本单位|全年度|全年|本年度|年度|当年|年内)+")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|<[^<>]*>")
_NOISE = re.compile(r"[\s\"'“”‘’《》〈〉「」『』、,，。.:：;；!！?？*#·•_\-—]+")
# A unit written at the end of a name: 培训人数(人), 完成率%, 补助标准万元.
_UNIT_SUFFIX = re.compile(r"(?:%|‰|万元|元)$")
# Words written two ways for one meaning, each mapped to one.
_SYNONYMS = (
    (re.compile(r"抽验"), "抽检"),
    (re.compile(r"清拆|拆违"), "拆除"),
    (re.compile(r"(?<=[\u4e00-\u9fa5]{2})标准$"), "水平"),
    (re.compile(r"人民群众|居民群众"), "群众"),
    (re.compile(r"比例$|比率$"), "率"),
    (re.compile(r"数量$|个数$"), "数"),
    (re.compile(r"^(?:项目|任务|工作)(?=完成时间|完成及时率|实施进度)"), ""),
)
_DIGITS = re.compile(r"\d+(?:\.\d+)?")

# The kind of unit and the framework category a name's own words imply.
_NAME_KINDS = (
    ("percent", re.compile(r"(?:率|满意度|知晓度|覆盖面|占比|百分比|比重)$")),
    ("money", re.compile(r"(?:金额|资金|经费|费用|成本|补助水平|补贴水平|投资额|税收|产值)$")),
    ("date", re.compile(r"(?:完成时间|完成日期|截止时间|时间节点)$")),
    ("duration", re.compile(r"(?:周期|时限|期限|天数|时长|学时)$")),
    ("grade", re.compile(r"(?:等级|评级|考核结果|评价结果)$")),
    ("count", re.compile(r"(?:数|次数|人次|场次|宗数|件数|户数|人数|面积|里程|长度|批次|家数|处数|量)$")),
)
_NAME_CATEGORIES = (
    ("satisfaction", re.compile(r"满意度$")),
    ("timeliness", re.compile(r"(?:及时率|完成时间|完成日期|时限|时效)$")),
    ("cost", re.compile(r"(?:成本|补助水平|补贴水平)$")),
    ("quality", re.compile(r"(?:合格率|达标率|优良率|质量)$")),
)
# The framework's categories (ontology: pk:IndicatorCategories) by the words a source files them under.
_CATEGORY_WORDS = (
    ("economic_effect", "经济效益"), ("social_effect", "社会效益"), ("ecological_effect", "生态效益"),
    ("sustainable_impact", "可持续"), ("satisfaction", "满意度"), ("quantity", "数量"), ("quality", "质量"),
    ("timeliness", "时效"), ("cost", "成本"), ("key_indicator", "关键指标"), ("effect", "效益"), ("output", "产出"),
)
# The most specific first: a metric observed under several categories takes the first of this order.
CATEGORIES = ("quantity", "quality", "timeliness", "cost", "economic_effect", "social_effect",
              "ecological_effect", "sustainable_impact", "satisfaction", "output", "effect", "key_indicator")


@lru_cache(maxsize=65536)  # reports repeat their indicators' names: each is normalised once
def metric_key(name: str) -> str:
    """The name as the resolver compares it (see the module's step 1)."""
    text = normalise_chars(name or "")
    text = _NOISE.sub("", text.replace("（", "(").replace("）", ")"))
    without = _BRACKETS.sub("", text)
    text = without if without else text.strip("()[]【】<>")
    text = re.sub(r"[()\[\]【】<>]", "", text)
    text = _UNIT_SUFFIX.sub("", text)
    text = _SCOPE.sub("", text) or text
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text) or text
    return text


def name_kind(key: str) -> str | None:
    """The kind of unit the name's own words say (率 -> percent), if they say one."""
    return next((kind for kind, pattern in _NAME_KINDS if pattern.search(key)), None)


def name_category(key: str) -> str | None:
    return next((slug for slug, pattern in _NAME_CATEGORIES if pattern.search(key)), None)


def category_slug(text: str | None) -> str | None:
    """The framework category a source's 一级/二级 label names (社会效益指标 -> social_effect)."""
    if not text:
        return None
    text = normalise_chars(text)
    return next((slug for slug, word in _CATEGORY_WORDS if word in text), None)


@lru_cache(maxsize=65536)
def unit_kind(unit: str | None, target_text: str | None = None, actual_text: str | None = None) -> str:
    """The kind of an indicator's values: its unit, else what its target or actual reads as."""
    if unit in ("%", "‰"):
        return "percent"
    if unit in ("万元", "元", "亿元", "千元"):
        return "money"
    if unit == "grade":
        return "grade"
    if unit in ("天", "日", "个月", "月", "小时", "年", "工作日", "分钟"):
        return "duration"
    if unit:
        return "count"
    for text in (target_text, actual_text):
        value = read_value(text)
        if value is None:
            continue
        if value.kind == "date":
            return "date"
        if value.kind == "grade":
            return "grade"
        if value.kind in ("number", "rank", "zero"):
            return "count"
    return "text"


@lru_cache(maxsize=65536)
def _words(key: str) -> frozenset[str]:
    import jieba  # loaded on first use

    jieba.setLogLevel(60)
    return frozenset(w for w in jieba.cut(key, HMM=False) if w.strip())


@lru_cache(maxsize=65536)
def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) if len(key) > 1 else frozenset({key})


@dataclass(frozen=True)
class Comparison:
    """Two keys compared: the score, whether they are the same metric, and why."""

    a: str
    b: str
    score: float
    same: bool
    reason: str

    def explain(self) -> str:
        return f"{self.a} ~ {self.b}: {self.score:.2f} ({self.reason})"


@lru_cache(maxsize=262144)
def similarity(a: str, b: str) -> tuple[float, float, float]:
    """(score, bigram Dice, word Jaccard) of two keys."""
    if a == b:
        return 1.0, 1.0, 1.0
    ba, bb = _bigrams(a), _bigrams(b)
    dice = 2 * len(ba & bb) / (len(ba) + len(bb))
    wa, wb = _words(a), _words(b)
    jaccard = len(wa & wb) / len(wa | wb) if wa | wb else 0.0
    return round((dice + jaccard) / 2, 4), round(dice, 4), round(jaccard, 4)


@lru_cache(maxsize=262144)
def compare(a: str, b: str) -> Comparison:
    """Are two keys the same metric? (the module's step 2)"""
    if a == b:
        return Comparison(a, b, 1.0, True, "the same name once normalised")
    score, dice, jaccard = similarity(a, b)
    measured = f"bigrams {dice:.2f}, words {jaccard:.2f}"

    def apart(why: str) -> Comparison:
        return Comparison(a, b, score, False, f"{measured}; apart: {why}")

    if min(len(a), len(b)) < MIN_LENGTH:
        return apart(f"a name under {MIN_LENGTH} characters joins only its equal")
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return apart("their numbers differ")
    kinds = (name_kind(a), name_kind(b))
    if None not in kinds and kinds[0] != kinds[1]:
        return apart(f"units {kinds[0]} and {kinds[1]}")
    categories = (name_category(a), name_category(b))
    if None not in categories and categories[0] != categories[1]:
        return apart(f"categories {categories[0]} and {categories[1]}")
    extra_a, extra_b = _unmatched(a, b)
    if extra_a and extra_b:
        return apart(f"different words: {extra_a} / {extra_b}")
    extra = extra_a or extra_b
    if _names_a_place(a if extra_a else b, extra):
        return apart(f"{extra} names a place")
    if len(extra) > MAX_EXTRA:
        return apart(f"{extra} is more than a modifier")
    if score < THRESHOLD:
        return apart(f"score under {THRESHOLD}")
    kind = next((k for k in kinds if k), "any unit")
    return Comparison(a, b, score, True, f"{measured}; adds only {extra}; {kind}")


def _names_a_place(key: str, extra: str) -> bool:
    """Does the extra text belong to a place the key names (成县 of 成县高标准农田)?"""
    from .places import gazetteer

    return any(set(extra) & set(key[start:end]) for start, end, _ in gazetteer().find(key))


def _unmatched(a: str, b: str) -> tuple[str, str]:
    """The characters of each key the other's do not match, in order."""
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    kept_a = {i for block in blocks for i in range(block.a, block.a + block.size)}
    kept_b = {j for block in blocks for j in range(block.b, block.b + block.size)}
    return ("".join(ch for i, ch in enumerate(a) if i not in kept_a),
            "".join(ch for j, ch in enumerate(b) if j not in kept_b))


@lru_cache(maxsize=65536)
def _numbers(key: str) -> tuple[str, ...]:
    return tuple(_DIGITS.findall(key))


def _skip_pairs(key: str) -> set[str]:
    """Its characters two at a time, in order, at most MAX_EXTRA characters
    between them: a key that holds another's every character in order with at
    most MAX_EXTRA more has each adjacent pair of the other's among these."""
    return {key[i] + key[j] for i in range(len(key)) for j in range(i + 1, min(i + MAX_EXTRA + 2, len(key)))}


def _shortened(key: str, most: int) -> set[str]:
    """The key less one to `most` of its characters."""
    found, level = set(), {key}
    for _ in range(most):
        level = {k[:i] + k[i + 1:] for k in level for i in range(len(k))}
        found |= level
    return found


def _holds_in_order(longer: str, shorter: str) -> bool:
    rest = iter(longer)
    return all(char in rest for char in shorter)


class KeyIndex:
    """Keys by their numbers and by pairs of their characters, to find the few
    a key could join. Two keys are the same metric only when their numbers
    agree and the shorter is the longer less one to MAX_EXTRA characters
    (`compare`), so a key is looked for only among the keys of its numbers:
    the shorter ones by taking characters out of it, the longer ones among
    those holding its rarest adjacent pair (`_skip_pairs`). Thousands of names
    that differ only in a number then cost a look-up each, not a comparison
    with every other."""

    def __init__(self, keys: Iterable[str] = ()):
        self.keys: set[str] = set()
        # numbers -> (its keys, their skip pairs -> the keys holding them)
        self._blocks: dict[tuple[str, ...], tuple[set[str], dict[str, set[str]]]] = {}
        for key in keys:
            self.add(key)

    def add(self, key: str) -> None:
        if key in self.keys:
            return
        self.keys.add(key)
        if len(key) < MIN_LENGTH:
            return  # joins only its equal
        members, pairs = self._blocks.setdefault(_numbers(key), (set(), {}))
        members.add(key)
        for pair in _skip_pairs(key):
            pairs.setdefault(pair, set()).add(key)

    def discard(self, key: str) -> None:
        if key not in self.keys:
            return
        self.keys.discard(key)
        if len(key) < MIN_LENGTH:
            return
        numbers = _numbers(key)
        members, pairs = self._blocks[numbers]
        members.discard(key)
        for pair in _skip_pairs(key):
            pairs[pair].discard(key)
            if not pairs[pair]:
                del pairs[pair]
        if not members:
            del self._blocks[numbers]

    def sync(self, keys: set[str]) -> None:
        """Hold exactly `keys`: an index kept between batches is brought up to
        the graph's keys at the cost of what changed, not of all of them."""
        for key in self.keys - keys:
            self.discard(key)
        for key in keys - self.keys:
            self.add(key)

    def candidates(self, key: str) -> list[str]:
        """Keys that could be the same metric: of its numbers, one to MAX_EXTRA
        characters shorter or longer, the shorter held in order in the longer,
        sharing all but a few of their bigrams."""
        if len(key) < MIN_LENGTH or (block := self._blocks.get(_numbers(key))) is None:
            return []
        members, pairs = block
        found = _shortened(key, min(MAX_EXTRA, len(key) - MIN_LENGTH)) & members
        rarest = min((key[i:i + 2] for i in range(len(key) - 1)), key=lambda pair: len(pairs.get(pair, ())))
        found.update(other for other in pairs.get(rarest, ())
                     if 0 < len(other) - len(key) <= MAX_EXTRA and _holds_in_order(other, key))
        grams = _bigrams(key)
        # A key that adds up to MAX_EXTRA characters breaks at most MAX_EXTRA + 1 of the other's bigrams.
        return sorted(other for other in found
                      if len(grams & _bigrams(other)) >= min(len(grams), len(_bigrams(other))) - (MAX_EXTRA + 1))


@dataclass
class Curated:
    """A curated scheme: names pinned to concepts, read from a SKOS Turtle file."""

    concepts: dict[str, str] = field(default_factory=dict)  # concept id -> prefLabel
    pinned: dict[str, str] = field(default_factory=dict)  # key -> concept id
    source: str = ""

    @classmethod
    def read(cls, path: str | Path) -> "Curated":
        """Each skos:Concept of the file is a metric; its prefLabel and altLabels
        are names of it. A name given to two concepts is an error."""
        from rdflib import RDF, SKOS, Graph

        path = Path(path)
        graph = Graph()
        try:
            graph.parse(path, format="turtle")
        except FileNotFoundError:
            raise ValueError(f"{path}: curated metrics file not found") from None
        except Exception as error:  # rdflib raises many kinds for a bad file
            raise ValueError(f"{path}: not a Turtle file of SKOS concepts ({error})") from None
        curated = cls(source=str(path))
        for concept in sorted(graph.subjects(RDF.type, SKOS.Concept)):
            concept_id = re.split(r"[#/]", str(concept))[-1]
            labels = sorted({str(v) for v in graph.objects(concept, SKOS.prefLabel)})
            if not labels:
                raise ValueError(f"{path}: concept {concept_id} has no skos:prefLabel")
            curated.concepts[concept_id] = labels[0]
            for label in labels + sorted(str(v) for v in graph.objects(concept, SKOS.altLabel)):
                key = metric_key(label)
                if curated.pinned.setdefault(key, concept_id) != concept_id:
                    raise ValueError(f"{path}: {label!r} is a name of both {curated.pinned[key]} and {concept_id}")
        return curated


@lru_cache(maxsize=4)
def curated_from(path: str | None) -> Curated | None:
    return Curated.read(path) if path else None


def metric_id(representative: str) -> str:
    return "metric-" + hashlib.sha1(representative.encode("utf-8")).hexdigest()[:16]


@dataclass
class Group:
    """One metric: its keys, and (worked out when asked) why each joined."""

    id: str
    keys: list[str]
    representative: str
    curated: str | None = None  # the curated concept's id, when the scheme names it
    pinned: frozenset[str] = frozenset()  # keys the curated scheme puts here
    source: str = ""  # the curated scheme's file

    @property
    def scores(self) -> dict[str, float]:
        """Each key's closeness to the representative."""
        return {key: similarity(key, self.representative)[0] for key in self.keys}

    @property
    def merges(self) -> list[str]:
        """Why each key other than the representative joined: its comparison
        with its closest key of the group, or the curated scheme."""
        found = []
        best = closest(self.keys) if len(self.keys) > 1 else {}
        for key in self.keys:
            if key == self.representative:
                continue
            if self.curated and key in self.pinned:
                found.append(f"{key} ~ {self.representative}: curated in {self.source}")
                continue
            found.append(best[key].explain())
        return found


# The closest keys of the groups met lately (Group.merges), by their keys: a
# metric of hundreds of names is written again by every batch that names it,
# and comparing each of its names with every other each time was most of a
# large ingest; a group that grew is brought up from what it was.
_CLOSEST_GROUPS = 16384
_closest: OrderedDict[frozenset[str], dict[str, Comparison]] = OrderedDict()
_last_group: dict[str, frozenset[str]] = {}  # key -> the last group it was found in
_closest_lock = threading.Lock()


def _closeness(comparison: Comparison) -> tuple:
    return comparison.same, comparison.score, comparison.a, comparison.b


def _closest_among(key: str, others: Iterable[str]) -> Comparison | None:
    """The key's greatest comparison with the others by `_closeness`. Any that
    is the same metric is greater than any that is not, so those that may be
    (`_may_be_same`, cheap) are compared (the costly step) in order of their
    score until one is; when none is, the greatest is the one of the highest
    score. A metric of 800 names then costs a few comparisons a name, not 800."""
    pairs = [_pair(key, other) for other in others]
    ranked = sorted(((similarity(a, b)[0], a, b) for a, b in pairs if _may_be_same(a, b)), reverse=True)
    for _, a, b in ranked:
        comparison = compare(a, b)
        if comparison.same:
            return comparison
    if not pairs:
        return None
    return compare(*max(pairs, key=lambda pair: (similarity(*pair)[0], *pair)))


def _may_be_same(a: str, b: str) -> bool:
    """What `compare` needs of two different keys to call them the same: the
    shorter, of MIN_LENGTH at least, held in order in the longer with at most
    MAX_EXTRA more characters, and their numbers equal."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return (0 < len(longer) - len(shorter) <= MAX_EXTRA and len(shorter) >= MIN_LENGTH
            and _numbers(a) == _numbers(b) and _holds_in_order(longer, shorter))


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def closest(keys: Iterable[str]) -> dict[str, Comparison]:
    """Each key's comparison with its closest other key of the group: the
    greatest by (same, score, then the two keys)."""
    group = frozenset(keys)
    with _closest_lock:
        found = _closest.get(group)
        if found is not None:
            _closest.move_to_end(group)
            return found
        earlier = [s for s in {_last_group.get(k) for k in group} if s is not None and s <= group and s in _closest]
        prior = max(earlier, key=lambda s: (len(s), sorted(s)), default=frozenset())
        best = dict(_closest.get(prior, {}))
        added = group - prior
        for key in group:
            comparison = _closest_among(key, added if key in prior else group - {key})
            if comparison is not None and (key not in best or _closeness(comparison) > _closeness(best[key])):
                best[key] = comparison
        _closest[group] = best
        for key in group:
            _last_group[key] = group
        while len(_closest) > _CLOSEST_GROUPS:
            _closest.popitem(last=False)
        return best


def group(keys: Iterable[str], curated: Curated | None = None, known: dict[str, list[str]] | None = None,
          index: KeyIndex | None = None, touching: Iterable[str] | None = None) -> list[Group]:
    """Metrics over a set of keys (the module's step 3). `known` gives groups
    already resolved (id -> keys, from the store): their keys stay together,
    and only the keys not in them are compared, so adding a report costs its
    new names, not the whole graph's. `index`, one kept between calls, is
    brought up to these keys rather than made again. With `touching`, only
    the groups holding one of those keys, each as it is among all the keys,
    worked out at the cost of those groups: a batch of reports does not
    regroup the graph's thousands of metrics it leaves as they were."""
    known = known or {}
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def concept(root: str) -> str | None:
        return pinned_of.get(root)

    pinned_of: dict[str, str] = {}  # root -> curated concept of its group

    def union(a: str, b: str) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return True
        ca, cb = concept(ra), concept(rb)
        if ca and cb and ca != cb:
            return False  # two curated concepts stay apart
        low, high = sorted((ra, rb))
        parent[high] = low
        if ca or cb:
            pinned_of[low] = ca or cb
        return True

    groups_of: dict[str, list[str]] = {}
    for gid, members in known.items():
        for key in members:
            groups_of.setdefault(key, []).append(gid)
    every = set(keys) | groups_of.keys()
    pins = curated.pinned if curated else {}
    new = sorted(every - groups_of.keys())
    if index is None:
        index = KeyIndex(every)
    else:
        index.sync(every)
    edges: list[Comparison] = []
    for key in new:
        for other in index.candidates(key):
            if key in pins and other in pins:
                continue  # the scheme decides between its own names
            comparison = compare(*sorted((key, other)))
            if comparison.same:
                edges.append(comparison)
    pinned = sorted(pins.keys() & every)
    # The keys whose groups are asked for: those given, and all they are joined to
    # (by a known group, a comparison or a curated concept).
    scope = every if touching is None else _reached(set(touching) & every, known, groups_of, edges,
                                                    {k: pins[k] for k in pinned})
    for key in sorted(scope):
        parent[key] = key
        if key in pins:
            pinned_of[key] = pins[key]
    # Curated names first: a concept's names are one metric whatever the resolver says.
    by_concept: dict[str, list[str]] = {}
    for key in pinned:
        if key in scope:
            by_concept.setdefault(pins[key], []).append(key)
    for members in by_concept.values():
        for other in members[1:]:
            union(members[0], other)
    for members in known.values():
        if members and members[0] in scope:
            first, *others = sorted(members)
            for other in others:
                union(first, other)
    # Strongest first, so a curated concept takes the names closest to it.
    for comparison in sorted(edges, key=lambda c: (-c.score, c.a, c.b)):
        if comparison.a in scope:
            union(comparison.a, comparison.b)
    members_of: dict[str, list[str]] = {}
    for key in sorted(scope):
        members_of.setdefault(find(key), []).append(key)
    groups = []
    for root, members in sorted(members_of.items()):
        representative = min(members, key=lambda k: (len(k), k))
        concept_id = pinned_of.get(root)
        if concept_id and curated:
            representative = metric_key(curated.concepts[concept_id])
        groups.append(Group(id=concept_id or metric_id(representative), keys=members, representative=representative,
                            curated=concept_id, pinned=frozenset(k for k in members if k in pins),
                            source=curated.source if curated else ""))
    return groups


def _reached(start: set[str], known: dict[str, list[str]], groups_of: dict[str, list[str]], edges: list[Comparison],
             concept_of: dict[str, str]) -> set[str]:
    """The keys joined to `start`, directly or not, by what `group` joins keys by."""
    joined: dict[str, list[str]] = {}
    for comparison in edges:
        joined.setdefault(comparison.a, []).append(comparison.b)
        joined.setdefault(comparison.b, []).append(comparison.a)
    names_of: dict[str, list[str]] = {}
    for key, concept_id in concept_of.items():
        names_of.setdefault(concept_id, []).append(key)
    found, frontier, followed = set(), list(start), set()
    while frontier:
        key = frontier.pop()
        if key in found:
            continue
        found.add(key)
        for gid in groups_of.get(key, ()):
            if gid not in followed:
                followed.add(gid)
                frontier.extend(known[gid])
        frontier.extend(joined.get(key, ()))
        if key in concept_of and concept_of[key] not in followed:
            followed.add(concept_of[key])
            frontier.extend(names_of[concept_of[key]])
    return found


def pick_kind(name_based: str | None, observed: Iterable[str]) -> str:
    """A metric's unit kind: what its name says, else the first observed in UNIT_KINDS' order."""
    if name_based:
        return name_based
    seen = set(observed)
    return next((kind for kind in UNIT_KINDS if kind in seen), "text")


def pick_category(name_based: str | None, observed: Iterable[str]) -> str | None:
    if name_based:
        return name_based
    seen = set(observed)
    return next((slug for slug in CATEGORIES if slug in seen), None)
