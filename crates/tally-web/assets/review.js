// The "Needs review" page: the review queue from /api/review, each incident
// with its doubts, a link to its page and a "Mark reviewed" action.
"use strict";

document.getElementById("home").href = withToken("/");

async function load() {
  showError("");
  try {
    const q = await api("/api/review", { limit: 100 });
    render(q);
  } catch (e) {
    showError("Could not load the review queue: " + e.message);
  }
}

function render(q) {
  const list = document.getElementById("queue");
  list.replaceChildren();
  document.getElementById("queue-total").textContent =
    q.total === 0 ? "Nothing to review." : `${fmt(q.total)} incidents need review; the first ${q.incidents.length} are shown.`;
  for (const inc of q.incidents) list.append(entry(inc));
}

function entry(inc) {
  const where = [inc.place, inc.district, inc.province].filter(Boolean).join(", ") || "place unknown";
  const link = el("a", { href: withToken("/incident/" + encodeURIComponent(inc.id)) }, inc.id);
  const note = el("input", { type: "text", class: "review-note", placeholder: "what you checked", "aria-label": "review note for " + inc.id });
  const button = el("button", { type: "button", class: "mark-reviewed", onclick: () => markReviewed(inc.id, note) }, "Mark reviewed");
  return el("li", { class: "queued", "data-id": inc.id },
    el("div", { class: "queued-head" },
      link, " ", inc.date || "undated", " · ", label(inc.type), " · ", where,
      " · killed ", fmt(inc.killed), " · injured ", fmt(inc.injured),
      " · ", `${inc.articles} report${inc.articles === 1 ? "" : "s"}`,
      el("span", { class: "doubt", title: "expected number of wrong fields" }, ` expected wrong fields ${inc.doubt.toFixed(2)}`)),
    el("ul", { class: "doubts" }, inc.doubts.map((d) =>
      el("li", { "data-kind": d.kind }, el("b", {}, label(d.kind)), d.field ? ` (${d.field})` : "", ": ", d.reason))),
    el("div", { class: "queued-actions" }, note, " ", button));
}

async function markReviewed(id, input) {
  const note = input.value.trim();
  if (!note) {
    showError("Say what you checked before marking " + id + " reviewed.");
    input.focus();
    return;
  }
  try {
    await send("/api/incidents/" + encodeURIComponent(id) + "/reviewed", { note });
    await load();
  } catch (e) {
    showError("Could not mark " + id + " reviewed: " + e.message);
  }
}

load();
