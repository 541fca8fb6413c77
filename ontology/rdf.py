"""The graph as RDF instance data in the ontology's terms, and its SHACL check.

Every node becomes the IRI https://w3id.org/perfkg/id/<id> typed with its
class (pk:Report, pk:Indicator ...); topics are the SKOS concepts of the
scheme (https://w3id.org/perfkg/topic/<slug>). Properties become typed
literals (xsd:string, xsd:integer, xsd:decimal, xsd:boolean as the ontology
declares them) and relationships object properties. An extracted node is also
prov:wasDerivedFrom its report.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import PROV, XSD

from . import ID, PK, TOPIC, ontology_graph, schema, shapes_graph

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}


def iri(label: str, node_id: str) -> URIRef:
    return TOPIC[node_id] if label == "Topic" else ID[node_id]


def literal(datatype: str, value) -> Literal:
    if datatype == "decimal":
        # A decimal literal, not a double: 98.64 stays 98.64.
        return Literal(Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value), datatype=XSD.decimal)
    if datatype == "integer":
        return Literal(int(value), datatype=XSD.integer)
    if datatype == "boolean":
        return Literal(bool(value), datatype=XSD.boolean)
    # A simple literal is an xsd:string in RDF 1.1, and compares equal to the
    # shapes' sh:in values.
    return Literal(str(value))


def to_rdf(nodes: Iterable[dict], relationships: Iterable[dict]) -> Graph:
    """nodes and relationships in the shape of perfkg.export (APOC JSON)."""
    spec = schema()
    graph = Graph()
    graph.bind("pk", PK)
    graph.bind("id", ID)
    graph.bind("topic", TOPIC)
    graph.bind("prov", PROV)
    for node in nodes:
        label = node["labels"][0]
        subject = iri(label, node["id"])
        for each in node["labels"]:
            graph.add((subject, RDF.type, PK[each]))
        properties = spec.labels[label].properties
        for key, value in node["properties"].items():
            if value is None:
                continue
            prop = properties.get(key)
            # An undeclared property is exported as a plain string, so SHACL and
            # readers see it rather than it vanishing. A list is one triple per value.
            for each in value if isinstance(value, list) else [value]:
                graph.add((subject, PK[key], literal(prop.datatype if prop else "string", each)))
        _skos(graph, subject, label, node["properties"])
        if "report_id" in node["properties"]:
            graph.add((subject, PROV.wasDerivedFrom, ID[node["properties"]["report_id"]]))
    for rel in relationships:
        graph.add((iri(rel["start"]["labels"][0], rel["start"]["id"]), PK[rel["label"]],
                   iri(rel["end"]["labels"][0], rel["end"]["id"])))
    return graph


def _skos(graph: Graph, subject: URIRef, label: str, properties: dict) -> None:
    """A metric in SKOS terms, so the scheme can be curated and read back
    (PERFKG_METRICS): a skos:Concept with its name as prefLabel, every name
    reports give it as altLabel, and its framework category as broader. A
    department's aliases are its altLabels too."""
    if label == "Metric":
        graph.add((subject, RDF.type, SKOS.Concept))
        graph.add((subject, SKOS.prefLabel, Literal(properties["name"], lang="zh")))
        if properties.get("framework"):
            graph.add((subject, SKOS.broader, PK[properties["framework"]]))
    for alias in properties.get("aliases") or [] if label in ("Metric", "Department") else []:
        graph.add((subject, SKOS.altLabel, Literal(alias, lang="zh")))


def serialize(graph: Graph, fmt: str) -> str:
    return graph.serialize(format=FORMATS[fmt])


def validate(data: Graph) -> tuple[bool, list[dict]]:
    """Run the SHACL shapes over instance data; (conforms, violations)."""
    from pyshacl import validate as shacl

    conforms, report, _ = shacl(data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(),
                                inference="none", abort_on_first=False, allow_warnings=False)
    SH = "http://www.w3.org/ns/shacl#"
    violations = []
    for result in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        def one(predicate):
            value = report.value(result, URIRef(SH + predicate))
            return None if value is None else str(value)

        violations.append({
            "focus": one("focusNode"),
            "path": one("resultPath"),
            "value": one("value"),
            "message": one("resultMessage"),
            "severity": (one("resultSeverity") or "").rsplit("#", 1)[-1],
        })
    violations.sort(key=lambda v: (v["focus"] or "", v["path"] or ""))
    return conforms, violations
