// Comfort (issue 7): undo/redo over every edit, keyboard shortcuts and their help, dark and
// light themes, the canvas exported as SVG and PNG. Screenshots of both themes and the help.
const fs = require('node:fs');
const { test, expect, shot, open } = require('./fixtures');

const MINE = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: hello, labels: {app: hello}}',
  'spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}',
  '',
].join('\n');

test('undo restores the YAML exactly, after typing and after canvas edits', async ({ page, site, problems }) => {
  await open(page, site);
  const editor = page.getByRole('textbox', { name: 'Manifests' });
  const undo = page.getByRole('button', { name: 'Undo', exact: true });
  const redo = page.getByRole('button', { name: 'Redo', exact: true });
  await expect(undo).toBeDisabled();
  await expect(redo).toBeDisabled();
  const start = await editor.inputValue();

  // Typing, then a pause: one step.
  await editor.fill(MINE);
  await expect(page.locator('svg .item.pod .title')).toHaveText(['hello']);
  const typed = await editor.inputValue();
  expect(typed).toBe(MINE);
  await expect(undo).toBeEnabled();

  // A canvas edit: another step.
  await page.getByRole('toolbar', { name: 'Add to the cluster' }).getByRole('button', { name: '+ Service (ClusterIP)' }).click();
  await expect(page.locator('svg .item.service')).toHaveCount(1);
  const drawn = await editor.inputValue();
  expect(drawn).toContain('kind: Service');

  // A few keystrokes in the editor, not yet applied: Ctrl+Z takes back exactly those.
  await editor.click();
  await editor.press('Control+End');
  await page.keyboard.type('# note');
  await page.keyboard.press('Control+z');
  await expect(editor).toHaveValue(drawn);
  await page.keyboard.press('Control+z');
  await expect(editor).toHaveValue(typed);
  await expect(page.locator('svg .item.service')).toHaveCount(0);
  // The caret is where the texts differ (the end of what was typed), not lost.
  expect(await editor.evaluate((e) => e.selectionStart)).toBe(typed.length);
  await page.keyboard.press('Control+z');
  await expect(editor).toHaveValue(start);
  await expect(page.locator('svg .item.pod')).toHaveCount(3);
  await expect(undo).toBeDisabled();

  // Redo with Ctrl+Shift+Z (in the editor) and Ctrl+Y (elsewhere), and the toolbar buttons.
  await page.keyboard.press('Control+Shift+Z');
  await expect(editor).toHaveValue(typed);
  await page.locator('h1').click();
  await page.keyboard.press('Control+y');
  await expect(editor).toHaveValue(drawn);
  await redo.click();
  await expect(editor).toHaveValue(drawn + '# note');
  await expect(redo).toBeDisabled();
  await undo.click();
  await expect(editor).toHaveValue(drawn);
  // A new edit clears what could be redone.
  await page.getByRole('toolbar', { name: 'Add to the cluster' }).getByRole('button', { name: '+ Pod' }).click();
  await expect(redo).toBeDisabled();
  await shot(page, 'comfort-undo');
  expect(problems).toEqual([]);
});

test('examples, inspector edits and Delete are each one undo step', async ({ page, site, problems }) => {
  await open(page, site);
  const editor = page.getByRole('textbox', { name: 'Manifests' });
  const url = page.getByRole('textbox', { name: 'Request URL' });
  const start = await editor.inputValue();
  const startUrl = await url.inputValue();

  // An example replaces the text and the request; undo brings both back.
  await page.getByRole('button', { name: 'Examples' }).click();
  await page.getByRole('menuitem', { name: /^Ingress/ }).click();
  await expect(url).not.toHaveValue(startUrl);
  const example = await editor.inputValue();
  const exampleUrl = await url.inputValue();
  await page.keyboard.press('Control+z');
  await expect(editor).toHaveValue(start);
  await expect(url).toHaveValue(startUrl);
  await page.keyboard.press('Control+Shift+Z');
  await expect(editor).toHaveValue(example);
  await expect(url).toHaveValue(exampleUrl);
  await page.keyboard.press('Control+z');

  // An inspector edit: the Deployment scaled to 5.
  await page.getByRole('tab', { name: 'Objects' }).click();
  await page.getByRole('button', { name: 'books', exact: true }).first().click();
  await page.getByRole('tab', { name: 'Manifests' }).click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  const replicas = inspector.getByRole('textbox', { name: 'Replicas' });
  await replicas.fill('5');
  await replicas.press('Enter');
  await expect(page.locator('svg .item.pod')).toHaveCount(5);
  await expect(editor).toHaveValue(/replicas: 5/);
  await page.locator('h1').click();
  await page.keyboard.press('Control+z');
  await expect(editor).toHaveValue(start);
  await expect(page.locator('svg .item.pod')).toHaveCount(3);

  // Delete on a selected box, then undo.
  await page.locator('svg .item.service').click();
  await page.keyboard.press('Delete');
  await expect(page.locator('svg .item.service')).toHaveCount(0);
  await expect(editor).not.toHaveValue(/kind: Service/);
  await page.keyboard.press('Control+z');
  await expect(editor).toHaveValue(start);
  await expect(page.locator('svg .item.service')).toHaveCount(1);
  expect(problems).toEqual([]);
});

