// The StatefulSet lifecycle on the simulated clock (issue 7): scale the example's set and Step
// the clock to see ordinals start one at a time (OrderedReady) or together (Parallel), a
// partitioned rolling update replace only the ordinals at or above the partition, highest
// first, and the headless Service's answer grow as pods become Ready. Screenshots of each
// moment are kept in target/e2e-artifacts (the whole page, and the lifecycle section alone).
const path = require('node:path');
const fs = require('node:fs');
const { test, expect, shot, open } = require('./fixtures');

const artifacts = process.env.KROUTE_ARTIFACTS || path.join(__dirname, '..', '..', 'target', 'e2e-artifacts');

/** The page, and the lifecycle section on its own (easier to look at). */
async function shots(page, section, name) {
  await shot(page, name);
  fs.mkdirSync(artifacts, { recursive: true });
  await section.screenshot({ path: path.join(artifacts, `${name}-section.png`) });
}

async function loadStatefulSetExample(page) {
  await page.getByRole('button', { name: 'Examples' }).click();
  await page.getByRole('menuitem', { name: /^StatefulSet: web-0\.nginx/ }).click();
  await expect(page.getByText('Applied.')).toBeVisible();
  return page.getByRole('region', { name: 'StatefulSet lifecycle' });
}

/** Each ordinal's slot says `<pod>: <state>`. */
async function expectSlots(section, states) {
  const slots = section.getByRole('list', { name: 'Ordinals' }).getByRole('listitem');
  await expect(slots).toHaveCount(states.length);
  for (const [i, state] of states.entries()) {
    await expect(slots.nth(i)).toHaveAttribute('aria-label', `web-${i}: ${state}`);
  }
}

function headlessAnswer(section) {
  return section.getByRole('list', { name: 'Headless Service answer' }).getByRole('listitem');
}

/** The pods behind the headless name's A records, sorted (the DNS answers in its own order). */
async function expectAnswered(section, pods) {
  await expect
    .poll(async () => (await headlessAnswer(section).locator('.who').allTextContents()).sort())
    .toEqual(pods);
}

async function scaleTo(section, n) {
  const replicas = section.getByRole('spinbutton', { name: 'Replicas' });
  await replicas.fill(String(n));
  await replicas.press('Enter');
  await expect(replicas).toHaveValue(String(n));
}

