/**
 * The scale target: space quality of 10k items from 1M interactions in <= 2 s, off the
 * main thread (this is the worker's session code). Synthetic data: 20k users with 50 interactions
 * each on average (long-tailed), items drawn by a Zipf-like popularity.
 *
 *   npx vitest run --config bench/space/vitest.config.ts bench/space/scale.bench-test.ts
 */
import { expect, it } from 'vitest';
import { QualitySession } from '../../src/worker/quality/session';
import type { QualityResponse } from '../../src/worker/quality/protocol';
import { mulberry32 } from '../../src/core/util/random';

it('measures 10k items from 1M rows in about 2 s', () => {
  const rand = mulberry32(7);
  const [nUsers, nItems, rows, dim] = [20_000, 10_000, 1_000_000, 32];
  const user = new Int32Array(rows);
  const item = new Int32Array(rows);
  for (let k = 0; k < rows; k++) {
    user[k] = Math.floor(nUsers * rand() ** 2); // some users have far more than others
    item[k] = Math.floor(nItems * rand() ** 3); // a long tail of rarely seen items
  }
  const vectors = Float32Array.from({ length: nItems * dim }, () => rand() - 0.5);
  const userVectors = Float32Array.from({ length: nUsers * dim }, () => rand() - 0.5);
  const offsets = Int32Array.from({ length: nItems + 1 }, (_, i) => i);
  const values = Int32Array.from({ length: nItems }, (_, i) => i % 20);
  const out: QualityResponse[] = [];
  const session = new QualitySession((m) => out.push(m));
  const started = performance.now();
  session.handle({
    type: 'data',
    key: 1,
    user,
    item,
    nUsers,
    nItems,
    categories: { offsets, values },
  });
  const dataMs = performance.now() - started;
  // CPU time per request beside the wall time: this machine is shared, so wall time is noisy.
  const cpuMs: number[] = [];
  const handle = (msg: Parameters<QualitySession['handle']>[0]) => {
    const c = process.cpuUsage();
    session.handle(msg);
    const d = process.cpuUsage(c);
    cpuMs.push((d.user + d.system) / 1000);
  };
  handle({
    type: 'measure',
    id: 1,
    key: 1,
    vectors,
    dim,
    metric: 'shrunk-cosine',
    k: 10,
    minSupport: 5,
  });
  const total = performance.now() - started;
  // The same map with its 20k users measured too (what the page sends for a model with users).
  handle({
    type: 'measure',
    id: 2,
    key: 1,
    vectors,
    dim,
    metric: 'shrunk-cosine',
    k: 10,
    minSupport: 5,
    userVectors,
    userDim: dim,
  });
  // A later epoch of the same run: the ItemKNN and UserKNN references are cached.
  handle({
    type: 'measure',
    id: 3,
    key: 1,
    vectors,
    dim,
    metric: 'shrunk-cosine',
    k: 10,
    minSupport: 5,
    userVectors,
    userDim: dim,
  });
  const [r, withUsers, epoch] = out;
  expect(r.type).toBe('result');
  expect(withUsers.type === 'result' && withUsers.quality.users?.users).toBe(200);
  const ms = (m: QualityResponse) => (m.type === 'result' ? m.ms.toFixed(0) : '?');
  console.log(
    `incidence ${dataMs.toFixed(0)} ms; measure ${ms(r)} ms; ` +
      `total ${total.toFixed(0)} ms; items measured ${r.type === 'result' ? r.quality.items : 0}; ` +
      `with users ${ms(withUsers)} ms; a later epoch (references cached) ${ms(epoch)} ms; ` +
      `CPU ms of the three: ${cpuMs.map((x) => x.toFixed(0)).join(' / ')}`,
  );
});
