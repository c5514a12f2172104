// The playground as a user drives it (issue 6): each example routes to the pod it promises,
// broken YAML is reported at its line, typed objects route, the state survives a reload and
// travels in a Share link. Screenshots of each step are kept in target/e2e-artifacts.
const { test, expect, shot, open } = require('./fixtures');

// (menu entry, what the trace's verdict must say) — the examples of kroute::examples.
const EXAMPLES = [
  ['NodePort: 172.18.0.2:31000/books', /^Delivered to Pod\/default\/books-/],
  ['kubectl port-forward svc/my-service 8000:80', /^Delivered to Pod\/default\/my-app-/],
  ['StatefulSet: web-0.nginx', /^Delivered to Pod\/default\/web-0 /],
  ['Ingress: hosts, paths, default backend', /^Delivered to Pod\/default\/api-/],
  ['LoadBalancer, externalTrafficPolicy: Local', /^Delivered to Pod\/default\/echo-.*sees the client as 198\.51\.100\.7/],
  ['ExternalName: a CNAME out of the cluster', /^Left the cluster for api\.payments\.example\.net/],
  ['Service mesh: a 90/10 traffic split', /^Delivered to Pod\/shop\/reviews-v[12]-/],
  ['Online Boutique (real manifests)', /^Delivered to Pod\/default\/frontend-/],
];

