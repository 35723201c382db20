/**
 * The accuracy table: every model trained on the MovieLens sample through the training worker's
 * own session (the same split, binarisation and metrics as the app), in Node on the tfjs cpu
 * backend. Writes bench/accuracy/results.json and prints a Markdown table.
 *
 *   npm run bench:accuracy                       every model with its defaults
 *   MODELS=svdpp,fm npm run bench:accuracy       some models
 *   CONFIG='{"epochs":20}' npm run bench:accuracy  settings over the defaults (all models)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import {
  attachItemMetadata,
  attachItemTags,
  buildInteractions,
  parseItemMetadata,
} from '../../src/core/data/build';
import { guessMapping } from '../../src/core/data/columns';
import { previewCsv } from '../../src/core/data/csv';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { TrainingSession } from '../../src/worker/training/session';
import {
  trainingPayload,
  type HistoryEntry,
  type TrainingEvent,
} from '../../src/worker/training/protocol';
import type { Dataset } from '../../src/core/data/types';

const dir = new URL('../../public/samples/ml-latest-small/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');

function loadSample(): Dataset {
  const text = read('ratings.csv');
  const preview = previewCsv(text);
  const mapping = guessMapping(preview.header, preview.rows);
  const d = buildInteractions({ name: 'ratings.csv', text, ...preview, mapping });
  const movies = attachItemMetadata(d, parseItemMetadata('movies.csv', read('movies.csv')));
  return attachItemTags(movies.dataset, 'tags.csv', read('tags.csv')).dataset;
}

export interface AccuracyRow {
  model: string;
  case: string;
  feedback: string;
  split: string;
  epochs: number;
  rmse?: number;
  mae?: number;
  recall20?: number;
  ndcg10?: number;
  auc?: number | null;
  seconds: number;
  config: Partial<TrainConfig>;
}

/** Trains one configuration to the end and returns its last epoch's metrics and the time. */
async function run(
  d: Dataset,
  config: TrainConfig,
): Promise<{ last: HistoryEntry; seconds: number; feedback: string }> {
  const events: TrainingEvent[] = [];
  const session = new TrainingSession((e) => events.push(e), 1e9);
  const started = performance.now();
  session.handle({
    type: 'train',
    config,
    data: trainingPayload(d),
  });
  await session.whenIdle();
  const seconds = (performance.now() - started) / 1000;
  const error = events.find((e) => e.type === 'error');
  if (error && error.type === 'error') throw new Error(`${config.model}: ${error.message}`);
  const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.entry] : []));
  const started2 = events.find((e) => e.type === 'started');
  return {
    last: epochs[epochs.length - 1],
    seconds,
    feedback: started2 && started2.type === 'started' ? started2.feedback : '?',
  };
}

/** The cases of the table: each model with its defaults, plus the cold-start case. */
function cases(): { name: string; config: TrainConfig }[] {
  const only = process.env.MODELS?.split(',');
  const extra = JSON.parse(process.env.CONFIG ?? '{}') as Partial<TrainConfig>;
  const out: { name: string; config: TrainConfig }[] = [];
  for (const m of MODELS) {
    if (only && !only.includes(m.name)) continue;
    const base: TrainConfig = { ...DEFAULT_CONFIG, model: m.name, ...m.defaults, ...extra };
    out.push({ name: 'random 80/20', config: base });
    if (m.usesFeatures)
      out.push({
        name: 'cold-start items',
        config: {
          ...base,
          ...m.implicitDefaults,
          split: 'cold-items',
          feedback: 'implicit',
          ...extra,
        },
      });
    // Models that take both: the other feedback too.
    if (m.kinds.includes('implicit') && m.kinds.includes('explicit') && !m.fitted) {
      const implicit = base.feedback !== 'implicit';
      out.push({
        name: 'random 80/20',
        config: {
          ...base,
          ...(implicit ? m.implicitDefaults : {}),
          feedback: implicit ? 'implicit' : 'explicit',
          ...extra,
        },
      });
    }
  }
  return out;
}

it('trains every model on the sample and writes the accuracy table', async () => {
  const d = loadSample();
  const rows: AccuracyRow[] = [];
  for (const c of cases()) {
    const { last, seconds, feedback } = await run(d, c.config);
    const row: AccuracyRow = {
      model: c.config.model,
      case: c.name,
      feedback,
      split: c.config.split,
      epochs: last.epoch,
      rmse: last.rmse,
      mae: last.mae,
      recall20: last.recallAtK,
      ndcg10: last.ranking?.ndcg10,
      auc: last.ranking?.auc,
      seconds,
      config: c.config,
    };
    rows.push(row);
    console.log(JSON.stringify({ ...row, config: undefined }));
  }
  console.log(`\n${markdown(rows)}\n`);

  // Runs of some models replace those models' rows in the file; the table in the README is
  // made from the whole file.
  if (!process.env.CONFIG) {
    const file = new URL('results.json', import.meta.url);
    const key = (r: AccuracyRow) => `${r.model}|${r.case}|${r.feedback}`;
    const fresh = new Set(rows.map(key));
    const old = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as AccuracyRow[]).filter((r) => !fresh.has(key(r)))
      : [];
    const order = (r: AccuracyRow) => MODELS.findIndex((m) => m.name === r.model);
    const all = [...old, ...rows].sort((a, b) => order(a) - order(b));
    writeFileSync(file, JSON.stringify(all, null, 2));
    console.log(`\n${markdown(all)}\n`);
  }
});

function markdown(rows: AccuracyRow[]): string {
  const f = (x: number | undefined | null, digits = 4) => (x == null ? '—' : x.toFixed(digits));
  return [
    '| model | case | feedback | epochs | RMSE | MAE | Recall@20 | NDCG@10 | AUC | seconds (Node cpu) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.model}\` | ${r.case} | ${r.feedback} | ${r.epochs} | ${f(r.rmse)} | ${f(r.mae)} | ` +
        `${f(r.recall20)} | ${f(r.ndcg10)} | ${f(r.auc)} | ${r.seconds.toFixed(1)} |`,
    ),
  ].join('\n');
}
