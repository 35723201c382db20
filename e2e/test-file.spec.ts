import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

/** The sample's users and items, read from the file the app loads. */
function sampleIds(): { users: string[]; items: string[] } {
  const lines = readFileSync('public/samples/ml-latest-small/ratings.csv', 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const users = new Set<string>();
  const items = new Set<string>();
  for (const line of lines) {
    const [u, i] = line.split(',');
    users.add(u);
    items.add(i);
  }
  return { users: [...users], items: [...items] };
}

/**
 * A test file in the sample's layout (a header row, then user, item, rating, timestamp): 240
 * rows of known users and items, then 9 rows naming a user or an item the sample lacks.
 */
function testCsv(): { csv: string; known: number; unknown: number } {
  const { users, items } = sampleIds();
  const rows = ['userId,movieId,rating,timestamp'];
  for (let k = 0; k < 240; k++)
    rows.push(
      `${users[(k * 7) % users.length]},${items[(k * 131) % items.length]},${1 + (k % 9) / 2},${1_500_000_000 + k}`,
    );
  for (let k = 0; k < 5; k++) rows.push(`999999${k},${items[k]},4,1500000000`);
  for (let k = 0; k < 4; k++) rows.push(`${users[k]},888888${k},3,1500000000`);
  return { csv: rows.join('\n') + '\n', known: 240, unknown: 9 };
}

test('a test file is the test part: known rows scored, unknown ones counted and said', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await page.getByLabel('Projection').selectOption('PCA');
  const split = page.getByLabel('Split');
  const option = split.locator('option', { hasText: 'Test file' });
  await split.selectOption((await option.getAttribute('value'))!);
  await expect(page.getByLabel('Test fraction', { exact: true })).toBeDisabled();

  // Without the file, Train says what is missing and starts nothing.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert').first()).toContainText('needs a test interactions file');
  expect((await lab.snapshot()).training.status).toBe('idle');

  // A file of strangers is one message naming it; the data set stays.
  const input = page.getByLabel('Test interactions file');
  await input.setInputFiles({
    name: 'strangers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('userId,movieId,rating,timestamp\n999991,1,4,1\n999992,777777,3,2\n'),
  });
  const refused = await lab.until((s) =>
    s.errors.find((e) => e.message.startsWith('strangers.csv: none of its 2 rows')),
  );
  expect(refused.message).toContain('2 users, 2 of them unknown; 2 items, 1 of them unknown');
  expect((await lab.snapshot()).dataset!.rows).toBe(100836);

  const { csv, known, unknown } = testCsv();
  await input.setInputFiles({
    name: 'holdout.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await expect(page.getByTestId('test-file-note')).toHaveText(
    `holdout.csv: ${known} test rows. ${unknown} test rows name a user or item the training file does not have; they are left out`,
  );

  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  const s = await lab.train(1);
  expect(s.training.error).toBeNull();
  expect(s.training.backend).toBe('webgl');
  expect(s.training.status).toBe('done');
  expect(s.training.test!.rows).toBe(known);
  expect(s.training.test!.epoch).toBe(1);
  expect(s.training.test!.rmse).toBeGreaterThan(0.3);
  expect(s.training.test!.rmse).toBeLessThan(3);
  // The validation part was carved from the sample's rows (10% of them) and picked the epoch.
  expect(s.training.history.map((h) => h.split)).toEqual(['validation']);
  const run = await lab.until((x) => x.runs.length === 1 && x.runs[0]);
  expect(run.split).toBe('test-file');
  await expect(page.getByText(`${unknown} test rows name a user or item`)).toBeVisible();
});
