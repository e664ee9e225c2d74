// Browser test of `tally serve`: ingest the example articles into a temp
// database, serve it on a free loopback port, drive Debian's chromium with
// playwright-core, check the overview, a filter, the map's district points,
// table paging and an incident page, and take screenshots into ./screenshots/.
//
// Needs a built release binary: TALLY_BIN (default ../../target/release/tally).
// Chromium: CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
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
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await overview(page, base);
    await filtered(page);
    await mapFilter(page);
    await paging(page, base);
    await incident(page, base);
    assert.deepEqual(errors, [], "no script errors in the pages");
    console.log("browser tests: all passed; screenshots in", shots);
  } finally {
    if (browser) await browser.close();
    server.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
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

main().catch((e) => { console.error(e); process.exit(1); });
