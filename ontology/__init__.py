"""The perfkg ontology: OWL classes and properties, SKOS topics, SHACL shapes.

The Turtle files in this package are the single source of truth of the graph
contract. This module reads them (once per process) and derives what the rest
of perfkg needs: the property-graph schema the loader checks every write
against and the stores build their indexes from (`schema()`), and the topic
scheme the extractor tags text with and the API resolves topic names through
(`topics()`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

# rdflib (about 0.4 s to import, and as long again to parse the files) is
# imported only where the Turtle is read: what schema(), topics() and
# value_labels() derive from it is kept in a cache keyed by the files and this
# module, so a command that only queries the graph starts without it.
NAMESPACES = {
    "PK": "https://w3id.org/perfkg/ontology#",
    "TOPIC": "https://w3id.org/perfkg/topic/",
    "ID": "https://w3id.org/perfkg/id/",
    "SH": "http://www.w3.org/ns/shacl#",
    "SCHEMA": "https://schema.org/",
    "OWL": "http://www.w3.org/2002/07/owl#",
    "XSD": "http://www.w3.org/2001/XMLSchema#",
}


def __getattr__(name: str):
    """PK, TOPIC, ID, ...: the ontology's rdflib namespaces, made on first use."""
    if name in NAMESPACES:
        from rdflib import Namespace

        globals()[name] = Namespace(NAMESPACES[name])
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

ONTOLOGY_FILES = ("perfkg.ttl", "topics.ttl")
SHAPES_FILE = "shapes.ttl"

_XSD_TYPES = {
    NAMESPACES["XSD"] + "string": "string",
    NAMESPACES["XSD"] + "integer": "integer",
    NAMESPACES["XSD"] + "decimal": "decimal",
    NAMESPACES["XSD"] + "boolean": "boolean",
}


class SchemaViolation(ValueError):
    """A write that the ontology does not allow."""


@dataclass(frozen=True)
class PropertySpec:
    name: str
    datatype: str  # string | integer | decimal | boolean
    definition: str
    label_zh: str
    required: bool = False
    allowed: tuple | None = None
    indexed: bool = False
    many: bool = False  # a list of values of the datatype (pk:list)

    def check(self, label: str, value) -> None:
        if value is None:
            if self.required:
                raise SchemaViolation(f"{label}.{self.name} is required")
            return
        if self.many:
            if not isinstance(value, list):
                raise SchemaViolation(f"{label}.{self.name} must be a list of {self.datatype}, got {value!r}")
            for item in value:
                self._check_one(label, item)
            return
        self._check_one(label, value)

    def _check_one(self, label: str, value) -> None:
        ok = {
            "string": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "decimal": isinstance(value, (int, float)) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
        }[self.datatype]
        if not ok:
            raise SchemaViolation(
                f"{label}.{self.name} must be {self.datatype}, got {type(value).__name__} {value!r}"
            )
        if self.allowed is not None and value not in self.allowed:
            raise SchemaViolation(f"{label}.{self.name} must be one of {list(self.allowed)}, got {value!r}")


@dataclass(frozen=True)
class LabelSpec:
    name: str
    label_en: str
    label_zh: str
    definition: str
    properties: dict[str, PropertySpec] = field(default_factory=dict)
    # A second label: the label it is added to, and the property=value it marks.
    secondary_of: str | None = None
    when: tuple[str, str] | None = None

    @property
    def indexed(self) -> list[str]:
        return [p.name for p in self.properties.values() if p.indexed]


