/**
 * The facade's wiring, with the browser's Worker replaced by a recorder: a training epoch lays
 * out the new embeddings in the projection worker, a selection follows new embeddings, and a new
 * data set resets what the last one left. Each controller's behaviour is tested in its own file.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Lab } from './lab';
import { tinyDataset, tinySnapshot } from './test-fixtures';
import type { TrainingEvent } from '../worker/training/protocol';

class FakeWorker {
  static all: FakeWorker[] = [];
  readonly sent: { type: string; id?: number; n?: number; dims?: number }[] = [];
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: URL) {
    FakeWorker.all.push(this);
  }
  postMessage(msg: { type: string }): void {
    this.sent.push(msg);
  }
  terminate(): void {}
  static named(part: string): FakeWorker {
    const w = FakeWorker.all.find((x) => String(x.url).includes(part));
    if (!w) throw new Error(`no ${part} worker started`);
    return w;
  }
}

beforeEach(() => {
  FakeWorker.all = [];
  vi.stubGlobal('Worker', FakeWorker);
});
afterEach(() => vi.unstubAllGlobals());

/** The methods the UI, url-sync, lab-api and the e2e page objects call (CONTRACT-facing). */
const PUBLIC = [
  'openSession',
  'startFresh',
  'start',
  'attachScene',
  'onCameraChange',
  'cameraState',
  'applyView',
  'layoutDrawn',
  'screenPosition',
  'dispose',
  'reportError',
  'dismissError',
  'isTraining',
  'setConfig',
  'train',
  'tune',
  'setTuneBudget',
  'applyTuned',
  'setEngine',
  'recalibrate',
  'pause',
  'resume',
  'stop',
  'project',
  'setProjection',
  'setProjectionParams',
  'setColorBy',
  'setMaxPoints',
  'cancelProjection',
  'isolate',
  'replayLayout',
  'select',
  'clearSelection',
  'setNeighbours',
  'setShown',
  'setView',
  'mark',
  'recommendationsCsv',
  'importEmbeddings',
  'importModel',
  'modelFiles',
] as const;

describe('Lab facade', () => {
  it('keeps every public method', () => {
    const lab = new Lab();
    for (const m of PUBLIC) expect(typeof lab[m], m).toBe('function');
    expect(lab.data).toBeDefined();
    expect(lab.testFile).toBeDefined();
    lab.dispose();
  });

  it('an epoch from the training worker is laid out in the projection worker', async () => {
    const lab = new Lab();
    lab.data.loadImported(tinyDataset(), 'tiny');
    lab.setConfig({ epochs: 1 });
    lab.train();
    const training = FakeWorker.named('training');
    expect(training.sent.at(-1)?.type).toBe('train');
    lab.setNeighbours({ minSupport: 0 });
    lab.select('item', 0);
    const emit = (e: TrainingEvent) => training.onmessage!({ data: e });
    emit({
      type: 'epoch',
      entry: { epoch: 1, trainLoss: 1, rmse: 1, split: 'test', seconds: 0.1 },
      snapshot: tinySnapshot(1),
    });
    // The selection's card now has neighbours from the new embeddings.
    expect(lab.store.get().selection?.neighbors.length).toBeGreaterThan(0);
    const projection = FakeWorker.named('projection');
    // The layout starts in a task of its own, after the epoch's.
    await vi.waitFor(() => expect(projection.sent.some((m) => m.type === 'project')).toBe(true));
    const req = projection.sent.find((m) => m.type === 'project')!;
    expect(req).toMatchObject({ n: 7 });
    const coords = new Float32Array(7 * req.dims!);
    projection.onmessage!({ data: { type: 'done', id: req.id, coords, ms: 1 } });
    await vi.waitFor(() => expect(lab.store.get().projection.status).toBe('done'));
    expect(lab.store.get().projection.coords).toHaveLength(7 * req.dims!);
    lab.dispose();
  });

  it("an epoch's parameters, posted with it or after it, are what a reload resumes from", () => {
    const lab = new Lab();
    lab.data.loadImported(tinyDataset(), 'tiny');
    lab.train();
    const emit = (e: TrainingEvent) => FakeWorker.named('training').onmessage!({ data: e });
    const state = (epoch: number) => ({
      epoch,
      model: 'biased-mf',
      params: [{ name: 'table:user', shape: [2, 1], values: Float32Array.of(epoch, 0) }],
    });
    emit({
      type: 'epoch',
      entry: { epoch: 1, trainLoss: 1, rmse: 1, split: 'test', seconds: 0.1 },
      snapshot: tinySnapshot(1),
      state: state(1),
    });
    expect(lab.store.get().durable.checkpoint?.epoch).toBe(1);
    emit({
      type: 'epoch',
      entry: { epoch: 2, trainLoss: 1, rmse: 1, split: 'test', seconds: 0.1 },
      snapshot: tinySnapshot(2),
    });
    expect(lab.store.get().durable.checkpoint?.epoch).toBe(1);
    emit({ type: 'checkpoint', epoch: 2, state: state(2) });
    expect(lab.store.get().durable.checkpoint).toEqual(state(2));
    lab.dispose();
  });

  it('a new data set stops the run and clears the last one’s map and selection', () => {
    const lab = new Lab();
    lab.data.loadImported(tinyDataset(), 'tiny');
    lab.store.set({ embeddings: tinySnapshot() });
    lab.select('user', 1);
    lab.mark({ query: 'q', points: [1, 2] });
    lab.train();
    lab.data.loadImported(tinyDataset(), 'again');
    const s = lab.store.get();
    expect(FakeWorker.named('training').sent.at(-1)?.type).toBe('stop');
    expect(s.selection).toBeNull();
    expect(s.marked).toBeNull();
    expect(s.embeddings).toBeNull();
    expect(s.training.status).toBe('idle');
    lab.dispose();
  });

  it('a bookmarked selection waits for its data set', () => {
    const lab = new Lab();
    lab.applyView({ selection: { kind: 'item', id: '30' } });
    expect(lab.store.get().selection).toBeNull();
    lab.data.loadImported(tinyDataset(), 'tiny');
    expect(lab.store.get().selection).toMatchObject({ kind: 'item', label: 'Amélie' });
    lab.dispose();
  });
});
