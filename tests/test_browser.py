"""The explorer and the API docs in a real browser: Debian's Chromium, driven
by Playwright, against the API served over HTTP on loopback, on the five
example reports. Every request that leaves the app is aborted and counted;
a page passes only with none, and with no console error. Each page's
screenshot is saved under docs/screenshots/ (the README shows them).

Skipped, with the reason, when no Chromium is installed (.ci/run installs
Debian's `chromium`); Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import uvicorn

from conftest import ROOT
from perfkg.api.app import create_app
from perfkg.config import Settings
from perfkg.ingest.metrics import metric_id

CHROMIUM = os.environ.get("PERFKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason=f"no Chromium at {CHROMIUM}: install Debian's (apt-get install chromium) or set PERFKG_CHROMIUM",
)


@pytest.fixture(scope="module")
def base(loaded_store_path):
    """The app served by uvicorn on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(store=str(loaded_store_path))), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900}, locale="zh-CN",
        )
        yield context
        context.close()


class Watched:
    """A page whose requests outside the app are aborted and recorded, and
    whose console errors and uncaught exceptions are recorded."""

    def __init__(self, context, base: str):
        self.base = base
        self.page = context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        if urlsplit(url).netloc == urlsplit(self.base).netloc:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str):
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response.ok, (path, response.status)
        return self.page

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png")


@pytest.fixture
def watched(browser, base):
    page = Watched(browser, base)
    yield page
    page.page.close()
    assert page.outside == [], "requests outside the app"
    assert page.errors == [], "console errors"


@pytest.fixture(scope="module")
def ids(base):
    import httpx2 as httpx

    departments = {d["short_name"]: d for d in httpx.get(base + "/departments").json()}
    return {name: (d["id"], d["reports"][0]["id"]) for name, d in departments.items()}


def api(base: str, path: str, **params):
    import httpx2 as httpx

    response = httpx.get(base + path, params=params)
    response.raise_for_status()
    return response.json()


def cells(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        selector + " tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))")


PAGES = {
    "home": lambda ids: "/",
    "search": lambda ids: "/explore/search?q=垃圾分类",
    "department": lambda ids: f"/explore/departments/{ids['荔城街道'][0]}",
    "report": lambda ids: f"/explore/reports/{ids['荔城街道'][1]}",
    "topic": lambda ids: "/explore/topics/urban_renewal",
    "below-target": lambda ids: "/explore/below-target",
    "neighbourhood": lambda ids: f"/explore/graph/Department/{ids['荔城街道'][0]}",
    "findings": lambda ids: "/explore/findings",
    "metric": lambda ids: f"/explore/metrics/{metric_id('拆除违法建设')}",
}


@pytest.mark.parametrize("name", PAGES)
def test_each_page_loads_offline_with_no_console_error(watched, ids, name):
    page = watched.open(PAGES[name](ids))
    assert page.title()
    assert page.locator("main h1").count() == 1
    if name in ("topic", "below-target"):
        assert page.eval_on_selector("#chart", "c => c.width > 0 && c.height > 0")
    if name == "metric":
        assert page.eval_on_selector("#metric-chart", "c => c.width > 0 && c.height > 0")
    if name == "neighbourhood":
        # cytoscape draws into canvases of its own inside the container
        assert page.locator("#graph canvas").count() >= 1
        assert "荔城街道" in page.inner_text("#selected")
    if name == "report":
        # The facts wrap within their pane: nothing to scroll sideways to.
        assert page.eval_on_selector(".facts-panel .scroll", "e => e.scrollWidth <= e.clientWidth + 1")
    watched.screenshot(name)


def test_a_chart_of_one_group_leaves_room_above_its_bar_and_shows_its_point(watched):
    page = watched.open("/explore/topics/urban_renewal")  # one year and district below target
    drawn = page.evaluate("""() => {
        const chart = Chart.getChart(document.getElementById('chart'));
        const bar = chart.getDatasetMeta(0).data, point = chart.getDatasetMeta(1).data;
        return {bars: bar.length, top: chart.chartArea.top, bottom: chart.chartArea.bottom, barTop: bar[0].y,
                pointY: point[0].y, radius: point[0].options.radius};
    }""")
    assert drawn["bars"] == 1
    height = drawn["bottom"] - drawn["top"]
    assert drawn["barTop"] > drawn["top"] + 0.1 * height  # the bar does not fill the chart
    assert drawn["top"] + 0.05 * height < drawn["pointY"] < drawn["bottom"] and drawn["radius"] >= 4


