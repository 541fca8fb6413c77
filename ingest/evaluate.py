"""`perfkg eval`: extraction measured against gold annotations.

Each report a gold file names is extracted and loaded into a scratch embedded
store, then read back from the graph, so what is measured is what a
researcher would query. A gold folder is any folder of gold files in the
format of GUIDE §4 (`../shared/gold`, `../shared/corpus/gold`, a
researcher's own); the reports are looked for in the reports folder, then
beside the gold.

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
city (a fact each of those `department` gives: a name alone is one), year, execution rate and self score (equal
to 0.005), each fund (kind, source, amount to 0.01 and task), each key task
(by name), each score item (name, maximum and score), and the counts of
duties, offices, problems and measures. An extracted fund, key task or score
item the gold does not have counts as a wrong fact too, unless the gold has
no `tasks` at all: then it has not annotated them.

Every figure is also given by kind of document and by layout (GUIDE §5). A
gold file may say both itself: `doc_kind` (整体, 项目表, 项目报告, 目标表, 邻近,
or the genre's own name for it, such as 项目支出绩效自评表) and `layout`
(`corpus/NOTES.md`'s codes, `"SD+WR"` or `["SD", "WR"]`). Where it does not,
the per-document table of a NOTES.md in the gold folder or the one above it
(columns `id`, `kind`, `layout`; `id` the gold file's stem) says them, as
`../shared/corpus/NOTES.md` does. A document without a stated kind is a
整体 report (the genre GUIDE §4's format was made for); one without a stated
layout is counted as `unstated`. A document in two kinds or layouts (`SD+WR`)
counts under each.
"""

from __future__ import annotations

import json
import re
import tempfile
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from perfkg import ontology
from perfkg.store.falkor import FalkorStore

from .load import load, prepare
from .pipeline import extract_file
from .errors import IngestError
from .runner import check_is_report
from .chars import fold

TOLERANCE = 0.005
AMOUNT_TOLERANCE = 0.01


def norm_text(text: str | None) -> str:
    if not text:
        return ""
    text = re.sub(r"<[^>]{1,10}>", "", text)
    text = fold(text)
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


def _numbers(text: str) -> list[float]:
    return sorted(float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text))


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
        # The gold's task of a fund is the task or project it is for (corpus NOTES: a project's name).
        "MATCH (r:Report {id: $rid})-[:HAS_FUND]->(f:Fund) OPTIONAL MATCH (t:Task)-[:FUNDED_BY]->(f) "
        "OPTIONAL MATCH (p:Project)-[:FUNDED_BY]->(f) "
        "RETURN f.kind AS kind, f.source AS source, f.amount AS amount, coalesce(t.name, p.name) AS task "
        "ORDER BY f.ordinal"
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


def _problem(kind: str, text: str) -> dict[str, str]:
    return {"kind": kind, "text": text}


def _values(item: dict, target_key: str = "target", actual_key: str = "actual") -> str:
    return f"target {item.get(target_key)!r}, actual {item.get(actual_key)!r}, {item.get('status')}"


