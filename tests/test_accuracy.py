"""Extraction measured against the gold, as strictly as the README claims it.

The five reports and the variants of tests/variants: every indicator found,
none spurious, and each one's status, target and actual as the gold has them
(the gold is the measuring stick), and every other fact right; the five
reports' topic figures may not drop below their floor. The corpus of
../shared/corpus, where extraction is being built up: its figures may never
drop below the floor committed in accuracy-floor.json, and when they rise the
floor must be raised with them (`make raise-floor`), so it only ever goes up
unless someone lowers it by hand, in a commit that says why.
"""

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from perfkg.ingest.evaluate import evaluate_folder

from conftest import CORPUS, EXAMPLES, GOLD, VARIANTS

FLOOR = Path(__file__).with_name("accuracy-floor.json")
RAISING = os.environ.get("PERFKG_RAISE_FLOOR") == "1"


@pytest.fixture(scope="module")
def five_reports():
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD} (set PERFKG_SHARED)")
    return evaluate_folder(GOLD, EXAMPLES)


@pytest.fixture(scope="module")
def corpus():
    if not (CORPUS / "gold").is_dir():
        pytest.skip(f"the corpus is not at {CORPUS} (set PERFKG_SHARED)")
    return evaluate_folder(CORPUS / "gold", CORPUS / "docs")


def _gold_files(folder: Path) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


def _exactly_the_gold(result, folder: Path) -> None:
    golds = _gold_files(folder)
    indicators = result["overall"]["indicators"]
    in_gold = sum(len(g["indicators"]) for g in golds)
    assert indicators["gold"] == in_gold
    assert indicators["extracted"] == indicators["matched"] == in_gold, indicators
    for figure in ("status_correct", "target_correct", "actual_correct"):
        assert indicators[figure] == in_gold, figure
    assert indicators["not_met_found"] == indicators["not_met_gold"] == sum(
        i["status"] == "not_met" for g in golds for i in g["indicators"])
    facts = result["overall"]["facts"]
    assert facts["correct"] == facts["total"], facts["by_kind"]
    differences = [(e["file"], p) for e in result["reports"] for p in e["problems"] if p["kind"] != "topics"]
    assert differences == []
    # Whatever the matching: each document has as many of each status as its gold.
    for entry, gold in zip(result["reports"], golds):
        assert entry["file"] == gold["file"]
        statuses = Counter(i["status"] for i in gold["indicators"])
        assert entry["indicators"]["status_correct"] == sum(statuses.values())
        assert entry["indicators"]["not_met_gold"] == statuses["not_met"]


def test_the_five_reports_are_extracted_exactly_as_the_gold_has_them_and_their_topics_hold_the_floor(five_reports):
    assert len(five_reports["reports"]) == 5
    _exactly_the_gold(five_reports, GOLD)
    indicators = five_reports["overall"]["indicators"]
    _hold_the_floor("five_reports_topics",
                    {"topic_precision": indicators["topic_precision"], "topic_recall": indicators["topic_recall"]})


def test_the_variants_are_extracted_exactly_as_their_gold_has_them():
    result = evaluate_folder(VARIANTS, VARIANTS)
    assert len(result["reports"]) == 5
    _exactly_the_gold(result, VARIANTS)


# -- the floor ---------------------------------------------------------------------------


def _figures(result) -> dict[str, float]:
    """The figures the floor holds: the indicator figures, each fact kind's
    accuracy and all facts'. A figure with nothing to measure counts as 0."""
    indicators, facts = result["overall"]["indicators"], result["overall"]["facts"]
    figures = {name: indicators[name] for name in ("precision", "recall", "f1", "status_accuracy", "target_accuracy",
                                                   "actual_accuracy", "not_met_recall")}
    figures.update({kind: counts["accuracy"] for kind, counts in facts["by_kind"].items()})
    figures["facts"] = facts["accuracy"]
    return {name: value or 0.0 for name, value in figures.items()}


def _hold_the_floor(section: str, figures: dict[str, float]) -> None:
    floors = json.loads(FLOOR.read_text(encoding="utf-8"))
    floor = floors.get(section, {})
    dropped = {name: (floor[name], value) for name, value in figures.items() if name in floor and value < floor[name]}
    rose = {name: (floor[name], value) for name, value in figures.items() if name in floor and value > floor[name]}
    unrecorded = set(figures) ^ set(floor)
    if RAISING and (rose or unrecorded):
        floors[section] = {name: max(floor.get(name, value), value) for name, value in figures.items()}
        FLOOR.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    else:
        assert not unrecorded, (f"{section}: tests/{FLOOR.name} must hold exactly these figures: {sorted(figures)}; "
                                "`make raise-floor` records them")
        assert not rose, (f"{section}: figures rose above the floor (floor, now): {rose}. Raise it: "
                          f"`make raise-floor`, and commit tests/{FLOOR.name}.")
    assert not dropped, (f"{section}: figures dropped below the floor (floor, now): {dropped}. Fix the extraction, "
                         f"or lower the floor in tests/{FLOOR.name} by hand in a commit that says why.")


def test_the_corpus_never_drops_below_its_floor(corpus):
    assert len(corpus["reports"]) == len(list((CORPUS / "gold").glob("*.json")))
    _hold_the_floor("corpus", _figures(corpus))
