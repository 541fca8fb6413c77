"""The HTTP API (FastAPI; OpenAPI at /docs).

Field names follow the graph contract. Every answer that lists facts carries
their evidence (the source sentence or table row, and the report it belongs
to). Errors come back as {"error": message} with a 4xx or 5xx status, never a
stack trace.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from fastapi import Depends, FastAPI, File, Header, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from pydantic import BaseModel, Field

from perfkg.cypher import ParameterError, catalogue
from perfkg import config, ontology
from perfkg.version import __version__
from perfkg.client import Client
from perfkg import web
from perfkg.export import csv_lines
from perfkg.ingest.workers import Budget
from perfkg.store import QueryError, QueryTimeout, StoreError, StoreUnavailable

from . import queries
from .edges import Edges
from .limits import (Busy, DeadlineStore, Full, Queue, RequestSizeLimit, Slots, Turns, json_records_within,
                     rows_within, started)
from .source import ReportSource

# The kinds of report, as the ontology's shapes allow them (Report.kind).
REPORT_KINDS = "^(" + "|".join(ontology.schema().labels["Report"].properties["kind"].allowed) + ")$"

log = logging.getLogger("perfkg.api")
HEALTH_TIMEOUT_S = 5


class CypherRequest(BaseModel):
    query: str = Field(..., max_length=20000, description="Read-only Cypher.")
    params: dict[str, Any] = Field(default_factory=dict, description="Query parameters.")
    timeout_ms: int | None = Field(None, gt=0, description="Time limit; may only lower the server's.")
    row_limit: int | None = Field(None, gt=0, description="Row limit; may only lower the server's.")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(settings: config.Settings | None = None, *, create_store: bool = False) -> FastAPI:
    """The application on the store the settings name, opened at start-up: a
    missing store is refused unless `create_store` is asked."""
    settings = settings or config.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from perfkg.ingest.load import prepare

        client = Client.open(settings=settings, create=create_store)
        prepare(client.store)
        app.state.client = client
        try:
            yield
        finally:
            client.close()

    app = FastAPI(
        title="perfkg",
        version=__version__,
        description="A knowledge graph of Chinese public-sector performance self-evaluation reports "
        "(部门整体支出绩效自评报告): departments, tasks, indicators (target vs actual), funds, scores, "
        "outcomes, problems and measures, each with the source text it came from.",
        lifespan=lifespan,
        # perfkg.web serves /docs and /redoc from vendored files: FastAPI's own load them from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["*"])
    _errors(app)
    _routes(app, settings)
    web.mount(app)
    # Outside every other layer, FastAPI's handler of unexpected errors included,
    # so that every answer is checked for its Host and carries the security headers.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: Edges(build_stack(), settings.allowed_hosts)
    return app


def _errors(app: FastAPI) -> None:
    def body(message: str) -> dict:
        return {"error": message}

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError):
        return JSONResponse(body(error.message), status_code=error.status)

    @app.exception_handler(Busy)
    async def busy(request: Request, error: Busy):
        return JSONResponse(body(str(error)), status_code=429, headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        # 404, 405 and the like in the API's one shape, not FastAPI's {"detail": …}
        return JSONResponse(body(str(error.detail)), status_code=error.status_code, headers=error.headers)

    @app.exception_handler(Full)
    async def full(request: Request, error: Full):
        return JSONResponse(body(str(error)), status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(ParameterError)
    async def parameter_error(request: Request, error: ParameterError):
        return JSONResponse(body(str(error)), status_code=400)

    @app.exception_handler(QueryTimeout)
    async def timeout(request: Request, error: QueryTimeout):
        return JSONResponse(body(f"the query ran past its time limit and was stopped ({error})"), status_code=408)

    def public(request: Request, error: Exception) -> str:
        """The error's message without where the store is (its folder or URI)."""
        message = str(error)
        location = str(request.app.state.client.store.location)
        return message.replace(location, "the store") if location else message

    @app.exception_handler(QueryError)
    async def query_error(request: Request, error: QueryError):
        return JSONResponse(body(f"the database refused the query: {public(request, error)}"), status_code=400)

    # What stopped the store (its folder, its server's log, a driver's reply) is
    # the operator's to read in the server's log, not a client's.
    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, error: StoreUnavailable):
        log.warning("the graph store is unavailable on %s %s: %s", request.method, request.url.path, error)
        return JSONResponse(body("the graph store is unavailable or busy; try again shortly (the server's log "
                                 "says why)"), status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError):
        log.error("graph store error on %s %s: %s", request.method, request.url.path, error)
        return JSONResponse(body(f"graph store error: {public(request, error)}"), status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        return JSONResponse(body(f"invalid request: {details}"), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(body("internal error; the server logged the details"), status_code=500)


async def _client(request: Request) -> Client:
    # async: taken in the event loop, so a request waiting its turn holds no thread
    return request.app.state.client


def _export_stream(chunks: Iterator[str], format: str, done: Callable[[], None]) -> Iterator[str]:
    """An export as it streams, calling `done` when it ends however it ends; a
    store error once the answer has begun ends it with a line that says so (a
    JSON line, or a comment of the Cypher script), so a cut export is never
    taken for a whole one."""
    try:
        yield from chunks
    except StoreError as error:
        log.warning("export stopped: %s", error)
        message = f"export stopped before its end: {error}"
        yield (json.dumps({"type": "error", "error": message}, ensure_ascii=False) if format == "jsonl"
               else "// " + message.replace("\n", " ")) + "\n"
    finally:
        done()


# Rows in a page of a named query's JSON answer, unless the request asks for fewer or more.
PAGE_ROWS = 500
# The farthest a cursor may point (as /indicators' offset).
MAX_OFFSET = 10_000_000


def _cursor(offset: int) -> str:
    """The cursor of the page that starts at `offset` (opaque to clients)."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "offset" and number.isdigit() and int(number) <= MAX_OFFSET:
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise ApiError(400, f"invalid cursor {cursor!r}: give the `next` of the page before")


def _routes(app: FastAPI, settings: config.Settings) -> None:
    # Ad-hoc Cypher may hold half the store's query threads; one export runs
    # at a time (a JSON-LD export of 300 reports took 800 MB).
    ad_hoc = app.state.ad_hoc = Turns(max(1, settings.query_threads // 2), wait_s=settings.query_timeout_ms / 1000,
                                      what="ad-hoc queries")
    exports = Slots(1, wait_s=0, what="export")
    # Uploads are each extracted in a worker process within the file budget; a few at once.
    uploading = Queue(max(1, settings.upload_workers), max(0, settings.upload_queue), what="uploads")
    upload_budget = Budget(seconds=settings.max_file_seconds, memory_mb=settings.max_file_memory_mb)
    # /health has a thread of its own: it never waits behind queries for one of the
    # server's, and a store that hangs answers unreachable after HEALTH_TIMEOUT_S.
    health_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfkg-health")

    @app.get("/health", tags=["service"], summary="Store kind and whether it answers")
    async def health(client: Client = Depends(_client)) -> dict:
        try:
            reachable = await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(health_thread, client.store.ping), HEALTH_TIMEOUT_S)
        except asyncio.TimeoutError:
            reachable = False
        # Not the store's location: a path or URI is nothing a client needs to know.
        payload = {"status": "ok" if reachable else "unavailable", "store": client.store.kind,
                   "reachable": reachable, "version": __version__}
        if not reachable:
            raise ApiError(503, "the graph store does not answer")
        return payload

    @app.get("/departments", tags=["graph"], summary="Every department, with its district, city and reports")
    def departments(client: Client = Depends(_client)) -> list[dict]:
        return queries.departments(client)

    @app.get("/departments/{department_id}", tags=["graph"], summary="One department and its reports")
    def department(department_id: str, client: Client = Depends(_client)) -> dict:
        found = queries.department(client, department_id)
        if found is None:
            raise ApiError(404, f"no department with id {department_id!r}")
        return found

    @app.get("/reports/{report_id}", tags=["graph"],
             summary="One report: its figures, tasks, indicators, funds, score items, outcomes, problems and measures")
    def report(report_id: str, client: Client = Depends(_client)) -> dict:
        found = queries.report(client, report_id)
        if found is None:
            raise ApiError(404, f"no report with id {report_id!r}")
        return found

    @app.get("/reports/{report_id}/source", tags=["graph"], response_model=ReportSource,
             summary="A report's source text and every fact's span in it (start, end, label, id, location), "
                     "to highlight the facts where they were read")
    def report_source(report_id: str, client: Client = Depends(_client)) -> dict:
        from perfkg.source import report_source as source_of

        found = source_of(client.store, report_id)
        if found is None:
            raise ApiError(404, f"no report with id {report_id!r}")
        return found

    @app.get("/indicators", tags=["graph"], summary="Indicators, filtered and paginated, with evidence")
    def indicators(
        client: Client = Depends(_client),
        topic: str | None = Query(None, description="Slug, Chinese label, alternative label or function-of-expenditure code (210); narrower topics included"),
        status: str | None = Query(None, pattern="^(met|not_met|unknown)$"),
        year: int | None = Query(None, ge=1990, le=2100),
        district: str | None = Query(None, max_length=100, description="District name or part of it"),
        department: str | None = Query(None, max_length=200, description="Department id, full name or part of it"),
        category: str | None = Query(None, max_length=50, description="数量指标, 质量指标, …, 关键指标"),
        task: str | None = Query(None, max_length=200, description="Part of the name of the task the indicator measures"),
        report_kind: str | None = Query(None, pattern=REPORT_KINDS,
                                        description="department_report, department_form, project_report, project_form, target_declaration or other"),
        project: str | None = Query(None, max_length=200, description="Part of the name of the project the indicator measures"),
        limit: int = Query(50, ge=1, le=1000),
        offset: int = Query(0, ge=0, le=10_000_000),
    ) -> dict:
        return queries.indicators(client, topic=topic, status=status, year=year, district=district,
                                  department=department, category=category, task=task, report_kind=report_kind,
                                  project=project, limit=limit, offset=offset)

    @app.get("/topics", tags=["graph"], summary="The topics as a tree under the functions of expenditure, with how many nodes are about each topic")
    def topics(client: Client = Depends(_client)) -> list[dict]:
        return queries.topic_tree(client)

    @app.get("/queries", tags=["queries"], summary="The catalogue of named queries and their parameters")
    def named_queries() -> list[dict]:
        return [q.describe() for q in catalogue().values()]

    @app.get("/queries/{name}", tags=["queries"],
             summary="Run a named query: a page of rows with a cursor to the next; ?format=csv streams every row "
                     "as CSV with a header",
             responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
    def run_named(
        name: str,
        request: Request,
        format: str = Query("json", pattern="^(json|csv)$"),
        limit: int | None = Query(None, ge=1, description=f"JSON: rows a page (default {PAGE_ROWS}); CSV: rows in all. "
                                  "May only lower the server's row limit"),
        cursor: str | None = Query(None, max_length=100, description="The `next` of the page before (JSON)"),
        timeout_ms: int | None = Query(None, ge=1, description="Time limit; may only lower the server's"),
        client: Client = Depends(_client),
    ):
        query = catalogue().get(name)
        if query is None:
            raise ApiError(404, f"no named query {name!r}; GET /queries lists them")
        params = {k: v for k, v in request.query_params.items() if k not in ("format", "limit", "cursor", "timeout_ms")}
        if format == "csv":
            result = client.run(name, params, timeout_ms=timeout_ms, row_limit=limit)
            rows, cut = rows_within(result.columns, result.rows, settings.max_response_bytes)
            headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
            if result.truncated or cut:
                headers["X-Truncated"] = "true"
            return StreamingResponse(csv_lines(result.columns, rows), media_type="text/csv; charset=utf-8",
                                     headers=headers)
        offset = _offset(cursor)
        result = client.run(name, params, timeout_ms=timeout_ms, row_limit=limit or PAGE_ROWS, offset=offset)
        records, cut = json_records_within(result.columns, result.rows, settings.max_response_bytes)
        more = result.truncated or cut
        # The rows are JSON once, as they are measured against the size limit;
        # FastAPI's encoder would walk every value of every row again.
        head = json.dumps({"name": name, "params": params, "columns": result.columns}, ensure_ascii=False)
        tail = json.dumps({"row_count": len(records), "next": _cursor(offset + len(records)) if more else None})
        return Response(head[:-1] + ', "rows": [' + ", ".join(records) + "], " + tail[1:],
                        media_type="application/json")

    @app.get("/ask", tags=["queries"], summary="Answer a question (Chinese or English) with the named query it asks "
             "for: how it was read, the query, its parameters and rows; 422 with the closest queries when none does",
             responses={422: {"description": "no named query answers the question; `suggestions` lists the closest"}})
    def ask(q: str = Query(..., min_length=1, max_length=200, description="The question, e.g. 哪些街道的垃圾分类指标没有完成"),
            limit: int | None = Query(None, ge=1, description="Row limit; may only lower the server's"),
            client: Client = Depends(_client)) -> dict:
        from perfkg.ask import Unroutable, ask as answer

        try:
            found = answer(client, q, row_limit=limit)
        except Unroutable as refused:
            return JSONResponse({"error": f"no named query answers this question: {refused.reason}",
                                 **refused.answer()}, status_code=422)
        rows, cut = rows_within(found["columns"], [[r[c] for c in found["columns"]] for r in found["rows"]],
                                settings.max_response_bytes)
        return {**found, "rows": [dict(zip(found["columns"], row)) for row in rows],
                "truncated": found["truncated"] or cut}

    @app.get("/ontology", tags=["ontology"], summary="The ontology (OWL and the SKOS topics): Turtle, or JSON-LD by Accept",
             responses={200: {"content": {"text/turtle": {}, "application/ld+json": {}}}})
    def ontology_document(accept: str = Header("text/turtle")):
        from perfkg.ontology import ontology_graph

        fmt = "jsonld" if "json" in accept else "ttl"
        media = {"jsonld": "application/ld+json", "ttl": "text/turtle; charset=utf-8"}[fmt]
        return Response(ontology_graph().serialize(format={"jsonld": "json-ld", "ttl": "turtle"}[fmt]), media_type=media)

    @app.get("/export", tags=["ontology"], summary="The whole graph: jsonl, ttl, nt, jsonld or cypher",
             responses={200: {"content": {"application/x-ndjson": {}, "text/turtle": {}, "application/n-triples": {},
                                          "application/ld+json": {}, "text/plain": {}}}})
    def export_graph(format: str = Query("jsonl", pattern="^(jsonl|ttl|nt|jsonld|cypher)$"),
                     client: Client = Depends(_client)):
        from perfkg.ontology.rdf import MEDIA_TYPES
        from perfkg import export as exporter

        exports.acquire()
        streaming = False
        try:
            store = DeadlineStore(client.store, settings.export_timeout_s)
            if not store.ping():
                raise StoreUnavailable("the store does not answer")
            if format not in ("jsonl", "cypher"):
                return Response(exporter.rdf(store, format), media_type=MEDIA_TYPES[format] + "; charset=utf-8")
            chunks = exporter.jsonl(store) if format == "jsonl" else exporter.cypher_script(store)
            response = StreamingResponse(_export_stream(started(chunks), format, exports.release),
                                         media_type=("application/x-ndjson" if format == "jsonl" else "text/plain")
                                         + "; charset=utf-8")
            streaming = True  # the stream lets go of the export's slot when it ends
            return response
        finally:
            if not streaming:
                exports.release()

    @app.post("/reports", status_code=201, tags=["ingest"],
              summary="Ingest one report file (multipart form field `file`); needs the API key",
              responses={401: {"description": "no or wrong API key"}, 403: {"description": "uploads disabled"},
                         413: {"description": "file too large"}, 415: {"description": "not a format perfkg reads"}})
    async def upload(
        file: UploadFile = File(..., description="A report file; its suffix says its format: .txt .text .md .markdown "
                                "(UTF-8, GB18030/GBK or UTF-16), .html .htm, .pdf, .docx, .xlsx .xlsm, .xls, and .doc "
                                ".wps .et when LibreOffice is installed"),
        x_api_key: str | None = Header(None, description="The server's PERFKG_API_KEY"),
        authorization: str | None = Header(None, description="Or: Bearer <PERFKG_API_KEY>"),
        client: Client = Depends(_client),
    ) -> dict:
        from starlette.concurrency import run_in_threadpool

        from . import uploads

        if not settings.api_key:
            raise ApiError(403, "uploads are disabled: start the server with PERFKG_API_KEY set")
        given = x_api_key or (authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else None)
        if not given or not hmac.compare_digest(given.encode(), settings.api_key.encode()):
            raise ApiError(401, "a valid API key is required (X-API-Key header or Authorization: Bearer)")
        name = Path(file.filename or "").name
        if Path(name).suffix.lower() not in uploads.SUFFIXES:
            raise ApiError(415, f"{name or 'the file'}: only reports ({' '.join(uploads.SUFFIXES)}) are accepted")
        # The suffix says which reader reads it; a document comes as text/* or application/*.
        if file.content_type and not file.content_type.startswith(("text/", "application/")):
            raise ApiError(415, f"{name}: content type {file.content_type} is no document")
        data = await file.read(settings.max_report_bytes + 1)
        if len(data) > settings.max_report_bytes:
            raise ApiError(413, f"{name}: over the limit of {settings.max_report_bytes:,} bytes")
        try:
            async with uploading.slot():
                outcome = await run_in_threadpool(uploads.ingest_bytes, client.store, name, data,
                                                  settings.max_report_bytes, upload_budget)
        except uploads.Refused as error:
            raise ApiError(error.status, str(error)) from None
        return outcome

    @app.post("/cypher", tags=["queries"],
              summary="Ad-hoc read-only Cypher with parameters, time- and row-limited")
    async def cypher(body: CypherRequest, client: Client = Depends(_client)) -> dict:
        from starlette.concurrency import run_in_threadpool

        if not body.query.strip():
            raise ApiError(400, "empty query")

        def answer() -> Response:
            result = client.read(body.query, body.params, timeout_ms=body.timeout_ms, row_limit=body.row_limit)
            records, cut = json_records_within(result.columns, result.rows, settings.max_response_bytes)
            head = json.dumps({"columns": result.columns}, ensure_ascii=False)
            tail = json.dumps({"row_count": len(records), "truncated": result.truncated or cut})
            return Response(head[:-1] + ', "rows": [' + ", ".join(records) + "], " + tail[1:],
                            media_type="application/json")

        # A query the guard refuses is answered at once, never after waiting for a
        # turn. The turn is waited for in the event loop; the query and its JSON
        # are made on a thread, so neither holds up the loop.
        await run_in_threadpool(client.check_untrusted, body.query, body.params)
        async with ad_hoc.slot():
            return await run_in_threadpool(answer)
