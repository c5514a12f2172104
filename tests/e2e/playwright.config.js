// Playwright configuration for the smoke test of the release page.
//
// Run through `cargo xtask test`, which builds the page into target/e2e-dist first and passes
// its location in KROUTE_DIST. Browsers are never downloaded: the system Chromium is used.
const path = require('node:path');
const { defineConfig } = require('@playwright/test');

const repoRoot = path.resolve(__dirname, '..', '..');
const artifacts = process.env.KROUTE_ARTIFACTS || path.join(repoRoot, 'target', 'e2e-artifacts');

module.exports = defineConfig({
  testDir: '.',
  testMatch: '*.spec.js',
  outputDir: path.join(artifacts, 'test-results'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      // Flags verified to work as root in this project's containers.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
