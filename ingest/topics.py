"""Tag text with the topics of the SKOS scheme (ontology/topics.ttl).

A topic matches when one of its Chinese labels occurs in the text, written in
simplified or traditional characters. Labels are weighed by length (a longer
label is more specific: 安全生产 beats 事故), and the best few topics are kept.
"""

from __future__ import annotations

from functools import lru_cache

from ahocorasick_rs import AhoCorasick, MatchKind

from perfkg import ontology

MAX_TOPICS = 3

# Words of the genre that hold a label but are about no topic. They are
# matched like labels, so the label inside them is not: 人民政府 is not 民政,
# 集中学习 not 中学, 协调解决 not 调解, and 经济效益 / 生态效益 are a form's
# indicator categories, not the economy or ecology.
NOT_TOPICS = ("人民政府", "人民生活", "居民生活", "集中学习", "自治水平", "协调解决", "新气象", "主题教育",
              "学习教育", "宣传教育", "教育引导", "思想教育", "经济效益", "生态效益")


@lru_cache(maxsize=1)
def _lexicon() -> tuple[AhoCorasick, list[tuple[str | None, int]]]:
    """An automaton over every label (and word of NOT_TOPICS, of no topic),
    and each one's (slug, length)."""
    from opencc import OpenCC

    traditional = OpenCC("s2t")
    label_to_slug: dict[str, str | None] = {}
    for topic in ontology.topics().topics.values():
        if topic.is_expenditure_function:
            continue  # a budget heading: items reach it through their topics
        for label in topic.labels:
            # A label shared by two topics stays with the first (more specific) one listed.
            label_to_slug.setdefault(label, topic.slug)
    for word in NOT_TOPICS:
        label_to_slug.setdefault(word, None)
    # Reports copied through traditional-character mirrors (殘疾人, 養老服務)
    # are tagged like the others: each label also in traditional writing.
    for label, slug in list(label_to_slug.items()):
        label_to_slug.setdefault(traditional.convert(label), slug)
    labels = list(label_to_slug)
    # Leftmost-longest: where labels overlap, the one starting first and, of
    # those, the longest counts (垃圾分类, not 垃圾).
    automaton = AhoCorasick(labels, matchkind=MatchKind.LeftmostLongest)
    return automaton, [(label_to_slug[label], len(label)) for label in labels]


def scores(text: str) -> dict[str, float]:
    """Each topic's weight in a text: the lengths of its labels found there."""
    if not text:
        return {}
    automaton, labels = _lexicon()
    found: dict[str, float] = {}
    for index, _, _ in automaton.find_matches_as_indexes(text):
        slug, length = labels[index]
        if slug is not None:
            found[slug] = found.get(slug, 0.0) + length
    return found


def tag(primary: str, context: str = "", inherited: list[str] | None = None) -> list[str]:
    """Topics of an item. Its own text (a name) decides; only when that names
    no topic does its context (an indicator's sentence) count, and then only
    topics near the strongest one, so a passing mention (克服疫情影响，…产值…)
    does not tag it. With neither, the topics of what it belongs to (its task)."""
    found = scores(primary)
    if not found:
        found = scores(context)
        if found:
            best = max(found.values())
            found = {slug: score for slug, score in found.items() if score >= best * 0.5}
    if not found:
        return list(inherited or [])[:MAX_TOPICS]
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    best = ranked[0][1]
    return [slug for slug, score in ranked[:MAX_TOPICS] if score >= best * 0.34]
