"""Tag text with the policy topics of the SKOS scheme (ontology/topics.ttl).

A topic matches when one of its Chinese labels occurs in the text. Labels are
weighed by length (a longer label is more specific: 生活垃圾 over 垃圾分类宣传
is a tie, 安全生产 beats 事故) and by where they occur (the name of an item
counts more than its context); the best few topics are kept.
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


def scores(text: str, weight: float = 1.0) -> dict[str, float]:
    pattern, label_to_slug = _lexicon()
    found: dict[str, float] = {}
    for m in pattern.finditer(text or ""):
        slug = label_to_slug[m.group(0)]
        found[slug] = found.get(slug, 0.0) + weight * len(m.group(0))
    return found


def tag(primary: str, context: str = "", inherited: list[str] | None = None) -> list[str]:
    """Topics of an item: from its own text first, its context second, and
    the topics of what it belongs to (an indicator's task) when it names none."""
    found = scores(primary, 3.0)
    for slug, score in scores(context, 1.0).items():
        found[slug] = found.get(slug, 0.0) + score
    if not found and inherited:
        return list(inherited)[:MAX_TOPICS]
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        return []
    best = ranked[0][1]
    # Keep topics within reach of the best one: a passing mention does not count.
    return [slug for slug, score in ranked[:MAX_TOPICS] if score >= best * 0.34]