@dataclass(frozen=True)
class RelationshipSpec:
    name: str
    label_en: str
    label_zh: str
    definition: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Schema:
    labels: dict[str, LabelSpec]  # the primary labels: one per node
    relationships: dict[str, RelationshipSpec]
    secondary: dict[str, LabelSpec] = field(default_factory=dict)  # second labels, by name

    def secondary_of(self, label: str) -> list[LabelSpec]:
        return [spec for spec in self.secondary.values() if spec.secondary_of == label]

    def check_node(self, label: str, properties: dict) -> None:
        """Refuse a node whose label, properties or values the ontology does not
        allow. A row of exactly the declared types passes by the quick test of
        `_accepts`; any other is checked property by property, which says what
        is wrong (and accepts what only the quick test did not, a subclass of
        int, say)."""
        if _accepts(self._plans.get(label), properties):
            return
        spec = self.labels.get(label)
        if spec is None:
            raise SchemaViolation(f"label {label!r} is not declared in the ontology")
        for key in properties:
            if key not in spec.properties:
                raise SchemaViolation(f"property {label}.{key} is not declared in the ontology")
        for prop in spec.properties.values():
            prop.check(label, properties.get(prop.name))

    @cached_property
    def _plans(self) -> dict[str, tuple[frozenset[str], tuple[str, ...], dict[str, tuple]]]:
        """Per label, what `_accepts` tests: the declared properties, the
        required ones, and per property (exact types, a list of them?, allowed values).
        The loader checks every node it writes (some 100 per report, 40
        properties each): checked property by property, that was most of the
        time it took to turn a report into rows."""
        plans = {}
        for label, spec in self.labels.items():
            kinds = {name: (_EXACT_TYPES[prop.datatype], prop.many,
                            frozenset(prop.allowed) if prop.allowed is not None else None)
                     for name, prop in spec.properties.items()}
            required = tuple(name for name, prop in spec.properties.items() if prop.required)
            plans[label] = (frozenset(spec.properties), required, kinds)
        return plans

    def check_relationship(self, rel_type: str, source: str, target: str) -> None:
        spec = self.relationships.get(rel_type)
        if spec is None:
            raise SchemaViolation(f"relationship type {rel_type!r} is not declared in the ontology")
        if source not in spec.sources or target not in spec.targets:
            raise SchemaViolation(
                f"(:{source})-[:{rel_type}]->(:{target}) is not declared; "
                f"{rel_type} goes from {list(spec.sources)} to {list(spec.targets)}"
            )


# The types a value of each datatype has (bool is not an integer here, as in PropertySpec).
_EXACT_TYPES = {"string": frozenset({str}), "integer": frozenset({int}), "decimal": frozenset({int, float}),
                "boolean": frozenset({bool})}


def _accepts(plan, properties: dict) -> bool:
    """Whether a node's properties certainly pass Schema.check_node (see Schema._plans)."""
    if plan is None:
        return False
    declared, required, kinds = plan
    if not properties.keys() <= declared:
        return False
    for name in required:
        if properties.get(name) is None:
            return False
    for name, value in properties.items():
        if value is None:
            continue
        types, many, allowed = kinds[name]
        if many:
            if type(value) is not list:
                return False
            for item in value:
                if type(item) not in types or (allowed is not None and item not in allowed):
                    return False
        elif type(value) not in types or (allowed is not None and value not in allowed):
            return False
    return True


@dataclass(frozen=True)
class Topic:
    slug: str
    name_zh: str
    name_en: str
    alt_labels: tuple[str, ...]
    broader: str | None  # skos:broader: the broader concept of its own scheme
    # skos:broadMatch: functions of expenditure it falls under that its broader
    # topic does not already lead to.
    broad_match: tuple[str, ...] = ()
    notation: str | None = None  # the code of a function of expenditure (210); topics have none

    @property
    def labels(self) -> tuple[str, ...]:
        """Every Chinese label that names this topic, longest first."""
        return tuple(sorted({self.name_zh, *self.alt_labels}, key=len, reverse=True))

    @property
    def parents(self) -> tuple[str, ...]:
        """Every concept directly above it: its BROADER edges in the graph."""
        return ((self.broader,) if self.broader else ()) + self.broad_match

    @property
    def is_expenditure_function(self) -> bool:
        return self.notation is not None


