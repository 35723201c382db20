/**
 * A trained factor model as TensorFlow.js artifacts: `model.json` (a weights manifest plus our
 * metadata) and one `weights.bin` holding every table as float32, little-endian, back to back in
 * manifest order: the layout `tf.io.decodeWeights`, `tf.io.browserFiles(...).load()` and the
 * converter's loaders read. Encoding and decoding are done by hand on typed arrays, so no tfjs
 * backend is needed and no tensor can leak.
 */
import { DataError } from '../data/errors';
import type { Dataset, EmbeddingSnapshot, InteractionKind } from '../data/types';
import { DEFAULT_CONFIG, validateConfig, type TrainConfig } from '../training/config';

/** `model.json`'s `format`: what a tfjs loader reads first to tell model kinds apart. */
export const ARTIFACT_FORMAT = 'latent-lab-factors';
export const WEIGHTS_FILE = 'weights.bin';

/** What `model.json` records of the data set, so ids and labels travel with the factors. */
export interface ModelDatasetInfo {
  name: string;
  kind: InteractionKind;
  /** Original ids in dense-index order: row u of `user_factors` is `userIds[u]`. */
  userIds: string[];
  itemIds: string[];
  itemLabels: string[];
  /** Row f of `item_feature_factors` / `user_feature_factors` is `...FeatureNames[f]`. */
  itemFeatureNames: string[];
  userFeatureNames: string[];
  /** Interactions the model was trained and evaluated on. */
  rows: number;
}

/** `model.json`'s `userDefinedMetadata`. */
export interface ModelMetadata {
  latentLab: 1;
  model: string;
  config: TrainConfig;
  /** The epoch the factors are from. */
  epoch: number;
  /** Whatever per-epoch records the writer passed (a plain JSON value), else absent. */
  history?: unknown;
  dataset: ModelDatasetInfo;
}

export interface ModelArtifactsInput {
  snapshot: EmbeddingSnapshot;
  dataset: ModelDatasetInfo;
  model: string;
  config: TrainConfig;
  history?: unknown;
}

export interface ImportedModel extends Omit<ModelMetadata, 'latentLab'> {
  snapshot: EmbeddingSnapshot;
}

/** The subset of tfjs's `WeightsManifestEntry` we write (float32, unquantised). */
interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** The ids, labels and feature names of a data set, as `model.json` keeps them. */
export function datasetInfo(d: Dataset): ModelDatasetInfo {
  return {
    name: d.name,
    kind: d.kind,
    userIds: d.userIds,
    itemIds: d.itemIds,
    itemLabels: d.itemLabels,
    itemFeatureNames: d.itemFeatures.names,
    userFeatureNames: d.userFeatures.names,
    rows: d.user.length,
  };
}

/** The named tables of a snapshot with their shapes, in manifest order. */
function tablesOf(s: EmbeddingSnapshot, d: ModelDatasetInfo): [WeightSpec, Float32Array][] {
  const users = d.userIds.length;
  const items = d.itemIds.length;
  const spec = (name: string, shape: number[]): WeightSpec => ({ name, shape, dtype: 'float32' });
  const tables: [WeightSpec, Float32Array][] = [
    [spec('user_factors', [users, s.dim]), s.userFactors],
    [spec('item_factors', [items, s.dim]), s.itemFactors],
    [spec('user_bias', [users]), s.userBias],
    [spec('item_bias', [items]), s.itemBias],
    [spec('global_bias', []), Float32Array.of(s.globalBias)],
  ];
  if (s.itemFeatureFactors)
    tables.push([
      spec('item_feature_factors', [d.itemFeatureNames.length, s.dim]),
      s.itemFeatureFactors,
    ]);
  if (s.userFeatureFactors)
    tables.push([
      spec('user_feature_factors', [d.userFeatureNames.length, s.dim]),
      s.userFeatureFactors,
    ]);
  return tables;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** tfjs writes typed arrays' native bytes; on a big-endian host we must swap to stay LE. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function writeFloats(buffer: ArrayBuffer, offset: number, values: Float32Array): void {
  if (LITTLE_ENDIAN) return new Float32Array(buffer, offset, values.length).set(values);
  const view = new DataView(buffer, offset, values.length * 4);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
}