def test_the_report_s_columns_can_be_hidden_and_evidence_opened(watched, ids):
    page = watched.open(f"/explore/reports/{ids['荔城街道'][1]}")
    assert page.locator("table.report-facts td.c-target").first.is_visible()
    assert not page.locator("table.report-facts td.c-location").first.is_visible()  # hidden until asked
    page.uncheck("#show-target")
    assert not page.locator("table.report-facts td.c-target").first.is_visible()
    page.check("#show-location")
    assert page.locator("table.report-facts td.c-location").first.is_visible()
    evidence = page.locator("table.report-facts details.evidence").first
    assert not evidence.locator(".evidence").is_visible()
    evidence.locator("summary").click()
    assert evidence.locator(".evidence").is_visible()


def test_a_flagged_fact_is_marked_in_words_and_how_each_was_read_can_be_shown(watched, ids):
    # 南洲街道's report sets 310000 万平方米 against 310297 平方米 cleared: flagged.
    page = watched.open(f"/explore/reports/{ids['南洲街道'][1]}")
    flagged = page.locator("table.report-facts tr.flagged")
    assert flagged.count() == 1 and "清拆违法建设" in flagged.inner_text()
    assert flagged.locator(".flag").is_visible() and "相差千倍" in flagged.locator(".flag").inner_text()
    assert not page.locator("table.report-facts td.c-read_by").first.is_visible()  # hidden until asked
    page.check("#show-read_by")
    assert page.locator("table.report-facts td.c-read_by").first.is_visible()


def test_a_small_neighbourhood_is_drawn_at_a_readable_size(watched, ids):
    indicator = api(watched.base, f"/reports/{ids['荔城街道'][1]}")["indicators"][0]["id"]
    page = watched.open(f"/explore/graph/Indicator/{indicator}")
    drawn = page.evaluate("""() => {
        const cy = document.getElementById('graph')._cyreg.cy;
        const edges = cy.edges().map((e) => {
            const [a, b] = [e.source(), e.target()];
            const gap = Math.hypot(a.renderedPosition('x') - b.renderedPosition('x'),
                                   a.renderedPosition('y') - b.renderedPosition('y'))
                        - (a.renderedWidth() + b.renderedWidth()) / 2;
            return {gap, label: e.data('type').length * parseFloat(e.style('font-size')) * 0.6 * cy.zoom()};
        });
        return {zoom: cy.zoom(), widest: Math.max(...cy.nodes().map((n) => n.renderedWidth())), edges};
    }""")
    assert drawn["edges"] and drawn["zoom"] <= 1.25 and drawn["widest"] <= 90
    assert all(edge["gap"] > edge["label"] for edge in drawn["edges"]), drawn["edges"]


def test_the_api_docs_list_the_operations_offline(watched):
    page = watched.open("/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = set(page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.dataset.path || e.innerText)"))
    assert {"/queries/{name}", "/search", "/graph/{label}/{node_id}", "/indicators"} <= paths
    watched.screenshot("docs")
    page = watched.open("/redoc")
    page.wait_for_selector("h2:has-text('Run a named query')")
    headings = page.locator("h2").all_inner_texts()
    assert any(h.startswith("Departments, projects, indicators and topics by name") for h in headings)
    watched.screenshot("redoc")


