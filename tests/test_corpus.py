"""The synthetic corpus of `perfkg bench-corpus`: other departments and years,
and targets missed that the templates met, so the below-target questions the
benchmark asks have answers to find."""

from collections import Counter

import pytest

from perfkg.ingest.pipeline import extract_file
from perfkg.corpus import MISS_RATE, generate, templates

from conftest import EXAMPLES


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, generate(100, folder, EXAMPLES, seed=3)


def test_each_report_is_another_department_or_year(generated):
    _, files = generated
    keys = Counter()
    for path in files:
        extraction = extract_file(path)
        assert extraction.department is not None and extraction.year is not None, path.name
        keys[(extraction.department.name, extraction.year)] += 1
    assert len(keys) == len(files)


def _not_met(files) -> Counter:
    """Not-met indicators by topic (and in all, under None)."""
    found = Counter()
    for path in files:
        for indicator in extract_file(path).indicators:
            if indicator.status == "not_met":
                found[None] += 1
                found.update(indicator.topics)
    return found


def test_met_indicators_are_moved_below_target(generated, tmp_path, monkeypatch):
    _, files = generated
    bases = templates(EXAMPLES)
    missable = sum(len(bases[index % len(bases)].missable) for index in range(len(files)))
    assert missable > 100
    missed = _not_met(files)
    monkeypatch.setattr("perfkg.corpus.MISS_RATE", 0.0)
    perturbed_only = _not_met(generate(len(files), tmp_path, EXAMPLES, seed=3))
    # Each missable value is missed with probability MISS_RATE; the perturbation of
    # numbers misses some targets on its own, in both corpora alike.
    assert missed[None] - perturbed_only[None] > 0.5 * MISS_RATE * missable
    # The benchmark's flagship question (waste sorting below target) has answers.
    assert missed["waste_sorting"] > perturbed_only["waste_sorting"]


def test_the_same_seed_writes_the_same_corpus(generated, tmp_path):
    folder, files = generated
    again = generate(100, tmp_path, EXAMPLES, seed=3)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in files]
