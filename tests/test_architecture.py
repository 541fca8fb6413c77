"""The house reads as its pipeline: imports point one way, from the entry
points down to the ontology, and no module imports itself back.

The module graph is read from the source (every import statement, those
inside functions too), with the folders named as they install (./ingest is
perfkg.ingest): tools such as grimp look for subpackages inside the package's
own folder and cannot see through the mapping.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from conftest import ROOT

# Highest first. A module may import modules of its own layer or of the layers
# below it, never above. Each entry is a module or a package (with its
# submodules); the most specific entry names a module's layer.
LAYERS: list[tuple[str, ...]] = [
    ("perfkg", "perfkg.cli", "perfkg.docs"),  # entry points: the facade, the CLI, doc generation
    ("perfkg.api", "perfkg.web"),  # HTTP: the API and the explorer it mounts
    ("perfkg.client",),  # the Python client the CLI and API share
    ("perfkg.export", "perfkg.tables", "perfkg.corpus", "perfkg.source", "perfkg.ask", "perfkg.ingest.runner",
     "perfkg.ingest.evaluate"),
    ("perfkg.ingest.load",),  # facts -> graph
    ("perfkg.ingest.pipeline",),
    ("perfkg.ingest.validate",),
    ("perfkg.ingest.topics", "perfkg.ingest.extract", "perfkg.ingest.status"),  # the document -> facts
    ("perfkg.ingest.view", "perfkg.ingest.outline", "perfkg.ingest.tables", "perfkg.ingest.records",
     "perfkg.ingest.text"),  # normalise, and read tables by their headers
    ("perfkg.ingest.layout",),  # tables written as text -> Table blocks
    ("perfkg.ingest.readers",),  # a file of any format -> the document model
    ("perfkg.ingest",),  # the document model, the facts model, errors, numbers
    ("perfkg.store", "perfkg.cypher", "perfkg.config", "perfkg.version"),
    ("perfkg.ontology",),
]


def _package_dirs() -> dict[str, Path]:
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    return {package: ROOT / folder for package, folder in mapping.items()}


def _modules() -> dict[str, Path]:
    """Module name -> file, for every module of the project."""
    found: dict[str, Path] = {}
    for package, folder in _package_dirs().items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([package, *parts])
            # a subpackage mapped elsewhere is not part of this folder
            found.setdefault(name, path)
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    is_package = path.name == "__init__.py"

    def resolve(candidate: str) -> str | None:
        while candidate and candidate not in modules:
            candidate = candidate.rpartition(".")[0]
        return candidate or None

    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(resolve(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                # `from perfkg import ontology` imports perfkg.ontology, not the facade
                submodule = f"{origin}.{alias.name}"
                targets.add(submodule if submodule in modules else resolve(origin))
    targets.discard(None)
    targets.discard(name)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _layer(module: str) -> int:
    best, best_length = None, -1
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            if (module == entry or module.startswith(entry + ".")) and len(entry) > best_length:
                best, best_length = index, len(entry)
    assert best is not None, f"{module} is in no layer of tests/test_architecture.py"
    return best


def test_every_module_has_a_layer():
    for module in _graph():
        _layer(module)


def test_no_module_imports_a_higher_layer():
    wrong = [
        f"{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)})"
        for module, targets in _graph().items()
        for target in targets
        if _layer(target) < _layer(module)
    ]
    assert wrong == []


def test_the_ontology_imports_no_other_part_of_perfkg():
    graph = _graph()
    for module, targets in graph.items():
        if module.startswith("perfkg.ontology"):
            assert {t for t in targets if not t.startswith("perfkg.ontology")} == set(), module


def test_no_import_cycle():
    graph = _graph()
    # Tarjan's strongly connected components: a component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_walker_sees_the_mapped_packages():
    # A guard on the test itself: it must see modules of every mapped folder,
    # and the imports between them.
    graph = _graph()
    assert "perfkg.ingest.pipeline" in graph and "perfkg.api.app" in graph
    assert "perfkg.ingest.load" in graph["perfkg.ingest.runner"]
    assert "perfkg.ontology" in graph["perfkg.ingest.load"]
