// Browser test of `tally serve`: ingest the example articles into a temp
// database, serve it on a free loopback port, drive Debian's chromium with
// playwright-core, check the overview, a filter, the map's district points,
// table paging, an incident page and its review (a correction, a split and a
// merge, then the correction in the CSV and JSONL exports), and take
// screenshots into ./screenshots/. Then security: a second server (token
// mode) over a hostile article (fixtures/hostile: markup, event handlers and
// `javascript:` links in its text, outlet and URL, plus an analyst's values
// with markup) shows all of it as text on every page and runs none of it;
// reviews without the token, or sent by another site's page, are refused.
//
// Needs a built release binary: TALLY_BIN (default ../../target/release/tally).
// Chromium: CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const bin = resolve(here, process.env.TALLY_BIN || "../../target/release/tally");
const shots = join(here, "screenshots");
const tmp = mkdtempSync(join(tmpdir(), "tally-browser-"));
const db = join(tmp, "tally.db");

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

async function waitFor(url, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer at ${url}`);
}

const DOTS = "#map circle.district-dot:not(.legend-dot)";
const counter = async (page, id) => Number((await page.textContent(`#${id} .value`)).replace(/,/g, ""));

async function main() {
  mkdirSync(shots, { recursive: true });
  execFileSync(bin, ["ingest", join(repo, "examples/articles"), "--db", db, "-q"], { stdio: "inherit" });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ["serve", "--db", db, "--addr", `127.0.0.1:${port}`], { stdio: ["ignore", "inherit", "inherit"] });
  let browser;
  try {
    await waitFor(`${base}/api/options`);
    // A fresh profile in the temp folder (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(join(tmp, "profile"), {
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1360, height: 1000 },
    });
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // `page.expectError` lets a step that provokes an error answer on purpose say so.
    page.on("console", (m) => {
      if (m.type() === "error" && !(page.expectError && page.expectError.test(m.text()))) errors.push(m.text());
    });
    await overview(page, base);
    await filtered(page);
    await mapFilter(page);
    await paging(page, base);
    await incident(page, base);
    const id = await correction(page);
    await splitAndMerge(page);
    await csvExport(id);
    await jsonlExport(page, base, id);
    await reviewQueue(page, base);
    assert.deepEqual(errors, [], "no script errors in the pages");
    await hostile(browser, base, id);
    console.log("browser tests: all passed; screenshots in", shots);
  } finally {
    if (browser) await browser.close();
    server.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}

// The "Needs review" view: reached from the overview, it lists queued
// incidents with their reasons in the API's order; marking the first one
// reviewed (a note is required) takes it off and leaves a history row.
async function reviewQueue(page, base) {
  await page.goto(base + "/");
  await page.click("#nav-review");
  await page.waitForSelector("#queue li.queued");
  const queued = await page.locator("#queue > li.queued").count();
  const api = await (await fetch(`${base}/api/review?limit=100`)).json();
  assert.equal(queued, api.incidents.length, "the page lists the queue");
  assert.ok(queued > 0, "the examples put some incidents on the queue");
  const first = await page.getAttribute("#queue > li.queued:first-child", "data-id");
  assert.equal(first, api.incidents[0].id, "in the queue's order");
  assert.ok((await page.locator("#queue > li.queued:first-child .doubts li").count()) > 0, "with its reasons");
  await page.screenshot({ path: join(shots, "review-queue.png"), fullPage: true });
  await page.click("#queue > li.queued:first-child .mark-reviewed");
  assert.match(await page.textContent("#error"), /Say what you checked/, "a note is required");
  await page.fill("#queue > li.queued:first-child .review-note", "checked against the police statement");
  await page.click("#queue > li.queued:first-child .mark-reviewed");
  await page.waitForFunction((id) => !document.querySelector(`#queue li[data-id="${id}"]`), first);
  assert.equal(await page.locator("#queue > li.queued").count(), queued - 1, "it left the queue");
  await page.goto(`${base}/incident/${first}`);
  await page.waitForSelector("#history tr");
  assert.match(await page.textContent("#history"), /analyst reviewed/, "history keeps the review");
  assert.ok((await page.locator("#doubts li").count()) > 0, "the incident page shows its doubts");
  console.log(`review queue: ${queued} queued; ${first} marked reviewed`);
}

