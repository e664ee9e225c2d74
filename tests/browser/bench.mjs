// Render time of the overview page against a running `tally serve`: for each
// of RUNS fresh loads (new browser context, empty cache), the time from
// navigation start until the counters, the map's district circles and the
// table rows are all on the page; then, in the loaded page, the time a
// province filter and a "next page" click take to show. Prints each run and
// the medians in milliseconds. Not part of CI: point it at a big database.
//
//   tally serve --db big.db --addr 127.0.0.1:8080 &
//   node bench.mjs http://127.0.0.1:8080 [RUNS]      (default 7 runs)
//
// Chromium: CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";

const base = (process.argv[2] || process.env.TALLY_URL || "").replace(/\/$/, "");
const runs = Number(process.argv[3] || 7);
if (!base || !(runs > 0)) {
  console.error("usage: node bench.mjs http://HOST:PORT [RUNS]");
  process.exit(2);
}

// True once counters, map circles (or the map note, when nothing is located)
// and table rows (or the table note, when nothing matches) are drawn.
function filled() {
  const counters = document.querySelector("#c-incidents .value");
  const map = document.querySelector("#map circle.district-dot:not(.legend-dot)") ||
    document.querySelector("#map-note")?.textContent;
  const table = document.querySelector("#incidents tbody tr") ||
    document.querySelector("#table-note")?.textContent;
  return counters && map && table ? performance.now() : false;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Milliseconds from navigation start to a filled overview, and the API calls'
// own durations (resource timing) for the record.
async function load(browser) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "/", { waitUntil: "commit" });
  const handle = await page.waitForFunction(filled, null, { polling: "raf", timeout: 120000 });
  const ms = await handle.jsonValue();
  const api = await page.evaluate(() => performance.getEntriesByType("resource")
    .filter((r) => r.name.includes("/api/"))
    .map((r) => `${new URL(r.name).pathname} ${r.duration.toFixed(0)}`));
  const rows = await page.locator("#incidents tbody tr").count();
  const circles = await page.locator("#map circle.district-dot:not(.legend-dot)").count();
  await page.waitForFunction(() => document.querySelectorAll("#f-province option").length > 1);
  const interactions = await interact(page);
  await context.close();
  if (errors.length) throw new Error("script errors: " + errors.join("; "));
  return { ms, api, rows, circles, ...interactions };
}

// In-page timings of a filter change and a page turn, from the event until
// what it redraws is back (the old content is cleared first, so any answer
// counts, even an unchanged one).
async function interact(page) {
  const filter = await page.evaluate(inPage, "filter");
  const next = await page.evaluate(inPage, "next");
  return { filter, next };
}

function inPage(what) {
  return new Promise((done, fail) => {
    const info = document.getElementById("p-info");
    const counters = document.getElementById("counters");
    info.textContent = "";
    const t0 = performance.now();
    if (what === "filter") {
      counters.replaceChildren();
      const select = document.getElementById("f-province");
      select.value = select.options[1].value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      document.getElementById("p-next").click();
    }
    const ready = () => info.textContent && (what !== "filter" || counters.querySelector("#c-incidents .value"));
    const poll = () => {
      if (ready()) done(performance.now() - t0);
      else if (performance.now() - t0 > 120000) fail(new Error(`${what}: nothing redrawn in 2 minutes`));
      else requestAnimationFrame(poll);
    };
    poll();
  });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const results = [];
    for (let i = 0; i < runs; i++) {
      const r = await load(browser);
      results.push(r);
      console.log(`run ${i + 1}: overview ${r.ms.toFixed(0)} ms (${r.circles} circles, ${r.rows} rows; ` +
        `api ${r.api.join(", ")}); province filter ${r.filter.toFixed(0)} ms; next page ${r.next.toFixed(0)} ms`);
    }
    const m = (k) => median(results.map((r) => r[k])).toFixed(0);
    console.log(`median of ${runs}: overview ${m("ms")} ms, province filter ${m("filter")} ms, next page ${m("next")} ms`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
