import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { DataError } from '../data/errors';
import type { EmbeddingSnapshot } from '../data/types';
import { DEFAULT_CONFIG } from '../training/config';
import {
  modelArtifacts,
  readModelArtifacts,
  WEIGHTS_FILE,
  type ModelDatasetInfo,
} from './artifacts';

const dataset: ModelDatasetInfo = {
  name: 'ratings.csv',
  kind: 'explicit',
  userIds: ['u1', 'u2', 'u3'],
  itemIds: ['10', '20'],
  itemLabels: ['Heat (1995)', 'Alien (1979)'],
  itemFeatureNames: ['Action', 'Drama', 'Horror'],
  userFeatureNames: ['age=18-24'],
  rows: 5,
};

const ramp = (n: number, scale: number) =>
  Float32Array.from({ length: n }, (_, i) => i * scale - 1);

function snapshot(withFeatures: boolean): EmbeddingSnapshot {
  return {
    epoch: 4,
    dim: 2,
    userFactors: ramp(6, 0.25),
    itemFactors: ramp(4, -0.5),
    userBias: Float32Array.of(0.1, -0.2, 0.3),
    itemBias: Float32Array.of(1.5, -2.5),
    globalBias: 3.5,
    ...(withFeatures && { itemFeatureFactors: ramp(6, 0.125), userFeatureFactors: ramp(2, 2) }),
  };
}

const config = { ...DEFAULT_CONFIG, model: 'hybrid', dim: 2 };
const history = [{ epoch: 1, trainLoss: 0.9, rmse: 1.1 }];

function write(withFeatures = true) {
  return modelArtifacts({
    snapshot: snapshot(withFeatures),
    dataset,
    model: 'hybrid',
    config,
    history,
  });
}

/** model.json parsed, changed by `edit`, and written back. */
function edited<T>(modelJson: string, edit: (j: T) => void): string {
  const j = JSON.parse(modelJson) as T;
  edit(j);
  return JSON.stringify(j);
}