async function overview(page, base) {
  await page.goto(base + "/");
  await page.waitForSelector("#c-incidents .value");
  await page.waitForSelector(DOTS);
  const incidents = await counter(page, "c-incidents");
  const killed = await counter(page, "c-killed");
  const circles = await page.locator(DOTS).count();
  assert.ok(incidents > 0, "incidents counted");
  assert.ok(killed > 0, "deaths counted");
  assert.ok(circles > 0, "map has circles");
  assert.ok(await page.locator("#map path.country").count() === 1, "outline drawn");
  assert.ok(await page.locator("#timeline rect").count() > 0, "timeline bars drawn");
  assert.equal(await page.locator("#incidents tbody tr").count(), Math.min(incidents, 100), "table lists a page");
  await page.screenshot({ path: join(shots, "overview.png"), fullPage: true });
  page.overviewBefore = { incidents, killed, circles };
  console.log(`overview: ${incidents} incidents, ${killed} killed, ${circles} circles`);
}

async function filtered(page) {
  const before = page.overviewBefore;
  await page.selectOption("#f-province", "Balochistan");
  await page.waitForFunction((n) => {
    const v = document.querySelector("#c-incidents .value");
    return v && Number(v.textContent.replace(/,/g, "")) !== n;
  }, before.incidents);
  const incidents = await counter(page, "c-incidents");
  const circles = await page.locator(DOTS).count();
  assert.ok(incidents > 0 && incidents < before.incidents, "province filter narrows the incidents");
  assert.ok(circles < before.circles, "province filter removes circles");
  const provinces = await page.locator("#incidents tbody tr td:nth-child(2)").allTextContents();
  assert.ok(provinces.every((p) => p === "Balochistan"), "table shows only the province");
  await page.click("#incidents th[data-key=killed]");
  await page.waitForSelector("#incidents th.asc[data-key=killed]");
  await page.screenshot({ path: join(shots, "overview-balochistan.png"), fullPage: true });
  console.log(`filtered: ${incidents} incidents, ${circles} circles`);
}

// A click on a district's circle filters by that district.
async function mapFilter(page) {
  await page.selectOption("#f-province", "");
  await page.waitForFunction((n) => document.querySelectorAll("#map circle.district-dot:not(.legend-dot)").length === n,
    page.overviewBefore.circles);
  await page.locator("#map g.district").last().click();
  await page.waitForFunction(() => document.querySelector("#f-district").value !== "");
  const district = await page.inputValue("#f-district");
  await page.waitForFunction((n) => {
    const v = document.querySelector("#c-incidents .value");
    return v && Number(v.textContent.replace(/,/g, "")) < n;
  }, page.overviewBefore.incidents);
  const districts = await page.locator("#incidents tbody tr td:nth-child(3)").allTextContents();
  assert.ok(districts.length > 0 && districts.every((d) => d === district), "table shows only the clicked district");
  assert.equal(await page.locator(DOTS).count(), 1, "one district on the map");
  console.log(`map click: filtered to ${district}`);
  await page.click("#f-reset");
}

// Pages of 5 rows (`?rows=5`): next and previous walk the same sorted list.
async function paging(page, base) {
  await page.goto(base + "/?rows=5");
  await page.waitForSelector("#incidents tbody tr");
  const total = await counter(page, "c-incidents");
  assert.ok(total > 10, "enough incidents to page through");
  const dates = async () => page.locator("#incidents tbody tr td:nth-child(1)").allTextContents();
  const first = await dates();
  assert.equal(first.length, 5, "a page of 5 rows");
  assert.ok(await page.isDisabled("#p-prev"), "no previous page on the first");
  await page.click("#p-next");
  await page.waitForFunction(() => document.querySelector("#p-info").textContent.startsWith("6–10 of"));
  const second = await dates();
  assert.equal(second.length, 5);
  assert.ok(second[0] <= first[4], "the second page continues the newest-first order");
  await page.click("#p-prev");
  await page.waitForFunction(() => document.querySelector("#p-info").textContent.startsWith("1–5 of"));
  assert.deepEqual(await dates(), first, "previous returns to the first page");
  console.log(`paging: ${total} incidents in pages of 5`);
}

