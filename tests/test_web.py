"""The explorer's pages and endpoints over HTTP, on the five example reports
in a real embedded store (tests/test_browser.py runs them in Chromium)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from perfkg.api.app import create_app
from perfkg.client import Client
from perfkg.config import Settings
from perfkg.corpus import generate
from perfkg.web import assets
from perfkg.web import pages as explorer_pages
from perfkg.web.grass import grass, parse

from conftest import EXAMPLES, FalkorBackend


@pytest.fixture(scope="module")
def http(loaded_store_path):
    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as client:
        yield client


@pytest.fixture(scope="module")
def ids(http):
    """Department and report ids by short name."""
    departments = {d["short_name"]: d for d in http.get("/departments").json()}
    return {name: (d["id"], d["reports"][0]["id"]) for name, d in departments.items()}


class Links(HTMLParser):
    """Every URL a page loads or links to, and the text of its table cells."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append((tag, value))

    def handle_data(self, data):
        self.text.append(data)


def page(http, url: str, status: int = 200) -> Links:
    response = http.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    links = Links()
    links.feed(response.text)
    return links


def text(links: Links) -> str:
    return re.sub(r"\s+", " ", " ".join(links.text))


def pages(ids) -> list[str]:
    lichen_department, lichen_report = ids["荔城街道"]
    return ["/", "/explore/search?q=垃圾分类", f"/explore/departments/{lichen_department}",
            f"/explore/reports/{lichen_report}", "/explore/topics/waste_sorting", "/explore/topics/urban_renewal",
            "/explore/below-target", "/explore/below-target?topic=城市更新",
            f"/explore/graph/Department/{lichen_department}", "/explore/graph/Topic/waste_sorting"]


def test_no_page_loads_or_links_anything_outside_the_app_and_every_link_answers(http, ids):
    for url in [*pages(ids), "/docs", "/redoc"]:
        for tag, target in page(http, url).urls:
            parts = urlsplit(target)
            assert not parts.scheme and not parts.netloc, (url, target)
            if target.startswith("#") or target.startswith("/explore/graph/"):
                continue  # anchors, and neighbourhoods (each checked on its own)
            assert http.get(target).status_code == 200, (url, tag, target)


def test_docs_and_redoc_are_served_from_vendored_files(http):
    swagger = http.get("/docs").text
    assert assets.static_url(assets.SWAGGER_JS) in swagger and assets.static_url(assets.SWAGGER_CSS) in swagger
    assert '"validatorUrl": null' in swagger
    redoc = http.get("/redoc").text
    assert assets.static_url(assets.REDOC_JS) in redoc and "fonts.googleapis" not in redoc
    for name in (assets.SWAGGER_JS, assets.REDOC_JS, assets.CYTOSCAPE_JS, assets.CHART_JS):
        body = (assets.STATIC / name).read_text(encoding="utf-8")
        assert "cdn." not in re.sub(r"//# sourceMappingURL=.*", "", body) or name == assets.SWAGGER_JS, name
    assert "cdn.redoc.ly" not in (assets.STATIC / assets.REDOC_JS).read_text(encoding="utf-8")


def test_every_vendored_file_is_listed_with_its_hash_and_has_a_licence():
    folder = assets.STATIC / "vendor"
    manifest = (folder / "VENDOR.md").read_text(encoding="utf-8")
    listed = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", manifest, re.M))
    present = {path.name for path in folder.iterdir() if path.name != "VENDOR.md"}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    for library in ("cytoscape-3.34.4", "chart.js-4.6.1", "swagger-ui-dist-5.35.0", "redoc-2.5.4"):
        assert any(name.startswith(library) and "LICENSE" in name for name in present), library


def test_a_static_url_changes_with_the_file():
    url = assets.static_url("perfkg.css")
    digest = hashlib.sha256((assets.STATIC / "perfkg.css").read_bytes()).hexdigest()[:10]
    assert url == f"/explore/static/perfkg.css?v={digest}"