test('Ctrl+Enter applies, and Ctrl+Z in a request field is the field\'s own undo', async ({ page, site, problems }) => {
  await open(page, site);
  const editor = page.getByRole('textbox', { name: 'Manifests' });
  // Ctrl+Enter applies at once (no waiting for the pause).
  await editor.fill(MINE);
  await editor.press('Control+Enter');
  await expect(page.locator('svg .item.pod .title')).toHaveText(['hello'], { timeout: 450 });
  await expect(editor).toHaveValue(MINE);
  // In the URL field Ctrl+Z undoes the typing there, not the manifests.
  const url = page.getByRole('textbox', { name: 'Request URL' });
  const before = await url.inputValue();
  await url.fill('http://example/');
  await url.press('Control+z');
  await expect(url).toHaveValue(before);
  await expect(editor).toHaveValue(MINE);
  // Ctrl+Shift+Enter sends.
  await url.fill('http://172.18.0.2:31000/');
  await url.press('Control+Shift+Enter');
  await expect(page.getByRole('region', { name: 'Trace' }).locator('.verdict')).toBeVisible();
  expect(problems).toEqual([]);
});

test('? opens the shortcuts, Esc closes them', async ({ page, site, problems }) => {
  await open(page, site);
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeHidden();
  // In the editor, ? is a character.
  const editor = page.getByRole('textbox', { name: 'Manifests' });
  await editor.click();
  await editor.press('Control+End');
  await page.keyboard.type('?');
  await expect(dialog).toBeHidden();
  await expect(editor).toHaveValue(/\?$/);
  // Elsewhere, it opens the list, with the focus inside.
  await page.locator('h1').click();
  await page.keyboard.press('?');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('row')).toHaveCount(7);
  await expect(dialog).toContainText('Undo');
  await expect(dialog).toContainText('Send the request');
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await shot(page, 'comfort-shortcuts');
  // Shortcuts are inert behind it.
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(editor).toHaveValue(/\?$/);
  // The toolbar button opens it too, and its Close button closes it.
  const button = page.getByRole('button', { name: 'Shortcuts' });
  await button.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();
  expect(problems).toEqual([]);
});

/** The page's background and ink colours. */
async function colours(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return { background: s.backgroundColor, ink: s.color };
  });
}

test('the theme toggle switches light and dark and survives a reload', async ({ page, site, problems }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await open(page, site);
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  const light = await colours(page);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('region', { name: 'Trace' }).locator('.verdict')).toBeVisible();
  await shot(page, 'comfort-theme-light');

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const dark = await colours(page);
  expect(dark.background).not.toBe(light.background);
  expect(dark.ink).not.toBe(light.ink);
  await page.getByRole('button', { name: 'Send' }).click();
  await shot(page, 'comfort-theme-dark');
  await page.locator('svg.canvas').screenshot({ path: require('node:path').join(artifactsDir(), 'comfort-canvas-dark.png') });
  await page.locator('h1').click();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await shot(page, 'comfort-shortcuts-dark');
  await page.keyboard.press('Escape');

  // Kept across a reload, applied before the app starts (theme.js), whatever the system says.
  await page.reload();
  await expect(page.locator('svg.canvas')).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await colours(page)).toEqual(dark);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(await colours(page)).toEqual(light);

  // With no choice kept, the system's scheme decides, also while the page is open.
  await page.evaluate(() => localStorage.removeItem('kroute.theme'));
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(page.locator('svg.canvas')).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await colours(page)).toEqual(dark);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(await colours(page)).toEqual(light);
  expect(problems).toEqual([]);
});

test('Export SVG and Export PNG download the canvas', async ({ page, site, problems }) => {
  await open(page, site);
  const pods = await page.locator('svg .item.pod .title').allTextContents();
  expect(pods).toHaveLength(3);
  const exports = page.getByRole('group', { name: 'Export the canvas' });

  const svgDownload = page.waitForEvent('download');
  await exports.getByRole('button', { name: 'Export SVG' }).click();
  const svgFile = await svgDownload;
  expect(svgFile.suggestedFilename()).toBe('kroute-canvas.svg');
  const svg = fs.readFileSync(await svgFile.path(), 'utf8');
  expect(svg.startsWith('<?xml')).toBe(true);
  for (const pod of pods) expect(svg).toContain(pod);
  // A well-formed SVG document that carries its own colours (no stylesheet travels with it).
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    const rect = doc.querySelector('g.item.pod rect');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: root.localName,
      ns: root.namespaceURI,
      viewBox: root.getAttribute('viewBox'),
      fill: rect?.getAttribute('fill'),
      stroke: rect?.getAttribute('stroke'),
      packets: doc.querySelectorAll('.packet, .connector').length,
    };
  }, svg);
  expect(parsed.error).toBeNull();
  expect(parsed).toMatchObject({ root: 'svg', ns: 'http://www.w3.org/2000/svg', packets: 0 });
  expect(parsed.viewBox).toMatch(/^-?[\d.]+ -?[\d.]+ [\d.]+ [\d.]+$/);
  expect(parsed.fill).toMatch(/^rgb/);
  expect(parsed.stroke).toMatch(/^rgb/);

  const pngDownload = page.waitForEvent('download');
  await exports.getByRole('button', { name: 'Export PNG' }).click();
  const pngFile = await pngDownload;
  expect(pngFile.suggestedFilename()).toBe('kroute-canvas.png');
  const png = fs.readFileSync(await pngFile.path());
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: width and height, twice the SVG's.
  const [w, h] = viewBoxSize(parsed.viewBox);
  expect(png.readUInt32BE(16)).toBe(2 * w);
  expect(png.readUInt32BE(20)).toBe(2 * h);
  fs.writeFileSync(require('node:path').join(artifactsDir(), 'comfort-export.png'), png);
  fs.writeFileSync(require('node:path').join(artifactsDir(), 'comfort-export.svg'), svg);
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(problems).toEqual([]);
});

function viewBoxSize(viewBox) {
  const [, , w, h] = viewBox.split(' ').map(Number);
  return [w, h];
}

function artifactsDir() {
  const dir = process.env.KROUTE_ARTIFACTS || require('node:path').join(__dirname, '..', '..', 'target', 'e2e-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
