"""How well metrics and departments are resolved, against hand-made truth.

Metrics: the indicators of the gold (the five reports and the corpus), each a
metric of its own unless a hand-made group (tests/gold/metric-groups.json,
under the rule of docs/metrics.md) puts it with others; and the names the
synthetic generator writes for the five's indicators, each the metric of the
name it varies. Scored by pairs: of the pairs of indicators the resolver
puts in one metric, the share the truth does too (precision), and of the
truth's pairs, the share the resolver finds (recall).

Departments: every department of the gold against the other ways the genre
writes it, and the offices of synthetic reports (look-alike names: the same
name in other districts, the same district in other years) against the
department ids their reports get.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

from perfkg.corpus import generate, vary_name
from perfkg.ingest import metrics as resolver
from perfkg.ingest.departments import identify
from perfkg.ingest.runner import extractions
from perfkg.ingest.workers import Budget

VARIANTS_PER_NAME = 3


def _gold_names(gold_dir: Path) -> list[tuple[str, str]]:
    """(file, name) of every indicator of a gold folder."""
    found = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        for indicator in json.loads(path.read_text(encoding="utf-8")).get("indicators", []):
            found.append((path.name, indicator["name"]))
    return found


def read_groups(path: Path, names: set[str]) -> list[list[str]]:
    """The hand-made groups; a name no gold holds is an error (the gold moved on)."""
    try:
        groups = [group["names"] for group in json.loads(Path(path).read_text(encoding="utf-8"))["groups"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: cannot read the metric groups ({error})") from None
    for group in groups:
        for name in group:
            if name not in names:
                raise ValueError(f"{path}: {name!r} is the name of no gold indicator")
    return groups


def _pairs(labels: Iterable[Any]) -> int:
    """How many pairs of items share a label."""
    return sum(n * (n - 1) // 2 for n in Counter(labels).values())


def pair_scores(truth: list[Any], predicted: list[Any]) -> dict[str, Any]:
    """Pairwise precision and recall of a predicted grouping of items against the truth."""
    true_pairs, predicted_pairs, both = _pairs(truth), _pairs(predicted), _pairs(zip(truth, predicted))
    return {"items": len(truth), "true_pairs": true_pairs, "predicted_pairs": predicted_pairs, "correct": both,
            "precision": both / predicted_pairs if predicted_pairs else 1.0,
            "recall": both / true_pairs if true_pairs else 1.0}


def evaluate_metrics(groups_file: Path, gold_dirs: list[Path], varied_dir: Path, seed: int = 0) -> dict[str, Any]:
    """Scores over the gold's names, the generator's variants of `varied_dir`'s
    gold names, and both together."""

    real = [item for gold_dir in gold_dirs for item in _gold_names(gold_dir)]
    groups = read_groups(groups_file, {name for _, name in real})
    label_of = {name: f"group-{index}" for index, group in enumerate(groups) for name in group}
    truth_real = [label_of.get(name, name) for _, name in real]
    rng = random.Random(seed)
    varied_from = sorted({name for _, name in _gold_names(varied_dir)})
    variants = [(base, vary_name(base, rng)) for base in varied_from for _ in range(VARIANTS_PER_NAME)]
    truth_varied = [label_of.get(base, base) for base, _ in variants]
    names_real = [name for _, name in real]
    names_varied = [name for _, name in variants]
    keys = {resolver.metric_key(name) for name in names_real + names_varied}
    metric_of = {key: group.id for group in resolver.group(keys) for key in group.keys}

    def predicted(names: list[str]) -> list[str]:
        return [metric_of[resolver.metric_key(name)] for name in names]

    result = {
        "reports": pair_scores(truth_real, predicted(names_real)),
        "generator": pair_scores(truth_varied, predicted(names_varied)),
        "all": pair_scores(truth_real + truth_varied, predicted(names_real + names_varied)),
    }
    by_metric: dict[str, set[tuple[str, str]]] = {}
    for name, truth, metric in zip(names_real + names_varied, truth_real + truth_varied,
                                   predicted(names_real + names_varied)):
        by_metric.setdefault(metric, set()).add((truth, name))
    result["wrong_merges"] = sorted({(a, b) for members in by_metric.values()
                                     for (ta, a), (tb, b) in combinations(sorted(members), 2) if ta != tb})
    return result


def department_merges(reports: int, examples: Path, corpus_docs: Path | None = None,
                      workers: int = 2) -> dict[str, Any]:
    """Department ids of `reports` synthetic reports (and the corpus's) against
    the offices they are of: two offices given one id (a wrong merge) and one
    office given two (a split)."""


    with tempfile.TemporaryDirectory() as folder:
        offices: dict[Path, tuple[str, ...]] = {}
        paths = generate(reports, Path(folder), examples, offices=offices)
        corpus = sorted(Path(corpus_docs).glob("*")) if corpus_docs else []
        ids: dict[str, set[tuple[str, ...]]] = {}
        office_ids: dict[tuple[str, ...], set[str]] = {}
        for path, extraction, _ in extractions(paths + corpus, max_bytes=None, workers=workers, budget=Budget()):
            department = getattr(extraction, "department", None)
            if department is None:
                continue
            identity = identify(department)
            # A corpus file is an office of its own: no two corpus documents share a department.
            office = offices.get(path, ("corpus", path.name))
            ids.setdefault(identity.id, set()).add(office)
            office_ids.setdefault(office, set()).add(identity.id)
    merges = {i: sorted(o) for i, o in ids.items() if len(o) > 1}
    return {"reports": len(paths), "corpus": len(corpus), "offices": len(office_ids),
            "departments": len(ids), "wrong_merges": merges,
            "splits": {"/".join(o): sorted(i) for o, i in office_ids.items() if len(i) > 1}}
