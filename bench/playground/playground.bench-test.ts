/**
 * The playground's update time (issue 16's target: at most 100 ms per change), measured on the
 * MovieLens sample's tables: for each fold-in the page runs (least squares for rating models, the
 * BPR objective for pairwise ones, the user tower of AutoRec and YouTube DNN, the feature sum of a
 * new item), with 1, 5, 10 and 20 marks, the whole update `computePlayground` does at each change:
 * fold-in, top-10 with reasons, and placement among the 10,676 laid-out points of a 3D layout.
 * Timing does not depend on what the vectors learned, so they are seeded random at the shapes the
 * models' defaults give (dim 32; AutoRec hidden 256; YouTube DNN dim 64, hidden 256). Writes
 * bench/playground/results.json and prints a Markdown table.
 *
 *   npm run bench:playground
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { it } from 'vitest';
import type { Dataset, EmbeddingSnapshot, UserEncoder } from '../../src/core/data/types';
import { initialState, type LabState } from '../../src/state/lab-state';
import { pointSpace } from '../../src/state/points';
import { computePlayground, type PlaygroundKind } from '../../src/state/playground-compute';
import { mulberry32, normalArray } from '../../src/core/util/random';
import { loadSample } from '../sample';

const MARKS = [1, 5, 10, 20];
const REPEATS = 30;

function snapshot(d: Dataset, dim: number, random: () => number, encoder?: UserEncoder) {
  const items = d.itemIds.length;
  const users = d.userIds.length;
  const s: EmbeddingSnapshot = {
    epoch: 1,
    dim,
    userFactors: normalArray(users * dim, 0.3, random),
    itemFactors: normalArray(items * dim, 0.3, random),
    userBias: normalArray(users, 0.1, random),
    itemBias: normalArray(items, 0.1, random),
    globalBias: 3.5,
    itemFeatureFactors: normalArray(d.itemFeatures.names.length * dim, 0.3, random),
    userFeatureFactors: new Float32Array(0),
    ...(encoder && { userEncoder: encoder }),
  };
  return s;
}

function state(d: Dataset, s: EmbeddingSnapshot, feedback: 'explicit' | 'implicit'): LabState {
  const base = initialState();
  const space = pointSpace(d, s);
  const n = space.items + space.users + space.features;
  return {
    ...base,
    dataset: d,
    embeddings: s,
    training: { ...base.training, feedback, predictsRatings: feedback === 'explicit' },
    projection: {
      ...base.projection,
      coords: normalArray(n * 3, 5, mulberry32(9)),
      space,
      coordsDims: 3,
    },
  };
}

interface Row {
  fold: string;
  marks: number;
  medianMs: number;
  maxMs: number;
  /** This process's CPU ms per update (user + system): the cost without the other processes. */
  medianCpuMs: number;
  /** The machine's 1-minute load average when the case ran. */
  load: number;
}

it('times the playground update on the sample', () => {
  const d = loadSample();
  const random = mulberry32(1);
  const items = d.itemIds.length;
  const auto: UserEncoder = {
    kind: 'autorec',
    weights: normalArray(items * 256, 0.05, random),
    bias: new Float32Array(256),
  };
  const youtube: UserEncoder = {
    kind: 'youtube-dnn',
    inputs: normalArray(items * 64, 1, random),
    layer1: normalArray(64 * 256, 0.1, random),
    bias1: new Float32Array(256),
    layer2: normalArray(256 * 64, 0.1, random),
    bias2: new Float32Array(64),
    hidden: 256,
  };
  const cases: [string, LabState, PlaygroundKind][] = [
    ['least squares (biased MF, explicit)', state(d, snapshot(d, 32, random), 'explicit'), 'user'],
    ['BPR objective (BPR, implicit)', state(d, snapshot(d, 32, random), 'implicit'), 'user'],
    ['forward pass (AutoRec)', state(d, snapshot(d, 256, random, auto), 'explicit'), 'user'],
    ['forward pass (YouTube DNN)', state(d, snapshot(d, 64, random, youtube), 'implicit'), 'user'],
    ['feature sum (new item, hybrid)', state(d, snapshot(d, 32, random), 'implicit'), 'item'],
  ];
  // The most-rated items and most common features, as a person would mark them.
  const count = new Int32Array(items);
  for (const i of d.item) count[i]++;
  const popular = Array.from(count.keys()).sort((a, b) => count[b] - count[a]);
  const rows: Row[] = [];
  for (const [fold, s, kind] of cases) {
    for (const m of MARKS) {
      const marks = (kind === 'user' ? popular : popular.map((_, f) => f))
        .slice(0, kind === 'item' ? Math.min(m, d.itemFeatures.names.length) : m)
        .map((index, k) => ({ index, rating: 1 + (k % 9) / 2 }));
      const times: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < REPEATS + 3; r++) {
        const t = performance.now();
        const c = process.cpuUsage();
        const out = computePlayground(s, kind, marks);
        const used = process.cpuUsage(c);
        if (out.recommendations.length !== 10 || !out.position)
          throw new Error(`${fold}: no answer`);
        if (r < 3) continue; // the first few warm the JIT and caches
        times.push(performance.now() - t);
        cpu.push((used.user + used.system) / 1000);
      }
      const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
      rows.push({
        fold,
        marks: m,
        medianMs: +median(times).toFixed(2),
        maxMs: +Math.max(...times).toFixed(2),
        medianCpuMs: +median(cpu).toFixed(2),
        load: +loadavg()[0].toFixed(1),
      });
    }
  }
  writeFileSync(new URL('results.json', import.meta.url), JSON.stringify(rows, null, 2));
  console.log(
    [
      '| fold-in | marks | median ms | max ms | median CPU ms | load |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.fold} | ${r.marks} | ${r.medianMs} | ${r.maxMs} | ${r.medianCpuMs} | ${r.load} |`,
      ),
    ].join('\n'),
  );
});