def test_home_lists_topics_with_their_counts_and_the_departments(http, ids):
    home = text(page(http, "/"))
    for name in ids:
        assert name in home
    # A topic counts its own indicators and its narrower topics', each once (as /indicators does).
    for slug, name in (("waste_sorting", "垃圾分类 Waste sorting"), ("urban_management", "城市管理 Urban management")):
        shown = re.search(re.escape(name) + r" \((\d+)\)", home).group(1)
        assert int(shown) == http.get("/indicators", params={"topic": slug}).json()["total"] > 0, slug


def search(http, q: str) -> list[dict]:
    return http.get("/search", params={"q": q}).json()["hits"]


def test_search_finds_a_topic_by_chinese_name_slug_or_synonym_and_its_indicators(http):
    for q in ("垃圾分类", "waste_sorting", "生活垃圾", "Waste sorting"):
        hits = search(http, q)
        assert (hits[0]["kind"], hits[0]["id"], hits[0]["url"]) == ("topic", "waste_sorting", "/explore/topics/waste_sorting"), q
    indicators = {h["name"] for h in search(http, "垃圾分类") if h["kind"] == "indicator"}
    # 生活垃圾总体减量 does not contain 垃圾分类: it is found through its topic.
    assert {"生活垃圾总体减量", "垃圾专车专运完成率", "开展垃圾分类宣传活动"} <= indicators


def test_search_finds_departments_by_name_or_district_and_indicators_by_name(http, ids):
    assert [(h["kind"], h["name"]) for h in search(http, "荔城")] == [("department", "广州市增城区人民政府荔城街道办事处")]
    huangpu = {h["name"] for h in search(http, "黄埔区") if h["kind"] == "department"}
    assert huangpu == {"广州市黄埔区人民政府夏港街道办事处", "广州市黄埔区人民政府文冲街道办事处"}
    [hit] = [h for h in search(http, "外出招商") if h["kind"] == "indicator"]
    assert hit["status"] == "not_met" and hit["url"] == f"/explore/reports/{ids['荔城街道'][1]}#fact-{hit['id']}"
    assert search(http, "没有这样的名字") == []


def test_search_as_csv_is_the_same_hits(http):
    response = http.get("/search", params={"q": "垃圾分类", "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["kind"], r["id"], r["url"]) for r in rows] == [(h["kind"], h["id"], h["url"]) for h in search(http, "垃圾分类")]


def test_the_search_page_groups_hits_and_links_each(http):
    links = page(http, "/explore/search?q=垃圾分类")
    hrefs = [url for _, url in links.urls]
    assert "/explore/topics/waste_sorting" in hrefs and "/explore/below-target?topic=waste_sorting" in hrefs
    assert "/search?q=%E5%9E%83%E5%9C%BE%E5%88%86%E7%B1%BB&format=csv" in hrefs
    assert "没有找到" in text(page(http, "/explore/search?q=没有这样的名字"))


def rows_of(http, url: str) -> list[dict]:
    """A table's rows from its JSON download link."""
    return http.get(url).json()["rows"]


def test_the_department_page_puts_indicators_below_target_first_and_every_table_downloads(http, ids):
    department, report = ids["荔城街道"]
    response = http.get(f"/explore/departments/{department}")
    html = response.text
    statuses = re.findall(r'<tr class="(met|not_met|unknown)">\s*<td><span class="status', html)
    assert len(statuses) == 19 and statuses[:3] == ["not_met"] * 3 and set(statuses[3:]) == {"met"}
    for name in ("外出招商活动次数", "在册涉毒管控人员帮教服务覆盖率", "开展社区活动次数"):
        assert html.index(name) < html.index("拆除违法建设")
    assert "82,912.04" in html and "90.8" in html and "88.51" in html
    downloads = {parse_qs(urlsplit(url).query).get("format", ["json"])[0] + " " + urlsplit(url).path
                 for _, url in page(http, f"/explore/departments/{department}").urls if url.startswith("/queries/")}
    for name in ("department_reports", "department_indicators", "funds", "score_deductions"):
        assert {f"csv /queries/{name}", f"json /queries/{name}"} <= downloads, name
    indicators = rows_of(http, f"/queries/department_indicators?department={department}")
    assert len(indicators) == 19 and [r["status"] for r in indicators[:3]] == ["not_met"] * 3
    [reported] = rows_of(http, f"/queries/department_reports?department={department}")
    assert (reported["report_id"], reported["indicators"], reported["not_met"], reported["budget"]) == (report, 19, 3, 82912.04)


def test_the_report_page_lists_every_fact_with_a_link_to_its_place_in_the_source(http, ids):
    _, report = ids["荔城街道"]
    body = http.get(f"/reports/{report}").json()
    html = http.get(f"/explore/reports/{report}").text
    for part in ("indicators", "tasks", "funds", "score_items", "outcomes", "problems", "measures"):
        for fact in body[part]:
            assert f'id="fact-{fact["id"]}"' in html and f'href="#src-{fact["id"]}"' in html, (part, fact["id"])
    facts = rows_of(http, f"/queries/report_facts?report={report}")
    assert {f["fact_id"] for f in facts} >= {i["id"] for i in body["indicators"]}
    assert all(f["evidence"] for f in facts)


def test_the_topic_page_leads_to_the_flagship_question(http):
    waste = page(http, "/explore/topics/waste_sorting")
    assert ("a", "/explore/below-target?topic=waste_sorting") in waste.urls
    assert "没有未达标的指标" in text(waste)  # the five reports miss no waste-sorting target
    renewal = http.get("/explore/topics/urban_renewal").text
    assert re.search(r'<td class="year">2022</td>\s*<td class="district">海珠区</td>\s*'
                     r'<td class="departments">1</td>\s*<td class="indicators">1</td>\s*'
                     r'<td class="mean_completion_rate">75</td>', renewal)
    assert '<canvas id="chart"' in renewal
    assert page(http, "/explore/topics/no_such_topic", 404)


def below_target_rows(html: str) -> list[tuple[str, ...]]:
    table = html[html.index('<table class="below-target">'):html.index("</table>", html.index('class="below-target"'))]
    rows = re.findall(r'<tr class="not_met">(.*?)</tr>', table, re.S)
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[:6])
            for row in rows]


