// Smoke test of the release build: the page loads in Chromium under its strict CSP, the wasm
// app renders the first example computed by the core, and nothing is logged as an error.
const { test, expect, shot, open } = require('./fixtures');

test('the page renders the first example with no errors', async ({ page, site, problems }) => {
  await open(page, site);
  await expect(page.locator('.tagline')).toHaveText(
    'See why a request lands where it does — Kubernetes networking, simulated',
  );
  // The default cluster's nodes, computed by the Rust core in wasm: the whole chain ran.
  await expect(page.locator('svg .item.node .title')).toHaveText(['node-1', 'node-2', 'node-3']);
  await expect(page.locator('svg .item.pod')).toHaveCount(3);
  await page.waitForLoadState('networkidle');
  await shot(page, 'smoke');
  expect(problems).toEqual([]);
});

test('the page is served under its strict Content-Security-Policy', async ({ page, site, problems }) => {
  await open(page, site);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  expect(await page.locator('script:not([src])').count()).toBe(0);
  expect(problems).toEqual([]);
});
