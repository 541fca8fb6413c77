"""The explorer's two tables that no named query gives, as API endpoints in
JSON and CSV: search, and the neighbourhood of a node; and the graph style
sheet both the explorer and Neo4j Browser draw with."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from perfkg import ontology
from perfkg.export import csv_lines

from . import data, grass, urls

router = APIRouter(tags=["explorer"])


def _csv(name: str, columns: list[str], rows: list[list]) -> Response:
    return Response("".join(csv_lines(columns, rows)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _client(request: Request):
    return request.app.state.client


@router.get("/search", summary="Departments, projects, indicators and topics by name, slug or synonym",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=100,
                   description="Chinese name or part of it, a topic slug (waste_sorting) or synonym (生活垃圾)"),
    format: str = Query("json", pattern="^(json|csv)$"),
):
    hits = data.search(_client(request), q)
    rows = [{**asdict(hit), "url": urls.hit(hit)} for hit in hits]
    if format == "csv":
        columns = ["kind", "label", "id", "name", "detail", "status", "url"]
        return _csv("search", columns, [[row[c] for c in columns] for row in rows])
    return {"q": q, "hits": rows}


@router.get("/graph/{label}/{node_id}", summary="A node, its relationships counted by type, and its neighbours",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}},
                       404: {"description": "no such label or node"}})
def graph(
    request: Request,
    label: str,
    node_id: str,
    format: str = Query("json", pattern="^(json|csv)$"),
):
    # Errors as the rest of the API gives them: {"error": message}.
    if label not in ontology.schema().labels:
        return JSONResponse({"error": f"no label {label!r} in the graph; the labels are "
                                      f"{sorted(ontology.schema().labels)}"}, status_code=404)
    found = data.neighbourhood(_client(request), label, node_id)
    if found is None:
        return JSONResponse({"error": f"no {label} with id {node_id!r}"}, status_code=404)
    if format == "csv":
        nodes = {node["id"]: node for node in found["nodes"]}
        rows = []
        for edge in found["edges"]:
            outgoing = edge["source"] == node_id
            other = nodes[edge["target"] if outgoing else edge["source"]]
            rows.append(["out" if outgoing else "in", edge["type"], other["label"], other["id"],
                         other["properties"].get("name") or other["properties"].get("text") or other["caption"]])
        return _csv(f"{label}-{node_id}", ["direction", "type", "label", "id", "name"], rows)
    return found


@router.get("/style/perfkg.grass", summary="The graph style sheet for Neo4j Browser: `:style http://localhost:8000/style/perfkg.grass`",
            response_class=PlainTextResponse)
def style_sheet():
    # Browser fetches the sheet from its own page, on another origin: the
    # sheet is public, so any origin may read it.
    return PlainTextResponse(grass.sheet(), headers={"Access-Control-Allow-Origin": "*"})


@router.options("/style/perfkg.grass", include_in_schema=False)
def style_sheet_preflight():
    # Once Browser has run a query, its error reporter adds a tracing header
    # (sentry-trace) to every request to a localhost address, so the browser
    # first asks whether the request may be sent: yes, from any origin, with any header.
    return Response(status_code=204, headers={"Access-Control-Allow-Origin": "*",
                                              "Access-Control-Allow-Methods": "GET",
                                              "Access-Control-Allow-Headers": "*"})
