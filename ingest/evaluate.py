"""`perfkg eval`: extraction measured against gold annotations.

Each report a gold file names is extracted and loaded into a scratch embedded
store, then read back from the graph, so what is measured is what a
researcher would query.

Indicators are matched one to one. A gold and an extracted indicator may
match when their evidence is the same passage (one contains the other once
whitespace, markup and punctuation are removed) and their names share
something, or need not when no other gold indicator comes from that passage
(a table cell pins its indicator down, whatever it is called); or when their
names are close whatever the evidence. Names are
close when one contains the other or their character bigrams overlap (Dice).
Candidate pairs are taken best first (0.6 × name + 0.4 × evidence
similarity). On matched indicators, targets and actuals agree when their
normalised text is equal, one contains the other, or they state the same
numbers; statuses must be equal; topics are compared as sets of slugs
(precision and recall over indicator-topic pairs) within the gold's
vocabulary: the graph contract's topics and any other the gold files use. An
extracted topic counts as the nearest topics of the vocabulary at or above it
(sport as culture_civilization, which a query for culture_civilization finds
it under), and one with none above it (a sector the gold has no slug for,
such as education) is not compared.

Facts are the rest of the gold: department name, short name, district and
city, year, execution rate and self score (equal to 0.005), each fund
(kind, source, amount to 0.01 and task), each key task (by name), each score
item (name, maximum and score), and the counts of duties, offices, problems
and measures. An extracted fund, key task or score item the gold does not
have counts as a wrong fact too.
"""

from __future__ import annotations

import json
import re
import tempfile
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from perfkg import ontology
from perfkg.store.falkor import FalkorStore

from .load import load, prepare
from .pipeline import extract_file
from .errors import IngestError
from .runner import check_is_report
from .chars import to_half_width

TOLERANCE = 0.005
AMOUNT_TOLERANCE = 0.01


def norm_text(text: str | None) -> str:
    if not text:
        return ""
    text = re.sub(r"<[^>]{1,10}>", "", text)
    text = to_half_width(text)
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch in "%.≥≤")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def name_similarity(a: str | None, b: str | None) -> float:
    a, b = norm_text(a), norm_text(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long = sorted((a, b), key=len)
    if short in long:
        return 0.6 + 0.4 * len(short) / len(long)
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    return 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))


def evidence_similarity(a: str | None, b: str | None) -> float:
    a, b = norm_text(a), norm_text(b)
    if not a or not b:
        return 0.0
    short, long = sorted((a, b), key=len)
    if short in long:
        return 1.0
    match = SequenceMatcher(None, short, long, autojunk=False).find_longest_match(0, len(short), 0, len(long))
    return match.size / len(short)


def _numbers(text: str | None) -> list[float]:
    return sorted(float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text or ""))


def same_value(gold: str | None, ours: str | None) -> bool:
    if gold is None and ours is None:
        return True
    if gold is None or ours is None:
        return False
    a, b = norm_text(gold), norm_text(ours)
    if a == b:
        return True
    numbers_a, numbers_b = _numbers(gold), _numbers(ours)
    if numbers_a and numbers_a == numbers_b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 2 and short in long


def match_indicators(gold: list[dict], ours: list[dict]) -> list[tuple[int, int]]:
    # A gold indicator alone in its passage (a table cell, a sentence) is
    # pinned down by the passage; one sharing it with others needs a name too.
    shared = [sum(evidence_similarity(g.get("evidence"), h.get("evidence")) >= 0.9 for h in gold) > 1 for g in gold]
    candidates = []
    for g, gold_item in enumerate(gold):
        for o, our_item in enumerate(ours):
            name = name_similarity(gold_item.get("name"), our_item.get("name"))
            evidence = evidence_similarity(gold_item.get("evidence"), our_item.get("evidence"))
            by_evidence = evidence >= 0.9 and (name >= 0.2 or not shared[g])
            eligible = by_evidence or (name >= 0.7 and evidence >= 0.3) or name >= 0.9
            if eligible:
                candidates.append((0.6 * name + 0.4 * evidence, g, o))
    pairs = []
    used_gold, used_ours = set(), set()
    for _, g, o in sorted(candidates, reverse=True):
        if g not in used_gold and o not in used_ours:
            used_gold.add(g)
            used_ours.add(o)
            pairs.append((g, o))
    return sorted(pairs)


# -- reading the graph back ------------------------------------------------


