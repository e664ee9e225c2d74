// The overview page: filters -> counters, map, timeline and table, all
// refreshed with fetch on every change (no reload).
"use strict";

const form = document.getElementById("filters");
const state = { sort: "-date", outline: null };

const COLUMNS = [
  ["date", "Date"], ["province", "Province"], ["district", "District"], [null, "Place"],
  ["type", "Event type"], ["group", "Group"], ["killed", "Killed"], ["injured", "Injured"],
  ["articles", "Articles"],
];

function filters() {
  const f = {};
  for (const [k, v] of new FormData(form)) if (v) f[k] = v;
  return f;
}

async function init() {
  try {
    const [opts, outline] = await Promise.all([
      api("/api/options"),
      fetch(withToken("/map/pakistan.geojson")).then((r) => r.json()),
    ]);
    state.outline = outline;
    fillSelect("f-province", opts.provinces);
    fillSelect("f-district", opts.districts);
    fillSelect("f-group", opts.groups);
    fillSelect("f-type", opts.types, label);
  } catch (e) {
    showError("Could not load the filter values: " + e.message);
  }
  buildHeader();
  form.addEventListener("change", refresh);
  form.addEventListener("reset", () => setTimeout(refresh, 0));
  form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  refresh();
}

function fillSelect(id, values, show) {
  const s = document.getElementById(id);
  for (const v of values) s.append(el("option", { value: v }, show ? show(v) : v));
}

let generation = 0;
async function refresh() {
  const mine = ++generation;
  const f = filters();
  try {
    const [stats, list] = await Promise.all([
      api("/api/stats", f),
      api("/api/incidents", { ...f, sort: state.sort, limit: 10000 }),
    ]);
    if (mine !== generation) return;
    showError("");
    drawCounters(stats.counters);
    drawMap(list.incidents, stats.unlocated);
    drawTimeline(stats.monthly);
    drawTable(list);
  } catch (e) {
    if (mine === generation) showError(e.message);
  }
}

function drawCounters(c) {
  const box = document.getElementById("counters");
  const card = (name, value, colour, id) =>
    el("div", { class: "counter", id },
      el("span", { class: "value", style: colour ? `color:${colour}` : null }, fmt(value)),
      el("span", { class: "name" }, name));
  box.replaceChildren(
    card("incidents", c.incidents, null, "c-incidents"),
    card("killed", c.killed.total, null, "c-killed"),
    ...CATEGORIES.map(([k, name, colour]) => card(k === "unspecified" ? "killed, category not stated" : name.toLowerCase() + " killed", c.killed[k], colour, "c-" + k)),
    card("injured", c.injured.total, null, "c-injured"),
  );
}

// ---------------------------------------------------------------- map

const MAP_W = 600, MAP_H = 520, PAD = 12;

// Equirectangular projection fitted to the outline's bounds.
function projection(outline) {
  let x0 = 180, x1 = -180, y0 = 90, y1 = -90;
  for (const poly of outline.features[0].geometry.coordinates)
    for (const ring of poly)
      for (const [x, y] of ring) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
  const kx = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
  const k = Math.min((MAP_W - 2 * PAD) / ((x1 - x0) * kx), (MAP_H - 2 * PAD) / (y1 - y0));
  return ([lon, lat]) => [PAD + (lon - x0) * kx * k, PAD + (y1 - lat) * k];
}

function outlinePath(outline, project) {
  let d = "";
  for (const poly of outline.features[0].geometry.coordinates)
    for (const ring of poly)
      d += ring.map((p, i) => (i ? "L" : "M") + project(p).map((v) => v.toFixed(1)).join(",")).join("") + "Z";
  return d;
}

function drawMap(incidents, unlocated) {
  const map = document.getElementById("map");
  map.replaceChildren();
  if (!state.outline) return;
  const project = projection(state.outline);
  map.append(svg("path", { d: outlinePath(state.outline, project), class: "country" }));
  const located = incidents.filter((i) => i.lat != null && i.lon != null);
  located.sort((a, b) => (b.killed || 0) - (a.killed || 0));
  for (const inc of located) map.append(incidentDot(inc, project));
  map.append(sizeLegend());
  const note = document.getElementById("map-note");
  note.textContent = `${located.length} incident(s) on the map` +
    (unlocated ? `; ${unlocated} without coordinates are not shown` : "") +
    ". Points sit at locality or district centres; province/district borders are not drawn.";
}

const dotRadius = (killed) => 3 + 2.2 * Math.sqrt(killed || 0);

// Reference circles for 1, 10 and 50 deaths, bottom right.
function sizeLegend() {
  const g = svg("g", { class: "size-legend" });
  g.append(svg("text", { x: 470, y: 420, class: "axis" }, "deaths"));
  let x = 478;
  for (const n of [1, 10, 50]) {
    const r = dotRadius(n);
    g.append(svg("circle", { cx: x + r, cy: 470 - r, r, class: "incident-dot legend-dot" }));
    g.append(svg("text", { x: x + r, y: 486, "text-anchor": "middle", class: "axis" }, n));
    x += 2 * r + 10;
  }
  return g;
}

