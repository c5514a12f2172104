// Smoke test of the release build: the page loads in Chromium, the wasm app renders, and
// nothing at all is logged as an error (CSP violations, failed loads and panics included).
const path = require('node:path');
const fs = require('node:fs');
const { test: base, expect } = require('@playwright/test');
const { serveStatic } = require('./static-server');

const repoRoot = path.resolve(__dirname, '..', '..');
const dist = process.env.KROUTE_DIST || path.join(repoRoot, 'target', 'e2e-dist');
const artifacts = process.env.KROUTE_ARTIFACTS || path.join(repoRoot, 'target', 'e2e-artifacts');

const test = base.extend({
  // One static server per worker, on a port the OS picks.
  site: [
    async ({}, use) => {
      const site = await serveStatic(dist);
      await use(site);
      await site.close();
    },
    { scope: 'worker' },
  ],
  // Every console error, uncaught exception and failed request on the page.
  problems: async ({ page }, use) => {
    const problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await use(problems);
  },
});

test('the page renders its heading, panes and the simulated nodes with no errors', async ({ page, site, problems }) => {
  await page.goto(site.url);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('kroute');
  await expect(page.locator('.tagline')).toHaveText(
    'See why a request lands where it does — Kubernetes networking, simulated',
  );
  await expect(page.locator('.pane h2')).toHaveText(['Manifests', 'Canvas', 'Inspector']);
  // The nodes of the default cluster, computed by the Rust core in wasm: the whole chain ran.
  const nodes = page.getByRole('table', { name: 'Nodes' });
  await expect(nodes.locator('tbody tr')).toHaveCount(3);
  await expect(nodes.locator('tbody tr td')).toHaveText([
    'node-1', '172.18.0.2', '10.244.1.0/24', 'zone-a',
    'node-2', '172.18.0.3', '10.244.2.0/24', 'zone-b',
    'node-3', '172.18.0.4', '10.244.3.0/24', 'zone-c',
  ]);

  await page.waitForLoadState('networkidle');
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'smoke.png'), fullPage: true });

  expect(problems).toEqual([]);
});

test('the page is served under its strict Content-Security-Policy', async ({ page, site, problems }) => {
  await page.goto(site.url);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('kroute');

  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  // No inline script in the built page: everything runs from same-origin files.
  const inlineScripts = await page.locator('script:not([src])').count();
  expect(inlineScripts).toBe(0);

  expect(problems).toEqual([]);
});
