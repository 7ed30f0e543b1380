// Opens every page of a web edition in headless Chromium (puppeteer-core driving the Debian
// chromium) and runs axe-core on it. Usage: node axe.cjs NODE_MODULES SITE_DIR
// Prints one JSON object: pages opened, pages that failed to load, console errors, and every axe
// violation (rule, impact, page, target). Exit code 0 when nothing failed and axe found nothing.
const fs = require("fs");
const path = require("path");

const [modules, site] = process.argv.slice(2);
const puppeteer = require(path.join(modules, "puppeteer-core"));
const axeSource = fs.readFileSync(path.join(modules, "axe-core", "axe.min.js"), "utf8");

function pages(dir) {
  const out = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) out.push(...pages(full));
    else if (name.endsWith(".html")) out.push(full);
  }
  return out;
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
  });
  const result = { pages: 0, failed: [], console: [], violations: [] };
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on("console", (m) => {
      if (m.type() === "error") result.console.push(`${page.url()}: ${m.text()}`);
    });
    page.on("requestfailed", (r) => result.failed.push(`${page.url()}: ${r.url()} ${r.failure().errorText}`));
    for (const file of pages(site)) {
      const rel = path.relative(site, file);
      const response = await page.goto("file://" + file, { waitUntil: "load" });
      if (!response || !response.ok()) {
        result.failed.push(`${rel}: did not load`);
        continue;
      }
      result.pages += 1;
      await page.evaluate(axeSource);
      const report = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5), help: v.help }));
      });
      for (const v of report) result.violations.push({ page: rel, ...v });
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result, null, 1));
  const ok = result.pages > 0 && result.failed.length === 0 && result.violations.length === 0 && result.console.length === 0;
  process.exit(ok ? 0 : 1);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