def test_the_flagship_page_shows_the_named_query_s_rows(http):
    everything = below_target_rows(http.get("/explore/below-target").text)
    assert len(everything) == len(rows_of(http, "/queries/indicators_below_target")) == 4
    assert below_target_rows(http.get("/explore/below-target", params={"topic": "城市更新"}).text) == [
        ("南洲街道", "海珠区", "2022", "房屋拆卸", "", "约10.15万平方米")]
    in_2021 = below_target_rows(http.get("/explore/below-target", params={"year": 2021}).text)
    assert {row[3] for row in in_2021} == {"外出招商活动次数", "在册涉毒管控人员帮教服务覆盖率", "开展社区活动次数"}
    assert "没有未达标" in http.get("/explore/below-target", params={"topic": "垃圾分类"}).text
    assert "4 个指标未达标" in http.get("/explore/below-target").text
    lichen = http.get("/explore/below-target", params={"department": "荔城"}).text
    assert "3 个指标未达标" in lichen  # the figures and their chart follow every filter of the page
    assert re.findall(r'<td class="year">(\d+)</td>\s*<td class="district">([^<]*)</td>', lichen) == [("2021", "增城区")]
    assert "unknown topic" in text(page(http, "/explore/below-target?topic=没有这个主题", 400))


@pytest.fixture(scope="module")
def synthetic_http(tmp_path_factory):
    """The explorer over 60 synthetic reports: more year-district groups below target
    than the five examples have (18, the most crowded in the last year)."""
    folder = tmp_path_factory.mktemp("synthetic")
    generate(60, folder, EXAMPLES, seed=3)
    settings = FalkorBackend(tmp_path_factory).empty()
    with Client.open(settings=settings) as client:
        assert {o.status for o in client.ingest([folder], workers=1)} == {"loaded"}
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_chart_draws_the_most_crowded_groups_of_all_not_only_of_those_the_table_lists(synthetic_http,
                                                                                         monkeypatch):
    monkeypatch.setattr(explorer_pages, "FIGURE_ROWS", 5)
    monkeypatch.setattr(explorer_pages, "CHART_GROUPS", 3)
    groups = rows_of(synthetic_http, "/queries/below_target_by_year_and_district")
    html = synthetic_http.get("/explore/below-target").text
    chart = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html).group(1))
    label = {f"{g['year']} {g['district']}": g["indicators"] for g in groups}
    drawn = chart["categories"]
    assert len(drawn) == 3 and chart["left_out"] == len(groups) - 3
    assert chart["indicators"] == [label[c] for c in drawn]
    assert min(chart["indicators"]) >= max(n for c, n in label.items() if c not in drawn)
    figures = html[html.index('<div class="figures">'):]
    listed = re.findall(r'<td class="year">(\d+)</td>\s*<td class="district">([^<]*)</td>', figures)
    assert listed == [(str(g["year"]), g["district"]) for g in groups[:5]]
    assert "First 5 rows shown; download for all" in figures
    assert not set(drawn) <= {f"{y} {d}" for y, d in listed}  # what this test is about: a group the table cuts
    assert f"{len(groups) - 3} more are in the download" in html


