import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/util/random';
import { main } from './main';
import type { Terminal } from './progress';

const dir = mkdtempSync(join(tmpdir(), 'latent-lab-cli-test-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stream that keeps what is written. */
function capture(): Terminal & { text: string } {
  const t = { text: '', isTTY: false, columns: 100, write: (s: string) => (t.text += s) };
  return t;
}

/**
 * MovieLens 100K's u1.base / u1.test layout (user, item, rating, timestamp; tab-separated, no
 * header): 20 users x 15 items; each user's pairs with (u + i) % 3 === 0 are the test file's,
 * the rest the base file's, so the two files share users and items but no pair. The test file
 * also has 3 rows of user 99 and 2 of item 999, which u1.base does not have.
 */
function files(): { base: string; test: string; known: number } {
  const random = mulberry32(11);
  const base: string[] = [];
  const test: string[] = [];
  const row = (u: number, i: number, k: number) =>
    [u, i, 1 + Math.floor(random() * 5), 874965758 + k].join('\t');
  let k = 0;
  for (let u = 1; u <= 20; u++)
    for (let i = 1; i <= 15; i++) ((u + i) % 3 === 0 ? test : base).push(row(u, i, k++));
  const known = test.length;
  test.push(row(99, 1, k++), row(99, 2, k++), row(99, 3, k++), row(1, 999, k++), row(2, 999, k));
  return { base: base.join('\n') + '\n', test: test.join('\n') + '\n', known };
}

describe('latent-lab train --test', () => {
  it('trains on u1.base (less its validation part) and scores u1.test, leaving out unknown ids', async () => {
    const { base, test, known } = files();
    writeFileSync(join(dir, 'u1.base'), base);
    writeFileSync(join(dir, 'u1.test'), test);
    const out = join(dir, 'out');
    const [stdout, stderr] = [capture(), capture()];
    const argv = ['train', join(dir, 'u1.base'), '--test', join(dir, 'u1.test')];
    const code = await main(argv.concat(['--epochs', '1', '--dim', '4', '--out', out]), {
      stdout,
      stderr,
    });
    expect(stderr.text).not.toMatch(/latent-lab:/);
    expect(code).toBe(0);
    expect(known).toBe(100);
    expect(stderr.text).toMatch(/^read u1\.base: 200 ratings \(MovieLens 100K u\.data layout\)/m);
    expect(stderr.text).toContain(
      'u1.test: 100 test rows. 5 test rows name a user or item the training file does not have; they are left out',
    );
    // Every base row trains or validates (10% of them); the test part is the known test rows.
    expect(stderr.text).toMatch(/^training on 180 rows, 20 for validation, 100 for the test /m);
    expect(stderr.text).toMatch(/test-file split/);
    expect(stdout.text).toMatch(/^test RMSE \d\.\d{4} \(MAE \d\.\d{4}\) at epoch 1/m);
    const [head, row] = readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n');
    expect(row.split(',')[head.split(',').indexOf('split')]).toBe('test-file');
  });

  it('refuses a test file whose rows name no known user and item, with one message', async () => {
    const { base } = files();
    writeFileSync(join(dir, 'b.base'), base);
    writeFileSync(join(dir, 'other.test'), '501\t1\t3\t1\n502\t2\t4\t2\n1\t777\t5\t3\n');
    const [stdout, stderr] = [capture(), capture()];
    const code = await main(
      ['train', join(dir, 'b.base'), '--test', join(dir, 'other.test'), '--out', join(dir, 'x')],
      { stdout, stderr },
    );
    expect(code).toBe(1);
    expect(stderr.text).toMatch(
      /^latent-lab: other\.test: none of its 3 rows names both a user and an item of b\.base \(3 users, 2 of them unknown; 3 items, 1 of them unknown\)/m,
    );
    expect(stdout.text).toBe('');
  });
});