def read_back(store, report_id: str) -> dict[str, Any]:
    def rows(cypher: str) -> list[dict]:
        return store.read(cypher, {"rid": report_id}).records()

    report = rows(
        "MATCH (r:Report {id: $rid}) OPTIONAL MATCH (d:Department)-[:PUBLISHED]->(r) "
        "OPTIONAL MATCH (placed) WHERE placed = d OR (d IS NULL AND placed = r) "
        "OPTIONAL MATCH (placed)-[:IN_DISTRICT]->(x:District) "
        "OPTIONAL MATCH (c:City) WHERE (x)-[:IN_CITY]->(c) OR (x IS NULL AND (placed)-[:IN_CITY]->(c)) "
        "RETURN r.year AS year, r.execution_rate AS execution_rate, r.self_score AS self_score, "
        "d.name AS name, d.short_name AS short_name, x.name AS district, c.name AS city"
    )[0]
    indicators = rows(
        "MATCH (r:Report {id: $rid})-[:HAS_INDICATOR]->(i:Indicator) OPTIONAL MATCH (t:Task)-[:MEASURED_BY]->(i) "
        "OPTIONAL MATCH (i)-[:ABOUT]->(topic:Topic) "
        "WITH i, t, collect(topic.id) AS topics "
        "RETURN i.name AS name, i.category AS category, i.target_text AS target, i.actual_text AS actual, "
        "i.status AS status, i.evidence AS evidence, t.name AS task, topics ORDER BY i.ordinal"
    )
    funds = rows(
        "MATCH (r:Report {id: $rid})-[:HAS_FUND]->(f:Fund) OPTIONAL MATCH (t:Task)-[:FUNDED_BY]->(f) "
        "RETURN f.kind AS kind, f.source AS source, f.amount AS amount, t.name AS task ORDER BY f.ordinal"
    )
    tasks = rows("MATCH (r:Report {id: $rid})-[:HAS_TASK]->(t:Task) WHERE t.kind = 'key_task' "
                 "RETURN t.name AS name ORDER BY t.ordinal")
    scores = rows(
        "MATCH (r:Report {id: $rid})-[:HAS_SCORE]->(s:ScoreItem) WHERE NOT (:ScoreItem)-[:PART_OF]->(s) "
        "RETURN s.name AS name, s.max_score AS max_score, s.score AS score ORDER BY s.ordinal"
    )
    counts = rows(
        "MATCH (r:Report {id: $rid}) "
        "OPTIONAL MATCH (r)-[:IDENTIFIES]->(p:Problem) WITH r, count(p) AS problems "
        "OPTIONAL MATCH (r)-[:PROPOSES]->(m:Measure) WITH r, problems, count(m) AS measures "
        "OPTIONAL MATCH (d:Duty {report_id: r.id}) WITH r, problems, measures, count(d) AS duties "
        "OPTIONAL MATCH (o:Office {report_id: r.id}) "
        "RETURN duties, count(o) AS offices, problems, measures"
    )[0]
    return {"report": report, "indicators": indicators, "funds": funds, "tasks": [t["name"] for t in tasks],
            "score_items": scores, "counts": counts}


# -- comparing ---------------------------------------------------------------


def _close(a, b, tolerance=TOLERANCE) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tolerance


def compare(gold: dict, graph: dict, vocabulary: frozenset[str] | None = None) -> dict[str, Any]:
    """One report's gold against what the graph holds; topics within
    `vocabulary` (by default the graph contract's)."""
    ours = graph["indicators"]
    pairs = match_indicators(gold["indicators"], ours)
    status_ok = [g for g, o in pairs if gold["indicators"][g]["status"] == ours[o]["status"]]
    target_ok = [g for g, o in pairs if same_value(gold["indicators"][g].get("target"), ours[o]["target"])]
    actual_ok = [g for g, o in pairs if same_value(gold["indicators"][g].get("actual"), ours[o]["actual"])]
    gold_not_met = [g for g, item in enumerate(gold["indicators"]) if item["status"] == "not_met"]
    found_not_met = [g for g, o in pairs if g in gold_not_met and ours[o]["status"] == "not_met"]
    scheme = ontology.topics()
    vocabulary = scheme.contract if vocabulary is None else vocabulary
    topic_pairs = [(set(gold["indicators"][g].get("topics") or []),
                    scheme.nearest_in(ours[o].get("topics") or [], vocabulary)) for g, o in pairs]
    matched_gold = {g for g, _ in pairs}
    matched_ours = {o for _, o in pairs}
    problems: list[str] = []
    for g, item in enumerate(gold["indicators"]):
        if g not in matched_gold:
            problems.append(f"missed indicator {item['name']} ({item['status']})")
    for o, item in enumerate(ours):
        if o not in matched_ours:
            problems.append(f"extra indicator {item['name']} ({item['status']})")
    for (g, o), (gold_topics, our_topics) in zip(pairs, topic_pairs):
        gi, oi = gold["indicators"][g], ours[o]
        if gi["status"] != oi["status"]:
            problems.append(f"status of {gi['name']}: gold {gi['status']}, extracted {oi['status']}")
        if not same_value(gi.get("target"), oi["target"]):
            problems.append(f"target of {gi['name']}: gold {gi.get('target')!r}, extracted {oi['target']!r}")
        if not same_value(gi.get("actual"), oi["actual"]):
            problems.append(f"actual of {gi['name']}: gold {gi.get('actual')!r}, extracted {oi['actual']!r}")
        if gold_topics != our_topics:
            problems.append(f"topics of {gi['name']}: gold {sorted(gold_topics)}, extracted {sorted(our_topics)}")

    facts, fact_problems = _facts(gold, graph)
    problems.extend(fact_problems)
    return {
        "file": gold["file"],
        "department": (gold.get("department") or {}).get("short_name"),
        "indicators": {
            "gold": len(gold["indicators"]), "extracted": len(ours), "matched": len(pairs),
            "status_correct": len(status_ok), "target_correct": len(target_ok), "actual_correct": len(actual_ok),
            "not_met_gold": len(gold_not_met), "not_met_found": len(found_not_met),
            "topics_gold": sum(len(g) for g, _ in topic_pairs), "topics_extracted": sum(len(o) for _, o in topic_pairs),
            "topics_matched": sum(len(g & o) for g, o in topic_pairs),
        },
        "facts": facts,
        "problems": problems,
    }


