// Shared helpers of tally's pages: API calls (GET and POST) carrying the access token,
// element building, number formatting. Plain JS, no framework.
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token");

// Add the token (when the page was opened with one) to a local address.
function withToken(path) {
  if (!TOKEN) return path;
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN);
}

// GET a JSON endpoint; rejects with the API's error message.
async function api(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== "" && v != null) q.set(k, v);
  const url = withToken(path + (q.toString() ? "?" + q : ""));
  const res = await fetch(url);
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

// POST a JSON body; resolves with the answer, rejects with the API's error
// message (a 400 says what is wrong with the request).
async function send(path, body) {
  const res = await fetch(withToken(path), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(answer.error || res.statusText);
  return answer;
}

// el("td", {class: "num"}, "12", child, ...)
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

const SVGNS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) e.setAttribute(k, v);
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

function fmt(n) {
  return n == null ? "–" : Number(n).toLocaleString("en-US");
}

// "security_forces" -> "security forces"
function label(s) {
  return s == null ? "–" : String(s).replace(/_/g, " ");
}

function showError(msg) {
  const box = document.getElementById("error");
  if (!box) return;
  box.textContent = msg || "";
  box.hidden = !msg;
}

// Categories of the dead, in stacking order, with their colours.
const CATEGORIES = [
  ["security_forces", "Security forces", "#2f6db5"],
  ["civilians", "Civilians", "#d0542c"],
  ["militants", "Militants", "#6b6b6b"],
  ["unspecified", "Category not stated", "#c9b458"],
];
