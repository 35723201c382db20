/**
 * The app's facade: owns the store and composes one controller per concern (data, test file,
 * training, projection, selection, session, exports, space quality), which are the only writers
 * of state. UI components, `window.__lab` and the URL sync call the methods below, each a
 * one-line delegation; the controllers talk through the store and the callbacks wired here.
 */
import { createStore, type Store } from './store';
import {
  initialState,
  type ColorBy,
  type LabState,
  type PointKind,
  type ProjectionState,
  type ViewState,
} from './lab-state';
import { DataActions } from './data-actions';
import { TestFileActions } from './test-file';
import { SpaceActions } from './space-actions';
import { TrainingController } from './training-controller';
import { ProjectionController } from './projection-controller';
import { SelectionController } from './selection-controller';
import { SessionController, type SceneHandle } from './session-controller';
import { ExportsController } from './exports-controller';
import { PlaygroundController } from './playground';
import { DurableSession } from './durable';
import { clearSession } from './persist';
import { watchMapBusy, watchProjectionShare } from './projection-share';
import { watchCalibration } from './auto-calibrate';
import type { NeighbourOptions } from './selection';
import type { UrlView } from './url-state';
import type { PathedFile } from './import-embeddings';
import type { EnginePreference } from '../core/engines/types';
import type { ProjectionMethod } from '../worker/projection/protocol';
import type { TrainConfig } from '../core/training/config';
import type { TuneBudget } from '../core/training/tuning';

export type { SceneHandle } from './session-controller';

export class Lab {
  readonly store: Store<LabState> = createStore(initialState());
  readonly space = new SpaceActions(this.store, (m) => this.reportError('space', m));
  /** The cold-start playground (New user / New item), over the store. */
  readonly playground = new PlaygroundController(this.store);
  readonly selection = new SelectionController(this.store, () => void this.space.measure(null));
  readonly projection = new ProjectionController(this.store, (s, m) => this.reportError(s, m));
  /** Keeps the session in IndexedDB, each finished epoch at once (durable.ts). */
  readonly durable = new DurableSession(this.store, (m) => this.reportError('storage', m));
  readonly training = new TrainingController(this.store, {
    onEvent: (e) => this.durable.onTrainingEvent(e),
    reportError: (s, m) => this.reportError(s, m),
    project: () => void this.projection.project(),
    projectLive: () => this.projection.projectLive(),
    prepareLayout: () => this.projection.prepareLayout(),
    refreshSelection: () => this.selection.refreshSelection(),
    space: this.space,
  });
  readonly data = new DataActions(this.store, () => this.onDataset());
  readonly testFile = new TestFileActions(this.store, this.data);
  readonly session = new SessionController(this.store, {
    reportError: (s, m) => this.reportError(s, m),
    loadSample: (base) => this.data.loadSample(base),
    selectById: (want) => this.selection.selectById(want),
    restoreSelection: () => this.selection.restorePending(),
    storage: {
      restore: () => this.durable.restore(),
      keep: () => this.durable.keep(),
      stop: () => this.durable.stop(),
      clear: clearSession,
    },
    onMapContext: (lost) => this.durable.mapContext(lost),
  });
  readonly exports = new ExportsController(this.store, {
    reportError: (s, m) => this.reportError(s, m),
    loadImported: (d, note) => this.data.loadImported(d, note),
    project: () => void this.projection.project(),
    training: this.training,
  });

  /** The engines are measured while the page rests, before Train (auto-calibrate.ts). */
  private readonly unwatchCalibration = watchCalibration(this.store, () =>
    this.training.recalibrate(false),
  );

  /** The map rests while training keeps the cores busy (projection-share.ts). */
  private readonly unwatchShare = watchProjectionShare(this.store, (share) =>
    this.projection.setShare(share),
  );
  /** The parallel CPU engine narrows to one thread while the map lays out. */
  private readonly unwatchMapBusy = watchMapBusy(this.store, (busy) => this.training.mapBusy(busy));

  /** A new data set: the run stops, layouts and selection go, settings stay. */
  private onDataset(): void {
    if (this.training.isTraining()) this.training.stop();
    this.space.reset();
    this.projection.reset();
    const fresh = initialState();
    this.store.set((s) => ({
      embeddings: null,
      selection: null,
      marked: null,
      restoredAt: null,
      projection: {
        ...fresh.projection,
        method: s.projection.method,
        dims: s.projection.dims,
        params: s.projection.params,
        maxPoints: s.projection.maxPoints,
      },
      training: {
        ...fresh.training,
        backend: s.training.backend,
        fallbackReason: s.training.fallbackReason,
        renderer: s.training.renderer,
        config: s.training.config,
      },
    }));
    this.selection.restorePending();
  }