def test_from_a_search_to_the_flagship_question(watched, ids):
    page = watched.open("/")
    page.fill("main input[name=q]", "垃圾分类")
    page.press("main input[name=q]", "Enter")
    page.wait_for_url("**/explore/search?q=*")
    page.click("section.hits.topic a:text('垃圾分类')")
    page.wait_for_url("**/explore/topics/waste_sorting")
    page.click("#flagship")
    page.wait_for_url("**/explore/below-target?topic=waste_sorting")
    # The five reports miss no waste-sorting target: the page says so, as the API does.
    assert api(watched.base, "/queries/indicators_below_target", topic="waste_sorting")["rows"] == []
    assert page.locator("table.below-target").count() == 0
    assert "没有未达标" in page.inner_text("main")

    # The same path for a topic with a miss: 城市更新, found by its synonym 拆迁.
    page = watched.open("/explore/search?q=拆迁")
    page.click("section.hits.topic a:text('城市更新')")
    page.click("#flagship")
    page.wait_for_url("**/explore/below-target?topic=urban_renewal")
    rows = cells(page, "table.below-target")
    assert [row[:7] for row in rows] == [["南洲街道", "海珠区", "2022", "房屋拆卸", "", "约10.15万平方米", "75"]]
    expected = api(watched.base, "/queries/indicators_below_target", topic="urban_renewal")["rows"]
    assert [(r["department"], r["indicator"]) for r in expected] == [(row[0], row[3]) for row in rows]
    figures = cells(page, ".figures table")
    assert [row[:5] for row in figures] == [["2022", "海珠区", "1", "1", "75"]]
    watched.screenshot("flagship")


def test_a_metric_is_reached_from_a_search_and_from_an_indicator(watched, ids):
    """南洲街道 writes 清拆违法建设 and 荔城街道 拆除违法建设: one metric, one page, both indicators."""
    page = watched.open("/explore/search?q=清拆违法建设")
    page.click("section.hits.metric a:text('拆除违法建设')")
    page.wait_for_url("**/explore/metrics/*")
    rows = cells(page, "main section table")
    assert [row[:3] for row in rows] == [["荔城街道", "2021", "拆除违法建设"], ["南洲街道", "2022", "清拆违法建设"]]
    assert all(row[-1] for row in rows)  # each with its evidence
    assert page.eval_on_selector("#metric-chart", "c => c.width > 0 && c.height > 0")
    page = watched.open(f"/explore/reports/{ids['荔城街道'][1]}")
    named = page.locator("a.to-source", has_text=re.compile("^拆除违法建设$"))
    page.locator("tr.fact.Indicator").filter(has=named).locator("a.metric-link").click()
    page.wait_for_url(f"**/explore/metrics/{metric_id('拆除违法建设')}")
    assert "清拆违法建设" in page.inner_text("p.synonyms")
    watched.screenshot("metric")


def test_a_fact_s_highlight_sits_on_its_evidence_and_links_both_ways(watched, ids):
    report = ids["荔城街道"][1]
    page = watched.open(f"/explore/reports/{report}")
    page.wait_for_selector("#source mark.fact")
    marked = page.evaluate("""() => {
        const text = {};
        for (const mark of document.querySelectorAll('#source mark.fact'))
            for (const id of mark.dataset.facts.split(' ')) text[id] = (text[id] || '') + mark.textContent;
        return text;
    }""")
    indicators = api(watched.base, f"/reports/{report}")["indicators"]
    for indicator in indicators:
        assert marked.get(indicator["id"]) == indicator["evidence"], indicator["name"]
    # every fact of the report has its place in the text
    assert page.locator("tr.fact.no-span").count() == 0
    missed = next(i for i in indicators if i["name"] == "外出招商活动次数")
    page.click(f"tr#fact-{missed['id']} a.to-source")
    assert page.evaluate("() => location.hash") == f"#src-{missed['id']}"
    assert page.locator("#source mark.fact.current").count() >= 1
    page.locator(f"#source mark.fact[data-facts^='{missed['id']}']").first.click()
    assert page.evaluate("() => location.hash") == f"#fact-{missed['id']}"
    assert "current" in page.get_attribute(f"tr#fact-{missed['id']}", "class")
    watched.screenshot("report-source")


