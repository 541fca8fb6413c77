"""docs/schema.md and docs/queries.md are generated; they must be current."""

from perfkg import docs


def test_schema_doc_is_current():
    assert (docs.DOCS / "schema.md").read_text(encoding="utf-8") == docs.schema_md(), "run `make docs`"


def test_queries_doc_is_current():
    assert (docs.DOCS / "queries.md").read_text(encoding="utf-8") == docs.queries_md(), "run `make docs`"


def test_schema_doc_covers_the_whole_ontology():
    from perfkg import ontology

    text = (docs.DOCS / "schema.md").read_text(encoding="utf-8")
    schema = ontology.schema()
    for label in schema.labels:
        assert f"### {label} " in text
    for rel in schema.relationships:
        assert f"`{rel}`" in text
    for slug in ontology.topics().topics:
        assert f"`{slug}`" in text


def test_every_setting_is_in_the_readme_s_table():
    import re

    from conftest import ROOT

    settings = set(re.findall(r'"(PERFKG_[A-Z0-9_]+)"', (ROOT / "perfkg" / "config.py").read_text(encoding="utf-8")))
    table = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `PERFKG_")]
    assert settings and {s for s in settings if not any(f"`{s}`" in line for line in table)} == set()
