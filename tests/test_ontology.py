"""The ontology as the single source of truth, its RDF export and SHACL shapes."""

import re

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from perfkg import ontology
from perfkg.ontology import ID, PK
from perfkg.ontology.rdf import serialize, to_rdf, validate
from perfkg.export import nodes, relationships


def test_the_ontology_files_parse_and_declare_the_graph_contract():
    schema = ontology.schema()
    assert set(schema.labels) == {"City", "District", "Department", "Report", "Duty", "Office", "Task", "Indicator",
                                  "Fund", "ScoreItem", "Outcome", "Problem", "Measure", "Topic", "Source", "Project",
                                  "Finding", "Metric"}
    indicator = schema.labels["Indicator"].properties
    assert {"name", "category", "target_text", "target_value", "target_op", "actual_text", "actual_value", "unit",
            "completion_rate", "status", "evidence"} <= set(indicator)
    assert indicator["status"].allowed == ("met", "not_met", "unknown")
    assert schema.relationships["MEASURED_BY"].sources == ("Project", "Task")
    assert (schema.relationships["MEASURES"].sources, schema.relationships["MEASURES"].targets) == (("Indicator",),
                                                                                                 ("Metric",))
    assert set(schema.secondary) == {"MetIndicator", "NotMetIndicator", "UnknownIndicator"}
    for label, spec in schema.labels.items():
        assert spec.label_zh and spec.definition, label


def test_topics_have_labels_in_both_languages_and_a_broader_chain():
    scheme = ontology.topics()
    assert {"party_building", "waste_sorting", "people_congress", "budget_performance_management"} <= set(scheme.topics)
    for topic in scheme.topics.values():
        assert topic.name_zh and topic.name_en, topic.slug
        assert topic.broader is None or topic.broader in scheme.topics
    assert scheme.resolve("生活垃圾").slug == "waste_sorting"
    assert scheme.topics["waste_sorting"].broader == "urban_management"


@pytest.fixture(scope="module")
def rdf(backend, loaded_client):
    backend.examples()  # made before the test's own fixtures: the example graph must be there now
    return to_rdf(nodes(loaded_client.store), relationships(loaded_client.store))


def test_the_rdf_export_parses_back(rdf):
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        again = Graph().parse(data=serialize(rdf, fmt), format=parser)
        assert len(again) == len(rdf), fmt


def test_the_rdf_export_uses_stable_iris_and_typed_literals(rdf, loaded_client):
    report_id = loaded_client.read("MATCH (r:Report {year: 2021, kind: 'department_form'}) RETURN r.id").rows[0][0]
    report = ID[report_id]
    assert (report, PK.execution_rate, Literal("96.6", datatype=ontology.XSD.decimal)) in rdf
    assert (report, PK.year, Literal(2021)) in rdf
    indicator = next(rdf.subjects(URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), report))
    assert (indicator, None, None) in rdf
    assert (None, PK.ABOUT, URIRef("https://w3id.org/perfkg/topic/waste_sorting")) in rdf


def test_a_finding_is_exported_with_what_it_concerns_and_its_report(rdf):
    # 南洲街道's unit slip (310000 万平方米 against 310297 平方米): the examples' one finding that is not a not-evaluable one.
    (finding,) = rdf.subjects(PK.rule, Literal("actual_far_from_target"))
    assert (finding, PK.severity, Literal("warning")) in rdf
    (indicator,) = rdf.objects(finding, PK.CONCERNS)
    assert (indicator, PK.name, Literal("清拆违法建设")) in rdf
    report = next(rdf.objects(finding, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert (report, PK.HAS_FINDING, finding) in rdf


def test_the_export_of_the_five_reports_conforms_to_the_shapes(rdf):
    conforms, violations = validate(rdf)
    assert conforms, violations[:5]


def test_a_broken_instance_is_caught(rdf):
    broken = Graph()
    for triple in rdf:
        broken.add(triple)
    indicator = next(broken.subjects(PK.status, Literal("not_met")))
    broken.remove((indicator, PK.status, None))
    broken.add((indicator, PK.status, Literal("maybe")))
    conforms, violations = validate(broken)
    assert not conforms
    assert any(v["focus"] == str(indicator) and v["path"].endswith("#status") for v in violations)


def test_a_report_with_two_departments_is_caught(rdf):
    broken = Graph()
    for triple in rdf:
        broken.add(triple)
    report = next(broken.subjects(RDF.type, PK.Report))
    broken.add((ID["dept-intruder"], RDF.type, PK.Department))
    broken.add((ID["dept-intruder"], PK.id, Literal("dept-intruder")))
    broken.add((ID["dept-intruder"], PK.name, Literal("另一个部门")))
    broken.add((ID["dept-intruder"], PK.PUBLISHED, report))
    conforms, violations = validate(broken)
    assert not conforms and any(v["focus"] == str(report) for v in violations)


def test_the_browser_style_covers_every_label():
    from perfkg.ontology import ontology_path

    style = ontology_path("perfkg.grass").read_text(encoding="utf-8")
    styled = dict(re.findall(r"node\.(\w+)\s*\{(.*?)\n\}", style, re.S))
    schema = ontology.schema()
    assert set(styled) == set(schema.labels) | set(schema.secondary)
    assert '"{short_name}"' in styled["Department"]
    assert '"{name}"' in styled["Indicator"] and '"{name}"' in styled["Task"]
    colours = {label: re.search(r"color:\s*(#[0-9A-Fa-f]{6})", styled[label]).group(1)
               for label in ("MetIndicator", "NotMetIndicator", "UnknownIndicator")}
    assert len(set(colours.values())) == 3


def test_every_closed_value_has_words_in_both_languages():
    schema = ontology.schema()
    words = ontology.value_labels()
    for (label, prop) in (("Indicator", "status"), ("Indicator", "origin"), ("Report", "kind"), ("Task", "kind"),
                          ("Fund", "kind"), ("Fund", "source"), ("Indicator", "read_by"), ("Indicator", "flags"),
                          ("Task", "flags")):
        allowed = schema.labels[label].properties[prop].allowed
        assert set(words[(label, prop)]) == set(allowed), (label, prop)
        assert all(zh and en and zh != en for zh, en in words[(label, prop)].values()), (label, prop)
    assert words[("Fund", "source")]["fiscal_appropriation"] == ("财政拨款", "fiscal appropriation")


def test_a_second_process_reads_the_ontology_from_its_cache_without_rdflib(tmp_path):
    import os
    import subprocess
    import sys

    code = ("import sys; from perfkg import ontology; s = ontology.schema(); t = ontology.topics(); "
            "print(len(s.labels), len(t.topics), 'rdflib' in sys.modules)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first, second = (subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
                     .stdout.split() for _ in range(2))
    assert first[:2] == second[:2] == [str(len(ontology.schema().labels)), str(len(ontology.topics().topics))]
    assert (first[2], second[2]) == ("True", "False")