def _facts(gold: dict, graph: dict) -> tuple[dict[str, dict[str, int]], list[str]]:
    facts: dict[str, dict[str, int]] = {}
    problems: list[str] = []

    def record(kind: str, ok: bool, message: str) -> None:
        entry = facts.setdefault(kind, {"correct": 0, "total": 0})
        entry["total"] += 1
        entry["correct"] += int(ok)
        if not ok:
            problems.append(message)

    report = graph["report"]
    department = gold.get("department") or {}
    for key, ours_key in (("name", "name"), ("short_name", "short_name"), ("district", "district"), ("city", "city")):
        expected = department.get(key)
        got = report.get(ours_key)
        record("department", norm_text(expected) == norm_text(got), f"department {key}: gold {expected!r}, extracted {got!r}")
    record("year", gold.get("year") == report.get("year"), f"year: gold {gold.get('year')}, extracted {report.get('year')}")
    for key in ("execution_rate", "self_score"):
        record(key, _close(gold.get(key), report.get(key)), f"{key}: gold {gold.get(key)}, extracted {report.get(key)}")

    ours = list(graph["funds"])
    for fund in gold.get("funds", []):
        hit = next((f for f in ours if f["kind"] == fund["kind"] and f["source"] == fund["source"]
                    and _close(f["amount"], fund["amount"], AMOUNT_TOLERANCE)
                    and (not fund.get("task") or name_similarity(fund["task"], f["task"]) >= 0.8)), None)
        if hit is not None:
            ours.remove(hit)
        record("funds", hit is not None, f"missed fund {fund['kind']}/{fund['source']} {fund['amount']}"
               + (f" of {fund['task']}" if fund.get("task") else ""))
    for extra in ours:
        record("funds", False, f"extra fund {extra['kind']}/{extra['source']} {extra['amount']}")

    ours_tasks = list(graph["tasks"])
    for task in gold.get("tasks", []):
        best = max(ours_tasks, key=lambda t: name_similarity(task, t), default=None)
        ok = best is not None and name_similarity(task, best) >= 0.8
        if ok:
            ours_tasks.remove(best)
        record("tasks", ok, f"missed task {task}")
    for extra in ours_tasks:
        record("tasks", False, f"extra task {extra}")

    ours_scores = list(graph["score_items"])
    for item in gold.get("score_items", []):
        hit = next((s for s in ours_scores if _close(s["max_score"], item["max_score"])
                    and _close(s["score"], item["score"])
                    and ((item["name"] is None and s["name"] is None) or name_similarity(item["name"], s["name"]) >= 0.8)),
                   None)
        if hit is not None:
            ours_scores.remove(hit)
        record("score_items", hit is not None, f"missed score item {item['name']} {item['max_score']}/{item['score']}")
    for extra in ours_scores:
        record("score_items", False, f"extra score item {extra['name']} {extra['max_score']}/{extra['score']}")

    for key, expected in (gold.get("counts") or {}).items():
        got = graph["counts"].get(key)
        record("counts", got == expected, f"count of {key}: gold {expected}, extracted {got}")
    return facts, problems