def compare(gold: dict, graph: dict, vocabulary: frozenset[str] | None = None) -> dict[str, Any]:
    """One document's gold against what the graph holds of it; topics within
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
    problems: list[dict[str, str]] = []
    for g, item in enumerate(gold["indicators"]):
        if g not in matched_gold:
            problems.append(_problem("missed", f"{item['name']}: {_values(item)}"))
    for o, item in enumerate(ours):
        if o not in matched_ours:
            problems.append(_problem("spurious", f"{item['name']}: {_values(item)}"))
    for (g, o), (gold_topics, our_topics) in zip(pairs, topic_pairs):
        gi, oi = gold["indicators"][g], ours[o]
        wrong = []
        if gi["status"] != oi["status"]:
            wrong.append(f"status gold {gi['status']}, extracted {oi['status']}")
        if not same_value(gi.get("target"), oi["target"]):
            wrong.append(f"target gold {gi.get('target')!r}, extracted {oi['target']!r}")
        if not same_value(gi.get("actual"), oi["actual"]):
            wrong.append(f"actual gold {gi.get('actual')!r}, extracted {oi['actual']!r}")
        if wrong:
            problems.append(_problem("wrong", f"{gi['name']}: " + "; ".join(wrong)))
        if gold_topics != our_topics:
            problems.append(_problem("topics", f"{gi['name']}: gold {', '.join(sorted(gold_topics)) or 'none'}; "
                                               f"extracted {', '.join(sorted(our_topics)) or 'none'}"))

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


def _facts(gold: dict, graph: dict) -> tuple[dict[str, dict[str, int]], list[dict[str, str]]]:
    facts: dict[str, dict[str, int]] = {}
    problems: list[dict[str, str]] = []

    def record(kind: str, ok: bool, message: str) -> None:
        entry = facts.setdefault(kind, {"correct": 0, "total": 0})
        entry["total"] += 1
        entry["correct"] += int(ok)
        if not ok:
            problems.append(_problem("fact", message))

    report = graph["report"]
    department = gold.get("department") or {}
    # What the gold gives: a department given by name alone is one fact, not four wrong ones.
    for key in (key for key in ("name", "short_name", "district", "city") if key in department):
        expected, got = department.get(key), report.get(key)
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

    # A gold without `tasks` has not annotated them (the corpus's page
    # beginnings): the tasks extracted are neither right nor wrong there.
    ours_tasks = list(graph["tasks"]) if "tasks" in gold else []
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


# -- what kind of document, in what layout ----------------------------------

# GUIDE §5's kinds of document, by the names corpus/NOTES.md gives them, and
# words that say each one in a kind written out (`绩效目标申报表 (targets only)`).
KINDS = (
    ("目标表", ("目标表", "目标申报表")),
    ("邻近", ("邻近", "adjacent")),
    ("项目报告", ("项目报告", "项目支出绩效自评报告")),
    ("项目表", ("项目表", "项目支出绩效自评表")),
    ("整体", ("整体",)),
)
# GUIDE §4's gold format was made for the department-wide reports of §1, so a
# gold file that states no kind, in a folder whose NOTES.md does not either, is one.
DEFAULT_KIND = "整体"
UNSTATED_LAYOUT = "unstated"


def document_table(gold_dir: Path) -> dict[str, dict[str, str]]:
    """The per-document table of a NOTES.md beside the gold (in its folder
    or the folder above, as ../shared/corpus keeps it): id -> column -> cell,
    from the first markdown table with an `id` column and a `kind` or `layout` one."""
    for notes in (Path(gold_dir) / "NOTES.md", Path(gold_dir).parent / "NOTES.md"):
        if notes.is_file():
            table = _markdown_table(notes.read_text(encoding="utf-8"))
            if table:
                return table
    return {}


def _markdown_table(text: str) -> dict[str, dict[str, str]]:
    header: list[str] | None = None
    rows: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if not line.startswith("|"):
            if rows:
                return rows
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set("".join(cells)) <= set("-:"):
            continue  # the row under the header
        if "id" in header and ("kind" in header or "layout" in header) and len(cells) == len(header):
            row = dict(zip(header, cells))
            rows[row["id"]] = row
    return rows


def kinds_of(text: str | None) -> list[str]:
    """The GUIDE §5 kinds a written kind names (`项目报告 + 项目表`: both)."""
    text = text or DEFAULT_KIND
    found = []
    for part in re.sub(r"\s*[（(][^）)]*[）)]", "", text).split("+"):
        found += [kind for kind, words in KINDS if any(word in part for word in words) and kind not in found]
    if not found:  # perhaps said in brackets: 工作推进会讲话 (adjacent genre)
        found = [kind for kind, words in KINDS if any(word in text for word in words)]
    return found or [re.sub(r"\s*[（(][^）)]*[）)]", "", text).strip() or text]


def layouts_of(text: str | list[str] | None) -> list[str]:
    """Layout codes as NOTES.md writes them (`SD+WR`), or a list of them."""
    codes = text if isinstance(text, list) else (text or "").split("+")
    return [code.strip() for code in codes if code.strip()] or [UNSTATED_LAYOUT]


def describe(gold: dict, stem: str, table: dict[str, dict[str, str]]) -> tuple[list[str], list[str]]:
    """(kinds, layout codes) of one gold document: its own `doc_kind` and
    `layout` fields first, then the NOTES.md table's row for it."""
    row = table.get(stem) or table.get(Path(gold["file"]).stem) or {}
    return kinds_of(gold.get("doc_kind") or row.get("kind")), layouts_of(gold.get("layout") or row.get("layout"))


