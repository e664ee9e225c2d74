// The incident page: fields with low/best/high, the provenance ledger,
// articles with evidence highlighted, disagreements, history, and the
// analyst's review (correct a field, split a report out, merge incidents).
"use strict";

// The incident shown. A split or merge may give its reports another id;
// the page then follows them (and updates the address).
let ID = decodeURIComponent(location.pathname.replace(/^\/incident\//, ""));
// The incident as last loaded, for prefilling corrections.
let current = null;
document.getElementById("home").href = withToken("/");

async function init() {
  setupReview();
  await load();
}

async function load() {
  try {
    const d = await api("/api/incidents/" + encodeURIComponent(ID));
    const inc = d.incident;
    current = inc;
    showError("");
    document.title = "tally · " + inc.id;
    const reviewed = (inc.corrections || []).length > 0;
    document.getElementById("title").replaceChildren(
      `${inc.id} · ${inc.date || "undated"} · ${inc.place || inc.admin2 || inc.admin1 || ""} · ${label(inc.event_type)} `,
      ...(reviewed ? [el("span", { class: "badge" }, "reviewed by an analyst")] : []));
    drawFields(inc);
    drawCorrections(inc.corrections || []);
    drawDoubts(inc);
    drawDisagreements(d.disagreements);
    drawLedger(d.ledger, d.articles);
    drawArticles(d.articles, d.ledger);
    drawHistory(d.history);
    prefill();
    document.getElementById("split-hint").hidden = inc.articles.length < 2;
  } catch (e) {
    showError(e.message);
  }
}

function countCells(c) {
  if (!c) return [el("td", { class: "num" }, "–"), el("td", { class: "num" }, "–"), el("td", { class: "num" }, "–")];
  return [c.low, c.best, c.high == null ? "open" : c.high].map((v, i) =>
    el("td", { class: "num" + (i === 1 ? " best" : "") }, fmt(v) === "NaN" ? v : (typeof v === "number" ? fmt(v) : v)));
}

// Rows of the coded fields: label, value, and the correctable fields the
// row shows (clicking the row picks the first in the review form).
function fieldRows(inc) {
  return [
    ["date", inc.date, ["date"]], ["province", inc.admin1, ["admin1"]], ["district", inc.admin2, ["admin2"]],
    ["place", inc.place, ["place"]],
    ["coordinates", inc.lat != null ? `${inc.lat.toFixed(4)}, ${inc.lon.toFixed(4)}` : null, ["lat", "lon"]],
    ["event type", label(inc.event_type), ["event_type"]], ["group", inc.group, ["group"]],
    ["claimed", inc.claimed ? "yes" : "no", ["claimed"]],
    ["targets", inc.targets.map(label).join(", "), ["targets"]], ["role", inc.role, []],
    ["articles", inc.articles.join(", "), ["members"]],
  ];
}

function drawFields(inc) {
  const t = document.getElementById("fields");
  const notes = correctionNotes(inc.corrections || []);
  const head = (name, fields) => {
    const said = fields.flatMap((f) => notes[f] || []);
    return el("th", {}, name, said.length ? el("span", { class: "badge", title: said.join("\n") }, "reviewed") : null);
  };
  const pickable = (fields) => fields.find((f) => f !== "members");
  const row = (fields, ...cells) => el("tr", pickable(fields) ? {
    class: "correctable", title: "click to correct this field (Review panel)",
    onclick: () => pick(pickable(fields)),
  } : {}, ...cells);
  const rows = fieldRows(inc).map(([k, v, fields]) => row(fields, head(k, fields), el("td", { colspan: 3 }, v || "–")));
  rows.push(el("tr", { class: "subhead" }, el("th", {}, "casualties"), el("th", { class: "num" }, "low"),
    el("th", { class: "num" }, "best"), el("th", { class: "num" }, "high")));
  for (const outcome of ["killed", "injured"])
    for (const cat of ["total", "security_forces", "civilians", "militants"]) {
      const c = inc[outcome][cat];
      if (!c && cat !== "total") continue;
      const f = `${outcome}.${cat}`;
      rows.push(row([f], head(`${outcome} · ${label(cat)}`, [f]), ...countCells(c)));
    }
  t.replaceChildren(...rows);
}

// Field -> "value: note" of each correction of it (for the badges' tooltips).
function correctionNotes(corrections) {
  const by = {};
  for (const c of corrections) (by[c.field] = by[c.field] || []).push(`${c.value ?? "cleared"}: ${c.note}`);
  return by;
}

// The incident's doubts and confidence (the review queue's reasons).
function drawDoubts(inc) {
  const conf = inc.confidence;
  document.getElementById("confidence").textContent = conf
    ? `confidence that it is a real incident: ${conf.incident.toFixed(2)}`
    : "what to check, and why";
  const doubts = inc.doubts || [];
  const list = document.getElementById("doubts");
  if (!doubts.length) {
    list.replaceChildren(el("li", { class: "none" }, "None: the reports agree and nothing is borderline."));
    return;
  }
  list.replaceChildren(...doubts.map((d) => el("li", { "data-kind": d.kind },
    el("b", {}, label(d.kind)), d.field ? ` (${d.field})` : "", ": ", d.reason)));
}

function drawCorrections(corrections) {
  const list = document.getElementById("corrections");
  if (!corrections.length) {
    list.replaceChildren(el("li", { class: "none" }, "None yet: every value is as coded from the articles."));
    return;
  }
  list.replaceChildren(...corrections.map((c) => el("li", {},
    el("b", {}, fieldName(c.field)), " ", c.field === "members" ? "" : "→ ",
    el("span", { class: "value" }, c.value ?? "cleared"),
    el("span", { class: "why" }, " — “", c.note, "”"),
    el("small", {}, " " + c.at + (c.by ? " by " + c.by : "")))));
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

// Only http(s) addresses become links: a manifest's `javascript:` or
// `data:` URL is shown as text, never followed.
function webLink(url) {
  return /^https?:\/\//i.test(url);
}

function drawArticles(articles, ledger) {
  const box = document.getElementById("articles");
  const splittable = articles.length > 1;
  box.replaceChildren(...articles.map((a) => el("article", { class: "source", id: "article-" + a.id },
    el("h3", {}, a.id, el("small", {}, " " + [a.outlet, a.published].filter(Boolean).join(" · ")),
      a.url ? el("small", {}, " · ", webLink(a.url) ? el("a", { href: a.url, rel: "noreferrer" }, "original") : a.url) : null,
      splittable ? el("button", { type: "button", class: "split-btn", onclick: (e) => toggleSplit(a.id, e.target) },
        "Split this report out") : null),
    el("div", { class: "text" }, highlighted(a.text, ledger.filter((e) => e.article === a.id))))));
}

function drawHistory(history) {
  const t = document.getElementById("history");
  const head = el("tr", {}, ...["version", "time", "reason", "killed", "injured", "articles"].map((h) => el("th", {}, h)));
  t.replaceChildren(head, ...history.map((h) => el("tr", { class: h.reason.startsWith("analyst") ? "analyst" : null },
    el("td", { class: "num" }, "v" + h.version), el("td", {}, h.at), el("td", {}, h.reason + (h.removed ? " (removed)" : "")),
    el("td", { class: "num" }, fmt(h.killed)), el("td", { class: "num" }, fmt(h.injured)),
    el("td", { class: "num" }, fmt(h.articles)))));
}

// ------------------------------------------------------------------ review

const COUNT_HINT = "A number (12), or low/best/high (10/12/15); leave high empty for an open range (10/12/).";
// Correctable field -> [name shown, its current value as text, format hint].
const FIELDS = {
  date: ["date", (i) => i.date, "YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known."],
  admin1: ["province", (i) => i.admin1, "The province, e.g. Khyber Pakhtunkhwa."],
  admin2: ["district", (i) => i.admin2, "The district, e.g. Bannu."],
  place: ["place", (i) => i.place, "The town or locality within the district."],
  lat: ["latitude", (i) => i.lat, "Decimal degrees north, e.g. 33.6844."],
  lon: ["longitude", (i) => i.lon, "Decimal degrees east, e.g. 73.0479."],
  event_type: ["event type", (i) => i.event_type, "One of the listed types."],
  group: ["group", (i) => i.group, "The group responsible, as it should be written (known names are listed)."],
  claimed: ["claimed", (i) => String(i.claimed), "true if the group claimed the attack, else false."],
};
// Values offered in the value box, from /api/options.
const CHOICES = { admin1: "provinces", admin2: "districts", group: "groups", event_type: "types" };
let OPTIONS = null;

function fieldName(f) {
  if (FIELDS[f]) return FIELDS[f][0];
  if (f === "members") return "reports";
  const [outcome, cat] = f.split(".");
  return `${outcome} · ${label(cat)}`;
}

function currentValue(f) {
  if (!current) return null;
  if (FIELDS[f]) return FIELDS[f][1](current);
  const [outcome, cat] = f.split(".");
  const c = current[outcome] && current[outcome][cat];
  if (!c) return null;
  return c.low === c.best && c.best === c.high ? String(c.best) : `${c.low}/${c.best}/${c.high ?? ""}`;
}

async function setupReview() {
  document.getElementById("correct-form").addEventListener("submit", submitCorrection);
  document.getElementById("merge-form").addEventListener("submit", submitMerge);
  document.getElementById("r-field").addEventListener("change", prefill);
  try {
    OPTIONS = await api("/api/options");
  } catch (e) {
    setMsg("r-msg", "Could not load the correctable fields: " + e.message, "bad");
    return;
  }
  document.getElementById("r-field").replaceChildren(...OPTIONS.correctable.map((f) =>
    el("option", { value: f }, fieldName(f))));
  prefill();
}

// The selected field's current value, its format and the values on offer.
function prefill() {
  const f = document.getElementById("r-field").value;
  if (!f) return;
  const now = currentValue(f);
  document.getElementById("r-value").value = now ?? "";
  const hint = FIELDS[f] ? FIELDS[f][2] : COUNT_HINT;
  document.getElementById("r-hint").textContent =
    `Now: ${now ?? "(empty)"}. ${hint} Leave the value empty to clear the field.`;
  const values = f === "claimed" ? ["true", "false"] : (OPTIONS && OPTIONS[CHOICES[f]]) || [];
  document.getElementById("r-choices").replaceChildren(...values.map((v) => el("option", { value: v })));
}

// A click on a coded field's row: correct that field.
function pick(field) {
  const select = document.getElementById("r-field");
  if (![...select.options].some((o) => o.value === field)) return;
  select.value = field;
  prefill();
  document.getElementById("review").scrollIntoView({ block: "nearest" });
  document.getElementById("r-value").focus();
}

// A form's message line (by id, or the element itself).
function setMsg(target, text, kind) {
  const m = typeof target === "string" ? document.getElementById(target) : target;
  m.textContent = text;
  m.className = "msg" + (kind ? " " + kind : "");
}

function notice(...parts) {
  const box = document.getElementById("notice");
  box.replaceChildren(...parts);
  box.hidden = parts.length === 0;
}

// POST a review of the shown incident, then show the incident its reports
// are in now. The API's message goes next to the form on failure.
async function review(kind, body, msg, button) {
  notice();
  setMsg(msg, "Saving…", "");
  button.disabled = true;
  try {
    const answer = await send(`/api/incidents/${encodeURIComponent(ID)}/${kind}`, body);
    setMsg(msg, "Saved.", "ok");
    if (answer.incident && answer.incident !== ID) {
      ID = answer.incident;
      history.replaceState(null, "", withToken("/incident/" + encodeURIComponent(ID)));
    }
    await load();
    return answer;
  } catch (e) {
    setMsg(msg, e.message, "bad");
    return null;
  } finally {
    button.disabled = false;
  }
}

async function submitCorrection(e) {
  e.preventDefault();
  const field = document.getElementById("r-field").value;
  const value = document.getElementById("r-value").value.trim();
  const note = document.getElementById("r-note");
  const body = { field, value: value === "" ? null : value, note: note.value };
  if (await review("corrections", body, "r-msg", document.getElementById("r-submit"))) {
    note.value = "";
    notice(`Saved: ${fieldName(field)} ${value === "" ? "cleared" : "set to " + value}. `,
      "It is listed under Analyst corrections and History, and in exports.");
  }
}

async function submitMerge(e) {
  e.preventDefault();
  const other = document.getElementById("m-other");
  const note = document.getElementById("m-note");
  const was = ID;
  const answer = await review("merge", { other: other.value.trim(), note: note.value }, "m-msg",
    document.getElementById("m-submit"));
  if (answer) {
    notice(`Merged ${other.value.trim()} into ${was}` + (ID !== was ? ` (the incident is now ${ID}).` : "."));
    other.value = note.value = "";
  }
}

// The inline form under an article's heading: a note, then split.
function toggleSplit(article, button) {
  const heading = button.closest("h3");
  const open = heading.nextElementSibling && heading.nextElementSibling.classList.contains("split-form");
  if (open) { heading.nextElementSibling.remove(); return; }
  const note = el("input", { required: true, placeholder: "why: e.g. this article reports a different attack" });
  const msg = el("span", { class: "msg", role: "status" });
  const go = el("button", { type: "submit" }, "Split out");
  const form = el("form", { class: "split-form review-form", autocomplete: "off" },
    el("p", { class: "hint" }, `Make ${article}'s report an incident of its own; the other articles stay here.`),
    el("div", { class: "review-row" }, el("label", { class: "grow" }, el("span", {}, "Note ", el("span", { class: "req" }, "(required)")), note)),
    el("div", { class: "review-row" }, go,
      el("button", { type: "button", onclick: () => form.remove() }, "Cancel"), msg));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const answer = await review("split", { article, note: note.value }, msg, go);
    if (!answer) return;
    const off = answer.split_off;
    notice(`Article ${article} is now `,
      off ? el("a", { href: withToken("/incident/" + encodeURIComponent(off)) }, `incident ${off}`) : "an incident of its own",
      "; this page shows the incident its other articles stay in.");
    document.getElementById("notice").scrollIntoView({ block: "nearest" });
  });
  heading.after(form);
  note.focus();
}

init();