# -- running ---------------------------------------------------------------------


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _summary(entries: list[dict]) -> dict[str, Any]:
    totals = {k: sum(e["indicators"][k] for e in entries) for k in entries[0]["indicators"]} if entries else {}
    precision = _ratio(totals.get("matched", 0), totals.get("extracted", 0))
    recall = _ratio(totals.get("matched", 0), totals.get("gold", 0))
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision and recall else 0.0
    fact_kinds: dict[str, dict[str, int]] = {}
    for entry in entries:
        for kind, counts in entry["facts"].items():
            slot = fact_kinds.setdefault(kind, {"correct": 0, "total": 0})
            slot["correct"] += counts["correct"]
            slot["total"] += counts["total"]
    correct = sum(v["correct"] for v in fact_kinds.values())
    total = sum(v["total"] for v in fact_kinds.values())
    return {
        "indicators": {
            **totals,
            "precision": precision, "recall": recall, "f1": f1,
            "status_accuracy": _ratio(totals.get("status_correct", 0), totals.get("matched", 0)),
            "target_accuracy": _ratio(totals.get("target_correct", 0), totals.get("matched", 0)),
            "actual_accuracy": _ratio(totals.get("actual_correct", 0), totals.get("matched", 0)),
            "not_met_recall": _ratio(totals.get("not_met_found", 0), totals.get("not_met_gold", 0)),
            "topic_precision": _ratio(totals.get("topics_matched", 0), totals.get("topics_extracted", 0)),
            "topic_recall": _ratio(totals.get("topics_matched", 0), totals.get("topics_gold", 0)),
        },
        "facts": {"correct": correct, "total": total, "accuracy": _ratio(correct, total),
                  "by_kind": {k: {**v, "accuracy": _ratio(v["correct"], v["total"])} for k, v in sorted(fact_kinds.items())}},
    }


def evaluate_folder(gold_dir: Path, reports_dir: Path) -> dict[str, Any]:
    gold_files = sorted(Path(gold_dir).glob("*.json"))
    golds = [json.loads(gold_file.read_text(encoding="utf-8")) for gold_file in gold_files]
    vocabulary = ontology.topics().contract | {topic for gold in golds for item in gold["indicators"]
                                               for topic in item.get("topics") or []}
    entries = []
    with tempfile.TemporaryDirectory(prefix="perfkg-eval-") as scratch:
        store = FalkorStore(Path(scratch) / "eval.db", create=True)
        try:
            prepare(store)
            for gold_file, gold in zip(gold_files, golds):
                path = Path(reports_dir) / gold["file"]
                if not path.exists() and (gold_file.parent / gold["file"]).exists():
                    path = gold_file.parent / gold["file"]  # reports kept beside their gold
                try:
                    extraction = extract_file(path)
                    check_is_report(extraction)
                except IngestError as error:
                    entries.append(_failed(gold, error.problem))
                    continue
                report_id = load(store, extraction).report_id
                entry = compare(gold, read_back(store, report_id), vocabulary)
                entries.append(entry)
        finally:
            store.close()
    for entry in entries:
        entry["summary"] = _summary([entry])
    return {"overall": _summary(entries), "reports": entries}


def _failed(gold: dict, problem: str) -> dict[str, Any]:
    empty_graph = {"report": {}, "indicators": [], "funds": [], "tasks": [], "score_items": [], "counts": {}}
    entry = compare(gold, empty_graph)
    entry["problems"].insert(0, f"not ingested: {problem}")
    return entry


def render(result: dict[str, Any], console) -> None:
    from rich.table import Table

    table = Table(title="perfkg eval", title_justify="left")
    for column in ("report", "ind. P", "ind. R", "ind. F1", "status", "target", "actual", "not_met", "topic P",
                   "topic R", "facts"):
        table.add_column(column, justify="right" if column != "report" else "left")

    def row(label: str, summary: dict) -> list[str]:
        ind, facts = summary["indicators"], summary["facts"]

        def fmt(value):
            return "—" if value is None else f"{value:.3f}"

        not_met = f"{ind.get('not_met_found', 0)}/{ind.get('not_met_gold', 0)}"
        return [label, fmt(ind["precision"]), fmt(ind["recall"]), fmt(ind["f1"]), fmt(ind["status_accuracy"]),
                fmt(ind["target_accuracy"]), fmt(ind["actual_accuracy"]), not_met, fmt(ind["topic_precision"]),
                fmt(ind["topic_recall"]),
                f"{fmt(facts['accuracy'])} ({facts['correct']}/{facts['total']})"]

    for entry in result["reports"]:
        table.add_row(*row(f"{entry['file']} {entry['department'] or ''}", entry["summary"]))
    table.add_row(*row("[bold]overall[/bold]", result["overall"]))
    console.print(table)
    kinds = Table(title="facts by kind", title_justify="left")
    kinds.add_column("kind")
    kinds.add_column("correct", justify="right")
    for kind, counts in result["overall"]["facts"]["by_kind"].items():
        kinds.add_row(kind, f"{counts['correct']}/{counts['total']}")
    console.print(kinds)
    for entry in result["reports"]:
        if entry["problems"]:
            console.print(f"[bold]{entry['file']}[/bold]")
            for problem in entry["problems"]:
                console.print(f"  - {problem}")
