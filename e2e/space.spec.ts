/** Space quality and support (issue 19): training.space, neighbours' support, the minimum support
 * filter, shrunk cosine and the item-item reference, on the webgl backend. */
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test('a finished run reports its map quality; neighbours carry their support, filtered and shrunk', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await page.getByLabel('Projection').selectOption('PCA');
  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  const s = await lab.train(1);
  expect(s.training.error).toBeNull();
  expect(s.training.backend).toBe('webgl');

  // Measured in the quality worker once the run ends, under the page's defaults.
  const space = await lab.until((x) => x.training.space);
  expect(space).toMatchObject({ k: 10, minSupport: 5 });
  for (const v of [space.genreAgreement, space.coOccurrenceOverlap, space.lowSupportShare]) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  // Nothing under the minimum is listed, so nothing under 5 interactions either.
  expect(space.lowSupportShare).toBe(0);
  // Random vectors agree on genre 0.47 of the time; a trained map does better.
  expect(space.genreAgreement).toBeGreaterThan(0.5);
  const run = await lab.until((x) => x.runs[0]?.space);
  expect(run.metric).toBe('shrunk-cosine');
  await lab.openPanel('Runs');
  await expect(page.getByRole('columnheader', { name: 'Genre agreement' })).toBeVisible();

  // Toy Story's neighbours under the defaults: shrunk cosine, none under 5 interactions.
  await page.getByLabel('Search').fill('Toy Story (1995)');
  await page.getByRole('button', { name: /item Toy Story \(1995\)$/ }).click();
  const first = await lab.until((x) => x.selection?.id === '1' && x.selection);
  expect(first.metric).toBe('shrunk-cosine');
  expect(first.neighbors).toHaveLength(10);
  for (const n of first.neighbors) expect(n.support).toBeGreaterThanOrEqual(5);
  const scores = first.neighbors.map((n) => n.score);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  await expect(
    page.getByRole('list', { name: 'Neighbours' }).getByText(`n = ${first.neighbors[0].support}`),
  ).toBeVisible();

  // Plain cosine with no minimum lists films almost nobody rated; raising the minimum hides them
  // and the page says how many.
  await page.getByLabel('Similarity').selectOption('cosine');
  await lab.setNumber('Minimum support', 1);
  const open = await lab.until(
    (x) => x.selection?.metric === 'cosine' && x.selection.minSupport === 1 && x.selection,
  );
  expect(open.neighbors.some((n) => n.support < 50)).toBe(true);
  await lab.setNumber('Minimum support', 50);
  const strict = await lab.until((x) => x.selection?.minSupport === 50 && x.selection);
  expect(strict.neighbors).toHaveLength(10);
  for (const n of strict.neighbors) expect(n.support).toBeGreaterThanOrEqual(50);
  expect(strict.hiddenLowSupport).toBeGreaterThan(0);
  await expect(page.getByTestId('hidden-low-support')).toContainText(
    `${strict.hiddenLowSupport} of the items nearest hidden`,
  );
  // The finished run's quality follows the settings.
  await lab.until((x) => x.training.space?.minSupport === 50 && x.training.space);

  // The shrunk option is there by its name.
  const shrunk = page.getByLabel('Similarity').locator('option', { hasText: 'shrunk' });
  await page.getByLabel('Similarity').selectOption({ label: (await shrunk.textContent())! });
  await lab.until((x) => x.selection?.metric === 'shrunk-cosine');

  // The item-item reference beside the model's neighbours.
  await page.getByRole('checkbox', { name: 'Item-item neighbours (co-occurrence)' }).check();
  const items = page.getByRole('list', { name: 'Item-item neighbours' }).getByRole('listitem');
  await expect(items).toHaveCount(10);
  const ref = await lab.until((x) => x.selection?.coOccurrence);
  expect(ref).toHaveLength(10);
  for (const n of ref) expect(n.support).toBeGreaterThanOrEqual(50);
  await expect(items.first()).toContainText(ref[0].label);
});

test('the map-first default, biased MF one click away; the map measured after each epoch, users too', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  const model = page.getByLabel('Model', { exact: true });
  await expect(model).toHaveValue('hybrid');
  await expect(page.getByLabel('Feedback')).toHaveValue('implicit');
  await expect(page.getByTestId('default-note')).toContainText('chosen for the map');
  // The rating model, one click away, and back.
  await page.getByRole('button', { name: 'Use biased MF (ratings)' }).click();
  await expect(model).toHaveValue('biased-mf');
  await page.getByRole('button', { name: 'Use the map-first default' }).click();
  await expect(model).toHaveValue('hybrid');
  await page.getByRole('button', { name: 'Use biased MF (ratings)' }).click();

  await page.getByLabel('Projection').selectOption('PCA');
  const s = await lab.train(3);
  expect(s.training.error).toBeNull();
  // Each epoch's map is measured in the quality worker (an epoch that ends while the previous
  // one is measured is skipped, so at least the first is there), users beside items.
  const history = await lab.until(
    (x) => x.runs[0]?.space && x.training.spaceHistory.length > 0 && x.training.spaceHistory,
  );
  for (const q of history) {
    expect(q.epoch).toBeGreaterThanOrEqual(1);
    expect(q.epoch).toBeLessThanOrEqual(3);
    expect(q.genreAgreement!).toBeGreaterThan(0.4);
    expect(q.userCoOccurrenceOverlap!).toBeGreaterThanOrEqual(0);
    expect(q.userCoOccurrenceOverlap!).toBeLessThanOrEqual(1);
  }
  const space = (await lab.snapshot()).training.space!;
  expect(space.users!.coOccurrenceOverlap!).toBeGreaterThan(0);
  await lab.openPanel('Training curves');
  await expect(page.getByText('Map quality per epoch (@10)')).toBeVisible();
  await lab.openPanel('Runs');
  await expect(page.getByRole('columnheader', { name: 'UserKNN overlap' })).toBeVisible();
  const curves = await lab.download('Export curves CSV');
  const [head, ...rows] = curves.bytes.toString('utf8').trimEnd().split('\n');
  expect(head).toContain('genre_agreement,cooccurrence_overlap,low_support_share');
  expect(rows).toHaveLength(3);
  const measured = rows.filter((r) => !r.endsWith(',,,,'));
  expect(measured.length).toBe(history.length);
});
