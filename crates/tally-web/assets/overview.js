// The overview page: filters -> counters, map, timeline and table, all
// refreshed with fetch on every change (no reload). Nothing here grows with
// the number of incidents: the server aggregates the counters, months and
// district points, and the table holds one page.
"use strict";

const form = document.getElementById("filters");
// Table rows per page; `?rows=N` (1-1000) overrides it.
const PAGE = Math.min(1000, Math.max(1, Number(new URLSearchParams(location.search).get("rows")) || 100));
const state = { sort: "-date", offset: 0 };

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

// The map outline, fetched once (null if it cannot be had).
document.getElementById("nav-review").href = withToken("/review");
const outline = fetch(withToken("/map/pakistan.geojson"))
  .then((r) => (r.ok ? r.json() : null))
  .catch(() => null);

async function init() {
  buildHeader();
  form.addEventListener("change", refresh);
  form.addEventListener("reset", () => setTimeout(refresh, 0));
  form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  document.getElementById("p-prev").addEventListener("click", () => turnPage(-1));
  document.getElementById("p-next").addEventListener("click", () => turnPage(1));
  // The first refresh has no filters to read: it need not wait for their values.
  const first = refresh();
  try {
    const opts = await api("/api/options");
    fillSelect("f-province", opts.provinces);
    fillSelect("f-district", opts.districts);
    fillSelect("f-group", opts.groups);
    fillSelect("f-type", opts.types, label);
  } catch (e) {
    showError("Could not load the filter values: " + e.message);
  }
  await first;
}

function fillSelect(id, values, show) {
  const s = document.getElementById(id);
  for (const v of values) s.append(el("option", { value: v }, show ? show(v) : v));
}

// Answers to an older request are dropped: filters may change faster than
// the server answers.
let generation = 0, tableGeneration = 0;

// New filters: everything, from the first page of the table.
async function refresh() {
  const mine = ++generation;
  state.offset = 0;
  exportLink();
  const table = refreshTable();
  try {
    const [stats, shape] = await Promise.all([api("/api/stats", filters()), outline]);
    if (mine !== generation) return;
    showError("");
    drawCounters(stats.counters);
    drawMap(shape, stats.districts, stats.counters.incidents);
    drawTimeline(stats.monthly);
  } catch (e) {
    if (mine === generation) showError(e.message);
  }
  await table;
}

// The export link downloads what the filters select.
function exportLink() {
  const q = new URLSearchParams(filters()).toString();
  document.getElementById("export").href = withToken("/api/export.jsonl" + (q ? "?" + q : ""));
}

// New sort or page: the table only.
async function refreshTable() {
  const mine = ++tableGeneration;
  try {
    const list = await api("/api/incidents", { ...filters(), sort: state.sort, limit: PAGE, offset: state.offset });
    if (mine === tableGeneration) drawTable(list);
  } catch (e) {
    if (mine === tableGeneration) showError(e.message);
  }
}

function turnPage(step) {
  state.offset = Math.max(0, state.offset + step * PAGE);
  refreshTable();
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

// One circle per district at the mean coordinates of its incidents, area
// proportional to deaths; a click filters by the district.
function drawMap(shape, districts, incidents) {
  const map = document.getElementById("map");
  map.replaceChildren();
  const note = document.getElementById("map-note");
  if (!shape) {
    note.textContent = "The map outline could not be loaded.";
    return;
  }
  const project = projection(shape);
  map.append(svg("path", { d: outlinePath(shape, project), class: "country" }));
  const located = districts.filter((d) => d.lat != null && d.lon != null);
  located.sort((a, b) => b.killed - a.killed); // small circles on top
  const scale = dotScale(Math.max(0, ...located.map((d) => d.killed)));
  for (const d of located) map.append(districtDot(d, project, scale));
  map.append(sizeLegend(scale));
  const shown = located.reduce((n, d) => n + d.incidents, 0);
  note.textContent = `${fmt(shown)} incident(s) in ${located.length} district(s) on the map` +
    (incidents > shown ? `; ${fmt(incidents - shown)} without coordinates or district are not shown` : "") +
    ". Circles sit at the mean coordinates of a district's incidents; click one to filter by its district.";
}

// Radius per square root of deaths: 2.2 as long as the largest circle stays
// under MAX_R, else shrunk to fit.
const MAX_R = 28;
const dotScale = (maxKilled) => Math.min(2.2, (MAX_R - 3) / Math.sqrt(maxKilled || 1));
const dotRadius = (killed, scale) => 3 + scale * Math.sqrt(killed || 0);

// 1, 2 or 5 times a power of ten, at most n.
function roundDown(n) {
  const p = 10 ** Math.floor(Math.log10(n));
  return [5, 2, 1].map((k) => k * p).find((v) => v <= n);
}

// Reference circles (1, 10, 50 deaths, or fitted to the largest), bottom right.
function sizeLegend(scale) {
  const top = (MAX_R - 3) ** 2 / scale ** 2;
  const values = scale === 2.2 ? [1, 10, 50] : [...new Set([top / 100, top / 10, top].filter((v) => v >= 1).map(roundDown))];
  const g = svg("g", { class: "size-legend" });
  const rs = values.map((n) => dotRadius(n, scale));
  g.append(svg("text", { x: 470, y: 462 - 2 * Math.max(...rs), class: "axis" }, "deaths"));
  let x = 478;
  values.forEach((n, i) => {
    const r = rs[i];
    g.append(svg("circle", { cx: x + r, cy: 470 - r, r, class: "district-dot legend-dot" }));
    g.append(svg("text", { x: x + r, y: 486, "text-anchor": "middle", class: "axis" }, fmt(n)));
    x += 2 * r + 10;
  });
  return g;
}

function districtDot(d, project, scale) {
  const [x, y] = project([d.lon, d.lat]);
  const g = svg("g", { class: "district", role: "button" },
    svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: dotRadius(d.killed, scale).toFixed(1), class: "district-dot" + (d.killed ? "" : " no-deaths") }),
    svg("title", {}, `${d.district}${d.province ? ", " + d.province : ""} · ${fmt(d.incidents)} incident(s) · killed ${fmt(d.killed)} · click to filter`));
  g.addEventListener("click", () => filterByDistrict(d.district));
  return g;
}

function filterByDistrict(name) {
  const select = document.getElementById("f-district");
  select.value = name;
  if (select.value !== name) return; // not an option: leave the filters alone
  refresh();
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
  state.offset = 0;
  markSort();
  refreshTable();
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
  const first = list.incidents.length ? list.offset + 1 : 0;
  const last = list.offset + list.incidents.length;
  document.getElementById("table-note").textContent =
    `${fmt(first)}–${fmt(last)} of ${fmt(list.total)} · click a column to sort, a date to open the incident`;
  document.getElementById("p-info").textContent = `${fmt(first)}–${fmt(last)} of ${fmt(list.total)}`;
  document.getElementById("p-prev").disabled = list.offset === 0;
  document.getElementById("p-next").disabled = last >= list.total;
}

init();