async function incident(page, base) {
  await page.goto(base + "/");
  await page.waitForSelector("#incidents tbody tr");
  await page.click("#incidents th[data-key=killed]");
  await page.waitForSelector("#incidents th.asc[data-key=killed]");
  await page.click("#incidents th[data-key=killed]"); // descending: the deadliest first
  await page.waitForSelector("#incidents th.desc[data-key=killed]");
  await page.waitForFunction(() => document.querySelectorAll("#incidents tbody tr").length > 3);
  await Promise.all([page.waitForURL(/\/incident\//), page.click("#incidents tbody tr:first-child a")]);
  await page.waitForSelector("#ledger tr.ev-row");
  const marks = await page.locator("mark.ev").count();
  assert.ok(marks > 0, "evidence sentences highlighted");
  assert.ok(await page.locator("#fields tr").count() > 10, "fields listed");
  await page.hover("#ledger tr.ev-row >> nth=0");
  assert.ok(await page.locator("mark.ev.active").count() > 0, "hovering a ledger row highlights its sentence");
  await page.screenshot({ path: join(shots, "incident.png"), fullPage: true });
  await page.hover("#ledger tr.ev-row >> nth=6");
  await page.screenshot({ path: join(shots, "incident-hover.png") });
  const bad = await fetch(base + "/api/incidents?min_killed=lots");
  assert.equal(bad.status, 400);
  console.log(`incident: ${marks} highlighted spans`);
}

const GROUP = "Lashkar-e-Test";
const NOTE = "ISPR statement of 19 Nov names the group";

// On the incident page: a bad value is refused with the API's message next
// to the form; a correction of the group (picked by clicking its row) shows
// in the corrections list, as a badge on the field, and in the history.
async function correction(page) {
  const id = await page.evaluate(() => ID);
  assert.match(await page.textContent("#corrections"), /None yet/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, "incident-review.png") });
  await page.selectOption("#r-field", "killed.total");
  assert.match(await page.textContent("#r-hint"), /low\/best\/high/, "the hint explains counts");
  await page.fill("#r-value", "many");
  await page.fill("#r-note", "checking");
  page.expectError = /status of 400/;
  await page.click("#r-submit");
  await page.waitForSelector("#r-msg.bad");
  page.expectError = null;
  assert.match(await page.textContent("#r-msg"), /is not a count/, "the 400 message is shown");

  await page.click("#fields tr.correctable:has(th:text-is('group'))");
  assert.equal(await page.inputValue("#r-field"), "group", "clicking a row picks its field");
  const before = await page.inputValue("#r-value");
  assert.ok(before && before !== GROUP, "the value box holds the current group");
  await page.fill("#r-value", GROUP);
  await page.fill("#r-note", NOTE);
  await page.click("#r-submit");
  await page.waitForSelector(`#corrections li:has-text("${GROUP}")`);
  assert.match(await page.textContent("#corrections"), new RegExp(NOTE));
  assert.equal(await page.locator("#fields tr:has(th:text('group')) .badge").count(), 1, "group marked reviewed");
  assert.match(await page.textContent("#fields"), new RegExp(GROUP));
  const reason = await page.textContent("#history tr:last-child td:nth-child(3)");
  assert.match(reason, /^analyst correction: group set to Lashkar-e-Test/, "history has the correction");
  assert.ok(await page.isVisible("#notice"), "success is reported");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, "incident-corrected.png") });
  await page.reload();
  await page.waitForSelector(`#corrections li:has-text("${GROUP}")`);
  console.log(`review: ${id} group ${before} -> ${GROUP}`);
  return id;
}

// Split the last article's report out (the page names the new incident),
// then merge that incident back by its id.
async function splitAndMerge(page) {
  const articles = await page.locator("#articles article.source").count();
  assert.ok(articles > 1, "the incident has several articles");
  const last = page.locator("#articles article.source").last();
  const article = (await last.getAttribute("id")).replace(/^article-/, "");
  await last.locator("button.split-btn").click();
  await last.locator(".split-form input").fill("a different attack");
  await page.screenshot({ path: join(shots, "incident-split-form.png") });
  await last.locator(".split-form button[type=submit]").click();
  await page.waitForSelector("#notice a");
  const off = (await page.textContent("#notice a")).replace(/^incident /, "");
  assert.equal(await page.locator("#articles article.source").count(), articles - 1, "one article fewer");
  assert.match(await page.textContent("#corrections"), new RegExp(`split out article ${article}`));
  const id = await page.evaluate(() => ID);
  assert.ok(page.url().includes(id), "the address follows the incident");

  await page.fill("#m-other", off);
  await page.fill("#m-note", "same attack after all");
  await page.click("#m-submit");
  await page.waitForFunction((n) => document.querySelectorAll("#articles article.source").length === n, articles);
  assert.match(await page.textContent("#corrections"), new RegExp(`merged with ${off}`));
  assert.match(await page.textContent("#corrections"), new RegExp(GROUP), "the group correction stays");
  console.log(`split ${article} into ${off} and merged it back`);
}

