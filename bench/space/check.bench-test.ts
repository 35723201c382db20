/**
 * The independent check's view of a map trained by tune.bench-test.ts (its cached item vectors,
 * no training): the data set's full ItemKNN reference and support (as the page computes them),
 * over every film with >= 50 ratings, the 30 most rated, and 200 random draws of 30 such films
 * (the spread a checker's own 30 films can show). Writes bench/space/check.json.
 *
 *   CASE='hybrid:implicit:epochs=6,negatives=popularity,learningRate=0.01' EPOCH=5 \
 *     npx vitest run --config bench/space/vitest.config.ts bench/space/check.bench-test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { buildIncidence } from '../../src/core/metrics/item-knn';
import {
  agreementCategories,
  measuredItems,
  mostSupported,
  spaceQuality,
} from '../../src/core/metrics/space-quality';
import type { Metric } from '../../src/core/projection/neighbours';
import { mulberry32 } from '../../src/core/util/random';
import { loadSample } from '../sample';

it('checks a tuned map as the page and a checker measure it', () => {
  const name =
    process.env.CASE ?? 'hybrid:implicit:epochs=6,negatives=popularity,learningRate=0.01';
  const epoch = Number(process.env.EPOCH ?? 5);
  const file = `${name.replace(/[^\w=.,-]/g, '_')}-e${epoch}.f32`;
  const bytes = readFileSync(
    new URL(`../../node_modules/.cache/space-tune/${file}`, import.meta.url),
  );
  const vectors = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  const d = loadSample();
  const inc = buildIncidence(d.user, d.item, d.userIds.length, d.itemIds.length);
  const dim = vectors.length / d.itemIds.length;
  const categories = agreementCategories(d.itemFeatures);
  const all = measuredItems(inc.itemSupport, 50, 100_000);
  const rand = mulberry32(19);
  const rows = [];
  for (const [label, metric, shrinkLambda] of [
    ['cosine', 'cosine', undefined],
    ['shrunk-cosine λ=10', 'shrunk-cosine', 10],
    ['shrunk-cosine λ=50', 'shrunk-cosine', 50],
  ] as [string, Metric, number | undefined][]) {
    const q = (items: Int32Array) =>
      spaceQuality({
        vectors,
        dim,
        inc,
        categories,
        metric,
        k: 10,
        minSupport: 5,
        items,
        shrinkLambda,
      });
    const whole = q(all);
    const top = q(mostSupported(inc.itemSupport, 30));
    // 200 draws of 30 films among those with >= 50 ratings: the 5th percentile of each measure.
    const draws: { g: number; o: number }[] = [];
    for (let t = 0; t < 200; t++) {
      const pick = new Set<number>();
      while (pick.size < 30) pick.add(all[Math.floor(rand() * all.length)]);
      const r = q(Int32Array.from(pick));
      draws.push({ g: r.genreAgreement, o: r.coOccurrenceOverlap });
    }
    const p5 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(0.05 * xs.length)];
    const row = {
      case: name,
      epoch,
      metric: label,
      allFilms: whole.items,
      genreAgreementAll: +whole.genreAgreement.toFixed(4),
      overlapAll: +whole.coOccurrenceOverlap.toFixed(4),
      lowSupportShareAll: +whole.lowSupportShare.toFixed(4),
      genreAgreementTop30: +top.genreAgreement.toFixed(4),
      overlapTop30: +top.coOccurrenceOverlap.toFixed(4),
      genreAgreementDraw30P5: +p5(draws.map((x) => x.g)).toFixed(4),
      overlapDraw30P5: +p5(draws.map((x) => x.o)).toFixed(4),
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  writeFileSync(new URL('check.json', import.meta.url), JSON.stringify(rows, null, 2) + '\n');
});
