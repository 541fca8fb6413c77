"""Tag text with the policy topics of the SKOS scheme (ontology/topics.ttl).

A topic matches when one of its Chinese labels occurs in the text. Labels are
weighed by length (a longer label is more specific: 安全生产 beats 事故), and
the best few topics are kept.
"""

from __future__ import annotations

from functools import lru_cache

from ahocorasick_rs import AhoCorasick, MatchKind

from perfkg import ontology

MAX_TOPICS = 3


@lru_cache(maxsize=1)
def _lexicon() -> tuple[AhoCorasick, list[tuple[str, int]]]:
    """An automaton over every label, and each label's (slug, length)."""
    label_to_slug: dict[str, str] = {}
    for topic in ontology.topics().topics.values():
        if topic.is_expenditure_function:
            continue  # a budget heading: items reach it through their topics
        for label in topic.labels:
            # A label shared by two topics stays with the first (more specific) one listed.
            label_to_slug.setdefault(label, topic.slug)
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