function readFloats(buffer: ArrayBuffer, offset: number, n: number): Float32Array {
  // A copy, never a view: each array can then be transferred to a worker on its own.
  if (LITTLE_ENDIAN) return new Float32Array(buffer.slice(offset, offset + n * 4));
  const view = new DataView(buffer, offset, n * 4);
  return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
}

/**
 * `model.json` text and `weights.bin` bytes for a snapshot. Throws when an array's length does
 * not match its shape (users x dim, items x dim, ...): that is a caller's bug, not a file problem.
 */
export function modelArtifacts(input: ModelArtifactsInput): {
  modelJson: string;
  weights: ArrayBuffer;
} {
  const { snapshot: s, dataset } = input;
  const tables = tablesOf(s, dataset);
  for (const [spec, values] of tables)
    if (values.length !== sizeOf(spec.shape))
      throw new Error(
        `${spec.name} has ${values.length} values, not ${spec.shape.join(' x ') || 1}`,
      );
  const weights = new ArrayBuffer(tables.reduce((n, [, v]) => n + v.length * 4, 0));
  let offset = 0;
  for (const [, values] of tables) {
    writeFloats(weights, offset, values);
    offset += values.length * 4;
  }
  const metadata: ModelMetadata = {
    latentLab: 1,
    model: input.model,
    config: input.config,
    epoch: s.epoch,
    ...(input.history !== undefined && { history: input.history }),
    dataset,
  };
  const modelJson = {
    format: ARTIFACT_FORMAT,
    generatedBy: 'Latent Lab',
    convertedBy: null,
    // tf.io.browserFiles().load() rejects a null topology, so it names the model instead of
    // holding a Keras graph (a factor model has none: score = bias + user . item).
    modelTopology: { latentLab: input.model },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: tables.map(([spec]) => spec) }],
    userDefinedMetadata: metadata,
  };
  return { modelJson: JSON.stringify(modelJson), weights };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The metadata of `model.json`, checked field by field (throws DataError naming the field). */
function readMetadata(file: string, meta: unknown): Omit<ModelMetadata, 'latentLab'> {
  if (!isObject(meta) || meta.latentLab !== 1)
    throw new DataError(file, 'this is not a Latent Lab model (no latentLab metadata)');
  const d = meta.dataset;
  if (!isObject(d)) throw new DataError(file, 'the metadata has no "dataset"');
  for (const key of ['userIds', 'itemIds', 'itemLabels', 'itemFeatureNames', 'userFeatureNames'])
    if (!isStrings(d[key])) throw new DataError(file, `dataset.${key} is not a list of strings`);
  if (d.kind !== 'explicit' && d.kind !== 'implicit')
    throw new DataError(file, `dataset.kind must be "explicit" or "implicit"`);
  if (typeof meta.model !== 'string') throw new DataError(file, 'the metadata has no "model"');
  if (typeof meta.epoch !== 'number') throw new DataError(file, 'the metadata has no "epoch"');
  if (!isObject(meta.config)) throw new DataError(file, 'the metadata has no "config"');
  // Settings added after the file was written take their defaults.
  const config = { ...DEFAULT_CONFIG, ...meta.config } as TrainConfig;
  const problems = validateConfig(config);
  if (problems.length) throw new DataError(file, `config: ${problems.join('; ')}`);
  const strings = (key: string) => d[key] as string[];
  if (strings('itemLabels').length !== strings('itemIds').length)
    throw new DataError(file, 'dataset.itemLabels and dataset.itemIds differ in length');
  return {
    model: meta.model,
    config,
    epoch: meta.epoch,
    ...(meta.history !== undefined && { history: meta.history }),
    dataset: {
      name: String(d.name ?? ''),
      kind: d.kind,
      userIds: strings('userIds'),
      itemIds: strings('itemIds'),
      itemLabels: strings('itemLabels'),
      itemFeatureNames: strings('itemFeatureNames'),
      userFeatureNames: strings('userFeatureNames'),
      rows: Number(d.rows ?? 0),
    },
  };
}