function incidentDot(inc, project) {
  const [x, y] = project([inc.lon, inc.lat]);
  const r = dotRadius(inc.killed);
  const a = svg("a", { href: withToken("/incident/" + encodeURIComponent(inc.id)) },
    svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), class: "incident-dot" + (inc.killed ? "" : " no-deaths") }),
    svg("title", {}, `${inc.date || "undated"} · ${inc.place || inc.district || inc.province || "?"} · ${label(inc.type)} · killed ${fmt(inc.killed)}`));
  return a;
}

// ---------------------------------------------------------------- timeline

function monthsBetween(first, last) {
  const out = [];
  let [y, m] = first.split("-").map(Number);
  const [ly, lm] = last.split("-").map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1; if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

function drawTimeline(monthly) {
  const t = document.getElementById("timeline");
  t.replaceChildren();
  drawLegend();
  if (!monthly.length) {
    t.append(svg("text", { x: 300, y: 150, "text-anchor": "middle", class: "axis" }, "no dated incidents match"));
    return;
  }
  const byMonth = Object.fromEntries(monthly.map((m) => [m.month, m]));
  const months = monthsBetween(monthly[0].month, monthly[monthly.length - 1].month);
  const max = Math.max(1, ...monthly.map((m) => m.killed.total));
  const L = 40, R = 10, T = 12, B = 34, W = 600 - L - R, H = 300 - T - B;
  const bw = Math.min(W / months.length, 48);
  t.append(svg("line", { x1: L, y1: T + H, x2: L + W, y2: T + H, class: "axis-line" }));
  t.append(svg("line", { x1: L, y1: T + H / 2, x2: L + W, y2: T + H / 2, class: "grid-line" }));
  t.append(svg("text", { x: L - 4, y: T + H / 2 + 3, "text-anchor": "end", class: "axis" }, fmt(Math.round(max / 2))));
  t.append(svg("text", { x: L - 4, y: T + 8, "text-anchor": "end", class: "axis" }, fmt(max)));
  t.append(svg("text", { x: L - 4, y: T + H, "text-anchor": "end", class: "axis" }, "0"));
  const every = Math.ceil(months.length / 12);
  months.forEach((month, i) => {
    const x = L + i * bw;
    const m = byMonth[month];
    if (m) t.append(stackedBar(m, x, bw, T + H, H / max));
    if (i % every === 0)
      t.append(svg("text", { x: x + bw / 2, y: T + H + 14, "text-anchor": "middle", class: "axis" }, month));
  });
}

function stackedBar(m, x, bw, base, scale) {
  const g = svg("g", { class: "bar" });
  let y = base;
  for (const [k, name, colour] of CATEGORIES) {
    const h = m.killed[k] * scale;
    if (!h) continue;
    y -= h;
    g.append(svg("rect", { x: (x + bw * 0.1).toFixed(1), y: y.toFixed(1), width: (bw * 0.8).toFixed(1), height: h.toFixed(1), fill: colour },
      svg("title", {}, `${m.month}: ${fmt(m.killed[k])} ${name.toLowerCase()} killed`)));
  }
  g.append(svg("title", {}, `${m.month}: ${m.incidents} incident(s), ${fmt(m.killed.total)} killed, ${fmt(m.injured)} injured`));
  return g;
}

function drawLegend() {
  document.getElementById("legend").replaceChildren(...CATEGORIES.map(([, name, colour]) =>
    el("span", {}, el("i", { style: `background:${colour}` }), name)));
}

// ---------------------------------------------------------------- table

function buildHeader() {
  const tr = document.querySelector("#incidents thead tr");
  tr.replaceChildren(...COLUMNS.map(([key, name]) => {
    if (!key) return el("th", {}, name);
    const th = el("th", { class: "sortable", "data-key": key, onclick: () => sortBy(key) }, name);
    return th;
  }));
  markSort();
}

function sortBy(key) {
  state.sort = state.sort === key ? "-" + key : key;
  markSort();
  refresh();
}

function markSort() {
  for (const th of document.querySelectorAll("#incidents th.sortable")) {
    const k = th.dataset.key;
    th.classList.toggle("asc", state.sort === k);
    th.classList.toggle("desc", state.sort === "-" + k);
  }
}

function drawTable(list) {
  const body = document.querySelector("#incidents tbody");
  body.replaceChildren(...list.incidents.map((i) => el("tr", {},
    el("td", {}, el("a", { href: withToken("/incident/" + encodeURIComponent(i.id)) }, i.date || "undated")),
    el("td", {}, i.province || "–"), el("td", {}, i.district || "–"), el("td", {}, i.place || "–"),
    el("td", {}, label(i.type)), el("td", {}, i.group ? i.group + (i.claimed ? " (claimed)" : "") : "–"),
    el("td", { class: "num" }, fmt(i.killed)), el("td", { class: "num" }, fmt(i.injured)),
    el("td", { class: "num" }, i.articles))));
  document.getElementById("table-note").textContent =
    `${list.incidents.length} of ${list.total} shown · click a column to sort, a date to open the incident`;
}

init();
