// perfkg explorer: the little a page needs beyond its HTML. Each part runs
// only on a page that has its element: the source text of a report (#source),
// a chart (#chart) and a neighbourhood graph (#graph). No request leaves the app.
"use strict";

const FONT = getComputedStyle(document.documentElement).getPropertyValue("--sans").trim();

// ---------------------------------------------------------------- the source text

// A link to a fact (#fact-<id>, as the department page gives) outlines it,
// with or without the source text.
showCurrent();
window.addEventListener("hashchange", showCurrent);

// The source text with every fact's span marked. Spans nest and overlap (a
// task's row holds its indicators), so the text is cut at every span's start
// and end; each piece is marked with the facts that cover it, coloured as the
// innermost one. A fact's first piece is preceded by an anchor #src-<id>, the
// target of the links in the facts table; a click on a piece goes to the
// innermost fact's row.
function markSource(container, text, spans) {
  const cuts = new Set([0, text.length]);
  for (const span of spans) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const anchored = new Set();
  const fragment = document.createDocumentFragment();
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k];
    const end = points[k + 1];
    const piece = text.slice(start, end);
    const covering = spans.filter((s) => s.start <= start && s.end >= end && s.end > s.start);
    if (covering.length === 0) {
      fragment.append(piece);
      continue;
    }
    covering.sort((a, b) => (a.end - a.start) - (b.end - b.start));
    for (const span of covering) {
      if (!anchored.has(span.id)) {
        anchored.add(span.id);
        const anchor = document.createElement("a");
        anchor.className = "anchor";
        anchor.id = "src-" + span.id;
        fragment.append(anchor);
      }
    }
    const innermost = covering[0];
    const mark = document.createElement("mark");
    const row = document.getElementById("fact-" + innermost.id);
    mark.className = ["fact", innermost.label, ...statusOf(row)].join(" ");
    mark.dataset.facts = covering.map((s) => s.id).join(" ");
    mark.title = covering.map((s) => s.label).join(" ⊂ ");
    mark.textContent = piece;
    mark.addEventListener("click", () => { location.hash = "fact-" + innermost.id; });
    fragment.append(mark);
  }
  container.replaceChildren(fragment);
  // A fact the reader could not place in the text has no highlight to go to.
  for (const row of document.querySelectorAll("tr.fact")) {
    if (!anchored.has(row.dataset.fact)) {
      row.classList.add("no-span");
    }
  }
}

function statusOf(row) {
  return row ? ["met", "not_met", "unknown"].filter((s) => row.classList.contains(s)) : [];
}

// Following a link to #src-<id> or #fact-<id> outlines that fact on both sides.
function showCurrent() {
  for (const old of document.querySelectorAll(".current")) {
    old.classList.remove("current");
  }
  const hash = decodeURIComponent(location.hash.slice(1));
  const id = hash.replace(/^(src|fact)-/, "");
  if (!id || id === hash) {
    return;
  }
  for (const mark of document.querySelectorAll("mark.fact")) {
    if (mark.dataset.facts.split(" ").includes(id)) {
      mark.classList.add("current");
    }
  }
  const row = document.getElementById("fact-" + id);
  if (row) {
    row.classList.add("current");
  }
}

// ---------------------------------------------------------------- the chart

function drawChart(canvas) {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  Chart.defaults.font.family = FONT;
  new Chart(canvas, {
    data: {
      labels: data.categories,
      datasets: [
        { type: "bar", label: "未达标指标 indicators below target", data: data.indicators, backgroundColor: data.colour, maxBarThickness: 48,
          yAxisID: "count", order: 2 },
        // Points large enough to see with one group, where there is no line to draw.
        { type: "line", label: "平均完成率 % mean completion rate", data: data.completion, borderColor: "#2870C2",
          backgroundColor: "#2870C2", borderDash: [5, 4], spanGaps: true, yAxisID: "percent", order: 1,
          pointRadius: 5, pointHoverRadius: 7 },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        // Headroom above the tallest bar and up to 100 %, so neither fills the
        // chart's height and the line's points never sit on its top edge.
        count: { position: "left", beginAtZero: true, grace: "15%", ticks: { precision: 0 },
                 title: { display: true, text: "指标数 indicators" } },
        percent: { position: "right", beginAtZero: true, suggestedMax: 100, grace: "10%", title: { display: true, text: "%" },
                   grid: { drawOnChartArea: false } },
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { afterBody: (items) => "部门 departments: " + data.departments[items[0].dataIndex] } },
      },
    },
  });
}

// ---------------------------------------------------------------- the neighbourhood

// The ring of neighbours: its least radius, the gap between two neighbours,
// and how far a fit may zoom in (px).
const RING_MIN_RADIUS = 170;
const RING_GAP = 24;
const MAX_FIT_ZOOM = 1.25;