/** Reads the manifest's weight specs: one file, float32 only, finite whole-number shapes. */
function readManifest(file: string, manifest: unknown): { path: string; specs: WeightSpec[] } {
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isObject(manifest[0]))
    throw new DataError(file, 'the weightsManifest must have exactly one group');
  const { paths, weights } = manifest[0];
  if (!isStrings(paths) || paths.length !== 1)
    throw new DataError(file, 'the weights must be in one file (weightsManifest paths)');
  if (!Array.isArray(weights)) throw new DataError(file, 'the weightsManifest lists no weights');
  const specs = weights.map((w: unknown, k): WeightSpec => {
    if (!isObject(w) || typeof w.name !== 'string')
      throw new DataError(file, `weight ${k + 1} has no name`);
    if (w.dtype !== 'float32' || w.quantization !== undefined)
      throw new DataError(
        file,
        `${w.name} is ${String(w.dtype)}${w.quantization ? ' (quantised)' : ''}, not float32`,
      );
    const shape = w.shape;
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0))
      throw new DataError(file, `${w.name} has no valid shape`);
    return { name: w.name, shape: shape as number[], dtype: 'float32' };
  });
  return { path: paths[0], specs };
}

/**
 * A model written by `modelArtifacts` (or any tfjs artifacts with the same names and metadata).
 * Throws DataError naming the file when it is not ours, a weight is missing or not float32,
 * `weights.bin` is not as long as the manifest says, or a shape does not fit the id counts.
 */
export function readModelArtifacts(
  modelJsonText: string,
  weights: ArrayBuffer,
  fileName = 'model.json',
): ImportedModel {
  let json: unknown;
  try {
    json = JSON.parse(modelJsonText);
  } catch {
    throw new DataError(fileName, 'this is not JSON');
  }
  if (!isObject(json)) throw new DataError(fileName, 'this is not a tfjs model.json');
  const meta = readMetadata(fileName, json.userDefinedMetadata);
  const { path, specs } = readManifest(fileName, json.weightsManifest);
  const weightsName = path.split('/').pop() ?? path;
  const expected = specs.reduce((n, s) => n + sizeOf(s.shape) * 4, 0);
  if (weights.byteLength !== expected)
    throw new DataError(
      weightsName,
      `the file has ${weights.byteLength} bytes; ${fileName} describes ${expected}`,
    );
  const arrays = new Map<string, { spec: WeightSpec; values: Float32Array }>();
  let offset = 0;
  for (const spec of specs) {
    const n = sizeOf(spec.shape);
    arrays.set(spec.name, { spec, values: readFloats(weights, offset, n) });
    offset += n * 4;
  }
  const { dataset: d } = meta;
  const factors = arrays.get('user_factors');
  const dim = factors?.spec.shape[1] ?? 0;
  const get = (name: string, shape: number[]): Float32Array => {
    const a = arrays.get(name);
    if (!a) throw new DataError(fileName, `the weight ${name} is missing`);
    if (a.spec.shape.join() !== shape.join())
      throw new DataError(
        fileName,
        `${name} has shape [${a.spec.shape.join(', ')}], expected [${shape.join(', ')}] ` +
          `from the ${d.userIds.length} user and ${d.itemIds.length} item ids`,
      );
    return a.values;
  };
  const optional = (name: string, rows: number) =>
    arrays.has(name) ? get(name, [rows, dim]) : undefined;
  const itemFeatureFactors = optional('item_feature_factors', d.itemFeatureNames.length);
  const userFeatureFactors = optional('user_feature_factors', d.userFeatureNames.length);
  const snapshot: EmbeddingSnapshot = {
    epoch: meta.epoch,
    dim,
    userFactors: get('user_factors', [d.userIds.length, dim]),
    itemFactors: get('item_factors', [d.itemIds.length, dim]),
    userBias: get('user_bias', [d.userIds.length]),
    itemBias: get('item_bias', [d.itemIds.length]),
    globalBias: get('global_bias', [])[0],
    ...(itemFeatureFactors && { itemFeatureFactors }),
    ...(userFeatureFactors && { userFeatureFactors }),
  };
  return { ...meta, snapshot };
}
