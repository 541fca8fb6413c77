"""Every indicator's evidence is its document's own text, where it says,
and says where in the file that is: for the five example reports and the
shared corpus of the genre."""

from __future__ import annotations

import pytest

from perfkg.ingest.pipeline import extract_file
from perfkg.ingest.readers import read_document

from conftest import EXAMPLES, SHARED

CORPUS = SHARED / "corpus" / "docs"


def _reports():
    found = sorted(EXAMPLES.glob("*.txt"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.glob("*.txt"))
    return found


@pytest.mark.parametrize("path", _reports(), ids=lambda p: p.name)
def test_every_indicator_has_verbatim_evidence_and_a_location(path):
    document = read_document(path)
    extraction = extract_file(path)
    for indicator in extraction.indicators:
        evidence = indicator.evidence
        assert evidence.text.strip() and document.text[evidence.start : evidence.end] == evidence.text, indicator.name
        assert evidence.location.startswith("line"), (indicator.name, evidence.location)


def test_the_check_has_indicators_to_check():
    # Guards the test above against passing on reports with no indicator.
    assert sum(len(extract_file(path).indicators) for path in EXAMPLES.glob("*.txt")) >= 100
    if CORPUS.is_dir():
        assert any(extract_file(path).indicators for path in CORPUS.glob("*.txt"))
