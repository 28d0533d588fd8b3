// Takes one of the docs' pictures from a running lab's dashboard, as a student's browser shows it.
//
//   npm install --prefix /tmp/shots playwright-core          (once; nothing is installed in the repository)
//   NODE_PATH=/tmp/shots/node_modules node scripts/docs-screenshot.cjs <url> <out.png> [span name to open]
//
// Chromium comes from the machine (CHROMIUM, default /usr/bin/chromium). The "Endpoint is
// unsecured" banner (the lab's dashboard runs without TLS on loopback) is closed first; with a span
// name, its row is clicked so that its details show beside the trace.
const { chromium } = require('playwright-core');

const [url, out, span] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: docs-screenshot.cjs <url> <out.png> [span name to open]');
  process.exit(2);
}

(async () => {
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForTimeout(2000);
  const banner = page.locator('.dashboard-message-bar');
  if (await banner.isVisible().catch(() => false)) {
    await banner.locator('button, [role=button], fluent-button').last().click();
    await page.waitForTimeout(500);
  }
  if (span) {
    await page.getByText(span, { exact: false }).first().click();
    await page.waitForTimeout(1000);
  }
  await page.screenshot({ path: out });
  console.log(`${out}: ${await page.title()}`);
} finally {
  await browser.close();
}
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