test('step a StatefulSet and see ordinals appear in order', async ({ page, site, problems }) => {
  await open(page, site);
  const section = await loadStatefulSetExample(page);
  const clock = page.getByRole('group', { name: 'Clock' });
  const time = clock.getByRole('timer', { name: 'Simulated time' });
  const step = clock.getByRole('button', { name: 'Step' });
  await expectSlots(section, ['Ready', 'Ready', 'Ready']);
  await expectAnswered(section, ['web-0', 'web-1', 'web-2']);
  await expect(time).toHaveText('t = 30.0 s');

  // OrderedReady: web-3 is created, web-4 waits for it.
  await scaleTo(section, 5);
  await expectSlots(section, ['Ready', 'Ready', 'Ready', 'Pending', 'absent']);
  await expect(section.getByRole('list', { name: 'Waiting' })).toHaveText(
    'Waiting for web-3 to run (it is Pending) before it can create web-4.',
  );
  await expect(section.getByRole('table', { name: 'Pod DNS names' }).getByRole('row').nth(3)).toContainText(
    'NXDOMAIN: not a ready endpoint',
  );
  await expect(headlessAnswer(section)).toHaveCount(3);
  await shots(page, section, 'lifecycle-1-scaled-to-5');

  await step.click();
  await expect(time).toHaveText('t = 32.0 s');
  await expectSlots(section, ['Ready', 'Ready', 'Ready', 'Ready', 'Pending']);
  await expect(headlessAnswer(section)).toHaveCount(4);
  await shots(page, section, 'lifecycle-2-web-3-ready');

  await step.click();
  await expect(time).toHaveText('t = 34.0 s');
  await expectSlots(section, ['Ready', 'Ready', 'Ready', 'Ready', 'Ready']);
  await expectAnswered(section, ['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
  const timeline = section.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('t = 32.0 sweb-3Running and Ready');
  await expect(timeline).toContainText('t = 32.0 sweb-4created');
  await expect(timeline).toContainText('t = 34.0 sweb-4Running and Ready');

  // Parallel: the policy cannot change on a live set, so the cluster is re-created from the
  // text; new pods then start together.
  await section.getByRole('button', { name: 'Parallel' }).click();
  await expect(section.getByRole('status')).toContainText('forbidden');
  await expect(section.getByRole('button', { name: 'Parallel' })).toHaveAttribute('aria-pressed', 'true');
  await expectSlots(section, ['Ready', 'Ready', 'Ready', 'Ready', 'Ready']);
  await shots(page, section, 'lifecycle-3-parallel-recreated');
  await scaleTo(section, 8);
  await expectSlots(section, ['Ready', 'Ready', 'Ready', 'Ready', 'Ready', 'Pending', 'Pending', 'Pending']);
  await expect(section.getByRole('list', { name: 'Waiting' })).toContainText('Nothing to wait for');
  await shots(page, section, 'lifecycle-4-parallel-scaled-to-8');
  await step.click();
  await expectSlots(section, Array(8).fill('Ready'));
  await expect(headlessAnswer(section)).toHaveCount(8);
  await shots(page, section, 'lifecycle-5-parallel-ready');
  expect(problems).toEqual([]);
});

test('a partitioned rolling update replaces only ordinals at or above the partition, highest first', async ({
  page,
  site,
  problems,
}) => {
  await open(page, site);
  const section = await loadStatefulSetExample(page);
  const step = page.getByRole('group', { name: 'Clock' }).getByRole('button', { name: 'Step' });
  await scaleTo(section, 4);
  await step.click();
  await expectSlots(section, ['Ready', 'Ready', 'Ready', 'Ready']);
  const partition = section.getByRole('spinbutton', { name: 'Partition' });
  await partition.fill('2');
  await partition.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Manifests' })).toHaveValue(/partition: 2/);
  await section.getByRole('button', { name: 'Start rolling update' }).click();
  await expect(page.getByRole('textbox', { name: 'Manifests' })).toHaveValue(/restartedAt/);

  const revisions = section.getByRole('list', { name: 'Ordinals' }).locator('.slot-rev');
  // (slot states, revision badges) after each Step: web-3 first, then web-2; web-0 and web-1 stay.
  const moments = [
    [['Ready', 'Ready', 'Ready', 'Terminating'], ['old', 'old', 'old', 'old']],
    [['Ready', 'Ready', 'Ready', 'Pending'], ['old', 'old', 'old', 'new']],
    [['Ready', 'Ready', 'Terminating', 'Ready'], ['old', 'old', 'old', 'new']],
    [['Ready', 'Ready', 'Pending', 'Ready'], ['old', 'old', 'new', 'new']],
    [['Ready', 'Ready', 'Ready', 'Ready'], ['old', 'old', 'new', 'new']],
  ];
  for (const [i, [states, badges]] of moments.entries()) {
    if (i > 0) await step.click();
    await expectSlots(section, states);
    await expect(revisions).toHaveText(badges);
    if (i === 0 || i === 2) await shots(page, section, `lifecycle-6-rolling-update-${i}`);
  }
  await expect(section.getByRole('list', { name: 'Waiting' })).toHaveText(
    /web-0 keeps .*: its ordinal is below the partition \(2\)\.web-1 keeps .*: its ordinal is below the partition \(2\)\./,
  );
  await expect(headlessAnswer(section)).toHaveCount(4);
  await shots(page, section, 'lifecycle-7-rolling-update-done');
  expect(problems).toEqual([]);
});

test('Play runs the clock at the chosen speed and Pause stops it', async ({ page, site, problems }) => {
  await open(page, site);
  const section = await loadStatefulSetExample(page);
  const clock = page.getByRole('group', { name: 'Clock' });
  await clock.getByRole('combobox', { name: 'Speed' }).selectOption('16');
  await scaleTo(section, 6);
  await clock.getByRole('button', { name: 'Play' }).click();
  // 16×: three pods two seconds apart take well under a second of real time.
  await expectSlots(section, Array(6).fill('Ready'));
  await clock.getByRole('button', { name: 'Pause' }).click();
  const time = clock.getByRole('timer', { name: 'Simulated time' });
  const paused = await time.textContent();
  await page.waitForTimeout(600);
  await expect(time).toHaveText(paused);
  await shots(page, section, 'lifecycle-8-played');
  expect(problems).toEqual([]);
});
