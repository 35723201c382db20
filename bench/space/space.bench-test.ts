/**
 * The space-quality table behind the page's default neighbour settings (README "Space quality and
 * support"): candidate models trained on the MovieLens sample through the training worker's own
 * session (split, binarisation and final embeddings as in the app), then, for every neighbour
 * setting (cosine or shrunk cosine; minimum support 1, 5, 10), genre agreement@10, ItemKNN
 * overlap@10 and the share of listed neighbours with fewer than 5 ratings, over the 30 most-rated
 * films (the people-eye view) and over every film with >= 50 ratings (what the page
 * reports as `training.space`). Writes bench/space/results.json and prints a Markdown table.
 *
 *   npm run bench:space                                  random, biased-mf, bpr, hybrid
 *   CASES=random,biased-mf npm run bench:space           some of them
 *   FRESH=1 npm run bench:space                          retrain (trained item vectors are cached
 *                                                        in node_modules/.cache/space-bench)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { TrainingSession } from '../../src/core/training/session';
import { serialEngines } from '../../src/core/engines/node-engines';
import { trainingPayload, type TrainingEvent } from '../../src/core/training/session-messages';
import type { Dataset, EmbeddingSnapshot } from '../../src/core/data/types';
import { buildIncidence } from '../../src/core/metrics/item-knn';
import {
  agreementCategories,
  mostSupported,
  spaceQuality,
} from '../../src/core/metrics/space-quality';
import type { Metric } from '../../src/core/projection/neighbours';
import { mulberry32 } from '../../src/core/util/random';

import { loadSample } from '../sample';

/** Trains one configuration as the page does; returns the embeddings the map would show. */
async function train(d: Dataset, config: TrainConfig): Promise<EmbeddingSnapshot> {
  let last: EmbeddingSnapshot | null = null;
  let error: string | null = null;
  const session = new TrainingSession(
    (e: TrainingEvent) => {
      if (e.type === 'epoch') last = e.snapshot;
      if (e.type === 'error') error = e.message;
      // The row kernel (one thread) trains the models it has a kernel for; ENGINE=tfjs: all on tfjs.
    },
    1e9,
    process.env.ENGINE === 'tfjs' ? null : serialEngines,
  );
  session.handle({ type: 'train', config, data: trainingPayload(d) });
  await session.whenIdle();
  if (error || !last) throw new Error(`${config.model}: ${error ?? 'no epoch'}`);
  return last;
}

function configOf(name: string): TrainConfig {
  const [model, feedback] = name.split(':');
  const m = MODELS.find((x) => x.name === model)!;
  const implicit = feedback === 'implicit' || !m.kinds.includes('explicit');
  return {
    ...DEFAULT_CONFIG,
    model,
    ...m.defaults,
    ...(implicit ? { feedback: 'implicit' as const, ...m.implicitDefaults } : {}),
  };
}

/** Shrunk cosine's λ candidates (the page uses SHRINK_LAMBDA). */
const LAMBDAS = [10, 25, 50, 100];

interface Row {
  space: string;
  metric: string;
  minSupport: number;
  items: string;
  genreAgreement: number;
  coOccurrenceOverlap: number;
  lowSupportShare: number;
  trainSeconds: number;
}

it('measures space quality of candidate defaults on the sample', async () => {
  const d = loadSample();
  const inc = buildIncidence(d.user, d.item, d.userIds.length, d.itemIds.length);
  const categories = agreementCategories(d.itemFeatures);
  const top30 = mostSupported(inc.itemSupport, 30);
  const names = (process.env.CASES ?? 'random,biased-mf,bpr,hybrid:implicit').split(',');
  const rows: Row[] = [];
  for (const name of names) {
    const started = performance.now();
    let vectors: Float32Array;
    let dim = 32;
    if (name === 'random') {
      const rand = mulberry32(42);
      vectors = Float32Array.from({ length: d.itemIds.length * dim }, () => rand() - 0.5);
    } else {
      const cache = new URL(`../../node_modules/.cache/space-bench/${name}.f32`, import.meta.url);
      if (existsSync(cache) && !process.env.FRESH) {
        vectors = new Float32Array(readFileSync(cache).buffer.slice(0));
        dim = vectors.length / d.itemIds.length;
      } else {
        const snap = await train(d, configOf(name));
        vectors = snap.itemFactors;
        dim = snap.dim;
        mkdirSync(new URL('.', cache), { recursive: true });
        writeFileSync(
          cache,
          new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength),
        );
      }
    }
    const trainSeconds = (performance.now() - started) / 1000;
    const settings: [Metric, number | undefined][] = [
      ['cosine', undefined],
      ...LAMBDAS.map((l): [Metric, number] => ['shrunk-cosine', l]),
    ];
    for (const [metric, shrinkLambda] of settings)
      for (const minSupport of [1, 5, 10])
        for (const [label, items] of [
          ['30 most rated', top30],
          ['all >= 50', undefined],
        ] as const) {
          const q = spaceQuality({
            vectors,
            dim,
            inc,
            categories,
            metric,
            k: 10,
            minSupport,
            items,
            shrinkLambda,
          });
          const row: Row = {
            space: name,
            metric: shrinkLambda ? `shrunk-cosine λ=${shrinkLambda}` : metric,
            minSupport,
            items: `${label} (${q.items})`,
            genreAgreement: q.genreAgreement,
            coOccurrenceOverlap: q.coOccurrenceOverlap,
            lowSupportShare: q.lowSupportShare,
            trainSeconds,
          };
          rows.push(row);
          console.log(JSON.stringify(row));
        }
  }
  writeFileSync(new URL('results.json', import.meta.url), JSON.stringify(rows, null, 2));
  const f = (x: number) => x.toFixed(2);
  console.log(
    [
      '| space | similarity | min support | films | genre agreement@10 | ItemKNN overlap@10 | < 5 ratings |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.space} | ${r.metric} | ${r.minSupport} | ${r.items} | ${f(r.genreAgreement)} | ` +
          `${f(r.coOccurrenceOverlap)} | ${f(r.lowSupportShare)} |`,
      ),
    ].join('\n'),
  );
});
