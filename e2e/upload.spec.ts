import { test, expect } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { LabPage } from './lab-page';

const small = [
  'customer;product;stars',
  ...Array.from({ length: 60 }, (_, k) => `c${k % 12};p${(k * 7) % 15};${1 + (k % 5)}`),
].join('\n');

test('uploading a small CSV through the file input replaces the data set', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  await page
    .getByLabel('Interactions file')
    .setInputFiles({ name: 'shop.csv', mimeType: 'text/csv', buffer: Buffer.from(small) });
  // The preview shows the guessed mapping before anything is loaded.
  await expect(page.getByRole('group', { name: 'Column mapping' })).toBeVisible();
  await expect(page.getByLabel('User column')).toHaveValue('0');
  await expect(page.getByLabel('Item column')).toHaveValue('1');
  await expect(page.getByLabel('Rating column')).toHaveValue('2');
  await page.getByRole('button', { name: 'Use this data' }).click();
  const s = await lab.until((x) => x.dataset);
  expect(s).toMatchObject({
    name: 'shop.csv',
    rows: 60,
    users: 12,
    items: 15,
    skippedRows: 0,
    kind: 'explicit',
  });

  // It trains too (the rating model: the test reads its curves).
  await lab.selectModel('biased-mf');
  await lab.setNumber('Batch size', 16);
  const t = await lab.train(2);
  expect(t.training.status).toBe('done');
  expect(t.training.history).toHaveLength(2);

  // The explorer works on it: 27 points laid out, a user found by search, exported as CSV.
  const p = await lab.until((x) => x.projection.status === 'done' && x.projection);
  expect(p.counts).toMatchObject({ user: 12, item: 15 });
  await page.getByLabel('Search').fill('user c3');
  await page.getByRole('button', { name: /user User c3$/ }).click();
  const sel = await lab.until((x) => x.selection?.kind === 'user' && x.selection);
  expect(sel.neighbors.length).toBeGreaterThan(0);
  expect(sel.recommendations!.length).toBeGreaterThan(0);
  const lines = await lab.downloadLines('Export CSV');
  expect(lines).toHaveLength(1 + 27);

  // The import worker shares the rows with the page's workers (cross-origin isolated page);
  // IndexedDB, which refuses shared memory, keeps a copy: opening the page again restores it.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const saved = () =>
    page.evaluate(
      () => (window.__lab.snapshot() as unknown as { session: { savedEpoch: number } }).session,
    );
  await expect.poll(async () => (await saved()).savedEpoch, { timeout: 30_000 }).toBe(2);
  await lab.open(); // without ?sample=none, which skips the restore
  const back = await lab.until((x) => x.dataset?.name === 'shop.csv' && x.dataset, 60_000);
  expect(back).toMatchObject({ rows: 60, users: 12, items: 15 });
});

test('a malformed file shows an error, keeps the page and the loaded data', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('user,item,rating\n'),
  });
  await page.getByRole('button', { name: 'Use this data' }).click();
  await expect(page.getByRole('alert').first()).toContainText('broken.csv');
  const s = await lab.snapshot();
  expect(s.errors.some((e) => e.message.includes('broken.csv'))).toBe(true);
  expect(s.dataset!.rows).toBe(100836);
  await expect(page.getByRole('heading', { name: 'Latent space' })).toBeVisible();

  // Rows with bad ratings are skipped and explained; the good ones are kept.
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'mixed.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('user,item,rating\n1,10,4\n2,10,abc\n2,11,3\n3,12,5\n'),
  });
  await page.getByRole('button', { name: 'Use this data' }).click();
  const m = await lab.until((x) => x.dataset?.name === 'mixed.csv' && x.dataset);
  expect(m.rows + m.skippedRows).toBe(4);
  expect(m.skippedRows).toBe(1);
  expect(m.issues[0]).toMatchObject({ line: 3 });
  expect(m.issues[0].message).toContain('abc');

  // Binary data is refused with a message.
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'image.png',
    mimeType: 'image/png',
    buffer: Buffer.from([137, 80, 78, 71, 0, 0, 0, 13, 0, 1, 2]),
  });
  await expect(page.getByText(/image\.png: this is a PNG image/)).toBeVisible();
  expect((await lab.snapshot()).dataset!.name).toBe('mixed.csv');

  // The wrong delimiter: the page says which one would split the rows.
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'semicolons.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('user;item;rating\n1;10;4\n2;11;3\n'),
  });
  await page.getByLabel('Delimiter').selectOption('comma');
  await page.getByRole('button', { name: 'Use this data' }).click();
  await expect(page.getByText(/the delimiter is probably ";"/)).toBeVisible();
  await page.getByLabel('Delimiter').selectOption('semicolon');
  await page.getByRole('button', { name: 'Use this data' }).click();
  const semi = await lab.until((x) => x.dataset?.name === 'semicolons.csv' && x.dataset);
  expect(semi).toMatchObject({ rows: 2, users: 2, items: 2, skippedRows: 0 });
});

