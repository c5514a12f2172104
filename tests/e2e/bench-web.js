// The playground at scale, measured in headless Chromium (run by `cargo xtask bench`, which
// builds the release page first; not a test: it asserts nothing about speed, it prints figures).
//
// For each cluster size it opens the release page on a share link holding the manifests
// (scale-fixture.js) and measures, in milliseconds:
//   first render   navigation start → the first animation frame with the canvas drawn
//   send           Send clicked → the trace and the canvas's path shown (a request routed)
//   animate        frame times (requestAnimationFrame deltas) while the packet moves
//   pan, zoom      frame times while the canvas is dragged and wheel-zoomed (as first framed)
//   overview       frame times while zooming out to the whole picture and dragging it
//   expand         a grouped node's "show pods" clicked → its pods drawn (grouped sizes)
//   select         a pod clicked → the inspector showing it
// Frame times give the median, p95 and max. The table goes to stdout and, as JSON, to
// target/bench/web.json. Environment: KROUTE_DIST (the built page), CHROMIUM, KROUTE_BENCH_OUT.
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('@playwright/test');
const { serveStatic } = require('./static-server');
const { scaleFragment } = require('./scale-fixture');

const repoRoot = path.resolve(__dirname, '..', '..');
const dist = process.env.KROUTE_DIST || path.join(repoRoot, 'target', 'e2e-dist');
const out = process.env.KROUTE_BENCH_OUT || path.join(repoRoot, 'target', 'bench', 'web.json');
const SIZES = (process.env.KROUTE_BENCH_SIZES || '2000,10000').split(',').map(Number);
/** How long frames are recorded while the packet animates. */
const ANIMATE_MS = 3000;

// Runs in the page before its own scripts: notes the first frame with the canvas drawn, and
// records frame deltas on demand.
function pageProbe() {
  const firstFrame = () => {
    if (document.querySelector('svg.canvas .item')) {
      window.__krouteFirstCanvas = performance.now();
    } else {
      requestAnimationFrame(firstFrame);
    }
  };
  requestAnimationFrame(firstFrame);
  window.__krouteFrames = {
    deltas: [],
    running: false,
    start() {
      this.deltas = [];
      this.running = true;
      let last = null;
      const tick = (t) => {
        if (!this.running) return;
        if (last !== null) this.deltas.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    stop() {
      this.running = false;
      return this.deltas;
    },
  };
  // Time from running `act` to the first frame after `done()` holds (checked on every DOM
  // change and every frame).
  window.__krouteTime = (act, done) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      let finished = false;
      const check = () => {
        if (finished || !done()) return false;
        finished = true;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - t0));
        return true;
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      const poll = () => {
        if (!check() && !finished) {
          if (performance.now() - t0 > 120000) reject(new Error('timed out'));
          else requestAnimationFrame(poll);
        }
      };
      act();
      poll();
    });
}

function stats(deltas) {
  if (deltas.length === 0) return { median: NaN, p95: NaN, max: NaN, frames: 0 };
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1], frames: sorted.length };
}

async function frames(page, act) {
  await page.evaluate(() => window.__krouteFrames.start());
  await act();
  return stats(await page.evaluate(() => window.__krouteFrames.stop()));
}

/** A point of the canvas where no box is (a drag there pans). */
async function background(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('svg.canvas');
    const r = svg.getBoundingClientRect();
    for (let y = r.top + 4; y < r.bottom; y += 7) {
      for (let x = r.left + 4; x < r.right; x += 7) {
        const el = document.elementFromPoint(x, y);
        if (el && (el === svg || el.classList.contains('frame'))) return { x, y };
      }
    }
    return { x: r.left + 2, y: r.top + 2 };
  });
}