describe('model artifacts', () => {
  it('round-trips the factors and the metadata exactly', () => {
    const { modelJson, weights } = write();
    const m = readModelArtifacts(modelJson, weights);
    expect(m.snapshot).toEqual(snapshot(true));
    expect(m.model).toBe('hybrid');
    expect(m.config).toEqual(config);
    expect(m.epoch).toBe(4);
    expect(m.history).toEqual(history);
    expect(m.dataset).toEqual(dataset);
    // Each array is its own buffer, so it can be transferred to a worker alone.
    expect(m.snapshot.userFactors.buffer).not.toBe(m.snapshot.itemFactors.buffer);
  });

  it('leaves the optional tables and history out when there are none', () => {
    const s = snapshot(false);
    const { modelJson, weights } = modelArtifacts({
      snapshot: s,
      dataset,
      model: 'biased-mf',
      config,
    });
    const m = readModelArtifacts(modelJson, weights);
    expect(m.snapshot).toEqual(s);
    expect(m.history).toBeUndefined();
    expect(weights.byteLength).toBe((6 + 4 + 3 + 2 + 1) * 4);
  });

  it('writes the standard tfjs layout: decodeWeights reads the same values', async () => {
    const { modelJson, weights } = write();
    const json = JSON.parse(modelJson);
    expect(json.format).toBe('latent-lab-factors');
    expect(json.convertedBy).toBeNull();
    expect(json.weightsManifest[0].paths).toEqual([WEIGHTS_FILE]);
    const tensors = tf.io.decodeWeights(weights, json.weightsManifest[0].weights);
    const s = snapshot(true);
    expect(tensors.user_factors.shape).toEqual([3, 2]);
    expect(tensors.global_bias.shape).toEqual([]);
    expect(tensors.user_factors.dtype).toBe('float32');
    expect(await tensors.user_factors.data()).toEqual(s.userFactors);
    expect(await tensors.item_factors.data()).toEqual(s.itemFactors);
    expect(await tensors.item_bias.data()).toEqual(s.itemBias);
    expect(await tensors.item_feature_factors.data()).toEqual(s.itemFeatureFactors);
    expect((await tensors.global_bias.data())[0]).toBe(3.5);
    tf.dispose(Object.values(tensors));
  });

  it('loads through tf.io.browserFiles as the browser would', async () => {
    // Node has File but no FileReader; this stand-in reads as the browser's does.
    class NodeFileReader {
      result: string | ArrayBuffer | null = null;
      onload: ((e: { target: NodeFileReader }) => void) | null = null;
      onerror: ((e: unknown) => void) | null = null;
      readAsText(b: Blob) {
        void b.text().then((t) => this.done(t), this.onerror);
      }
      readAsArrayBuffer(b: Blob) {
        void b.arrayBuffer().then((t) => this.done(t), this.onerror);
      }
      private done(r: string | ArrayBuffer) {
        this.result = r;
        this.onload?.({ target: this });
      }
    }
    const g = globalThis as { FileReader?: unknown };
    const saved = g.FileReader;
    g.FileReader = NodeFileReader;
    try {
      const { modelJson, weights } = write();
      const files = [
        new File([modelJson], 'model.json'),
        new File([new Uint8Array(weights)], WEIGHTS_FILE),
      ];
      const loaded = await tf.io.browserFiles(files).load!();
      expect(loaded.modelTopology).toEqual({ latentLab: 'hybrid' });
      expect(loaded.weightSpecs?.map((w) => w.name)).toContain('user_factors');
      const bytes = tf.io.CompositeArrayBuffer.join(loaded.weightData);
      const back = readModelArtifacts(modelJson, bytes);
      expect(back.snapshot).toEqual(snapshot(true));
    } finally {
      g.FileReader = saved;
    }
  });

  const cases: [string, (json: string, w: ArrayBuffer) => [string, ArrayBuffer], RegExp][] = [
    ['not JSON', (_, w) => ['{oops', w], /^model\.json: this is not JSON/],
    [
      'not ours',
      (j, w) => [
        edited(j, (x: { userDefinedMetadata?: unknown }) => delete x.userDefinedMetadata),
        w,
      ],
      /model\.json: this is not a Latent Lab model/,
    ],
    [
      'a missing weight',
      (j, w) => [
        edited(j, (x: { weightsManifest: { weights: { name: string }[] }[] }) => {
          const ws = x.weightsManifest[0].weights;
          ws.splice(
            ws.findIndex((s) => s.name === 'item_bias'),
            1,
          );
        }),
        w.slice(0, w.byteLength - 2 * 4),
      ],
      /model\.json: the weight item_bias is missing/,
    ],
    [
      'a wrong byte length',
      (j, w) => [j, w.slice(0, w.byteLength - 4)],
      /^weights\.bin: the file has \d+ bytes; model\.json describes \d+/,
    ],
    [
      'a shape that does not match the ids',
      (j, w) => [
        edited(j, (x: { userDefinedMetadata: { dataset: ModelDatasetInfo } }) =>
          x.userDefinedMetadata.dataset.userIds.pop(),
        ),
        w,
      ],
      /user_factors has shape \[3, 2\], expected \[2, 2\] from the 2 user and 2 item ids/,
    ],
    [
      'a non-float32 weight',
      (j, w) => [
        edited(j, (x: { weightsManifest: { weights: { dtype: string }[] }[] }) => {
          x.weightsManifest[0].weights[1].dtype = 'int32';
        }),
        w,
      ],
      /model\.json: item_factors is int32, not float32/,
    ],
  ];
  it.each(cases)('rejects %s with a DataError naming the file', (_, spoil, message) => {
    const { modelJson, weights } = write();
    const [json, w] = spoil(modelJson, weights);
    let thrown: unknown;
    try {
      readModelArtifacts(json, w);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DataError);
    expect((thrown as Error).message).toMatch(message);
  });

  it('names the file it was given', () => {
    expect(() => readModelArtifacts('[]', new ArrayBuffer(0), 'run-3/model.json')).toThrow(
      /^run-3\/model\.json: /,
    );
  });
});