test('cleaning on import: repeated pairs averaged, a 2-core, and the page says what it did', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  // a rated x twice (3 and 5); b and c rated x and y; d rated only z, which nobody else rated.
  const text = 'user,item,rating\na,x,3\na,y,4\na,x,5\nb,x,2\nb,y,3\nc,x,4\nc,y,1\nd,z,5\n';
  await page
    .getByLabel('Interactions file')
    .setInputFiles({ name: 'dups.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByLabel('Repeated (user, item)').selectOption('mean');
  await lab.setNumber('Min. interactions per user', 2);
  await lab.setNumber('Min. interactions per item', 2);
  await page.getByRole('button', { name: 'Use this data' }).click();
  const ds = await lab.until((x) => x.dataset);
  expect(ds).toMatchObject({ rows: 6, users: 3, items: 2, skippedRows: 0 });
  await expect(page.getByText(/1 repeated \(user, item\) rows merged/)).toBeVisible();
  await expect(page.getByText(/the k-core dropped 1 rows, 1 users and 1 items/)).toBeVisible();
});

test('a Latin-1 file and a gzip file upload with the right text and counts', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  // "Amélie" in Windows-1252 / Latin-1: é is the single byte 0xE9 (invalid as UTF-8).
  const latin1 = Buffer.from(
    'user;item;rating\n1;Am\xe9lie;5\n2;Am\xe9lie;4\n2;Heat;3\n',
    'latin1',
  );
  await page
    .getByLabel('Interactions file')
    .setInputFiles({ name: 'latin1.csv', mimeType: 'text/csv', buffer: latin1 });
  await page.getByRole('button', { name: 'Use this data' }).click();
  const ds = await lab.until((x) => x.dataset?.name === 'latin1.csv' && x.dataset);
  expect(ds).toMatchObject({ rows: 3, users: 2, items: 2, skippedRows: 0 });
  await expect(page.getByText(/read as Windows-1252 \/ Latin-1/)).toBeVisible();
  await page.getByLabel('Search').fill('amélie');
  await expect(page.getByRole('button', { name: /item Amélie$/ })).toBeVisible();

  const csv = [
    'u,i,r',
    ...Array.from({ length: 500 }, (_, k) => `${k % 50},${k % 37},${1 + (k % 5)}`),
  ];
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'big.csv.gz',
    mimeType: 'application/gzip',
    buffer: gzipSync(Buffer.from(csv.join('\n'))),
  });
  await expect(page.getByLabel('Rating column')).toHaveValue('2');
  // Read as play counts, log-scaled into confidences.
  await page.getByLabel('Values are').selectOption('implicit');
  await page.getByRole('checkbox', { name: 'Log-scale counts into confidences' }).check();
  await page.getByRole('button', { name: 'Use this data' }).click();
  const gz = await lab.until((x) => x.dataset?.name === 'big.csv.gz' && x.dataset);
  expect(gz).toMatchObject({ rows: 500, users: 50, items: 37, skippedRows: 0, kind: 'implicit' });
  await expect(page.getByText(/weights log-scaled into confidences/)).toBeVisible();
});