test('every example routes its suggested request to the expected pod', async ({ page, site, problems }) => {
  await open(page, site);
  const trace = page.getByRole('region', { name: 'Trace' });
  for (const [title, verdict] of EXAMPLES) {
    await page.getByRole('button', { name: 'Examples' }).click();
    await page.getByRole('menuitem', { name: new RegExp('^' + title.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')) }).click();
    await expect(page.getByText('Applied.')).toBeVisible();
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(trace.locator('.verdict')).toHaveText(verdict);
    await expect(trace.locator('.hop').first()).toBeVisible();
    await shot(page, `example-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
  }
  expect(problems).toEqual([]);
});

test('broken YAML is reported at its line and the last good cluster stays', async ({ page, site, problems }) => {
  await open(page, site);
  const editor = page.getByRole('textbox', { name: 'Manifests' });
  await editor.fill('apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n  - port: 70000\n');
  await page.getByRole('button', { name: 'Apply' }).click();
  const issues = page.getByRole('list', { name: 'Errors' }).locator('li');
  await expect(issues).toHaveCount(1);
  await expect(issues.first()).toContainText('Line 6, column');
  await expect(issues.first()).toContainText('spec.ports[0].port');
  await expect(page.locator('.gutter .ln.bad')).toHaveText(['6']);
  await expect(page.locator('svg .item.pod')).toHaveCount(3);
  await shot(page, 'broken-yaml');
  expect(problems).toEqual([]);
});

test('objects typed in the editor are drawn and routed to', async ({ page, site, problems }) => {
  await open(page, site);
  await page.getByRole('textbox', { name: 'Manifests' }).fill(
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: hello, labels: {app: hello}}',
      'spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: hello}',
      'spec: {selector: {app: hello}, ports: [{port: 80, targetPort: 8080}]}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: curl}',
      'spec: {containers: [{name: curl, image: curlimages/curl}]}',
    ].join('\n'),
  );
  // Auto-apply once typing pauses.
  await expect(page.locator('svg .item.service .title')).toHaveText(['hello']);
  const from = page.getByRole('combobox', { name: 'From' });
  const curl = await from.locator('option', { hasText: 'pod default/curl' }).textContent();
  await from.selectOption({ label: curl });
  await page.getByRole('textbox', { name: 'Request URL' }).fill('http://hello/');
  await page.getByRole('button', { name: 'Send' }).click();
  const trace = page.getByRole('region', { name: 'Trace' });
  await expect(trace.locator('.verdict')).toHaveText(/^Delivered to Pod\/default\/hello at .*:8080/);
  await expect(trace.locator('.hop-title')).toHaveText([
    /Client/, /DNS hello/, /Service \(ClusterIP\)/, /kube-proxy/, /Endpoint/, /Pod/,
  ]);
  await shot(page, 'typed-objects');
  expect(problems).toEqual([]);
});

test('the workspace survives a reload and travels in a Share link', async ({ page, site, problems, browser }) => {
  await open(page, site);
  await page.getByRole('button', { name: 'Examples' }).click();
  await page.getByRole('menuitem', { name: /^StatefulSet/ }).click();
  await expect(page.locator('svg .item.pod')).toHaveCount(4);
  await page.reload();
  await expect(page.locator('svg .item.pod')).toHaveCount(4);
  await expect(page.getByRole('textbox', { name: 'Request URL' })).toHaveValue('http://web-0.nginx/');
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link).toContain('#s=');
  await shot(page, 'share');

  // A fresh browser profile: no localStorage, only the link.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherProblems = [];
  other.on('console', (m) => m.type() === 'error' && otherProblems.push(m.text()));
  await other.goto(link);
  await expect(other.getByRole('alert')).toContainText('Loaded from a share link');
  await expect(other.locator('svg .item.pod')).toHaveCount(4);
  await other.getByRole('button', { name: 'Send' }).click();
  await expect(other.getByRole('region', { name: 'Trace' }).locator('.verdict')).toHaveText(/Pod\/default\/web-0 /);
  await shot(other, 'share-opened');

  // A damaged link is reported and the page starts clean.
  await other.goto(site.url + '#s=damaged@@');
  await other.reload();
  await expect(other.getByRole('alert')).toContainText('This share link could not be opened');
  await expect(other.locator('svg .item.pod')).toHaveCount(3);
  await fresh.close();
  expect(otherProblems).toEqual([]);
  expect(problems).toEqual([]);
});

test('Export YAML downloads what kubectl apply accepts', async ({ page, site, problems }) => {
  await open(page, site);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export YAML' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('kroute-manifests.yaml');
  const text = require('node:fs').readFileSync(await file.path(), 'utf8');
  expect(text).toContain('kind: Deployment');
  expect(text).toContain('kind: Service');
  expect(text).not.toContain('status:');
  expect(problems).toEqual([]);
});

test('loading an example keeps what was typed, one click away', async ({ page, site, problems }) => {
  await open(page, site);
  const editor = page.getByRole('textbox', { name: 'Manifests' });
  const mine = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: mine}\n';
  await editor.fill(mine);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Examples' }).click();
  await page.getByRole('menuitem', { name: /^Ingress/ }).click();
  await expect(editor).not.toHaveValue(mine);
  await page.reload();
  await page.getByRole('button', { name: 'Restore previous' }).click();
  await expect(editor).toHaveValue(mine);
  await shot(page, 'restored');
  expect(problems).toEqual([]);
});

test('draw a Service and a Pod, connect them, and route to it', async ({ page, site, problems }) => {
  await open(page, site);
  const editor = page.getByRole('textbox', { name: 'Manifests' });
  await editor.fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  const palette = page.getByRole('toolbar', { name: 'Add to the cluster' });
  await palette.getByRole('button', { name: '+ Pod' }).click();
  await palette.getByRole('button', { name: '+ Pod' }).click();
  await palette.getByRole('button', { name: '+ Service (ClusterIP)' }).click();
  await expect(page.locator('svg .item.pod')).toHaveCount(2);
  await expect(editor).toHaveValue(/kind: Service/);
  // Drag from the Service's connector onto pod-1: its selector gains pod-1's label.
  await page.locator('svg .item.service .connector').dragTo(page.locator('svg g.item.pod[data-key="Pod/default/pod-1"] rect'));
  await expect(page.getByRole('status').filter({ hasText: 'selector' })).toContainText('app=svc-1 → app=pod-1');
  await expect(editor).toHaveValue(/selector:\n\s+app: pod-1/);
  await expect(page.locator('svg line.edge.selects')).toHaveCount(1);
  // Route from pod-2 to the Service by name.
  const from = page.getByRole('combobox', { name: 'From' });
  await from.selectOption({ label: await from.locator('option', { hasText: 'pod default/pod-2' }).textContent() });
  await page.getByRole('textbox', { name: 'Request URL' }).fill('http://svc-1/');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('region', { name: 'Trace' }).locator('.verdict')).toHaveText(/^Delivered to Pod\/default\/pod-1 at .*:8080/);
  await shot(page, 'drawn');
  // Delete the Service from the inspector: the text loses it too.
  await page.locator('svg .item.service').click();
  await page.getByRole('region', { name: 'Inspector' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.locator('svg .item.service')).toHaveCount(0);
  await expect(editor).not.toHaveValue(/kind: Service/);
  expect(problems).toEqual([]);
});

test('the traffic generator spreads requests and its totals add up', async ({ page, site, problems }) => {
  await open(page, site);
  const traffic = page.getByRole('region', { name: 'Traffic' });
  await traffic.getByRole('combobox', { name: 'Rate' }).selectOption('200');
  await traffic.getByRole('spinbutton', { name: 'Clients' }).fill('50');
  await traffic.getByRole('spinbutton', { name: 'Clients' }).press('Enter');
  await traffic.getByRole('button', { name: 'Start traffic' }).click();
  await expect(traffic.getByRole('status')).toHaveText(/^([4-9]\d\d|\d{4,}) sent$/, { timeout: 15000 });
  await traffic.getByRole('button', { name: 'Pause' }).click();
  const sent = Number((await traffic.getByRole('status').textContent()).split(' ')[0]);
  const count = async (list) => {
    const labels = await traffic.getByRole('list', { name: list }).getByRole('img').evaluateAll((els) =>
      els.map((e) => e.getAttribute('aria-label')),
    );
    return labels.map((l) => Number(l.match(/: (\d+) hits$/)[1]));
  };
  const perPod = await count('Hits per outcome');
  expect(perPod).toHaveLength(3);
  expect(perPod.reduce((a, b) => a + b, 0)).toBe(sent);
  expect(Math.min(...perPod)).toBeGreaterThan(0);
  expect((await count('Hits per node')).reduce((a, b) => a + b, 0)).toBe(sent);
  await expect(traffic.getByText('expected 33.3%').first()).toBeVisible();
  await shot(page, 'traffic');
  await traffic.getByRole('button', { name: 'Reset counts' }).click();
  await expect(traffic.getByRole('status')).toHaveText('0 sent');
  expect(problems).toEqual([]);
});
