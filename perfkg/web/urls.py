"""The explorer's addresses: every page is a plain URL that can be shared,
and every table links to the API endpoint that gives it as CSV or JSON."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def department(department_id: str) -> str:
    return f"/explore/departments/{quote(department_id, safe='')}"


def report(report_id: str, fact_id: str | None = None) -> str:
    return f"/explore/reports/{quote(report_id, safe='')}" + (f"#fact-{fact_id}" if fact_id else "")


def topic(slug: str) -> str:
    return f"/explore/topics/{quote(slug, safe='')}"


def metric(metric_id: str) -> str:
    return f"/explore/metrics/{quote(metric_id, safe='')}"


def below_target(**filters) -> str:
    given = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/explore/below-target" + (f"?{urlencode(given)}" if given else "")


def findings(**filters) -> str:
    given = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/explore/findings" + (f"?{urlencode(given)}" if given else "")


def graph(label: str, node_id: str) -> str:
    return f"/explore/graph/{quote(label, safe='')}/{quote(node_id, safe='')}"


def search(q: str) -> str:
    return "/explore/search?" + urlencode({"q": q})


def named_query(name: str, params: dict, format: str = "json") -> str:
    """The API's own endpoint for a named query's result (GET /queries/NAME)."""
    given = {k: v for k, v in params.items() if v not in (None, "")}
    if format != "json":
        given["format"] = format
    return f"/queries/{name}" + (f"?{urlencode(given)}" if given else "")


def api(path: str, params: dict | None = None, format: str = "json") -> str:
    given = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    if format != "json":
        given["format"] = format
    return path + (f"?{urlencode(given)}" if given else "")


def hit(hit) -> str:
    """Where a search hit leads: its page, or its neighbourhood when it has none."""
    if hit.kind == "topic":
        return topic(hit.id)
    if hit.kind == "department":
        return department(hit.id)
    if hit.kind == "metric":
        return metric(hit.id)
    if hit.kind == "indicator" and hit.report_id:
        return report(hit.report_id, hit.id)
    return graph(hit.label, hit.id)
