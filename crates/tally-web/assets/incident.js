// The incident page: fields with low/best/high, the provenance ledger,
// articles with evidence highlighted, disagreements, history.
"use strict";

const ID = decodeURIComponent(location.pathname.replace(/^\/incident\//, ""));
document.getElementById("home").href = withToken("/");

async function init() {
  try {
    const d = await api("/api/incidents/" + encodeURIComponent(ID));
    const inc = d.incident;
    document.title = "tally · " + inc.id;
    document.getElementById("title").textContent =
      `${inc.id} · ${inc.date || "undated"} · ${inc.place || inc.admin2 || inc.admin1 || ""} · ${label(inc.event_type)}`;
    drawFields(inc);
    drawDisagreements(d.disagreements);
    drawLedger(d.ledger, d.articles);
    drawArticles(d.articles, d.ledger);
    drawHistory(d.history);
  } catch (e) {
    showError(e.message);
  }
}

function countCells(c) {
  if (!c) return [el("td", { class: "num" }, "–"), el("td", { class: "num" }, "–"), el("td", { class: "num" }, "–")];
  return [c.low, c.best, c.high == null ? "open" : c.high].map((v, i) =>
    el("td", { class: "num" + (i === 1 ? " best" : "") }, fmt(v) === "NaN" ? v : (typeof v === "number" ? fmt(v) : v)));
}

function drawFields(inc) {
  const t = document.getElementById("fields");
  const plain = [
    ["date", inc.date], ["province", inc.admin1], ["district", inc.admin2], ["place", inc.place],
    ["coordinates", inc.lat != null ? `${inc.lat.toFixed(4)}, ${inc.lon.toFixed(4)}` : null],
    ["event type", label(inc.event_type)], ["group", inc.group], ["claimed", inc.claimed ? "yes" : "no"],
    ["targets", inc.targets.map(label).join(", ")], ["role", inc.role], ["articles", inc.articles.join(", ")],
  ];
  const rows = plain.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", { colspan: 3 }, v || "–")));
  rows.push(el("tr", { class: "subhead" }, el("th", {}, "casualties"), el("th", { class: "num" }, "low"),
    el("th", { class: "num" }, "best"), el("th", { class: "num" }, "high")));
  for (const outcome of ["killed", "injured"])
    for (const cat of ["total", "security_forces", "civilians", "militants"]) {
      const c = inc[outcome][cat];
      if (!c && cat !== "total") continue;
      rows.push(el("tr", {}, el("th", {}, `${outcome} · ${label(cat)}`), ...countCells(c)));
    }
  t.replaceChildren(...rows);
}

function drawDisagreements(list) {
  const box = document.getElementById("disagreements");
  if (!list.length) {
    box.replaceChildren(el("p", { class: "note" }, "All sources agree on every stated value."));
    return;
  }
  box.replaceChildren(...list.map((d) => el("div", { class: "disagreement" },
    el("h3", {}, label(d.field)),
    el("div", { class: "side-by-side" }, ...d.values.map((v) =>
      el("div", { class: "side" }, el("span", { class: "value" }, v.value.replace(/,/g, ", ")),
        el("span", { class: "from" }, v.articles.join(", "))))))));
}

// Ledger rows grouped by field, in the order of the coded fields.
const FIELD_ORDER = ["date", "admin1", "admin2", "place", "event_type", "group", "claimed", "targets", "killed", "injured"];

function drawLedger(ledger, articles) {
  const outlet = Object.fromEntries(articles.map((a) => [a.id, [a.outlet, a.published].filter(Boolean).join(" ")]));
  const t = document.getElementById("ledger");
  const head = el("tr", {}, ...["field", "value", "per", "article", "sentence"].map((h) => el("th", {}, h)));
  const order = (f) => FIELD_ORDER.findIndex((p) => f === p || f.startsWith(p + "."));
  const rows = [...ledger].sort((a, b) => order(a.field) - order(b.field) || a.field.localeCompare(b.field));
  t.replaceChildren(head, ...rows.map((e) => el("tr", {
    class: "ev-row", "data-ev": e.n,
    onmouseenter: () => highlight(e.n, true), onmouseleave: () => highlight(e.n, false),
  },
    el("td", {}, label(e.field).replace(".", " · ")), el("td", { class: "value" }, e.value ? label(e.value).replace(/,/g, ", ") : "–"), el("td", {}, e.source || ""),
    el("td", {}, e.article, outlet[e.article] ? el("small", {}, " " + outlet[e.article]) : null),
    el("td", { class: "sentence" }, e.sentence || "(article not stored)"))));
}

function highlight(n, on) {
  for (const m of document.querySelectorAll("mark.ev"))
    if (m.dataset.ev.split(" ").includes(String(n))) m.classList.toggle("active", on);
  for (const r of document.querySelectorAll(`tr.ev-row[data-ev="${n}"]`)) r.classList.toggle("active", on);
  const first = on && document.querySelector("mark.ev.active");
  if (first) revealInPane(first);
}

// Split the text (by code points, as the offsets count) at every evidence
// boundary; a piece covered by evidence becomes a <mark>.
function highlighted(text, spans) {
  const chars = Array.from(text);
  const cuts = new Set([0, chars.length]);
  for (const s of spans) { cuts.add(Math.min(s.start, chars.length)); cuts.add(Math.min(s.end, chars.length)); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = chars.slice(a, b).join("");
    const covering = spans.filter((s) => s.start <= a && s.end >= b).map((s) => s.n);
    if (!covering.length) { out.push(piece); continue; }
    const fields = spans.filter((s) => covering.includes(s.n)).map((s) => `${label(s.field)} = ${s.value || "?"}`);
    out.push(el("mark", {
      class: "ev", "data-ev": covering.join(" "), title: [...new Set(fields)].join("\n"),
      onmouseenter: () => covering.forEach((n) => highlightRow(n, true)),
      onmouseleave: () => covering.forEach((n) => highlightRow(n, false)),
    }, piece));
  }
  return out;
}

// Scroll the articles pane (not the page) so the mark is in view.
function revealInPane(mark) {
  const pane = document.getElementById("articles-pane");
  const top = mark.getBoundingClientRect().top - pane.getBoundingClientRect().top;
  if (top < 40 || top > pane.clientHeight - 40) pane.scrollTop += top - pane.clientHeight / 3;
}

function highlightRow(n, on) {
  for (const r of document.querySelectorAll(`tr.ev-row[data-ev="${n}"]`)) r.classList.toggle("active", on);
}

function drawArticles(articles, ledger) {
  const box = document.getElementById("articles");
  box.replaceChildren(...articles.map((a) => el("article", { class: "source", id: "article-" + a.id },
    el("h3", {}, a.id, el("small", {}, " " + [a.outlet, a.published].filter(Boolean).join(" · ")),
      a.url ? el("small", {}, " · ", el("a", { href: a.url, rel: "noreferrer" }, "original")) : null),
    el("div", { class: "text" }, highlighted(a.text, ledger.filter((e) => e.article === a.id))))));
}

function drawHistory(history) {
  const t = document.getElementById("history");
  const head = el("tr", {}, ...["version", "time", "reason", "killed", "injured", "articles"].map((h) => el("th", {}, h)));
  t.replaceChildren(head, ...history.map((h) => el("tr", {},
    el("td", { class: "num" }, "v" + h.version), el("td", {}, h.at), el("td", {}, h.reason + (h.removed ? " (removed)" : "")),
    el("td", { class: "num" }, fmt(h.killed)), el("td", { class: "num" }, fmt(h.injured)),
    el("td", { class: "num" }, fmt(h.articles)))));
}

init();