@dataclass(frozen=True)
class TopicScheme:
    topics: dict[str, Topic]
    contract: frozenset[str] = frozenset()  # the graph contract's policy topics (skos:Collection topic:contract)

    def resolve(self, name: str) -> Topic | None:
        """A topic by slug, Chinese or English preferred label, alternative
        label, or (a function of expenditure) code."""
        key = name.strip()
        if key in self.topics:
            return self.topics[key]
        lowered = key.lower()
        for topic in self.topics.values():
            if (key == topic.name_zh or lowered == topic.name_en.lower() or key in topic.alt_labels
                    or key == topic.notation):
                return topic
        return None

    def narrower_closure(self, slug: str) -> list[str]:
        """The slug and every concept below it, transitively."""
        found = [slug]
        frontier = [slug]
        while frontier:
            for child in self.children(frontier.pop()):
                if child.slug not in found:
                    found.append(child.slug)
                    frontier.append(child.slug)
        return found

    def children(self, slug: str | None) -> list[Topic]:
        """The concepts directly below a concept; with None, those with nothing
        above them (the functions of expenditure, and topics that lead to none)."""
        if slug is None:
            return [t for t in self.topics.values() if not t.parents]
        return [t for t in self.topics.values() if slug in t.parents]

    def nearest_in(self, slugs, vocabulary) -> set[str]:
        """For each slug, itself if it is in the vocabulary, else the nearest
        concepts of the vocabulary above it (none when nothing above it is)."""
        found: set[str] = set()
        frontier = list(slugs)
        seen: set[str] = set()
        while frontier:
            slug = frontier.pop()
            if slug in seen:
                continue
            seen.add(slug)
            if slug in vocabulary:
                found.add(slug)
            else:
                frontier.extend(self.topics[slug].parents)
        return found

    def functions_of(self, slug: str) -> list[str]:
        """The functions of expenditure a concept falls under (itself, for a function)."""
        return sorted(self.nearest_in([slug], {s for s, t in self.topics.items() if t.is_expenditure_function}),
                      key=lambda s: self.topics[s].notation)


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def ontology_path(name: str):
    """Path of one of the package's Turtle files (for tools that want a file)."""
    return resources.files(__package__).joinpath(name)


@lru_cache(maxsize=1)
def ontology_graph():
    """The OWL ontology and the SKOS topic scheme in one rdflib graph."""
    from rdflib import Graph

    graph = Graph()
    for name in ONTOLOGY_FILES:
        graph.parse(data=_read(name), format="turtle")
    return graph


@lru_cache(maxsize=1)
def shapes_graph():
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=_read(SHAPES_FILE), format="turtle")
    return graph


def _lang(graph, subject, predicate, lang: str) -> str:
    from rdflib import Literal

    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


def _local(iri) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _shape_constraints(shapes) -> dict[tuple[str, str], tuple[bool, tuple | None]]:
    """(label, property) -> (required, allowed values) from the node shapes."""
    from rdflib import RDF, URIRef
    from rdflib.collection import Collection

    SH = __getattr__("SH")
    constraints = {}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        target = shapes.value(shape, SH.targetClass)
        if target is None:
            continue
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if not isinstance(path, URIRef):
                continue  # inverse paths constrain relationships, not properties
            min_count = shapes.value(prop, SH["minCount"])
            allowed_list = shapes.value(prop, SH["in"])
            allowed = None
            if allowed_list is not None:
                allowed = tuple(v.toPython() for v in Collection(shapes, allowed_list))
            constraints[(_local(target), _local(path))] = (
                min_count is not None and int(min_count) >= 1,
                allowed,
            )
    return constraints


def schema() -> Schema:
    """The property-graph schema derived from perfkg.ttl and shapes.ttl."""
    return _derived()[0]


def topics() -> TopicScheme:
    """The two SKOS schemes of topics.ttl: topics, and functions of expenditure.
    Functions come first, in the order of their codes; then topics by slug."""
    return _derived()[1]


def value_labels() -> dict[tuple[str, str], dict[str, tuple[str, str]]]:
    """The words for the closed values of the contract (the concepts of
    pk:Values): (label, property) -> {value as stored: (Chinese, English)}."""
    return _derived()[2]


def _cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perfkg"


@lru_cache(maxsize=1)
def _derived() -> tuple[Schema, TopicScheme, dict]:
    """The schema, topic scheme and value labels: from the cache when it holds
    them for these very files and this module, else read from the Turtle and
    kept there (when the cache folder cannot be written, read every time)."""
    key = hashlib.sha256(Path(__file__).read_bytes())
    for name in (*ONTOLOGY_FILES, SHAPES_FILE):
        key.update(_read(name).encode("utf-8"))
    cached = _cache_folder() / f"ontology-{key.hexdigest()[:24]}.pickle"
    try:
        return pickle.loads(cached.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    derived = (_schema_from_turtle(), _topics_from_turtle(), _values_from_turtle())
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(derived))
        os.replace(partial, cached)  # whole or not at all, for a process reading it meanwhile
    except OSError:
        pass
    return derived


