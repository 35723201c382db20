/** The explorer: feature points, search, neighbours, recommendations, exports and bookmarks. */
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

/** The sample's rated (user, item) pairs, read from the file the app serves. */
async function ratedBy(page: Page, column: 'user' | 'item', id: string): Promise<Set<string>> {
  const text = await (await page.request.get('/samples/ml-latest-small/ratings.csv')).text();
  const out = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    const [user, item] = line.split(',');
    if (column === 'user' && user === id) out.add(item);
    if (column === 'item' && item === id) out.add(user);
  }
  return out;
}

test('the hybrid model puts users, items and genre / tag features in one map; search, neighbours, recommendations and exports work', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await page.getByLabel('Model', { exact: true }).selectOption('hybrid');
  // Its rating default is dimension 128; 32 keeps the WebGL epoch short (the exports read it).
  await lab.setNumber('Embedding dimension', 32);
  await page.getByLabel('Projection').selectOption('PCA');
  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  const s = await lab.train(1);
  expect(s.training.error).toBeNull();
  expect(s.training.backend).toBe('webgl');
  const p = await lab.until((x) => x.projection.status === 'done' && x.projection);
  expect(p).toMatchObject({
    method: 'pca',
    points: 9724 + 610 + 342,
    counts: { item: 9724, user: 610, feature: 342 },
  });
  await expect.poll(() => lab.canvasInk()).toBeGreaterThan(2000);

  // Search over genres: every Comedy film and the Comedy feature itself; highlight them all.
  await page.getByLabel('Search').fill('comedy');
  await expect(page.getByText(/^\d[\d,]* matches$/)).toBeVisible();
  await page.getByRole('button', { name: /^Highlight all [\d,]+ in the map$/ }).click();
  const marked = await lab.until((x) => x.projection.marked > 0 && x.projection.marked);
  expect(marked).toBeGreaterThan(3000); // 3,756 comedies in the sample
  // Isolate them: only they are laid out again; then all points come back.
  await page.getByRole('button', { name: 'Isolate: lay out only these' }).click();
  const isolated = await lab.until(
    (x) => x.projection.status === 'done' && x.projection.isolated !== null && x.projection,
  );
  expect(isolated.points).toBe(marked);
  expect(isolated.counts.user).toBe(0);
  await page.getByRole('button', { name: 'Show all points' }).click();
  await lab.until(
    (x) => x.projection.status === 'done' && x.projection.points === 10676 && x.projection,
  );
  // Above "Max points", a stratified sample is laid out, and the page says so.
  await lab.setNumber('Max points', 2000);
  await page.getByRole('button', { name: 'Project' }).click();
  const sample = await lab.until(
    (x) => x.projection.status === 'done' && x.projection.sampled && x.projection,
  );
  expect(sample.points).toBe(2000);
  // Each kind keeps its share: 9,724 / 10,676 of 2,000 are items.
  expect(Math.abs(sample.counts.item - 1822)).toBeLessThanOrEqual(1);
  await expect(page.getByText(/Showing a sample of 2,000 of 10,676 points/)).toBeVisible();
  await lab.setNumber('Max points', 100000);
  await page.getByRole('button', { name: 'Project' }).click();
  await lab.until((x) => x.projection.status === 'done' && !x.projection.sampled);
  // A shift-drag box highlights the points inside it.
  const canvas = page.getByTestId('embedding-canvas');
  const box = (await canvas.boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.8, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.getByText(/highlighted \(box selection\)/)).toBeVisible();
  expect((await lab.snapshot()).projection.marked).toBeGreaterThan(100);
  // A regular expression that does not compile says so.
  await page.getByLabel('Search').fill('/(/');
  await expect(page.getByText(/not a valid regular expression/)).toBeVisible();

  // Show features alone (items can be drawn in front of them), and click the Comedy feature
  // where it is drawn: its nearest items are listed.
  await page.getByRole('checkbox', { name: 'Items' }).uncheck();
  await page.getByRole('checkbox', { name: 'Users' }).uncheck();
  await lab.until((x) => !x.projection.shown.item && !x.projection.shown.user);
  await page.waitForTimeout(500);
  const pos = await page.evaluate(() => window.__lab.screenPosition('feature', 'Comedy'));
  expect(pos).not.toBeNull();
  await page.getByTestId('embedding-canvas').click({ position: pos! });
  const feature = await lab.until((x) => x.selection?.kind === 'feature' && x.selection);
  expect(feature.relatedItems).toHaveLength(10);
  await expect(page.getByRole('list', { name: 'Related items' }).getByRole('listitem')).toHaveCount(
    10,
  );

  // Hidden points are not drawn or picked.
  expect(await page.evaluate(() => window.__lab.screenPosition('item', '1'))).toBeNull();
  await page.getByRole('checkbox', { name: 'Items' }).check();
  await page.getByRole('checkbox', { name: 'Users' }).check();
  await page.getByRole('checkbox', { name: 'Features' }).uncheck();
  await expect
    .poll(() => page.evaluate(() => window.__lab.screenPosition('feature', 'Comedy')))
    .toBeNull();

  // Neighbours by euclidean distance, k = 5: nearest first.
  await page.getByLabel('Search').fill('Toy Story (1995)');
  await page.getByRole('button', { name: /item Toy Story \(1995\)$/ }).click();
  await page.getByLabel('Similarity').selectOption('euclidean');
  await lab.setNumber('Neighbours (k)', 5);
  const item = await lab.until(
    (x) => x.selection?.metric === 'euclidean' && x.selection.neighbors.length === 5 && x.selection,
  );
  expect(item.id).toBe('1');
  const distances = item.neighbors.map((n) => n.score);
  expect([...distances].sort((a, b) => a - b)).toEqual(distances);
  // An item's likeliest users: none has rated it already.
  const raters = await ratedBy(page, 'item', '1');
  expect(item.audience).toHaveLength(5);
  expect(item.audience!.every((u) => !raters.has(u.id))).toBe(true);

  // A user's recommendations exclude what they rated, each with its reasons.
  await page.getByLabel('Search').fill('user 414');
  await page.getByRole('button', { name: /user User 414$/ }).click();
  const user = await lab.until((x) => x.selection?.kind === 'user' && x.selection);
  const seen = await ratedBy(page, 'user', '414');
  expect(user.recommendations).toHaveLength(5);
  expect(user.recommendations!.every((r) => !seen.has(r.id))).toBe(true);
  expect(user.recommendations!.every((r) => r.because.some((b) => b.startsWith('you rated')))).toBe(
    true,
  );
  await expect(page.getByRole('list', { name: 'History' }).getByRole('listitem')).toHaveCount(10);
  // The selection and what it links to are labelled in the map; label size 0 turns labels off.
  await expect(page.locator('.point-label.main')).toHaveText('User 414');
  await lab.setNumber('Label size', 0);
  await expect(page.locator('.point-label')).toHaveCount(0);

  // Export: a CSV with one row per point, and a PNG of the view.
  const lines = await lab.downloadLines('Export CSV');
  expect(lines[0]).toBe('type,id,label,x,y,z,interactions,features');
  expect(lines).toHaveLength(1 + 9724 + 610 + 342);
  expect(lines.filter((l) => l.startsWith('feature,')).length).toBe(342);
  const png = await lab.download('Export PNG');
  expect(png.name).toMatch(/\.png$/);
  const bytes = png.bytes;
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  expect(bytes.length).toBeGreaterThan(5000);
  // Every user's top-5 unseen items, scored on the training worker's backend.
  await lab.setNumber('Top-k', 5);
  const recs = await lab.downloadLines('Export recommendations CSV');
  expect(recs[0]).toBe('user,rank,item,score');
  expect(recs).toHaveLength(1 + 610 * 5);
  const of414 = recs.filter((l) => l.startsWith('414,')).map((l) => l.split(','));
  expect(of414.map((r) => r[1])).toEqual(['1', '2', '3', '4', '5']);
  expect(of414.every((r) => !seen.has(r[2]))).toBe(true);
  // TensorBoard's projector format: one vector and one metadata row per point, the plugin's
  // text protobuf and the standalone projector's JSON.
  const files = await lab.exportForTensorBoard();
  expect(Object.keys(files).sort()).toEqual([
    'metadata.tsv',
    'projector_config.json',
    'projector_config.pbtxt',
    'vectors.tsv',
  ]);
  expect(files['vectors.tsv'].trimEnd().split('\n')).toHaveLength(10676);
  expect(files['vectors.tsv'].split('\n')[0].split('\t')).toHaveLength(32);
  expect(files['metadata.tsv'].split('\n')[0]).toBe('type\tid\tlabel\tinteractions\tfeatures');
  expect(JSON.parse(files['projector_config.json']).embeddings[0]).toMatchObject({
    tensorShape: [10676, 32],
    tensorPath: 'vectors.tsv',
    metadataPath: 'metadata.tsv',
  });
  expect(files['projector_config.pbtxt']).toContain(
    'embeddings {\n  tensor_name: "MovieLens latest-small (sample) · hybrid · epoch 1"\n' +
      '  tensor_path: "vectors.tsv"\n  metadata_path: "metadata.tsv"\n}\n',
  );
});