// `tally export --format csv`: the row of the incident is flagged reviewed
// and carries the correction with its note.
async function csvExport(id) {
  const csv = execFileSync(bin, ["export", "--format", "csv", "--db", db], { encoding: "utf8" });
  const [head, ...rows] = parseCsv(csv);
  const col = (name) => head.indexOf(name);
  const row = rows.find((r) => r[col("event_id_cnty")] === id);
  assert.ok(row, `the CSV export has ${id}`);
  // ACLED codes a security operation as the state's forces (actor1) acting
  // on the group (actor2); an attack as the group acting on its targets.
  const operation = row[col("tally_event_type")] === "security_operation";
  assert.equal(row[col(operation ? "actor2" : "actor1")], GROUP);
  assert.equal(row[col("reviewed")], "true");
  assert.ok(row[col("corrections")].includes(`group=${GROUP} (${NOTE})`), row[col("corrections")]);
  console.log("csv export: reviewed, with the note");
}

// The overview's download link, filtered by the corrected group.
async function jsonlExport(page, base, id) {
  await page.goto(base + "/");
  await page.waitForSelector(`#f-group option[value="${GROUP}"]`, { state: "attached" });
  await page.selectOption("#f-group", GROUP);
  await page.waitForFunction(() => document.querySelector("#export").href.includes("group="));
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const lines = readFileSync(await download.path(), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), [id], "the export holds the filtered incident");
  const c = lines[0].corrections.find((x) => x.field === "group");
  assert.deepEqual([c.value, c.note], [GROUP, NOTE]);
  console.log("jsonl export: the correction with its note");
}

// ------------------------------------------------------------ security

const TOKEN = "browser-test-token";
const HOSTILE_GROUP = `<img src=x onerror="window.__xss='group';alert('group')">`;
const HOSTILE_PLACE = `<script>window.__xss='place';alert('place')</script>`;
const HOSTILE_NOTE = `<a href="javascript:window.__xss='note'">javascript:alert('note')</a>`;