  /** Shows an error to the person (the page's error list). */
  reportError(source: string, message: string): void {
    this.store.set((s) => ({ errors: [...s.errors, { source, message }].slice(-20) }));
  }

  dismissError(i: number): void {
    this.store.set((s) => ({ errors: s.errors.filter((_, k) => k !== i) }));
  }

  dispose(): void {
    this.unwatchShare();
    this.unwatchMapBusy();
    this.unwatchCalibration();
    this.training.dispose();
    this.projection.dispose();
    this.space.dispose();
  }

  // Session and persistence, URL and camera (session-controller.ts).
  openSession(withSample: boolean, base: string): Promise<void> {
    return this.session.openSession(withSample, base);
  }
  startFresh(): Promise<void> {
    return this.session.startFresh();
  }
  attachScene(scene: SceneHandle | null): void {
    this.session.attachScene(scene);
  }
  onCameraChange(cb: () => void): () => void {
    return this.session.onCameraChange(cb);
  }
  cameraState(): number[] | null {
    return this.session.cameraState();
  }
  applyView(v: UrlView): void {
    this.session.applyView(v);
  }
  layoutDrawn(): void {
    this.session.layoutDrawn();
  }
  screenPosition(point: number): { x: number; y: number } | null {
    return this.session.screenPosition(point);
  }

  // Training (training-controller.ts).
  start(): void {
    this.training.start();
  }
  isTraining(): boolean {
    return this.training.isTraining();
  }
  setConfig(patch: Partial<TrainConfig>): void {
    this.training.setConfig(patch);
  }
  train(): void {
    this.training.train();
  }
  tune(): void {
    this.training.tune();
  }
  /** Continues the run the last page left mid-training (durable.ts). */
  resumeInterrupted(): void {
    this.training.resumeInterrupted();
  }
  /** Test hook (window.__lab.loseGpuContext): the training worker loses its WebGL context. */
  loseGpuContext(): void {
    this.training.loseGpuContext();
  }
  setTuneBudget(patch: Partial<TuneBudget>): void {
    this.training.setTuneBudget(patch);
  }
  applyTuned(): void {
    this.training.applyTuned();
  }
  setEngine(preference: EnginePreference): void {
    this.training.setEngine(preference);
  }
  recalibrate(): void {
    this.training.recalibrate();
  }
  pause(): void {
    this.training.pause();
  }
  resume(): void {
    this.training.resume();
  }
  stop(): void {
    this.training.stop();
  }

  // Projection (projection-controller.ts).
  project(): Promise<void> {
    return this.projection.project();
  }
  setProjection(method: ProjectionMethod, dims: 2 | 3): void {
    this.projection.setProjection(method, dims);
  }
  setProjectionParams(patch: Partial<ProjectionState['params']>): void {
    this.projection.setProjectionParams(patch);
  }
  setColorBy(colorBy: ColorBy): void {
    this.projection.setColorBy(colorBy);
  }
  setMaxPoints(maxPoints: number): void {
    this.projection.setMaxPoints(maxPoints);
  }
  cancelProjection(): void {
    this.projection.cancelProjection();
  }
  isolate(points: number[] | null): void {
    this.projection.isolate(points);
  }
  replayLayout(index: number | null): void {
    this.projection.replayLayout(index);
  }

  // Selection and view (selection-controller.ts).
  select(kind: PointKind, index: number): void {
    this.selection.select(kind, index);
  }
  clearSelection(): void {
    this.selection.clearSelection();
  }
  setNeighbours(patch: Partial<NeighbourOptions>): void {
    this.selection.setNeighbours(patch);
  }
  setShown(kind: PointKind, shown: boolean): void {
    this.selection.setShown(kind, shown);
  }
  setView(patch: Partial<Omit<ViewState, 'show' | 'neighbours'>>): void {
    this.selection.setView(patch);
  }
  mark(marked: { query: string; points: number[] } | null): void {
    this.selection.mark(marked);
  }

  // Exports and model import (exports-controller.ts).
  recommendationsCsv(k: number): Promise<string> {
    return this.exports.recommendationsCsv(k);
  }
  importEmbeddings(files: PathedFile[] | Promise<PathedFile[]>): Promise<void> {
    return this.exports.importEmbeddings(files);
  }
  importModel(files: File[]): Promise<void> {
    return this.exports.importModel(files);
  }
  modelFiles(): { modelJson: string; weights: ArrayBuffer } {
    return this.exports.modelFiles();
  }
}