test('a bookmarked URL restores the view (projection, colouring, kinds shown, metric, k, selection); the epoch slider replays layouts', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open('?proj=pca&dims=2&color=popularity&show=iu&metric=dot&k=5&msup=1&sel=item:1');
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await expect(page.getByLabel('Projection')).toHaveValue('pca');
  await expect(page.getByLabel('Dimensions')).toHaveValue('2');
  await expect(page.getByLabel('Colour by')).toHaveValue('popularity');
  await expect(page.getByLabel('Similarity')).toHaveValue('dot');
  await expect(page.getByLabel('Neighbours (k)')).toHaveValue('5');
  await expect(page.getByRole('checkbox', { name: 'Features' })).not.toBeChecked();
  const s = await lab.until((x) => x.selection);
  expect(s.id).toBe('1');
  await lab.setNumber('Re-project every (epochs; 0: at the end)', 1);
  // The tfjs engine: the parallel CPU one finishes an epoch (0.15 s) before its live layout does,
  // and a newer layout supersedes a running one, so the slider would hold only the last epoch.
  await page.getByLabel('Engine').selectOption('webgl');
  await lab.train(2);
  const after = await lab.until(
    (x) =>
      x.projection.status === 'done' &&
      x.projection.layouts.length === 2 &&
      (x.selection?.neighbors.length ?? 0) > 0 &&
      x,
  );
  expect(after.projection).toMatchObject({ method: 'pca', dims: 2 });
  expect(after.selection!.metric).toBe('dot');
  expect(after.selection!.neighbors).toHaveLength(5);
  // The epoch slider replays the first epoch's layout, from the keyboard.
  expect(after.projection.layouts).toEqual([1, 2]);
  const slider = page.getByRole('slider', { name: 'Epoch' });
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await lab.until((x) => x.projection.replayEpoch === 1);
  await expect(page.getByText('1 of 2 (replay)')).toBeVisible();
  // t-SNE (perplexity chosen first) on a 1,500-point stratified sample.
  await lab.setNumber('Max points', 1500);
  await page.getByLabel('Projection').selectOption('t-SNE');
  await lab.setNumber('Perplexity', 20);
  await page.getByRole('button', { name: 'Project' }).click();
  const tsne = await lab.until(
    (x) => x.projection.status === 'done' && x.projection.method === 'tsne' && x.projection,
  );
  expect(tsne).toMatchObject({ dims: 2, points: 1500, sampled: true });
  await expect.poll(() => new URL(page.url()).searchParams.get('perp')).toBe('20');
  // A running projection can be cancelled; the map keeps what it drew.
  await lab.setNumber('Max points', 100000);
  await page.getByLabel('Projection').selectOption('UMAP');
  await page.getByRole('button', { name: 'Project' }).click();
  await lab.until((x) => x.projection.status === 'running');
  await page.getByRole('button', { name: 'Cancel projection' }).click();
  const cancelled = await lab.until((x) => x.projection.status !== 'running' && x.projection);
  expect(cancelled.status).toBe('done');
  expect(cancelled.points).toBeGreaterThan(0);
  // Changing the view changes the address, ready to be bookmarked again.
  await page.getByLabel('Colour by').selectOption('norm');
  await expect.poll(() => new URL(page.url()).searchParams.get('color')).toBe('norm');
  await expect.poll(() => new URL(page.url()).searchParams.get('cam')).not.toBeNull();
  expect(new URL(page.url()).searchParams.get('sel')).toBe('item:1');
});
