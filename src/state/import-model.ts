/**
 * A model exported by the app or trained by the CLI (TensorFlow.js artifacts: model.json +
 * weights.bin, see core/models/artifacts.ts) back into the app, and the app's own export.
 */
import {
  datasetInfo,
  modelArtifacts,
  readModelArtifacts,
  type ImportedModel,
  type ModelDatasetInfo,
} from '../core/models/artifacts';
import type { Dataset, EmbeddingSnapshot, FeatureTable } from '../core/data/types';
import type { LabState, RunRecord } from './lab-state';
import { normalizeRun } from './runs';

/** The two files of an export, whatever order (and names) they were chosen in. */
export async function readModelFiles(files: File[]): Promise<ImportedModel> {
  const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  const bin = files.find((f) => f.name.toLowerCase().endsWith('.bin'));
  if (!json || !bin)
    throw new Error(
      'TensorFlow.js export: choose both files, model.json and weights.bin (select them together)',
    );
  return readModelArtifacts(await json.text(), await bin.arrayBuffer(), json.name);
}

const sameList = (a: string[], b: string[]) =>
  a.length === b.length && a.every((v, k) => v === b[k]);

/** A feature table with these names and no entity in it (the model knows names, not members). */
const namesOnly = (names: string[], entities: number): FeatureTable => ({
  names,
  offsets: new Int32Array(entities + 1),
  values: new Int32Array(0),
});

/** A data set of the model's ids and labels, without interactions. */
function datasetOf(info: ModelDatasetInfo): Dataset {
  return {
    name: info.name,
    kind: info.kind,
    user: new Int32Array(0),
    item: new Int32Array(0),
    rating: new Float32Array(0),
    timestamp: null,
    userIds: info.userIds,
    itemIds: info.itemIds,
    itemLabels: info.itemLabels,
    itemFeatures: namesOnly(info.itemFeatureNames, info.itemIds.length),
    userFeatures: namesOnly(info.userFeatureNames, info.userIds.length),
    ratingMin: 0,
    ratingMax: 0,
    skippedRows: 0,
    issues: [],
  };
}

export interface PlacedModel {
  dataset: Dataset;
  snapshot: EmbeddingSnapshot;
  /** True when the factors went onto the loaded data set (same users and items). */
  attached: boolean;
  note: string;
}

/**
 * Where an imported model's factors go. When the loaded data set has the model's users and items
 * (same ids in the same order: the CLI trained on the same file, or the app's own export), they
 * go onto it, so histories, seen items and metadata stay; the feature factors only if the data
 * set has the same features. Otherwise the model brings a data set of its own ids and labels,
 * without interactions.
 */
export function placeModel(m: ImportedModel, loaded: Dataset | null): PlacedModel {
  const info = m.dataset;
  const what = `${m.model} (${m.dataset.name}, epoch ${m.epoch}, dimension ${m.snapshot.dim})`;
  if (loaded && sameList(loaded.userIds, info.userIds) && sameList(loaded.itemIds, info.itemIds)) {
    const snapshot = { ...m.snapshot };
    const dropped: string[] = [];
    if (
      snapshot.itemFeatureFactors &&
      !sameList(loaded.itemFeatures.names, info.itemFeatureNames)
    ) {
      delete snapshot.itemFeatureFactors;
      dropped.push('item');
    }
    if (
      snapshot.userFeatureFactors &&
      !sameList(loaded.userFeatures.names, info.userFeatureNames)
    ) {
      delete snapshot.userFeatureFactors;
      dropped.push('user');
    }
    const left = dropped.length
      ? `; its ${dropped.join(' and ')} features differ from the loaded ones and are left out`
      : '';
    return {
      dataset: loaded,
      snapshot,
      attached: true,
      note: `Model ${what} on the loaded data set, whose users and items it has${left}`,
    };
  }
  return {
    dataset: datasetOf(info),
    snapshot: m.snapshot,
    attached: false,
    note:
      `Model ${what}: ${info.userIds.length.toLocaleString('en-US')} users and ` +
      `${info.itemIds.length.toLocaleString('en-US')} items, without their interactions ` +
      '(load the same data file first to keep them)',
  };
}

/** The run an export carries (the app and the CLI write their RunRecord), when it is one. */
export function importedRun(m: ImportedModel): RunRecord | null {
  const r = m.history as Partial<RunRecord> | undefined;
  const curves = (h: unknown): boolean =>
    Array.isArray(h) &&
    h.every((e) => typeof e === 'object' && e !== null && Number.isFinite(e.epoch));
  return r && typeof r === 'object' && typeof r.model === 'string' && curves(r.history)
    ? normalizeRun(r as RunRecord)
    : null;
}

/**
 * The app's export of its current model: the latest embeddings with the last run's settings and
 * curves (or the settings chosen, when the embeddings were imported rather than trained).
 */
export function exportModel(s: LabState): { modelJson: string; weights: ArrayBuffer } {
  const { dataset, embeddings, runs, training } = s;
  if (!dataset || !embeddings || embeddings.dim < 1)
    throw new Error('Train a model (or import embeddings) first: the export holds its factors.');
  const run = runs.at(-1);
  return modelArtifacts({
    snapshot: embeddings,
    dataset: datasetInfo(dataset),
    model: run?.model ?? training.model,
    config: run?.config ?? training.config,
    history: run,
  });
}