# -- adding up ---------------------------------------------------------------------


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def summarise(entries: list[dict]) -> dict[str, Any]:
    keys = ("gold", "extracted", "matched", "status_correct", "target_correct", "actual_correct", "not_met_gold",
            "not_met_found", "topics_gold", "topics_extracted", "topics_matched")
    totals = {k: sum(e["indicators"][k] for e in entries) for k in keys}
    fact_kinds: dict[str, dict[str, int]] = {}
    for entry in entries:
        for kind, counts in entry["facts"].items():
            slot = fact_kinds.setdefault(kind, {"correct": 0, "total": 0})
            slot["correct"] += counts["correct"]
            slot["total"] += counts["total"]
    correct = sum(v["correct"] for v in fact_kinds.values())
    total = sum(v["total"] for v in fact_kinds.values())
    matched = totals["matched"]
    return {
        "documents": len(entries),
        "indicators": {
            **totals,
            "precision": _ratio(matched, totals["extracted"]), "recall": _ratio(matched, totals["gold"]),
            # 2PR / (P + R), which is defined (0) when nothing was found of something there was to find
            "f1": _ratio(2 * matched, totals["gold"] + totals["extracted"]),
            "status_accuracy": _ratio(totals["status_correct"], matched),
            "target_accuracy": _ratio(totals["target_correct"], matched),
            "actual_accuracy": _ratio(totals["actual_correct"], matched),
            "not_met_recall": _ratio(totals["not_met_found"], totals["not_met_gold"]),
            "topic_precision": _ratio(totals["topics_matched"], totals["topics_extracted"]),
            "topic_recall": _ratio(totals["topics_matched"], totals["topics_gold"]),
        },
        "facts": {"correct": correct, "total": total, "accuracy": _ratio(correct, total),
                  "by_kind": {k: {**v, "accuracy": _ratio(v["correct"], v["total"])} for k, v in sorted(fact_kinds.items())}},
    }


