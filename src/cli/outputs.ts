/**
 * The files a training run leaves in its output folder, each made by the code the app's own
 * exports use: TensorFlow.js artifacts, the Embedding Projector's TSVs, every user's top-k
 * recommendations (scored by the training worker's recommend handler) and the runs / curves CSVs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import { groupByUser } from '../core/metrics/ranking';
import { datasetInfo, modelArtifacts, WEIGHTS_FILE } from '../core/models/artifacts';
import type { TrainConfig } from '../core/training/config';
import { curvesCsv, recommendationsCsv, runsCsv } from '../state/export';
import { projectorFiles } from '../state/projector-export';
import type { RunRecord } from '../state/lab-state';
import { pointSpace } from '../state/points';
import { handleRecommend } from '../worker/training/recommend';
import type { TrainingEvent } from '../core/training/session-messages';

/**
 * Every user's top-k unseen items (users x k, best first, -1 padding), scored on the tfjs
 * backend in blocks. `onProgress` gets users done and the total.
 */
export async function recommendEveryone(
  d: Dataset,
  s: EmbeddingSnapshot,
  k: number,
  onProgress?: (done: number, total: number) => void,
): Promise<{ item: Int32Array; score: Float32Array }> {
  const out = {
    result: null as { item: Int32Array; score: Float32Array } | null,
    error: null as string | null,
  };
  const post = (e: TrainingEvent) => {
    if (e.type === 'recommend-progress') onProgress?.(e.done, e.total);
    else if (e.type === 'recommendations') out.result = { item: e.item, score: e.score };
    else if (e.type === 'recommend-error') out.error = e.message;
  };
  const seen = groupByUser(d.user, d.item, d.userIds.length);
  await handleRecommend({ type: 'recommend', id: 0, k, snapshot: s, seen }, post);
  if (out.error) throw new Error(`recommendations: ${out.error}`);
  if (!out.result) throw new Error('recommendations: the scorer returned nothing');
  return out.result;
}

export interface OutputInput {
  dataset: Dataset;
  snapshot: EmbeddingSnapshot;
  config: TrainConfig;
  run: RunRecord;
  /** Top-k per user from `recommendEveryone`, or null when the model has no embeddings. */
  recommendations: { k: number; item: Int32Array; score: Float32Array } | null;
  /** Where the folder will be served from, for projector_config.json ('' = relative paths). */
  projectorUrl?: string;
}

/** The files' names and contents, in the order they are listed. */
export function outputFiles(o: OutputInput): [string, string | Uint8Array][] {
  const { dataset: d, snapshot: s, config } = o;
  const { modelJson, weights } = modelArtifacts({
    snapshot: s,
    dataset: datasetInfo(d),
    model: config.model,
    config,
    // The whole run (settings, best values, per-epoch curves), as the app's own export writes it.
    history: o.run,
  });
  const files: [string, string | Uint8Array][] = [
    ['model.json', modelJson],
    [WEIGHTS_FILE, new Uint8Array(weights)],
  ];
  // Fitted reference models (global mean, popularity) have no vectors to project or score.
  if (s.dim >= 1) {
    const p = projectorFiles(d, s, pointSpace(d, s), `${config.model} embeddings`, o.projectorUrl);
    files.push(...p.map((f): [string, string] => [f.name, f.text]));
  }
  if (o.recommendations) {
    const r = o.recommendations;
    files.push(['recommendations.csv', recommendationsCsv(d, s, r.k, r.item, r.score)]);
  }
  files.push(['runs.csv', runsCsv([o.run])], ['curves.csv', curvesCsv([o.run])]);
  return files;
}

/** Writes the files into `dir` (created with its parents); returns each path and size. */
export async function writeOutputs(
  dir: string,
  files: [string, string | Uint8Array][],
): Promise<{ path: string; bytes: number }[]> {
  await mkdir(dir, { recursive: true });
  const written: { path: string; bytes: number }[] = [];
  for (const [name, data] of files) {
    const path = join(dir, name);
    await writeFile(path, data);
    written.push({ path, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length });
  }
  return written;
}