function drawGraph(container) {
  const found = JSON.parse(document.getElementById("graph-data").textContent);
  const style = JSON.parse(document.getElementById("graph-style").textContent);
  const byId = new Map(found.nodes.map((node) => [node.id, node]));
  const elements = [
    ...found.nodes.map((node) => ({
      group: "nodes",
      data: { id: node.id, caption: node.caption },
      classes: [...node.labels, ...(node.centre ? ["centre"] : [])].join(" "),
    })),
    ...found.edges.map((edge) => ({ group: "edges", data: edge })),
  ];
  const cy = cytoscape({ container, elements, style, maxZoom: 3, minZoom: 0.2 });
  // The neighbours on a ring around the node, far enough apart that each edge
  // is longer than its label, and no closer together than their sizes allow.
  const ring = cy.nodes().not(".centre");
  const place = new Map(ring.map((node, index) => [node.id(), index]));
  const widest = Math.max(40, ...cy.nodes().map((node) => node.width()));
  const radius = Math.max(RING_MIN_RADIUS, (ring.length * (widest + RING_GAP)) / (2 * Math.PI));
  cy.layout({
    name: "preset", animate: false, fit: false,
    positions: (node) => {
      if (node.hasClass("centre")) {
        return { x: 0, y: 0 };
      }
      const angle = (2 * Math.PI * place.get(node.id())) / Math.max(ring.length, 1) - Math.PI / 2;
      return { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    },
  }).run();
  // A small neighbourhood is not blown up to fill the box: drawn at most a
  // little over its own size, so nodes stay node-sized and labels legible.
  cy.fit(undefined, 30);
  if (cy.zoom() > MAX_FIT_ZOOM) {
    cy.zoom(MAX_FIT_ZOOM);
    cy.center();
  }
  const panel = document.getElementById("selected");
  const show = (node) => panel.replaceChildren(...describe(node));
  cy.on("tap", "node", (event) => show(byId.get(event.target.id())));
  cy.on("dbltap", "node", (event) => { location.href = graphUrl(byId.get(event.target.id())); });
  show(found.node);
}

function graphUrl(node) {
  return "/explore/graph/" + encodeURIComponent(node.label) + "/" + encodeURIComponent(node.id);
}

function describe(node) {
  const title = document.createElement("h3");
  title.textContent = node.labels.join(" · ");
  const list = document.createElement("dl");
  for (const [key, value] of Object.entries(node.properties)) {
    const term = document.createElement("dt");
    term.textContent = key;
    const text = document.createElement("dd");
    const named = node.words && node.words[key];
    if (named) {  // a closed value: its words, the stored value in the tooltip
      text.textContent = named[0] + " " + named[1];
      text.title = String(value);
    } else {
      text.textContent = typeof value === "object" ? JSON.stringify(value) : String(value);
    }
    list.append(term, text);
  }
  const link = document.createElement("a");
  link.href = graphUrl(node);
  link.textContent = "◎ 它的关系图 Its neighbourhood";
  return [title, link, list];
}

// ----------------------------------------------------------------

// The page carries the source text (as the element's text, so it reads
// without JavaScript) and, exactly, with the facts' spans: the marks replace the plain text.
const source = document.getElementById("source");
if (source) {
  const { text, spans } = JSON.parse(document.getElementById("source-data").textContent);
  markSource(source, text, spans);
  showCurrent();
  if (location.hash) {
    document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView({ block: "center" });
  }
}
const chart = document.getElementById("chart");
if (chart) {
  drawChart(chart);
}
const graph = document.getElementById("graph");
if (graph) {
  drawGraph(graph);
}

// ---------------------------------------------------------------- a metric's chart

// Actual (solid) and target (dashed) by year, one colour per department.
function drawMetricChart(canvas) {
  const data = JSON.parse(document.getElementById("metric-chart-data").textContent);
  const colours = ["#2870C2", "#C2410C", "#15803D", "#7E22CE", "#B45309", "#0E7490", "#BE123C", "#4D7C0F"];
  Chart.defaults.font.family = FONT;
  const datasets = data.departments.flatMap((d, k) => {
    const colour = colours[k % colours.length];
    return [
      { label: d.department + " 实际 actual", data: d.actual_value, borderColor: colour, backgroundColor: colour, spanGaps: true },
      { label: d.department + " 目标 target", data: d.target_value, borderColor: colour, backgroundColor: colour,
        borderDash: [5, 4], spanGaps: true },
    ];
  });
  new Chart(canvas, {
    type: "line",
    data: { labels: data.years, datasets },
    // offset: a year's points sit in the middle of its column, so one year is not drawn on the axis.
    options: { animation: false, maintainAspectRatio: false, scales: { x: { offset: true } },
               plugins: { legend: { position: "bottom" } } },
  });
}

const metricChart = document.getElementById("metric-chart");
if (metricChart) {
  drawMetricChart(metricChart);
}
