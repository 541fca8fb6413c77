"""Tag text with the policy topics of the SKOS scheme (ontology/topics.ttl).

A topic matches when one of its Chinese labels occurs in the text. Labels are
weighed by length (a longer label is more specific: 安全生产 beats 事故), and
the best few topics are kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

import ontology

MAX_TOPICS = 3


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern, dict[str, str]]:
    """One alternation of every label, longest first, and label -> slug."""
    label_to_slug: dict[str, str] = {}
    for topic in ontology.topics().topics.values():
        for label in topic.labels:
            # A label shared by two topics stays with the first (more specific) one listed.
            label_to_slug.setdefault(label, topic.slug)
    labels = sorted(label_to_slug, key=len, reverse=True)
    return re.compile("|".join(re.escape(label) for label in labels)), label_to_slug


def scores(text: str) -> dict[str, float]:
    """Each topic's weight in a text: the lengths of its labels found there."""
    pattern, label_to_slug = _lexicon()
    found: dict[str, float] = {}
    for m in pattern.finditer(text or ""):
        slug = label_to_slug[m.group(0)]
        found[slug] = found.get(slug, 0.0) + len(m.group(0))
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