test('a JSON Lines export maps its keys as columns and loads', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  const lines = Array.from({ length: 30 }, (_, k) =>
    JSON.stringify({ customer: `c${k % 6}`, sku: `sku-${k % 5}`, stars: 1 + (k % 5) }),
  );
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'orders.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from([...lines, '{"customer": "c1"', ''].join('\n')),
  });
  await expect(page.getByText(/JSON Lines: one object per line/)).toBeVisible();
  await expect(page.getByLabel('User column')).toHaveValue('0');
  await expect(page.getByLabel('Item column')).toHaveValue('1');
  await page.getByLabel('Rating column').selectOption({ label: 'stars' });
  await page.getByRole('button', { name: 'Use this data' }).click();
  const ds = await lab.until((x) => x.dataset?.name === 'orders.jsonl' && x.dataset);
  expect(ds).toMatchObject({ rows: 30, users: 6, items: 5, skippedRows: 1 });
  expect(ds.issues[0]).toMatchObject({ line: 31 });
});

test('a Parquet file (as Spark or pandas writes one) previews its columns and loads', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  const rows = 120;
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'userId', data: Int32Array.from({ length: rows }, (_, k) => k % 10), type: 'INT32' },
      {
        name: 'movieId',
        data: Array.from({ length: rows }, (_, k) => `m${k % 12}`),
        type: 'STRING',
      },
      {
        name: 'rating',
        data: Array.from({ length: rows }, (_, k) => 0.5 + (k % 10) / 2),
        type: 'DOUBLE',
      },
    ],
  });
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'ratings.parquet',
    mimeType: 'application/vnd.apache.parquet',
    buffer: Buffer.from(buffer),
  });
  await expect(page.getByText('Parquet: its columns are listed below.')).toBeVisible();
  await expect(page.getByLabel('Rating column')).toHaveValue('2');
  await page.getByRole('button', { name: 'Use this data' }).click();
  const ds = await lab.until((x) => x.dataset?.name === 'ratings.parquet' && x.dataset);
  expect(ds).toMatchObject({ rows: 60, users: 10, items: 12, skippedRows: 0, kind: 'explicit' });
});

test('MovieLens 100K files are recognised: u.data is mapped in one go, u.user goes to user metadata', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  const udata = [
    '196\t242\t3\t881250949',
    '186\t302\t3\t891717742',
    '22\t377\t1\t878887116',
    '196\t302\t4\t881251000',
  ];
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'u.data',
    mimeType: 'text/plain',
    buffer: Buffer.from(udata.join('\n') + '\n'),
  });
  await expect(page.getByText('Recognised:')).toBeVisible();
  await expect(page.getByText('MovieLens 100K u.data')).toBeVisible();
  await expect(page.getByLabel('Timestamp column')).toHaveValue('3');
  await page.getByRole('button', { name: 'Use this data' }).click();
  const ds = await lab.until((x) => x.dataset?.name === 'u.data' && x.dataset);
  expect(ds).toMatchObject({ rows: 4, users: 3, items: 3, kind: 'explicit', skippedRows: 0 });

  const uuser = ['196|49|M|writer|55105', '186|39|F|executive|00000', '22|25|M|writer|40206'];
  await page.getByLabel('Interactions file').setInputFiles({
    name: 'u.user',
    mimeType: 'text/plain',
    buffer: Buffer.from(uuser.join('\n') + '\n'),
  });
  await page.getByRole('button', { name: 'Use as user metadata' }).click();
  // age=45-49, age=35-44, age=25-34, gender=M, gender=F, occupation=writer, occupation=executive
  const withUsers = await lab.until((x) => (x.dataset?.userFeatures ?? 0) > 0 && x.dataset);
  expect(withUsers.userFeatures).toBe(7);
  expect(withUsers.rows).toBe(4);
});
