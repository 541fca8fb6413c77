"""The neighbourhood view's look, read from ontology/perfkg.grass.

Neo4j Browser styles the graph with that file; the explorer's graph library
(cytoscape.js) gets its colours, sizes and captions from the same file, so a
node looks alike in both views and a change to the file changes both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# A rule's body may hold braces inside quotes (caption: "{name}").
_RULE = re.compile(r'(?P<selector>node|relationship)(?:\.(?P<label>\w+))?\s*\{(?P<body>(?:[^{}"]|"[^"]*")*)\}')
_DECLARATION = re.compile(r'(?P<key>[\w-]+)\s*:\s*(?P<value>(?:[^;"]|"[^"]*")+);')
_PIXELS = re.compile(r"^(\d+(?:\.\d+)?)px$")
# The least font size of a relationship's label in the explorer's view (px).
EDGE_FONT_MIN = 10


@dataclass(frozen=True)
class Grass:
    node: dict[str, str]  # the default node rule
    relationship: dict[str, str]
    labels: dict[str, dict[str, str]]  # label -> its rule, in the file's order

    def caption(self, labels: list[str], properties: dict, length: int = 12) -> str:
        """A node's caption as Neo4j Browser writes it: the template of its most
        specific label ({name}, {year}, ...) filled in, cut to `length`."""
        template = self.rule(labels).get("caption", "")
        text = re.sub(r"\{(\w+)\}", lambda m: _text(properties.get(m.group(1))), template.strip('"'))
        if not text.strip():
            text = labels[0] if labels else ""
        return text if len(text) <= length else text[: length - 1] + "…"

    def rule(self, labels: list[str]) -> dict[str, str]:
        """The default rule overlaid by each label's rule, in the file's order:
        a later rule (NotMetIndicator after Indicator) wins, as in Neo4j Browser."""
        merged = dict(self.node)
        for label, rule in self.labels.items():
            if label in labels:
                merged.update(rule)
        return merged

    def css_variables(self) -> str:
        """Each label's colour as a CSS custom property (--Indicator, --NotMetIndicator, ...),
        so the pages colour statuses and facts as the graph views do."""
        return "; ".join(f"--{label}: {rule['color']}" for label, rule in self.labels.items() if "color" in rule)

    def cytoscape(self) -> list[dict]:
        """The file as a cytoscape.js stylesheet: a node carries its labels as classes."""
        sheet = [{"selector": "node", "style": {**_node_style(self.node), "label": "data(caption)",
                                                 "text-valign": "center", "text-halign": "center",
                                                 "text-wrap": "wrap", "text-overflow-wrap": "anywhere"}}]
        sheet += [{"selector": f"node.{label}", "style": _node_style(rule)} for label, rule in self.labels.items()]
        edge = self.relationship
        color = edge.get("color", "#A5ABB6")
        sheet.append({"selector": "edge", "style": {
            "line-color": color, "target-arrow-color": color, "target-arrow-shape": "triangle",
            "curve-style": "bezier", "width": _pixels(edge.get("shaft-width", "1px")),
            "label": "data(type)",
            # The file's 8px suits Browser's zoomed view; the explorer draws the whole neighbourhood at once.
            "font-size": max(EDGE_FONT_MIN, _pixels(edge.get("font-size", "8px"))),
            "color": edge.get("text-color-external", "#000000"), "text-rotation": "autorotate",
            "text-background-color": "#FFFFFF", "text-background-opacity": 1,
            "text-background-padding": _pixels(edge.get("padding", "3px")),
        }})
        sheet.append({"selector": "node.centre", "style": {"border-width": 5}})
        sheet.append({"selector": ":selected", "style": {"border-color": "#222222", "border-width": 4}})
        return sheet


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _pixels(value: str) -> float:
    found = _PIXELS.match(value.strip())
    return float(found.group(1)) if found else 0.0


def _node_style(rule: dict[str, str]) -> dict:
    style = {}
    if "color" in rule:
        style["background-color"] = rule["color"]
    if "border-color" in rule:
        style["border-color"] = rule["border-color"]
    if "border-width" in rule:
        style["border-width"] = _pixels(rule["border-width"])
    if "diameter" in rule:
        size = _pixels(rule["diameter"])
        style.update({"width": size, "height": size, "text-max-width": size - 4})
    if "text-color-internal" in rule:
        style["color"] = rule["text-color-internal"]
    if "font-size" in rule:
        style["font-size"] = _pixels(rule["font-size"])
    return style


def parse(text: str) -> Grass:
    node: dict[str, str] = {}
    relationship: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    for rule in _RULE.finditer(text):
        body = {m.group("key"): m.group("value").strip() for m in _DECLARATION.finditer(rule.group("body"))}
        if rule.group("selector") == "relationship":
            relationship.update(body)
        elif rule.group("label"):
            labels.setdefault(rule.group("label"), {}).update(body)
        else:
            node.update(body)
    return Grass(node, relationship, labels)


@lru_cache(maxsize=1)
def grass() -> Grass:
    """The style sheet shipped with the ontology."""
    return parse(sheet())


def sheet() -> str:
    """The text of ontology/perfkg.grass, as Neo4j Browser reads it."""
    return resources.files("perfkg.ontology").joinpath("perfkg.grass").read_text(encoding="utf-8")