def _schema_from_turtle() -> Schema:
    from rdflib import RDF, RDFS, SKOS

    PK, OWL, SCHEMA = __getattr__("PK"), __getattr__("OWL"), __getattr__("SCHEMA")
    graph = ontology_graph()
    constraints = _shape_constraints(shapes_graph())
    labels: dict[str, LabelSpec] = {}
    secondary: dict[str, LabelSpec] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        if not str(cls).startswith(str(PK)):
            continue
        name = _local(cls)
        when = graph.value(cls, PK.labelWhen)
        spec = LabelSpec(
            name=name,
            label_en=_lang(graph, cls, RDFS.label, "en"),
            label_zh=_lang(graph, cls, RDFS.label, "zh"),
            definition=_lang(graph, cls, SKOS.definition, "en"),
            secondary_of=_local(graph.value(cls, RDFS.subClassOf)) if when is not None else None,
            when=tuple(str(when).split("=", 1)) if when is not None else None,
        )
        (secondary if when is not None else labels)[name] = spec
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        name = _local(prop)
        datatype = _XSD_TYPES[str(graph.value(prop, RDFS.range))]
        indexed = bool(graph.value(prop, PK.indexed))
        many = bool(graph.value(prop, PK["list"]))
        for domain in graph.objects(prop, SCHEMA.domainIncludes):
            label = _local(domain)
            required, allowed = constraints.get((label, name), (False, None))
            labels[label].properties[name] = PropertySpec(
                name=name,
                datatype=datatype,
                definition=_lang(graph, prop, SKOS.definition, "en"),
                label_zh=_lang(graph, prop, RDFS.label, "zh"),
                required=required,
                allowed=allowed,
                indexed=indexed,
                many=many,
            )
    relationships: dict[str, RelationshipSpec] = {}
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        name = _local(prop)
        relationships[name] = RelationshipSpec(
            name=name,
            label_en=_lang(graph, prop, RDFS.label, "en"),
            label_zh=_lang(graph, prop, RDFS.label, "zh"),
            definition=_lang(graph, prop, SKOS.definition, "en"),
            sources=tuple(sorted(_local(d) for d in graph.objects(prop, SCHEMA.domainIncludes))),
            targets=tuple(sorted(_local(r) for r in graph.objects(prop, SCHEMA.rangeIncludes))),
        )
    return Schema(labels=dict(sorted(labels.items())), relationships=dict(sorted(relationships.items())),
                  secondary=dict(sorted(secondary.items())))


def _topics_from_turtle() -> TopicScheme:
    from rdflib import RDF, SKOS

    PK, TOPIC = __getattr__("PK"), __getattr__("TOPIC")
    graph = ontology_graph()
    found = {}
    for concept in graph.subjects(RDF.type, PK.Topic):
        slug = _local(concept)
        broader = graph.value(concept, SKOS.broader)
        notation = graph.value(concept, SKOS.notation)
        found[slug] = Topic(
            slug=slug,
            name_zh=_lang(graph, concept, SKOS.prefLabel, "zh"),
            name_en=_lang(graph, concept, SKOS.prefLabel, "en"),
            alt_labels=tuple(
                sorted(str(v) for v in graph.objects(concept, SKOS.altLabel) if v.language == "zh")
            ),
            broader=_local(broader) if broader is not None else None,
            broad_match=tuple(sorted(_local(m) for m in graph.objects(concept, SKOS.broadMatch))),
            notation=str(notation) if notation is not None else None,
        )
    contract = frozenset(_local(m) for m in graph.objects(TOPIC.contract, SKOS.member))
    ordered = sorted(found.values(), key=lambda t: (t.notation is None, t.notation or "", t.slug))
    return TopicScheme(topics={t.slug: t for t in ordered}, contract=contract)


def _values_from_turtle() -> dict[tuple[str, str], dict[str, tuple[str, str]]]:
    from rdflib import SKOS

    PK = __getattr__("PK")
    graph = ontology_graph()
    found: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for concept in graph.subjects(SKOS.inScheme, PK.Values):
        key = (_local(graph.value(concept, PK.valueFor)), _local(graph.value(concept, PK.valueOf)))
        found.setdefault(key, {})[str(graph.value(concept, SKOS.notation))] = (
            _lang(graph, concept, SKOS.prefLabel, "zh"), _lang(graph, concept, SKOS.prefLabel, "en"))
    return found
