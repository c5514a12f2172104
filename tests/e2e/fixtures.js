// Shared Playwright fixtures: a static server for the release build (one per worker), every
// console error, page error and failed request collected, and screenshots kept as artifacts.
const path = require('node:path');
const fs = require('node:fs');
const { test: base, expect } = require('@playwright/test');
const { serveStatic } = require('./static-server');

const repoRoot = path.resolve(__dirname, '..', '..');
const dist = process.env.KROUTE_DIST || path.join(repoRoot, 'target', 'e2e-dist');
const artifacts = process.env.KROUTE_ARTIFACTS || path.join(repoRoot, 'target', 'e2e-artifacts');

const test = base.extend({
  site: [
    async ({}, use) => {
      const site = await serveStatic(dist);
      await use(site);
      await site.close();
    },
    { scope: 'worker' },
  ],
  problems: async ({ page, site }, use) => {
    const problems = [];
    // The page makes no request beyond its own files (blob: is the Export download).
    const origin = new URL(site.url).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
        problems.push(`request outside the page's origin: ${url}`);
      }
    });
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

/** Saves a full-page screenshot as target/e2e-artifacts/<name>.png. */
async function shot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** Opens the page with an empty localStorage (each test gets a fresh browser context). */
async function open(page, site, hash = '') {
  await page.goto(site.url + hash);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('kroute');
  await expect(page.locator('svg.canvas')).toBeVisible();
}

module.exports = { test, expect, shot, open };
