"""The explorer's pages: server-rendered HTML over the named queries.

Each table on a page is the result of one named query (or of an explorer
endpoint), and links to that query's API endpoint as CSV and JSON, so what a
page shows is what a download gives.
"""

from __future__ import annotations

import logging
from itertools import groupby
from pathlib import Path
from typing import Callable

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from perfkg import ontology
from perfkg.api import queries
from perfkg.client import Client
from perfkg.cypher import ParameterError, catalogue
from perfkg.store import StoreUnavailable

from . import assets, data, labels, urls
from .grass import grass

log = logging.getLogger("perfkg.web")


class HtmlErrors(APIRoute):
    """A page's route: an error the page did not expect answers as a page in
    the explorer's style, where the API's routes answer {"error": ...}."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def handle(request: Request):
            try:
                return await handler(request)
            except StoreUnavailable as error:
                return _page(request, "error.html", 503, title="图数据库不可用 Store unavailable",
                             message=f"图数据库暂时无法访问，请稍后再试。The graph store does not answer: {error}")
            except Exception:
                log.exception("unhandled error on %s %s", request.method, request.url.path)
                return _page(request, "error.html", 500, title="出错了 Server error",
                             message="这一页出错了，服务器已记下详情。The page failed; the server logged the details.")

        return handle


router = APIRouter(include_in_schema=False, route_class=HtmlErrors)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(static_url=assets.static_url, urls=urls, labels=labels, assets=assets,
                             label_colours=grass().css_variables())


def _number(value) -> str:
    """1,234 and 98.64: thousands separated, at most two decimals, none when whole."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


templates.env.filters["num"] = _number

# A chart with more bars than this shows the year-district groups with the
# most indicators below target.
CHART_GROUPS = 60
# How many rows of the year-district figures a page lists (the chart is drawn
# from all of them; the download has all).
FIGURE_ROWS = 200
# How many indicators below target the flagship page lists (the download has
# all): a broad topic has thousands at 10,000 reports.
LIST_ROWS = 500

# The columns of a report's facts a reader may hide (the name is always shown,
# its evidence on demand); the location starts hidden.
REPORT_FACT_COLUMNS = ("label", "status", "target", "actual", "value", "location", "read_by")

# How many departments the home page lists before it asks for a search.
HOME_DEPARTMENTS = 200


class Table:
    """A named query's result as a page shows it, with its download links."""

    def __init__(self, client: Client, name: str, params: dict, *, row_limit: int | None = None, start: int = 0):
        self.name = name
        self.params = {k: v for k, v in params.items() if v not in (None, "")}
        result = client.run(name, self.params, row_limit=row_limit, offset=start)
        self.columns = result.columns
        self.rows = result.records()
        self.truncated = result.truncated
        self.start = start  # the rows listed start after this many (a page after the first)

    def cut(self, rows: int) -> None:
        """List only the first `rows` rows (the page then says so)."""
        if len(self.rows) > rows:
            self.rows = self.rows[:rows]
            self.truncated = True

    @property
    def csv_url(self) -> str:
        return urls.named_query(self.name, self.params, "csv")

    @property
    def json_url(self) -> str:
        return urls.named_query(self.name, self.params)


def _client(request: Request) -> Client:
    return request.app.state.client


def _page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


def _not_found(request: Request, message: str) -> HTMLResponse:
    return _page(request, "error.html", 404, title="找不到 Not found", message=message)


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    client = _client(request)
    departments, total = data.departments(client, HOME_DEPARTMENTS)
    counts = data.topic_counts(client)
    scheme = ontology.topics()

    def branch(topic):
        return {"topic": topic, "count": counts.get(topic.slug, 0),
                "narrower": [branch(child) for child in scheme.children(topic.slug)]}

    # In the query's order (districts by name, those with none last): None is no name to sort.
    by_district = [(district, list(members)) for district, members in groupby(departments, lambda d: d["district"])]
    return _page(request, "home.html", title="perfkg", topics=[branch(t) for t in scheme.children(None)],
                 by_district=by_district, shown=len(departments), department_total=total)