def _breakdown(entries: list[dict], key: str) -> dict[str, dict[str, Any]]:
    """Summaries by each value of entry[key] (a list): a document in SD+WR counts under SD and under WR."""
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        for value in entry[key]:
            groups.setdefault(value, []).append(entry)
    return {value: summarise(group) for value, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


# Issue 12's targets for extraction across the genre: (label, where in a summary, at least).
TARGETS = (
    ("indicator F1", ("indicators", "f1"), 0.90),
    ("status accuracy on matched", ("indicators", "status_accuracy"), 0.95),
    ("not_met recall", ("indicators", "not_met_recall"), 0.90),
    ("department", ("facts", "by_kind", "department", "accuracy"), 0.90),
    ("year", ("facts", "by_kind", "year", "accuracy"), 0.90),
    ("execution rate", ("facts", "by_kind", "execution_rate", "accuracy"), 0.90),
    ("self score", ("facts", "by_kind", "self_score", "accuracy"), 0.90),
)
# The counts each target's figure is a ratio of, to print beside it.
_TARGET_COUNTS = {
    "status_accuracy": ("status_correct", "matched"),
    "not_met_recall": ("not_met_found", "not_met_gold"),
}


def targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for label, path, least in TARGETS:
        node: Any = summary
        for step in path[:-1]:
            node = (node or {}).get(step)
        value = (node or {}).get(path[-1])
        if path[0] == "facts":
            count = (node["correct"], node["total"]) if node else None
        elif path[-1] in _TARGET_COUNTS:
            count = tuple(summary["indicators"][k] for k in _TARGET_COUNTS[path[-1]])
        else:
            count = None
        found.append({"name": label, "value": value, "count": count, "target": least,
                      "met": None if value is None else value >= least})
    return found


# -- reading the gold ------------------------------------------------------------------


class GoldError(ValueError):
    """A gold file that cannot be used: the message names the file and the field."""


STATUSES = ("met", "not_met", "unknown")


def read_gold(gold_file: Path) -> dict[str, Any]:
    """One gold file, checked field by field: `department` may be a name or an
    object (name, short_name, district, city), `file` may be left out (the
    report is then the one whose file name is the gold file's)."""
    try:
        gold = json.loads(Path(gold_file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GoldError(f"{gold_file}: not a JSON file ({error})") from None

    def refuse(field: str, expected: str) -> None:
        raise GoldError(f"{gold_file}: field {field!r} must be {expected}, got {json.dumps(value, ensure_ascii=False)[:80]}")

    if not isinstance(gold, dict):
        value = gold
        refuse("(the whole file)", "an object")
    value = gold.get("department")
    if isinstance(value, str):
        gold["department"] = {"name": value}
    elif value is not None and not isinstance(value, dict):
        refuse("department", "a name or an object with name, short_name, district and city")
    value = gold.get("file")
    if value is not None and not (isinstance(value, str) and value.strip()):
        refuse("file", "the report's file name")
    value = gold.get("year")
    if value is not None and not (isinstance(value, int) and not isinstance(value, bool)):
        refuse("year", "a whole number")
    for field in ("execution_rate", "self_score"):
        value = gold.get(field)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            refuse(field, "a number")
    value = gold.get("indicators")
    if not isinstance(value, list):
        refuse("indicators", "a list")
    for i, item in enumerate(gold["indicators"]):
        value = item
        if not isinstance(item, dict):
            refuse(f"indicators[{i}]", "an object")
        value = item.get("name")
        if not isinstance(value, str) or not value.strip():
            refuse(f"indicators[{i}].name", "the indicator's name")
        value = item.get("status")
        if value not in STATUSES:
            refuse(f"indicators[{i}].status", " or ".join(STATUSES))
    value = gold.get("funds", [])
    if not isinstance(value, list) or not all(isinstance(f, dict) for f in value):
        refuse("funds", "a list of objects")
    for i, fund in enumerate(gold.get("funds", [])):
        for field in ("kind", "source", "amount"):
            value = fund.get(field)
            if value is None:
                refuse(f"funds[{i}].{field}", "given")
    return gold


def report_of(gold: dict, gold_file: Path, reports_dir: Path) -> Path | None:
    """The report a gold file is about: the file it names, in the reports
    folder or beside the gold; without one, the report of the same name."""
    from .readers import SUFFIXES

    folders = (Path(reports_dir), Path(gold_file).parent)
    if gold.get("file"):
        return next((folder / gold["file"] for folder in folders if (folder / gold["file"]).exists()),
                    Path(reports_dir) / gold["file"])
    for folder in folders:
        for path in sorted(folder.glob(f"{Path(gold_file).stem}.*")):
            if path.suffix.lower() in SUFFIXES:
                return path
    return None


# -- running ---------------------------------------------------------------------


def evaluate_folder(gold_dir: Path, reports_dir: Path) -> dict[str, Any]:
    """Every gold file of the folder against the extraction of the report it
    names; GoldError for a gold file that is not of the format."""
    gold_files = sorted(Path(gold_dir).glob("*.json"))
    golds = [read_gold(gold_file) for gold_file in gold_files]
    vocabulary = ontology.topics().contract | {topic for gold in golds for item in gold["indicators"]
                                               for topic in item.get("topics") or []}
    table = document_table(gold_dir)
    entries = []
    with tempfile.TemporaryDirectory(prefix="perfkg-eval-") as scratch:
        store = FalkorStore(Path(scratch) / "eval.db", create=True)
        try:
            prepare(store)
            for gold_file, gold in zip(gold_files, golds):
                path = report_of(gold, gold_file, reports_dir)
                gold["file"] = path.name if path is not None else gold_file.stem
                try:
                    if path is None:
                        raise IngestError(gold_file.stem, f"no report named {gold_file.stem}.* in {reports_dir}")
                    extraction = extract_file(path)
                    check_is_report(extraction)
                except IngestError as error:
                    entry = _failed(gold, error.problem)
                else:
                    report_id = load(store, extraction).report_id
                    entry = compare(gold, read_back(store, report_id), vocabulary)
                entry["kinds"], entry["layouts"] = describe(gold, gold_file.stem, table)
                entries.append(entry)
        finally:
            store.close()
    return assemble(entries, gold_dir, reports_dir)


def assemble(entries: list[dict], gold_dir: Path | str, reports_dir: Path | str) -> dict[str, Any]:
    """The result of an evaluation from its documents' entries (compare()
    with `kinds` and `layouts`): the figures overall, against the targets,
    by kind, by layout and by document."""
    for entry in entries:
        entry["summary"] = summarise([entry])
    overall = summarise(entries)
    return {"gold_folder": str(gold_dir), "reports_folder": str(reports_dir), "overall": overall,
            "targets": targets(overall), "by_kind": _breakdown(entries, "kinds"),
            "by_layout": _breakdown(entries, "layouts"), "reports": entries}


def _failed(gold: dict, problem: str) -> dict[str, Any]:
    empty_graph = {"report": {}, "indicators": [], "funds": [], "tasks": [], "score_items": [], "counts": {}}
    entry = compare(gold, empty_graph)
    entry["problems"].insert(0, _problem("not read", problem))
    return entry


# -- printing ------------------------------------------------------------------------

WIDTH = 80  # a terminal's columns; Chinese characters take two


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * max(0, width - cell_len(text))
    return fill + text if right else text + fill


def _wrap(text: str, indent: int, width: int = WIDTH, *, keep: int = 0) -> list[str]:
    """Lines of at most `width` columns, the ones after the first indented;
    broken at the last space that fits after the first `keep` characters (a
    label), else (Chinese has no spaces) anywhere."""
    lines, line = [], ""
    for char in text:
        if cell_len(line) + cell_len(char) > width:
            start = max(keep if not lines else 0, len(line) - len(line.lstrip())) + 1
            cut = line.rfind(" ", start)
            head, tail = (line[:cut], line[cut + 1 :]) if cut > 0 else (line, "")
            lines.append(head.rstrip())
            line = " " * indent + tail
        line += char
    return lines + [line.rstrip()]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _of(correct: int, total: int) -> str:
    return f"{correct}/{total}"


_COLUMNS = (("docs", 4), ("gold", 5), ("found", 5), ("match", 5), ("P", 5), ("R", 5), ("F1", 5), ("status", 7),
            ("not_met", 7), ("facts", 5))


def _table(title: str, rows: list[tuple[str, dict[str, Any]]], *, documents: bool) -> list[str]:
    columns = [c for c in _COLUMNS if documents or c[0] != "docs"]
    label_width = min(max([cell_len(title)] + [cell_len(label) for label, _ in rows]),
                      WIDTH - sum(w + 1 for _, w in columns))
    lines = [_pad(title, label_width) + "".join(" " + _pad(name, w, right=True) for name, w in columns)]
    for label, summary in rows:
        ind = summary["indicators"]
        values = {"docs": str(summary["documents"]), "gold": str(ind["gold"]), "found": str(ind["extracted"]),
                  "match": str(ind["matched"]), "P": _fmt(ind["precision"]), "R": _fmt(ind["recall"]),
                  "F1": _fmt(ind["f1"]), "status": _of(ind["status_correct"], ind["matched"]),
                  "not_met": _of(ind["not_met_found"], ind["not_met_gold"]), "facts": _fmt(summary["facts"]["accuracy"])}
        while cell_len(label) > label_width:
            label = label[:-1]
        lines.append(_pad(label, label_width) + "".join(" " + _pad(values[name], w, right=True) for name, w in columns))
    return lines


def render(result: dict[str, Any]) -> list[str]:
    """The evaluation as lines of at most 80 columns: the targets, the totals,
    the breakdowns by document kind and by layout, each document, and a line
    per missed, spurious or wrong indicator and per wrong fact."""
    overall = result["overall"]
    ind, facts = overall["indicators"], overall["facts"]
    lines = [f"perfkg eval: {overall['documents']} documents"]
    lines += _wrap(f"  gold     {result['gold_folder']}", 11) + _wrap(f"  reports  {result['reports_folder']}", 11)
    lines += ["", "target                               value     count   at least"]
    for target in result["targets"]:
        count = _of(*target["count"]) if target["count"] else ""
        verdict = {True: "met", False: "below", None: "n/a"}[target["met"]]
        lines.append(_pad(target["name"], 34) + _pad(_fmt(target["value"]), 8, right=True)
                     + _pad(count, 10, right=True) + _pad(f"{target['target']:.2f}", 11, right=True) + "  " + verdict)
    lines += [
        "",
        f"indicators: {ind['gold']} in the gold, {ind['extracted']} extracted, {ind['matched']} matched",
        f"  precision {_fmt(ind['precision'])}  recall {_fmt(ind['recall'])}  F1 {_fmt(ind['f1'])}",
        f"  on matched: status {_of(ind['status_correct'], ind['matched'])}, target "
        f"{_of(ind['target_correct'], ind['matched'])}, actual {_of(ind['actual_correct'], ind['matched'])}; "
        f"not_met found {_of(ind['not_met_found'], ind['not_met_gold'])}",
        f"  topics: precision {_fmt(ind['topic_precision'])} ({_of(ind['topics_matched'], ind['topics_extracted'])}), "
        f"recall {_fmt(ind['topic_recall'])} ({_of(ind['topics_matched'], ind['topics_gold'])})",
        f"facts: {facts['correct']} of {facts['total']} right ({_fmt(facts['accuracy'])})",
    ]
    lines += _wrap("  " + ", ".join(f"{kind} {_of(v['correct'], v['total'])}" for kind, v in facts["by_kind"].items()), 2)
    lines += [""] + _table("by kind", list(result["by_kind"].items()), documents=True)
    lines += [""] + _table("by layout", list(result["by_layout"].items()), documents=True)
    lines += [""] + _table("document", [(Path(e["file"]).stem, e["summary"]) for e in result["reports"]],
                           documents=False)
    for entry in result["reports"]:
        if not entry["problems"]:
            continue
        kind_and_layout = f"[{' + '.join(entry['kinds'])}; {' + '.join(entry['layouts'])}]"
        lines += [""] + _wrap(" ".join(filter(None, (entry["file"], entry["department"], kind_and_layout))), 2)
        for problem in entry["problems"]:
            lines += _wrap(f"  {problem['kind']:<9} {problem['text']}", 12, keep=12)
    return lines