def test_a_broad_question_lists_its_first_rows_and_counts_them_all(synthetic_http, monkeypatch):
    monkeypatch.setattr(explorer_pages, "LIST_ROWS", 10)
    every = rows_of(synthetic_http, "/queries/indicators_below_target")
    html = synthetic_http.get("/explore/below-target").text
    listed = below_target_rows(html)
    assert len(every) > 10 and len(listed) == 10
    assert listed == [(r["department"], r["district"] or "", str(r["year"]), r["indicator"], r["target"] or "",
                       r["actual"] or "") for r in every[:10]]
    assert f"{len(every)} 个指标未达标" in html and "First 10 rows shown; download for all" in html


def test_the_next_pages_of_a_broad_question_list_every_row_once(synthetic_http, monkeypatch):
    monkeypatch.setattr(explorer_pages, "LIST_ROWS", 10)
    every = rows_of(synthetic_http, "/queries/indicators_below_target")
    listed, url, pages = [], "/explore/below-target", 0
    while url:
        html = synthetic_http.get(url).text
        listed += below_target_rows(html)
        pages += 1
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = found and found.group(1).replace("&amp;", "&")
        if pages > 1:
            assert 'rel="prev"' in html and f"Rows {10 * (pages - 1) + 1}–" in html
    assert pages == -(-len(every) // 10)
    assert listed == [(r["department"], r["district"] or "", str(r["year"]), r["indicator"], r["target"] or "",
                       r["actual"] or "") for r in every]


def test_the_neighbourhood_of_a_department(http, ids):
    department, report = ids["荔城街道"]
    found = http.get(f"/graph/Department/{department}").json()
    assert found["node"]["caption"] == "荔城街道" and found["node"]["centre"]
    by_type = {(g["type"], g["direction"]): (g["total"], g["shown"]) for g in found["relationships"]}
    assert by_type == {("HAS_DUTY", "out"): (11, 11), ("HAS_OFFICE", "out"): (9, 9), ("PUBLISHED", "out"): (1, 1),
                       ("IN_DISTRICT", "out"): (1, 1)}
    assert len(found["nodes"]) == 1 + 11 + 9 + 1 + 1 and len(found["edges"]) == 22
    assert {(e["type"], e["target"]) for e in found["edges"]} >= {("PUBLISHED", report)}
    rows = list(csv.DictReader(io.StringIO(http.get(f"/graph/Department/{department}", params={"format": "csv"}).text)))
    assert len(rows) == 22 and {r["type"] for r in rows} == {"HAS_DUTY", "HAS_OFFICE", "PUBLISHED", "IN_DISTRICT"}
    assert http.get("/graph/Nope/x").json()["error"].startswith("no label 'Nope'")
    assert http.get("/graph/Department/nope").status_code == 404
    page(http, "/explore/graph/Department/nope", 404)


def test_a_topic_s_neighbours_are_capped_per_relationship_type(loaded_client):
    from perfkg.web import data

    found = data.neighbourhood(loaded_client, "Topic", "economy_business", per_type=5)
    about = next(g for g in found["relationships"] if g["type"] == "ABOUT")
    assert about["total"] > 5 and about["shown"] == 5
    assert sum(e["type"] == "ABOUT" for e in found["edges"]) == 5


def test_the_graph_view_is_styled_by_the_grass_file():
    style = {rule["selector"]: rule["style"] for rule in grass().cytoscape()}
    assert style["node.NotMetIndicator"]["background-color"] == "#E53935"
    assert style["node.Department"]["width"] == 65 and style["edge"]["line-color"] == "#A5ABB6"
    # a later label rule wins, as in Neo4j Browser: a NotMetIndicator is red, not Indicator grey
    assert grass().rule(["Indicator", "NotMetIndicator"])["color"] == "#E53935"
    assert grass().caption(["Report"], {"year": 2021}) == "2021"
    assert grass().caption(["Fund"], {"amount": 446.0}) == "446"
    assert grass().caption(["Indicator"], {"name": "在册涉毒管控人员帮教服务覆盖率"}) == "在册涉毒管控人员帮教服…"


def test_a_grass_rule_may_quote_braces():
    sheet = parse('node.X { caption: "{name} {year}"; color: #111111; }\nrelationship { color: #222222; }')
    assert sheet.labels["X"] == {"caption": '"{name} {year}"', "color": "#111111"}
    assert sheet.relationship == {"color": "#222222"}


def test_funds_of_a_department_with_the_task_each_belongs_to(http):
    allocations = rows_of(http, "/queries/funds?department=文冲&kind=task_allocation")
    assert len(allocations) > 5 and all(r["task"] and r["unit"] == "万元" for r in allocations)
    assert (allocations[0]["task"], allocations[0]["amount"]) == ("坚持党建引领加强基层组织建设", 446.05)
    totals = rows_of(http, "/queries/funds?department=荔城&kind=budget&source=total")
    assert [(r["amount"], r["task"]) for r in totals] == [(82912.04, None)]


def test_the_style_sheet_is_served_for_neo4j_browser_to_fetch(http):
    from conftest import ROOT

    response = http.get("/style/perfkg.grass", headers={"Origin": "http://127.0.0.1:7474"})
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    assert response.text == (ROOT / "ontology" / "perfkg.grass").read_text(encoding="utf-8")
    assert "/style/perfkg.grass" in http.get("/openapi.json").json()["paths"]


def test_the_style_sheet_may_be_fetched_with_the_header_browser_adds(http):
    # Neo4j Browser adds `sentry-trace` to its requests to localhost once it has run a query,
    # so the browser asks first (a CORS preflight); without a yes, `:style URL` fails to fetch.
    response = http.options("/style/perfkg.grass", headers={
        "Origin": "http://127.0.0.1:7474", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "sentry-trace"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-headers"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]


def test_a_metric_page_links_each_department_and_each_indicator_in_its_report(http):
    [found] = http.get("/queries/metrics", params={"search": "清拆违法建设"}).json()["rows"]
    html = http.get(f"/explore/metrics/{found['metric_id']}").text
    assert re.search(r'<p class="crumbs"><a href="/">首页', html)
    rows = http.get("/queries/metric_over_years", params={"metric": found["metric_id"]}).json()["rows"]
    assert len(rows) == 2  # 荔城街道's 拆除违法建设 and 南洲街道's 清拆违法建设
    for row in rows:
        assert f'<a href="/explore/departments/{row["department_id"]}">{row["department"]}</a>' in html
        assert f'<a href="/explore/reports/{row["report_id"]}#fact-{row["indicator_id"]}">{row["indicator"]}</a>' in html


def test_a_neighbourhood_names_closed_values_in_words(http, ids):
    found = http.get(f"/graph/Report/{ids['荔城街道'][1]}").json()
    assert found["node"]["words"]["kind"] == ["部门整体支出绩效自评报告", "department report"]
    indicators = [node for node in found["nodes"] if node["label"] == "Indicator"]
    assert indicators and all(node["words"]["status"][0] in ("达标", "未达标", "无法判断") for node in indicators)