@router.get("/explore/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query("", max_length=100)):
    from perfkg.ask import Unroutable, router as routes_of

    client = _client(request)
    hits = data.search(client, q) if q.strip() else []
    groups = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    # A question is answered by the named query it asks for; a name alone is only searched.
    answer = refused = None
    if q.strip():
        try:
            name, params, interpretation = routes_of(client.store).route(q)
            answer = {"interpretation": interpretation, "table": Table(client, name, params, row_limit=LIST_ROWS),
                      "cypher": catalogue()[name].cypher, "question_url": urls.api("/ask", {"q": q})}
        except Unroutable as error:
            refused = error
    return _page(request, "search.html", title=f"{q} · 搜索 Search", q=q, groups=groups, answer=answer,
                 refused=refused, csv_url=urls.api("/search", {"q": q}, "csv"), json_url=urls.api("/search", {"q": q}))


@router.get("/explore/departments/{department_id}", response_class=HTMLResponse)
def department(request: Request, department_id: str):
    client = _client(request)
    found = queries.department(client, department_id)
    if found is None:
        return _not_found(request, f"没有这个部门 No department with id {department_id!r}")
    params = {"department": department_id}
    indicators = Table(client, "department_indicators", params)
    by_category: dict[str, list[dict]] = {}
    for row in indicators.rows:
        by_category.setdefault(row["category"] or "", []).append(row)
    return _page(
        request, "department.html", title=f"{found['short_name'] or found['name']} · 部门 Department",
        department=found, reports=Table(client, "department_reports", params), indicators=indicators,
        by_category=by_category, funds=Table(client, "funds", params),
        deductions=Table(client, "score_deductions", params),
        checks=Table(client, "findings", params),
    )


@router.get("/explore/reports/{report_id}", response_class=HTMLResponse)
def report(request: Request, report_id: str):
    client = _client(request)
    found = data.report(client, report_id)
    if found is None:
        return _not_found(request, f"没有这份报告 No report with id {report_id!r}")
    return _page(request, "report.html", title=f"{labels.report_title(found)} · 报告 Report",
                 report=found, facts=Table(client, "report_facts", {"report": report_id}),
                 fact_columns=REPORT_FACT_COLUMNS, source=data.source(client, report_id),
                 checks=Table(client, "findings", {"report": report_id}), in_report=True)


def _figures(client: Client, params: dict) -> tuple[Table, dict, int | None]:
    """The year-district figures of indicators below target, their chart, and
    how many indicators they count (None when there were more groups than a
    query may return). The chart is drawn from every group, so the most crowded
    are drawn whatever their year; the table lists the first FIGURE_ROWS."""
    figures = Table(client, "below_target_by_year_and_district", params)
    chart = _chart(figures.rows)
    counted = None if figures.truncated else sum(row["indicators"] for row in figures.rows)
    figures.cut(FIGURE_ROWS)
    return figures, chart, counted


def _chart(groups: list[dict]) -> dict:
    """The chart's data: a bar per year and district, the most crowded when
    there are more than a chart can show."""
    rows = sorted(groups, key=lambda row: -row["indicators"])[:CHART_GROUPS]
    # Reports that give no year or district come last, as the query orders them.
    rows.sort(key=lambda row: (row["year"] is None, row["year"] or 0, row["district"] is None, row["district"] or ""))
    return {
        "categories": [f"{row['year'] or '年度不详'} {row['district'] or ''}".strip() for row in rows],
        "indicators": [row["indicators"] for row in rows],
        "completion": [row["mean_completion_rate"] for row in rows],
        "departments": [row["departments"] for row in rows],
        "colour": grass().rule(["Indicator", "NotMetIndicator"])["color"],
        "left_out": len(groups) - len(rows),
    }


@router.get("/explore/topics/{slug}", response_class=HTMLResponse)
def topic(request: Request, slug: str):
    scheme = ontology.topics()
    found = scheme.topics.get(slug)
    if found is None:
        return _not_found(request, f"没有这个主题 No topic {slug!r}")
    figures, chart, _ = _figures(_client(request), {"topic": slug})
    broader = [scheme.topics[s] for s in (found.broader, *found.broad_match) if s in scheme.topics]
    return _page(
        request, "topic.html", title=f"{found.name_zh} · 主题 Topic", topic=found,
        broader_crumbs=[(f"{b.name_zh} {b.name_en}", urls.topic(b.slug)) for b in broader],
        narrower=scheme.children(slug),
        figures=figures, chart=chart,
        more_tables=[(name, urls.named_query(name, {"topic": slug}, "csv"), urls.named_query(name, {"topic": slug}))
                   for name in ("indicators_by_topic", "compare_departments", "topic_coverage")],
    )


@router.get("/explore/below-target", response_class=HTMLResponse)
def below_target(
    request: Request,
    topic: str = Query("", max_length=100),
    year: str = Query("", max_length=4),
    district: str = Query("", max_length=100),
    department: str = Query("", max_length=200),
    start: int = Query(0, ge=0, le=10_000_000, description="List the rows after this many (the next pages)"),
):
    client = _client(request)
    scheme = ontology.topics()
    filters = {"topic": topic.strip(), "year": year.strip(), "district": district.strip(),
               "department": department.strip()}
    try:
        rows = Table(client, "indicators_below_target", filters, row_limit=LIST_ROWS, start=start)
        figures, chart, below = _figures(client, filters)
    except ParameterError as error:
        return _page(request, "error.html", 400, title="请求有误 Bad request", message=str(error))
    chosen = scheme.resolve(filters["topic"]) if filters["topic"] else None
    return _page(
        request, "below_target.html", title="未达标指标 Indicators below target", filters=filters, topic=chosen,
        topics=list(scheme.topics.values()), rows=rows, below=below, figures=figures, chart=chart,
        previous_page=urls.below_target(**filters, start=max(0, start - LIST_ROWS) or None) if start else None,
        next_page=urls.below_target(**filters, start=start + len(rows.rows)) if rows.truncated else None,
    )


@router.get("/explore/findings", response_class=HTMLResponse)
def findings(
    request: Request,
    rule: str = Query("", max_length=60),
    severity: str = Query("", max_length=20),
    department: str = Query("", max_length=200),
    year: str = Query("", max_length=4),
    topic: str = Query("", max_length=100),
):
    from perfkg.ingest.audit import RULES, SEVERITIES

    filters = {"rule": rule.strip(), "severity": severity.strip(), "department": department.strip(),
               "year": year.strip(), "topic": topic.strip()}
    try:
        checks = Table(_client(request), "findings", filters, row_limit=LIST_ROWS)
    except ParameterError as error:
        return _page(request, "error.html", 400, title="请求有误 Bad request", message=str(error))
    return _page(request, "findings.html", title="自评核查 Findings", filters=filters, checks=checks,
                 rules=RULES, severities=SEVERITIES)


@router.get("/explore/metrics/{metric_id}", response_class=HTMLResponse)
def metric(request: Request, metric_id: str):
    client = _client(request)
    found = client.read("MATCH (m:Metric {id: $id}) RETURN properties(m) AS metric", {"id": metric_id}).rows
    if not found:
        return _not_found(request, f"没有这个指标概念 No metric with id {metric_id!r}")
    indicators = Table(client, "metric_over_years", {"metric": metric_id}, row_limit=LIST_ROWS)
    return _page(request, "metric.html", title=f"{found[0][0]['name']} · 指标概念 Metric", metric=found[0][0],
                 indicators=indicators, chart=_metric_chart(indicators.rows),
                 compared=urls.named_query("compare_on_metric", {"metric": metric_id}))


def _metric_chart(rows: list[dict]) -> dict:
    """Actual and target by year, a line of each per department (a department's
    mean when a year's report states the metric more than once)."""
    years = sorted({row["year"] for row in rows if row["year"] is not None})
    series: dict[str, dict[str, dict[int, list[float]]]] = {}
    for row in rows:
        for value in ("actual_value", "target_value"):
            if row[value] is not None and row["year"] is not None:
                by_year = series.setdefault(row["department"] or "", {}).setdefault(value, {})
                by_year.setdefault(row["year"], []).append(row[value])
    return {"years": years, "departments": [
        {"department": name, **{value: [sum(v) / len(v) if (v := found.get(value, {}).get(year)) else None
                                        for year in years] for value in ("actual_value", "target_value")}}
        for name, found in sorted(series.items())]}


@router.get("/explore/graph/{label}/{node_id}", response_class=HTMLResponse)
def graph(request: Request, label: str, node_id: str):
    if label not in ontology.schema().labels:
        return _not_found(request, f"图中没有这个标签 No label {label!r} in the graph")
    found = data.neighbourhood(_client(request), label, node_id)
    if found is None:
        return _not_found(request, f"没有这个节点 No {label} with id {node_id!r}")
    api_path = f"/graph/{label}/{node_id}"
    return _page(
        request, "graph.html", title=f"{found['node']['caption']} · 关系图 Neighbourhood", found=found, label=label,
        style=grass().cytoscape(),
        csv_url=urls.api(api_path, None, "csv"), json_url=urls.api(api_path),
    )
