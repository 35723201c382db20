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