def test_the_highlighter_marks_nested_spans(watched, ids):
    # The explorer's own script, on a text made of a report's real evidence
    # with a task span around two indicators: the pieces of text each fact
    # covers are marked with it, and coloured as the innermost fact.
    report = ids["荔城街道"][1]
    page = watched.open("/explore/topics/urban_renewal")  # a page with the script and no source text
    indicators = api(watched.base, f"/reports/{report}")["indicators"][:4]
    text, spans = "前言。\n", []
    for indicator in indicators:
        spans.append({"start": len(text), "end": len(text) + len(indicator["evidence"]), "label": "Indicator",
                      "id": indicator["id"]})
        text += indicator["evidence"] + "\n"
    spans.append({"start": spans[1]["start"], "end": spans[2]["end"], "label": "Task", "id": "task-around"})
    text_seen, marked, innermost = page.evaluate("""([text, spans]) => {
        const source = document.createElement('div');
        document.querySelector('main').append(source);
        markSource(source, text, spans);
        const found = {};
        for (const mark of source.querySelectorAll('mark.fact'))
            for (const id of mark.dataset.facts.split(' ')) found[id] = (found[id] || '') + mark.textContent;
        const inner = source.querySelector(`mark[data-facts^="${spans[1].id}"]`).className;
        return [source.textContent, found, inner];
    }""", [text, spans])
    assert text_seen == text  # nothing lost or doubled
    for indicator in indicators:
        assert marked[indicator["id"]] == indicator["evidence"]
    assert marked["task-around"] == text[spans[1]["start"]:spans[2]["end"]]
    assert innermost.startswith("fact Indicator")


def test_a_finding_of_the_checks_leads_to_its_figures_in_the_source(watched, ids):
    # 南洲街道's 2022 report states a task of 310000 万平方米 against 310297 平方米 demolished: the
    # check flags the unit mismatch, on the department's page and on the report's.
    department, report = ids["南洲街道"]
    (finding,) = api(watched.base, "/queries/findings", department=department)["rows"]
    assert finding["rule"] == "actual_far_from_target"
    page = watched.open(f"/explore/departments/{department}")
    rows = cells(page, "section.checks table.findings")
    assert len(rows) == 1 and rows[0][1].startswith("actual_far_from_target") and "310000万平方米" in rows[0][2]
    page.click("section.checks table.findings a:has-text('清拆违法建设:')")
    page.wait_for_url(f"**/explore/reports/{report}#fact-{finding['finding_id']}")
    page.wait_for_selector("#source mark.fact")
    assert "current" in page.get_attribute(f"tr#fact-{finding['finding_id']}", "class")
    # Its figures are marked in the source text, and outlined when it is the one followed.
    marked = page.evaluate("""(id) => [...document.querySelectorAll('#source mark.fact')]
        .filter(m => m.dataset.facts.split(' ').includes(id)).map(m => m.textContent).join('')""",
                           finding["finding_id"])
    assert marked == finding["evidence"] and "310000 万平方米" in marked
    assert page.locator("#source mark.fact.current").count() >= 1
    # From the finding to the indicator it concerns, both marked on the same words.
    page.click(f"tr#fact-{finding['finding_id']} a.concern")
    assert page.evaluate("() => location.hash") == f"#fact-{finding['concern_ids'][0]}"
    assert "current" in page.get_attribute(f"tr#fact-{finding['concern_ids'][0]}", "class")
    page.click(f"tr#fact-{finding['finding_id']} a.to-source")
    assert page.evaluate("() => location.hash") == f"#src-{finding['finding_id']}"
    watched.screenshot("checks")


def test_the_search_box_answers_a_question_with_its_named_query(watched):
    page = watched.open("/")
    page.fill("main input[name=q]", "海珠区城市更新方面没完成的指标")
    page.press("main input[name=q]", "Enter")
    page.wait_for_url("**/explore/search?q=*")
    assert page.inner_text("#answer .interpretation") == \
        "查询 indicators_below_target（未达标的指标）：主题=城市更新，区=海珠区，状态=未达标"
    link = page.get_attribute("#answer a.named-query", "href")
    assert link.startswith("/queries/indicators_below_target?")
    path, _, query = link.partition("?")
    expected = api(watched.base, path, **dict(parse_qsl(query)))["rows"]
    rows = cells(page, "#answer table")
    assert [(r["department"], r["indicator"]) for r in expected] == [(row[0], row[3]) for row in rows] \
        == [("南洲街道", "房屋拆卸")]
    watched.screenshot("ask")
    # A question no named query answers says so, with the closest ones.
    page = watched.open("/explore/search?q=黄埔区的垃圾分类指标有哪些")
    assert "不能按区" in page.inner_text("#answer")
    page.click("#answer li a:has-text('indicators_below_target')")
    page.wait_for_url("**/queries/indicators_below_target?*")