async function measure(browser, site, pods) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.addInitScript(pageProbe);
  const row = { pods };

  await page.goto(site.url + scaleFragment(pods), { timeout: 300000 });
  await page.waitForFunction(() => window.__krouteFirstCanvas !== undefined, null, { timeout: 300000, polling: 100 });
  row.firstRender = await page.evaluate(() => window.__krouteFirstCanvas);
  row.drawn = await page.evaluate(() => document.querySelectorAll('svg.canvas .item').length);

  // Send: the trace's verdict and the path on the canvas.
  row.send = await page.evaluate(() =>
    window.__krouteTime(
      () => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Send').click(),
      () => document.querySelector('.trace .verdict') && document.querySelector('.trace-path'),
    ),
  );
  row.animate = await frames(page, () => page.waitForTimeout(ANIMATE_MS));

  const start = await background(page);
  row.pan = await frames(page, async () => {
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let i = 1; i <= 40; i += 1) await page.mouse.move(start.x + 4 * i, start.y + 6 * i);
    await page.mouse.up();
  });
  const svgBox = await page.locator('svg.canvas').boundingBox();
  row.zoom = await frames(page, async () => {
    await page.mouse.move(svgBox.x + svgBox.width / 2, svgBox.y + svgBox.height / 2);
    for (let i = 0; i < 10; i += 1) await page.mouse.wheel(0, -120);
    for (let i = 0; i < 10; i += 1) await page.mouse.wheel(0, 120);
  });

  // The whole picture at once (zoomed out as far as the wheel goes), dragged.
  row.overview = await frames(page, async () => {
    await page.mouse.move(svgBox.x + svgBox.width / 2, svgBox.y + svgBox.height / 2);
    for (let i = 0; i < 40; i += 1) await page.mouse.wheel(0, 120);
    const from = await background(page);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 40; i += 1) await page.mouse.move(from.x + 3 * i, from.y + 2 * i);
    await page.mouse.up();
  });
  // Framed again (a double click on the background), for what follows.
  const back = await background(page);
  await page.mouse.dblclick(back.x, back.y);
  // Each measure starts on a page at rest.
  await page.waitForTimeout(500);

  // A grouped node is expanded before one of its pods can be picked.
  const toggle = page.locator('svg.canvas .group-toggle').first();
  if ((await toggle.count()) > 0) {
    row.expand = await page.evaluate(() => {
      const t = document.querySelector('svg.canvas .group-toggle');
      const before = document.querySelectorAll('svg.canvas .item.pod').length;
      return window.__krouteTime(
        () => t.dispatchEvent(new MouseEvent('click', { bubbles: true })),
        () => document.querySelectorAll('svg.canvas .item.pod').length > before,
      );
    });
  }
  row.select = await page.evaluate(() => {
    const pod = document.querySelector('svg.canvas g.item.pod');
    const name = pod.dataset.key.split('/').pop();
    const svg = document.querySelector('svg.canvas');
    const inspected = () => document.querySelector('.inspector .inspected');
    return window.__krouteTime(
      () => {
        pod.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
        svg.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
      },
      () => inspected() && inspected().textContent.includes(name),
    );
  });
  row.problems = problems;
  await context.close();
  return row;
}

function fmt(v) {
  return v === undefined || Number.isNaN(v) ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function table(rows) {
  const lines = [];
  const head = ['', ...rows.map((r) => `${r.pods.toLocaleString('en')} pods`)];
  const add = (label, pick) => lines.push([label, ...rows.map((r) => pick(r))]);
  add('boxes drawn at first render', (r) => String(r.drawn));
  add('first render (ms)', (r) => fmt(r.firstRender));
  add('send → trace shown (ms)', (r) => fmt(r.send));
  const phases = [
    ['animate', 'packet animating'],
    ['pan', 'panning'],
    ['zoom', 'zooming'],
    ['overview', 'zoomed out, panning'],
  ];
  for (const [key, label] of phases) {
    add(`${label}: frame median (ms)`, (r) => fmt(r[key].median));
    add(`${label}: frame p95 (ms)`, (r) => fmt(r[key].p95));
    add(`${label}: frame max (ms)`, (r) => fmt(r[key].max));
  }
  add('expand a node group (ms)', (r) => fmt(r.expand));
  add('select a pod (ms)', (r) => fmt(r.select));
  const widths = head.map((_, i) => Math.max(...[head, ...lines].map((l) => l[i].length)));
  const render = (l) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [render(head), ...lines.map(render)].join('\n');
}

async function main() {
  const site = await serveStatic(dist);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const rows = [];
  try {
    for (const pods of SIZES) {
      process.stdout.write(`measuring ${pods} pods…\n`);
      const row = await measure(browser, site, pods);
      rows.push(row);
      process.stdout.write(`  ${JSON.stringify(row)}\n`);
    }
  } finally {
    await browser.close();
    await site.close();
  }
  console.log(table(rows));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(rows, null, 2));
  console.log(`wrote ${out}`);
  const problems = rows.flatMap((r) => r.problems.map((p) => `${r.pods} pods: ${p}`));
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
