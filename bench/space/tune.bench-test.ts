/**
 * Chooses the page's default model for the map by measurement, on the validation protocol: each
 * candidate trains on the training part of the page's split (random, seed 42, 20% test, 10% of
 * the rest validation), and its map is measured after every epoch against an ItemKNN reference
 * built from the training and validation rows only (the test part is never read). Measured over
 * every film with >= 50 of those rows, minimum support 5, 10 neighbours, cosine and shrunk cosine.
 * Each epoch's validation metric is recorded beside it (Recall@20 or RMSE), so a setting that
 * helps the map at the cost of the held-out numbers shows it. Rows are appended to
 * bench/space/tuning.json as they finish, so a long sweep keeps what it measured.
 *
 *   CASES='hybrid:implicit;hybrid:implicit:negatives=popularity,learningRate=0.01' OUT=tuning-x.json \
 *     npx vitest run --config bench/space/vitest.config.ts bench/space/tune.bench-test.ts
 *
 * Each epoch's item vectors are cached (node_modules/.cache/space-tune) for check.bench-test.ts.
 * A case is model[:feedback][:key=value,...] over TrainConfig's fields.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { prepareExperiment } from '../../src/core/training/experiment';
import { TrainingSession } from '../../src/core/training/session';
import { trainingPayload, type TrainingEvent } from '../../src/core/training/session-messages';
import { buildIncidence } from '../../src/core/metrics/item-knn';
import {
  agreementCategories,
  measuredItems,
  spaceQuality,
} from '../../src/core/metrics/space-quality';
import type { Metric } from '../../src/core/projection/neighbours';
import { loadSample } from '../sample';

export function configOf(name: string): TrainConfig {
  const [model, feedback, overrides] = name.split(':');
  const m = MODELS.find((x) => x.name === model);
  if (!m) throw new Error(`unknown model ${model}`);
  const implicit = feedback === 'implicit' || !m.kinds.includes('explicit');
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    model,
    ...m.defaults,
    ...(implicit ? { feedback: 'implicit' as const, ...m.implicitDefaults } : {}),
  };
  for (const kv of (overrides ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    if (!(k in config)) throw new Error(`unknown setting ${k}`);
    const key = k as keyof TrainConfig;
    (config as unknown as Record<string, unknown>)[key] =
      typeof config[key] === 'number' ? Number(v) : v;
  }
  return config;
}

const SETTINGS: [string, Metric, number | undefined][] = [
  ['cosine', 'cosine', undefined],
  ['shrunk-cosine λ=5', 'shrunk-cosine', 5],
  ['shrunk-cosine λ=10', 'shrunk-cosine', 10],
  ['shrunk-cosine λ=25', 'shrunk-cosine', 25],
  ['shrunk-cosine λ=50', 'shrunk-cosine', 50],
];

const CACHE = new URL('../../node_modules/.cache/space-tune/', import.meta.url);
const OUT = new URL(process.env.OUT ?? 'tuning.json', import.meta.url);

it('tunes the map-first default on validation', async () => {
  const d = loadSample();
  const categories = agreementCategories(d.itemFeatures);
  const cases = (process.env.CASES ?? 'hybrid:implicit').split(';');
  for (const name of cases) {
    const config = configOf(name);
    // The ItemKNN reference and the support counts: training and validation rows only.
    const { data } = prepareExperiment(trainingPayload(d), config);
    const seen = [data.train, ...(data.validation ? [data.validation] : [])];
    const cat = (f: (x: (typeof seen)[0]) => Int32Array) =>
      Int32Array.from(seen.flatMap((x) => Array.from(f(x))));
    const inc = buildIncidence(
      cat((x) => x.user),
      cat((x) => x.item),
      d.userIds.length,
      d.itemIds.length,
    );
    const items = measuredItems(inc.itemSupport, 50, 100_000);
    const started = performance.now();
    let error: string | null = null;
    const session = new TrainingSession((e: TrainingEvent) => {
      if (e.type === 'error') error = e.message;
      if (e.type !== 'epoch') return;
      const { snapshot, entry } = e;
      const seconds = (performance.now() - started) / 1000;
      // Each epoch's item vectors, so other neighbour settings can be measured without training.
      mkdirSync(CACHE, { recursive: true });
      const v = snapshot.itemFactors;
      writeFileSync(
        new URL(`${name.replace(/[^\w=.,-]/g, '_')}-e${entry.epoch}.f32`, CACHE),
        new Uint8Array(v.buffer, v.byteOffset, v.byteLength),
      );
      for (const [label, metric, shrinkLambda] of SETTINGS) {
        const q = spaceQuality({
          vectors: snapshot.itemFactors,
          dim: snapshot.dim,
          inc,
          categories,
          metric,
          k: 10,
          minSupport: 5,
          items,
          shrinkLambda,
        });
        const row = {
          case: name,
          epoch: entry.epoch,
          metric: label,
          films: q.items,
          genreAgreement: +q.genreAgreement.toFixed(4),
          coOccurrenceOverlap: +q.coOccurrenceOverlap.toFixed(4),
          lowSupportShare: +q.lowSupportShare.toFixed(4),
          validationRecall20: entry.recallAtK ?? null,
          validationRmse: entry.rmse ?? null,
          seconds: +seconds.toFixed(1),
        };
        console.log(JSON.stringify(row));
        const all = existsSync(OUT) ? JSON.parse(readFileSync(OUT, 'utf8')) : [];
        all.push(row);
        writeFileSync(OUT, JSON.stringify(all, null, 2) + '\n');
      }
    }, 1e9);
    session.handle({ type: 'train', config, data: trainingPayload(d) });
    await session.whenIdle();
    if (error) throw new Error(`${name}: ${error}`);
  }
});