// What must not have happened on a page: a payload ran (it sets
// window.__xss and alerts), markup became elements, a link became javascript:.
async function nothingRan(page, dialogs, where) {
  assert.equal(await page.evaluate(() => window.__xss), undefined, `${where}: no payload ran`);
  assert.deepEqual(dialogs, [], `${where}: no dialog opened`);
  const planted = await page.evaluate(() => document.querySelectorAll(
    "body img, body iframe, body [onerror], body [onload], body script:not([src])").length);
  assert.equal(planted, 0, `${where}: no element made from the data`);
  const links = await page.evaluate(() => [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")));
  assert.ok(links.every((h) => h.startsWith("/") || /^https?:/.test(h)), `${where}: only local or web links: ${links}`);
}

async function hostile(browser, base, mainId) {
  const db = join(tmp, "hostile.db");
  execFileSync(bin, ["ingest", join(here, "fixtures/hostile"), "--db", db, "-q"], { stdio: "inherit" });
  const port = await freePort();
  const hbase = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ["serve", "--db", db, "--addr", `127.0.0.1:${port}`, "--token", TOKEN],
    { stdio: ["ignore", "inherit", "inherit"] });
  const page = await browser.newPage();
  try {
    await waitFor(`${hbase}/api/options?token=${TOKEN}`);
    const auth = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
    const list = await (await fetch(`${hbase}/api/incidents`, { headers: auth })).json();
    assert.equal(list.total, 1, "the hostile article makes one incident");
    const id = list.incidents[0].id;
    for (const [field, value] of [["group", HOSTILE_GROUP], ["place", HOSTILE_PLACE]]) {
      const res = await fetch(`${hbase}/api/incidents/${id}/corrections`,
        { method: "POST", headers: auth, body: JSON.stringify({ field, value, note: HOSTILE_NOTE }) });
      assert.equal(res.status, 200, `correcting ${field} with markup is stored as text`);
    }
    const dialogs = [];
    page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });

    await page.goto(`${hbase}/?token=${TOKEN}`);
    await page.waitForSelector("#incidents tbody tr");
    const cells = await page.locator("#incidents tbody tr td").allTextContents();
    assert.ok(cells.includes(HOSTILE_GROUP), `the list shows the group literally: ${cells}`);
    const groups = await page.locator("#f-group option").allTextContents();
    assert.ok(groups.includes(HOSTILE_GROUP), "the group filter lists it literally");
    await nothingRan(page, dialogs, "overview");

    await page.goto(`${hbase}/incident/${id}?token=${TOKEN}`);
    await page.waitForSelector("#ledger tr.ev-row");
    const text = await page.textContent("#articles");
    for (const literal of [`<script>window.__xss = "script"; alert("script")</script>`,
      `<img src=x onerror="window.__xss = 'img'; alert('img')">`,
      `<a href="javascript:window.__xss='link';alert('link')">`, `<iframe src="javascript:`,
      `onerror="window.__xss='outlet'`, `javascript:window.__xss='url'`]) {
      assert.ok(text.includes(literal), `the article view shows ${literal} as text`);
    }
    assert.ok((await page.textContent("#ledger")).includes("<script>"), "the ledger's sentence is text");
    const fields = await page.textContent("#fields");
    assert.ok(fields.includes(HOSTILE_GROUP) && fields.includes(HOSTILE_PLACE), "coded fields show the values as text");
    assert.ok((await page.textContent("#corrections")).includes(HOSTILE_NOTE), "the review list shows the note as text");
    assert.ok((await page.textContent("#history")).includes(HOSTILE_GROUP), "the history shows the value as text");
    await page.screenshot({ path: join(shots, "hostile-incident.png"), fullPage: true });
    await nothingRan(page, dialogs, "incident page");

    // Token mode: a review without the token is refused and changes nothing.
    const json = { "Content-Type": "application/json" };
    const body = JSON.stringify({ field: "group", value: "TTP", note: "no token" });
    const noToken = await fetch(`${hbase}/api/incidents/${id}/corrections`, { method: "POST", headers: json, body });
    assert.equal(noToken.status, 401, "a review without the token is refused");

    // Loopback mode (the first server): this page, another origin, tries to
    // review an incident there: as a simple cross-site request (text/plain
    // skips the CORS preflight), as JSON (the preflight fails), as a form.
    const target = `${base}/api/incidents/${mainId}/corrections`;
    const before = (await (await fetch(`${base}/api/incidents/${mainId}`)).json()).incident.corrections.length;
    const outcomes = await page.evaluate(async ({ target, body }) => {
      const tries = [
        fetch(target, { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body }),
        fetch(target, { method: "POST", headers: { "Content-Type": "application/json" }, body }),
      ];
      return Promise.all(tries.map((t) => t.then((r) => r.type, (e) => e.name)));
    }, { target, body });
    assert.deepEqual(outcomes, ["opaque", "TypeError"], "the browser sends the simple request and blocks the JSON one");
    await Promise.all([page.waitForURL(target), page.evaluate((target) => {
      const f = Object.assign(document.createElement("form"), { method: "POST", action: target, enctype: "text/plain" });
      f.append(Object.assign(document.createElement("input"), { name: '{"field":"group","value":"TTP","note":"x","a":"', value: '"}' }));
      document.body.append(f);
      f.submit();
    }, target)]);
    assert.match(await page.textContent("body"), /Origin names another site/, "the form post is refused");
    const after = (await (await fetch(`${base}/api/incidents/${mainId}`)).json()).incident.corrections.length;
    assert.equal(after, before, "reviews sent from another site change nothing");
    const foreign = await fetch(target, { method: "POST", headers: { ...json, Origin: hbase }, body });
    assert.equal(foreign.status, 403, "the server refuses a write whose Origin is another site");
    console.log(`security: hostile text shown literally on 2 pages, no script ran; foreign reviews refused`);
  } finally {
    await page.close();
    server.kill();
  }
}

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines.
function parseCsv(text) {
  const rows = [[]];
  let field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { rows.at(-1).push(field); field = ""; }
    else if (c === "\n") { rows.at(-1).push(field); field = ""; rows.push([]); }
    else if (c !== "\r") field += c;
  }
  if (field || rows.at(-1).length) rows.at(-1).push(field);
  return rows.filter((r) => r.length > 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
