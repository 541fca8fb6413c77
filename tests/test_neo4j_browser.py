"""Neo4j Browser, served by the test server, used as docs/neo4j-browser.md tells a person
to: driven in headless Chromium (Debian's, through Playwright; no browser download).

It connects with the server's password, sets the guide's parameters, applies
the style with the guide's one command (`:style` with the address perfkg's API
serves ontology/perfkg.grass at), runs every query of the guide, and checks
that each indicator drawn has its status's colour and each report its year as caption. With PERFKG_BROWSER_SCREENSHOTS
set to a folder (`make browser-screenshots` sets it to docs/), it saves the
screenshots the guide shows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, serving

pytestmark = pytest.mark.neo4j

CHROMIUM = Path(os.environ.get("PERFKG_CHROMIUM", "/usr/bin/chromium"))
# Headless, and nothing that reaches for the network: this machine's is closed and
# Chromium's background connections would be refused at every start.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
GUIDE = ROOT / "docs" / "neo4j-browser.md"
GRASS = ROOT / "ontology" / "perfkg.grass"
SCREENSHOTS = os.environ.get("PERFKG_BROWSER_SCREENSHOTS")


def guide_blocks() -> list[str]:
    """The guide's Cypher blocks, in order; the first sets the parameters."""
    return re.findall(r"```cypher\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def status_colours() -> dict[str, str]:
    """Indicator status -> the fill colour the style sheet gives it."""
    rules = dict(re.findall(r"node\.(\w+)\s*\{(.*?)\}", GRASS.read_text(encoding="utf-8"), re.S))
    return {status: re.search(r"\bcolor:\s*(#[0-9A-Fa-f]{6})", rules[label]).group(1).upper()
            for status, label in (("met", "MetIndicator"), ("not_met", "NotMetIndicator"),
                                  ("unknown", "UnknownIndicator"))}


def style_command() -> str:
    """The guide's command that applies the style (its address on port 8000)."""
    return re.search(r"`(:style http://localhost:8000/\S+)`", GUIDE.read_text(encoding="utf-8")).group(1)


@pytest.fixture(scope="module")
def page(neo4j_backend):
    """Neo4j Browser, connected, the example graph loaded, styled by the guide's command."""
    if neo4j_backend.browser_url is None:
        pytest.skip("Neo4j Browser is tested on a server this session starts (PERFKG_NEO4J_URI is set)")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set PERFKG_CHROMIUM)")
    from playwright import sync_api
    from perfkg.api.app import create_app

    settings = neo4j_backend.examples()
    with serving(create_app(settings)) as api, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(neo4j_backend.browser_url)
        page.fill("[data-testid=username]", settings.neo4j_user)
        page.fill("[data-testid=password]", settings.neo4j_password)
        page.click("[data-testid=connect]")
        page.get_by_text("You are connected as user").wait_for()
        params = guide_blocks()[0]
        for line in params.strip().splitlines():
            run(page, line.rstrip(";"))
        # After the queries above, as a person would: Browser then sends a header of its own
        # with the fetch, which the API must allow (tests/test_web.py has the cause).
        command = style_command().replace("localhost:8000", f"localhost:{api.rsplit(':', 1)[1]}")
        style = submit(page, command)
        # Browser shows the style it now uses, or why it could not fetch it.
        style.get_by_text("node.NotMetIndicator").or_(style.get_by_text("Error")).first.wait_for()
        assert "node.NotMetIndicator" in style.inner_text(), style.inner_text()
        save(style, "style")
        yield page
        browser.close()


def run(page, command: str):
    """Run a command as a person would; its result frame, once done without an error."""
    frame = submit(page, command)
    # While it runs, the frame shows a stop button; once done, a button to run it again.
    frame.locator("[data-testid=rerunFrameButton]").wait_for()
    assert frame.locator("[data-testid=cypherFrameErrorMessage], [data-testid=errorBanner]").count() == 0, \
        frame.inner_text()
    return frame


def submit(page, command: str):
    """Type a command into the editor and run it; the frame it opens."""
    # One line: the editor closes brackets as they are typed, and would close them
    # again across line breaks.
    command = " ".join(line.strip() for line in command.strip().splitlines())
    page.click("[data-testid=activeEditor]")
    page.keyboard.insert_text(command)
    page.click("[data-testid=editor-Run]")
    # The newest frame of this command is on top (Browser adds frames of its own too).
    return page.locator("[data-testid=frame]").filter(
        has=page.locator("[data-testid=frameCommand]", has_text=command)).first


def drawn_nodes(frame) -> dict[int, tuple[str, str]]:
    """The graph a frame draws: node id -> its fill colour and its caption."""
    frame.locator("g.node").first.wait_for()
    return {int(g.get_attribute("aria-label").removeprefix("graph-node")):
            (g.locator("circle.b-outline").get_attribute("fill").upper(),
             "".join(g.locator("text").all_text_contents()).strip())
            for g in frame.locator("g.node").all()}


def save(frame, name: str) -> None:
    """A screenshot of the frame, when asked for and the guide shows it."""
    if SCREENSHOTS and f"neo4j-browser-{name}.png" in GUIDE.read_text(encoding="utf-8"):
        frame.page.wait_for_timeout(2000)  # the force layout settles
        frame.screenshot(path=str(Path(SCREENSHOTS) / f"neo4j-browser-{name}.png"))


def test_browser_is_served_and_connects(page):
    assert page.locator("[data-testid=disconnectedBanner]").count() == 0


def test_the_style_command_colours_indicators_by_status_and_captions_reports(page, neo4j_backend):
    frame = run(page, "MATCH p = (:Report {year: $year})-[:HAS_INDICATOR]->(:Indicator) RETURN p")
    drawn = drawn_nodes(frame)
    from perfkg.store import open_store

    with open_store(neo4j_backend.settings()) as store:
        statuses = dict(store.read("MATCH (:Report {year: 2021})-[:HAS_INDICATOR]->(i:Indicator) "
                                   "RETURN id(i), i.status").rows)
        reports = [node for [node] in store.read("MATCH (r:Report {year: 2021}) RETURN id(r)").rows]
    colours = status_colours()
    assert set(statuses) <= set(drawn) and set(reports) <= set(drawn)
    assert {drawn[node][0] for node in statuses} == set(colours.values())  # every status is drawn
    assert all(drawn[node][0] == colours[status] for node, status in statuses.items())
    # Browser's own caption for a report would be its title; the sheet's is its year.
    assert all(drawn[node][1] == "2021" for node in reports), [drawn[node] for node in reports]
    save(frame, "indicators")


@pytest.mark.parametrize("number", range(1, len(guide_blocks())))
def test_every_query_of_the_guide_runs(page, number):
    frame = run(page, guide_blocks()[number])
    frame.locator("g.node, table tbody tr").first.wait_for()  # a graph drawn, or a table for values
    if frame.locator("g.node").count():
        assert len(drawn_nodes(frame)) > 1
        save(frame, f"guide-{number}")
    else:
        assert frame.locator("table tbody tr").count() > 0, frame.inner_text()
