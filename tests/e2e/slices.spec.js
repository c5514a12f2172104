// The EndpointSlice view and the churn panel (issue 7): scaling fills slices as SPEC §3.5 says,
// a killed pod rewrites exactly one slice, a single change costs the Endpoints object far more
// than a slice, and the KEP-752 preset shows the KEP's figures. Screenshots of the section are
// kept in target/e2e-artifacts.
const path = require('node:path');
const fs = require('node:fs');
const { test, expect, open } = require('./fixtures');

const artifacts = process.env.KROUTE_ARTIFACTS || path.join(__dirname, '..', '..', 'target', 'e2e-artifacts');

/** Saves a screenshot of one region as target/e2e-artifacts/<name>.png. */
async function shotOf(locator, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await locator.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

/** The bytes a churn table cell holds (its data-bytes attribute). */
async function bytes(cell) {
  return Number(await cell.getAttribute('data-bytes'));
}

test('250 pods at 100 per slice make three slices; a killed pod rewrites one', async ({ page, site, problems }) => {
  await open(page, site);
  const slices = page.getByRole('region', { name: 'EndpointSlices' });
  await expect(slices.getByRole('slider', { name: 'maxEndpointsPerSlice' })).toHaveValue('100');
  const bins = slices.locator('svg.bins .bin');
  await expect(bins).toHaveCount(1);
  await expect(bins.first()).toHaveAttribute('aria-label', /: 3 of 100 endpoints$/);

  await slices.getByRole('slider', { name: 'Replicas' }).fill('250');
  await expect(bins).toHaveCount(3);
  await expect(slices.locator('.slices-summary')).toHaveText('250 endpoints in 3 slices of up to 100');
  // SPEC §3.5: 247 new endpoints → two new slices of 100, the old one topped up to 50.
  await expect(slices.locator('.bin.created')).toHaveCount(2);
  await expect(slices.locator('.bin.updated')).toHaveCount(1);
  const fills = await bins.evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label').match(/: (\d+) of/)[1]).sort());
  expect(fills).toEqual(['100', '100', '50']);
  await shotOf(slices, 'slices-250-pods');

  await slices.getByRole('button', { name: /^Kill / }).first().click();
  await expect(slices.locator('.bin.updated')).toHaveCount(1);
  await expect(slices.locator('.bin.created')).toHaveCount(0);
  await expect(slices.locator('.bin.deleted')).toHaveCount(0);
  await expect(bins).toHaveCount(3);

  // The churn panel: the kill sent one slice to every node, but the whole Endpoints object.
  const churn = slices.getByRole('table', { name: 'Churn per change' });
  const kill = churn.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^kill / }) });
  await expect(kill).toHaveCount(1);
  const sliceBytes = await bytes(kill.locator('td.bytes-slices'));
  const endpointsBytes = await bytes(kill.locator('td.bytes-endpoints'));
  expect(sliceBytes).toBeGreaterThan(0);
  expect(endpointsBytes).toBeGreaterThan(sliceBytes);
  await expect(slices.getByRole('img', { name: /^Bytes sent to all nodes per change/ })).toBeVisible();
  await shotOf(slices, 'slices-after-kill');

  // More nodes watching: every figure scales with them, exactly.
  await slices.getByRole('slider', { name: 'Nodes' }).fill('300');
  await expect.poll(() => bytes(kill.locator('td.bytes-slices'))).toBe((sliceBytes / 3) * 300);
  expect(problems).toEqual([]);
});

test('the KEP-752 preset shows 20,000 endpoints on 5,000 nodes', async ({ page, site, problems }) => {
  await open(page, site);
  const slices = page.getByRole('region', { name: 'EndpointSlices' });
  await slices.getByRole('button', { name: 'KEP-752 preset' }).click();
  const kep = slices.getByRole('region', { name: 'KEP-752' });
  await expect(kep.getByRole('heading')).toHaveText("KEP-752's case: 20,000 endpoints on 5,000 nodes, 100 per slice");
  await expect(slices.getByRole('slider', { name: 'Nodes' })).toHaveValue('5000');
  // (scenario, Endpoints writes, slice writes, bytes with Endpoints, bytes with slices): the
  // KEP's table, with its object sizes (900 B + 100 B per endpoint).
  const rows = [
    ['Service created', '1', '200', '10.0 GB', '10.9 GB'],
    ['One endpoint updated', '1', '1', '10.0 GB', '54.5 MB'],
    ['Rolling update (every pod replaced)', '20,000', '20,000', '200.1 TB', '1.1 TB'],
  ];
  for (const [scenario, epWrites, sliceWrites, epBytes, sliceBytes] of rows) {
    const row = kep.locator('tbody tr', { hasText: scenario });
    const cells = row.locator('td');
    await expect(cells.nth(0)).toHaveText(epWrites);
    await expect(cells.nth(1)).toHaveText(sliceWrites);
    await expect(row.locator('td.bytes-endpoints')).toHaveText(epBytes);
    await expect(row.locator('td.bytes-slices')).toHaveText(sliceBytes);
  }
  await expect(kep.getByText(/synthetic endpoints/)).toBeVisible();
  await shotOf(slices, 'slices-kep-752');
  expect(problems).toEqual([]);
});

test('maxEndpointsPerSlice rebuilds the cluster and survives a reload', async ({ page, site, problems }) => {
  await open(page, site);
  const slices = page.getByRole('region', { name: 'EndpointSlices' });
  await slices.getByRole('slider', { name: 'maxEndpointsPerSlice' }).fill('1');
  await expect(slices.locator('svg.bins .bin')).toHaveCount(3);
  await page.reload();
  await expect(slices.getByRole('slider', { name: 'maxEndpointsPerSlice' })).toHaveValue('1');
  await expect(slices.locator('svg.bins .bin')).toHaveCount(3);
  await expect(slices.locator('.slices-summary')).toHaveText('3 endpoints in 3 slices of up to 1');
  expect(problems).toEqual([]);
});
