// Large clusters (issue 7, Scale): 10,000 pods are drawn as node groups whose counts add up and
// which expand on demand, a request is routed and its trace names a pod; 2,000 pods are drawn
// pod by pod and one can be selected. Functional only: speed is measured by
// `cargo xtask bench` (tests/e2e/bench-web.js), never asserted here.
const { test, expect, shot } = require('./fixtures');
const { scaleFragment, UNSCHEDULED } = require('./scale-fixture');

/** The counts a group box shows ("9,870 ready" …) → { ready: 9870, … }. */
async function groupCounts(group) {
  const texts = await group.locator('.count text').allTextContents();
  const counts = {};
  for (const t of texts) {
    const [, n, state] = t.match(/^([\d,]+) (.+)$/);
    counts[state] = (counts[state] || 0) + Number(n.replace(/,/g, ''));
  }
  return counts;
}

const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

test('10,000 pods are drawn as node groups that add up, expand on demand, and a trace names a pod', async ({ page, site, problems }) => {
  test.setTimeout(240_000);
  await page.goto(site.url + scaleFragment(10000));
  const canvas = page.locator('svg.canvas');
  const groups = canvas.locator('g.item.node.grouped');
  await expect(groups).toHaveCount(100, { timeout: 180_000 });
  await expect(canvas.locator('g.item.pod')).toHaveCount(0);

  // Every node's counts, and the pods no node took.
  let total = 0;
  for (const group of await groups.all()) {
    const counts = await groupCounts(group);
    expect(Object.keys(counts)).toEqual(['ready']);
    total += sum(counts);
  }
  expect(total).toBe(10000);
  const unscheduled = canvas.locator('g.item.unscheduled');
  expect(await groupCounts(unscheduled)).toEqual({ pending: UNSCHEDULED });
  // Each Service's edges go to the groups, each standing for the node's 100 pods.
  await expect(canvas.locator('text.edge-count')).toHaveCount(300);
  await expect(canvas.locator('text.edge-count').first()).toHaveText('×100');
  await shot(page, 'scale-10000-grouped');

  // Expand one node: its pods are drawn; count them again: they are gone.
  const first = canvas.locator('g.item.node[data-key="Node/node-1"]');
  await first.getByRole('button', { name: 'Show the 100 pods of node node-1' }).click();
  await expect(canvas.locator('g.item.pod')).toHaveCount(100);
  await expect(first).toHaveClass(/expanded/);
  await shot(page, 'scale-10000-node-expanded');
  await first.getByRole('button', { name: 'Count the pods of node node-1 again' }).click();
  await expect(canvas.locator('g.item.pod')).toHaveCount(0);

  // Route the link's request: the trace names a pod, whose node's group is on the path.
  await page.getByRole('button', { name: 'Send' }).click();
  const trace = page.getByRole('region', { name: 'Trace' });
  await expect(trace.locator('.verdict')).toHaveText(/^Delivered to Pod\/default\/web-[a-z0-9]+-[a-z0-9]+ at /);
  const pod = (await trace.locator('.verdict').textContent()).match(/Pod\/default\/(\S+)/)[1];
  const node = (await trace.locator('.hop.pod .hop-lines li').first().textContent()).match(/ on (\S+)$/)[1];
  const group = canvas.locator(`g.item.node[data-key="Node/${node}"]`);
  await expect(group).toHaveClass(/grouped/);
  await expect(group).toHaveClass(/on-trace/);
  await shot(page, 'scale-10000-routed');
  // Expanded from the keyboard (the focus brings the node on screen), the pod itself is on
  // the path.
  await group.getByRole('button', { name: `Show the 100 pods of node ${node}` }).press('Enter');
  await expect(canvas.locator(`g.item.pod[data-key="Pod/default/${pod}"]`)).toHaveClass(/on-trace/);
  expect(problems).toEqual([]);
});

test('2,000 pods are drawn pod by pod and one can be selected', async ({ page, site, problems }) => {
  test.setTimeout(120_000);
  await page.goto(site.url + scaleFragment(2000));
  const canvas = page.locator('svg.canvas');
  await expect(canvas.locator('g.item.pod').first()).toBeVisible({ timeout: 90_000 });
  await expect(canvas.locator('.group-toggle')).toHaveCount(0);
  await shot(page, 'scale-2000-framed');
  // A Service of 2,000 pods: the inspector lists the first ones and counts the rest.
  await canvas.locator('g.item.service[data-key="Service/default/web"] rect').click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector.locator('.inspected')).toHaveText('Service/default/web');
  await expect(inspector.locator('table.terms tbody tr')).toHaveCount(26);
  await expect(inspector.getByText(`… and ${2000 + UNSCHEDULED - 25} more pods`)).toBeVisible();
  await expect(inspector.getByText('… and 75 more endpoints').first()).toBeAttached();
  // Zoomed out to the whole picture: every pod is a box of its own (boxes off screen are not
  // drawn, so only now are they all there).
  const frame = await page.locator('.canvas-frame').boundingBox();
  await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2);
  for (let i = 0; i < 40; i += 1) await page.mouse.wheel(0, 120);
  await expect(canvas.locator('g.item.pod')).toHaveCount(2000 + UNSCHEDULED);
  await expect(canvas.locator('g.item.node')).toHaveCount(20);
  await expect(canvas).toHaveClass(/far/);
  await shot(page, 'scale-2000-whole');
  // Framed again, then zoomed in on the first pod: big enough to click.
  await page.mouse.dblclick(frame.x + 3, frame.y + 3);
  await expect(canvas).not.toHaveClass(/far/);
  const pod = canvas.locator('g.item.pod').first();
  const name = (await pod.getAttribute('data-key')).split('/').pop();
  const at = await pod.boundingBox();
  await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
  for (let i = 0; i < 5; i += 1) await page.mouse.wheel(0, -120);
  await pod.click();
  await expect(pod).toHaveClass(/selected/);
  await expect(page.getByRole('region', { name: 'Inspector' }).locator('.inspected')).toHaveText(`Pod/default/${name}`);
  await shot(page, 'scale-2000-selected');
  expect(problems).toEqual([]);
});
