/**
 * The app controller: owns the store and the workers' clients, turns worker events into state,
 * and is the only writer of state. UI components call its methods; they never talk to workers.
 */
import { createStore, type Store } from './store';
import {
  initialState,
  type ColorBy,
  type LabState,
  type PointKind,
  type ProjectionState,
  type RunRecord,
  type TrainingState,
  type ViewState,
} from './lab-state';
import { DataActions } from './data-actions';
import { TestFileActions } from './test-file';
import { MISSING_TEST_FILE } from '../core/training/test-file-part';
import { SpaceActions } from './space-actions';
import { describeSelection } from './selection';
import { indexOfId, pointCount, pointSpace, popularity, projectionInput } from './points';
import { sameSubset, spreadLayout, stratifiedSample, takeRows } from './subset';
import type { UrlView } from './url-state';
import { recommendationsCsv } from './export';
import { exportModel, importedRun, placeModel, readModelFiles } from './import-model';
import { summarizeRun } from './runs';
import { readEmbeddingFiles, type PathedFile } from './import-embeddings';
import { clearSession } from './persist';
import { DurableSession } from './durable';
import type { InterruptedRun } from './durable-state';
import { groupByUser } from '../core/metrics/ranking';
import type { NeighbourOptions } from './selection';
import { TrainingClient } from '../worker/training/client';
import type { EnginePreference } from '../core/engines/types';
import { trainingPayload, type TrainingEvent } from '../worker/training/protocol';
import { ProjectionCancelledError, ProjectionClient } from '../worker/projection/client';
import type { ProjectionMethod } from '../worker/projection/protocol';
import type { TrainConfig } from '../core/training/config';
import type { TuneBudget } from '../core/training/tuning';
import type { Dataset } from '../core/data/types';

/** What the lab needs of the 3D view (for the test API's screenPosition). */
export interface SceneHandle {
  screenPosition(point: number): { x: number; y: number } | null;
  /** Camera position then orbit target (6 numbers), for the URL. */
  cameraState(): number[];
  setCameraState(v: number[]): void;
  onCameraChange(cb: () => void): () => void;
  /** Hears when the map's WebGL context is lost (true) and restored (false). */
  onContextChange?(cb: (lost: boolean) => void): () => void;
}

/** Layouts kept for the epoch slider (about 120 kB each at 10,000 points in 3D). */
const MAX_LAYOUTS = 100;

/** Loss readings kept for the chart: enough for a smooth curve, bounded for long runs. */
const MAX_LOSS_POINTS = 2000;

export class Lab {
  /** Whether the person pressed Stop during the current run or search. */
  private stopRequested = false;
  readonly store: Store<LabState> = createStore(initialState());
  readonly data: DataActions;
  readonly testFile: TestFileActions;
  readonly space = new SpaceActions(this.store, (m) => this.reportError('space', m));
  private scene: SceneHandle | null = null;
  private readonly recommendJobs = new Map<
    number,
    { resolve: (r: { item: Int32Array; score: Float32Array }) => void; reject: (e: Error) => void }
  >();
  private nextJob = 1;
  /** Keeps the session in IndexedDB, each finished epoch at once (durable.ts). */
  readonly durable = new DurableSession(this.store, (m) => this.reportError('storage', m));
  private detachCamera: (() => void) | undefined;
  private detachContext: (() => void) | undefined;
  private readonly cameraListeners = new Set<() => void>();
  /** A bookmarked selection waiting for its data set, and camera waiting for a layout. */
  private pendingSelection: UrlView['selection'] | null = null;
  private pendingCamera: number[] | null = null;
  private training: TrainingClient | null = null;
  private readonly projection = new ProjectionClient();
  /** The last finished layout, which the next one is rotated onto so points move, not jump. */
  private lastLayout: {
    method: ProjectionMethod;
    coords: Float32Array;
    laidOut: Int32Array | null;
  } | null = null;

  constructor() {
    this.data = new DataActions(this.store, (d) => this.onDataset(d));
    this.testFile = new TestFileActions(this.store, this.data);
  }

  /**
   * On page load: restores the saved session (unless `?sample=none`), else loads the sample
   * (when `withSample`); from then on the session is kept as it changes (persist.ts).
   */
  async openSession(withSample: boolean, base: string): Promise<void> {
    let restored: Date | null = null;
    if (withSample) {
      try {
        restored = await this.durable.restore();
      } catch (e) {
        this.reportError('storage', `The saved session could not be read (${String(e)}).`);
      }
    }
    if (restored) {
      this.store.set({ restoredAt: restored.toISOString() });
      this.restoreSelection();
    } else if (withSample) await this.data.loadSample(base);
    await this.durable.keep();
  }

  /** Forgets the saved session and reloads the page with the sample. */
  async startFresh(): Promise<void> {
    this.durable.stop();
    await clearSession().catch(() => undefined);
    location.assign(location.pathname);
  }

  /** Starts the training worker early, so the backend is known before the first run. */
  start(): void {
    this.training ??= new TrainingClient((e) => {
      this.durable.onTrainingEvent(e);
      this.onTrainingEvent(e);
    });
  }

  /** The 3D view registers itself here (null when it unmounts). */
  attachScene(scene: SceneHandle | null): void {
    this.detachCamera?.();
    this.detachContext?.();
    this.scene = scene;
    this.detachCamera = scene?.onCameraChange(() => this.cameraListeners.forEach((l) => l()));
    this.detachContext = scene?.onContextChange?.((lost) => this.durable.mapContext(lost));
  }

  /** Called whenever the camera moves (for the URL). */
  onCameraChange(cb: () => void): () => void {
    this.cameraListeners.add(cb);
    return () => this.cameraListeners.delete(cb);
  }

  /** The camera of a drawn layout, or null when nothing is drawn. */
  cameraState(): number[] | null {
    return this.scene && this.store.get().projection.coords ? this.scene.cameraState() : null;
  }

  /**
   * Applies a bookmarked view (url-state.ts). Settings apply now; the selection once its data set
   * is loaded; the camera once a layout is drawn (`layoutDrawn`).
   */
  applyView(v: UrlView): void {
    this.store.set((s) => ({
      projection: {
        ...s.projection,
        method: v.method ?? s.projection.method,
        dims: v.dims ?? s.projection.dims,
        params: {
          nNeighbors: v.nNeighbors ?? s.projection.params.nNeighbors,
          minDist: v.minDist ?? s.projection.params.minDist,
          perplexity: v.perplexity ?? s.projection.params.perplexity,
          firstComponent: v.firstComponent ?? s.projection.params.firstComponent,
        },
      },
      colorBy: v.colorBy ?? s.colorBy,
      view: {
        show: v.show ?? s.view.show,
        sizeByPopularity: v.sizeByPopularity ?? s.view.sizeByPopularity,
        pointSize: v.pointSize ?? s.view.pointSize,
        labelSize: v.labelSize ?? s.view.labelSize,
        palette: v.palette ?? s.view.palette,
        neighbours: {
          metric: v.metric ?? s.view.neighbours.metric,
          k: v.k ?? s.view.neighbours.k,
          minSupport: v.minSupport ?? s.view.neighbours.minSupport,
        },
      },
    }));
    this.pendingSelection = v.selection ?? null;
    this.pendingCamera = v.camera ?? null;
    this.restoreSelection();
  }

  /** The explorer drew a new layout: a bookmarked camera, if any, applies to the first. */
  layoutDrawn(): void {
    if (this.pendingCamera && this.scene) this.scene.setCameraState(this.pendingCamera);
    this.pendingCamera = null;
  }

  private restoreSelection(): void {
    const want = this.pendingSelection;
    const d = this.store.get().dataset;
    if (!want || !d) return;
    this.pendingSelection = null;
    const index = indexOfId(d, want.kind, want.id);
    if (index >= 0) this.select(want.kind, index);
  }

  /** Where an entity's point is drawn, CSS px relative to the canvas, or null. */
  screenPosition(point: number): { x: number; y: number } | null {
    return this.scene?.screenPosition(point) ?? null;
  }

  dispose(): void {
    this.training?.dispose();
    this.training = null;
    this.projection.dispose();
    this.space.dispose();
  }

  private setTraining(patch: Partial<TrainingState>): void {
    this.store.set((s) => ({ training: { ...s.training, ...patch } }));
  }

  /** Shows an error to the person (the page's error list). */
  reportError(source: string, message: string): void {
    this.store.set((s) => ({ errors: [...s.errors, { source, message }].slice(-20) }));
  }

  private onDataset(_d: Dataset): void {
    if (this.isTraining()) this.stop();
    this.space.reset();
    this.projection.cancel();
    this.lastLayout = null;
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
    this.restoreSelection();
  }

  isTraining(): boolean {
    const st = this.store.get().training.status;
    return st === 'running' || st === 'paused';
  }

  setConfig(patch: Partial<TrainConfig>): void {
    this.setTraining({ config: { ...this.store.get().training.config, ...patch } });
  }

  train(): void {
    this.begin();
  }

  /** Starts a hyper-parameter search over the current settings (see tuning.ts). */
  tune(): void {
    this.begin(this.store.get().training.tuneBudget);
  }

  setTuneBudget(patch: Partial<TuneBudget>): void {
    const t = this.store.get().training;
    this.setTraining({ tuneBudget: { ...t.tuneBudget, ...patch } });
  }

  /** Applies the search's best settings to the training settings. */
  applyTuned(): void {
    const best = this.store.get().training.tuning?.best;
    if (best) this.setConfig({ ...best.trial.settings, epochs: best.config.epochs });
  }

  /** Continues the run the last page left mid-training, from its last finished epoch. */
  resumeInterrupted(): void {
    const run = this.store.get().durable.interrupted;
    if (run && !this.isTraining()) this.begin(undefined, run);
  }

  /** Test hook (window.__lab.loseGpuContext): the training worker loses its WebGL context. */
  loseGpuContext(): void {
    this.training?.send({ type: 'lose-context' });
  }

  /** Sends a run (or with `tune` a search, or a `resume`d run) to the training worker. */
  private begin(tune?: TuneBudget, resume?: InterruptedRun): void {
    const { dataset, training, testFile } = this.store.get();
    if (!dataset || this.isTraining()) return;
    const config = resume?.config ?? training.config;
    // Said before anything starts: what the person must give.
    if (config.split === 'test-file' && !testFile) {
      this.setTraining({ error: MISSING_TEST_FILE });
      this.reportError('training', MISSING_TEST_FILE);
      return;
    }
    this.start();
    this.stopRequested = false;
    this.setTraining({
      ...freshRun(config),
      status: 'running',
      folds: null,
      tuning: tune
        ? {
            status: 'running',
            trial: null,
            config: null,
            total: 0,
            done: 0,
            best: null,
            startedAt: performance.now(),
          }
        : null,
      space: null,
      error: null,
      startedAt: performance.now(),
      // A resumed run keeps its finished epochs.
      ...(resume && { config, history: training.history, epoch: resume.epoch }),
    });
    // What a reload resumes from: nothing of an earlier run.
    this.store.set((s) => ({
      durable: { ...s.durable, interrupted: null, checkpoint: resume?.state ?? null, notice: null },
    }));
    this.space.reset();
    // A new run's layouts replace the last run's on the epoch slider.
    this.store.set((s) => ({ projection: { ...s.projection, history: [], replay: null } }));
    this.store.set((s) => ({ engine: { ...s.engine, engine: null, engines: [] } }));
    this.training!.send({
      type: 'train',
      config,
      // The test file travels only with the split that reads it (the payload is copied).
      data: trainingPayload(
        dataset,
        config.split === 'test-file' && testFile ? testFile.set : null,
      ),
      ...(tune && { tune }),
      ...(resume && { resume: resume.state }),
      engine: this.store.get().engine.preference,
    });
  }

  /** The engine the next run trains on ('auto': the fastest the calibration measures). */
  setEngine(preference: EnginePreference): void {
    this.store.set((s) => ({ engine: { ...s.engine, preference } }));
  }

  pause(): void {
    this.training?.send({ type: 'pause' });
  }
  resume(): void {
    this.training?.send({ type: 'resume' });
  }
  stop(): void {
    this.stopRequested = true;
    this.training?.send({ type: 'stop' });
  }

  /** Adds the run that just ended to the runs table (a search's trial with its settings). */
  private recordRun(status: 'done' | 'stopped', trial?: RunRecord['trial']): void {
    const { training: t, runs, dataset } = this.store.get();
    if (!t.history.length || !t.feedback) return;
    const config = trial && t.tuning?.config ? t.tuning.config : t.config;
    const run = summarizeRun(
      runs.length + 1,
      { ...t, config, feedback: t.feedback },
      dataset?.name ?? '',
      status,
    );
    this.store.set({ runs: [...runs, trial ? { ...run, trial } : run] });
  }

  private onTrainingEvent(e: TrainingEvent): void {
    const t = this.store.get().training;
    switch (e.type) {
      case 'recommend-progress':
        this.store.set({
          exportJob: { label: 'Scoring every user', fraction: e.done / Math.max(1, e.total) },
        });
        return;
      case 'recommendations':
      case 'recommend-error': {
        const job = this.recommendJobs.get(e.id);
        this.recommendJobs.delete(e.id);
        this.store.set({ exportJob: null });
        if (e.type === 'recommendations') job?.resolve(e);
        else job?.reject(new Error(e.message));
        return;
      }
      case 'backend':
        this.setTraining({
          backend: e.backend,
          fallbackReason: e.fallbackReason,
          renderer: e.renderer,
        });
        return;
      case 'engine':
        this.store.set((s) => ({
          engine: { ...s.engine, engine: e.engine, engines: e.engines },
        }));
        return;
      case 'started':
        this.setTraining({
          baselines: e.baselines,
          epochsTotal: e.epochs,
          feedback: e.feedback,
          predictsRatings: e.predictsRatings,
          droppedBelowThreshold: e.droppedBelowThreshold,
          userDays: e.userDays,
          stepsPerEpoch: e.stepsPerEpoch,
          trainRows: e.trainRows,
          testRows: e.testRows,
          validationRows: e.validationRows,
          validationUnseen: e.validationUnseen,
        });
        return;
      case 'progress': {
        const curve = [...t.lossCurve, { epoch: e.epoch, loss: e.loss }];
        this.setTraining({
          epoch: e.epoch,
          step: e.step,
          rowsPerSecond: e.rowsPerSecond,
          etaSeconds: e.etaSeconds,
          lossCurve: curve.length > MAX_LOSS_POINTS ? curve.filter((_, i) => i % 2 === 0) : curve,
        });
        return;
      }
      case 'epoch': {
        this.setTraining({ history: [...t.history, e.entry], epoch: e.entry.epoch });
        this.store.set({ embeddings: e.snapshot });
        this.refreshSelection();
        const every = t.config.projectEvery;
        // The last epoch is laid out; when the test report puts back an earlier epoch, that
        // epoch's factors are laid out again.
        const last = e.entry.epoch >= t.epochsTotal;
        // Fitted reference models have one value per point, and a search's trials are many
        // short runs: nothing to lay out.
        if (e.snapshot.dim < 2 || t.tuning) return;
        // Live re-projection every `every` epochs (0: only when training ends).
        const live =
          every > 0 && (e.entry.epoch % every === 0 || this.store.get().projection.coords === null);
        if (live || last) {
          void this.project();
        }
        return;
      }
      case 'early-stop':
        this.setTraining({ earlyStop: { epoch: e.epoch, bestEpoch: e.bestEpoch } });
        return;
      case 'trial':
        // Each trial is a run of its own: the live curves start over.
        this.setTraining({
          ...freshRun(e.config),
          tuning: t.tuning && { ...t.tuning, trial: e.trial, config: e.config, total: e.total },
        });
        return;
      case 'trial-end': {
        this.recordRun(this.stopRequested ? 'stopped' : 'done', {
          id: e.trial.id,
          rung: e.trial.rung,
          score: e.score,
        });
        const tuning = this.store.get().training.tuning;
        if (tuning) this.setTraining({ tuning: { ...tuning, done: tuning.done + 1 } });
        return;
      }
      case 'tuned': {
        const tuning = this.store.get().training.tuning;
        if (!tuning) return;
        const base = t.config;
        this.setTraining({
          tuning: {
            ...tuning,
            trial: null,
            best: e.best && {
              ...e.best,
              config: { ...base, ...e.best.trial.settings, epochs: e.best.trial.epochs },
            },
          },
        });
        return;
      }
      case 'fold':
        // Each fold trains afresh: the live curves start over; the folds' results are kept.
        this.setTraining({
          folds: { k: e.count, reports: t.folds?.reports ?? [] },
          history: [],
          lossCurve: [],
          test: null,
          earlyStop: null,
          epoch: 0,
          step: 0,
        });
        return;
      case 'test':
        this.setTraining({
          test: e.report,
          ...(t.folds && { folds: { ...t.folds, reports: [...t.folds.reports, e.report] } }),
        });
        // The selected epoch's embeddings (when it is not the last) are what the map,
        // neighbours and exports show.
        if (e.snapshot) {
          this.store.set({ embeddings: e.snapshot });
          this.refreshSelection();
        }
        if (e.snapshot && e.snapshot.dim >= 2 && !t.tuning) void this.project();
        return;
      case 'status': {
        this.setTraining({ status: e.status, ...(e.status === 'done' ? { etaSeconds: 0 } : {}) });
        if (e.status !== 'done' && e.status !== 'stopped') return;
        const tuning = this.store.get().training.tuning;
        // A search's trials are recorded as each ends; its end only closes the search.
        if (tuning) {
          this.setTraining({ tuning: { ...tuning, status: e.status } });
          return;
        }
        const before = this.store.get().runs.length;
        this.recordRun(e.status);
        const runs = this.store.get().runs;
        // The map the run ends with (the selected epoch's), measured.
        if (runs.length > before) void this.space.measure(runs[runs.length - 1].id);
        return;
      }
      case 'error':
        this.setTraining({
          status: t.status === 'idle' && !t.startedAt ? 'idle' : 'error',
          error: e.message,
        });
        this.reportError('training', e.message);
        return;
    }
  }

  setProjection(method: ProjectionMethod, dims: 2 | 3): void {
    this.store.set((s) => ({ projection: { ...s.projection, method, dims } }));
  }

  /**
   * Every user's top-k unseen items from the latest embeddings, scored on the training worker's
   * backend in blocks, as CSV (user, rank, item, score). Reports progress in `exportJob`.
   */
  async recommendationsCsv(k: number): Promise<string> {
    const { dataset, embeddings } = this.store.get();
    if (!dataset || !embeddings || embeddings.dim < 1)
      throw new Error('Train a model with embeddings first: recommendations come from them.');
    if (this.isTraining()) throw new Error('Wait for training to finish, or stop it, first.');
    this.start();
    const id = this.nextJob++;
    const seen = groupByUser(dataset.user, dataset.item, dataset.userIds.length);
    this.store.set({ exportJob: { label: 'Scoring every user', fraction: 0 } });
    const result = await new Promise<{ item: Int32Array; score: Float32Array }>(
      (resolve, reject) => {
        this.recommendJobs.set(id, { resolve, reject });
        this.training!.send({
          type: 'recommend',
          id,
          k,
          // Copies: the page keeps its snapshot.
          snapshot: {
            dim: embeddings.dim,
            userFactors: embeddings.userFactors.slice(),
            itemFactors: embeddings.itemFactors.slice(),
            itemBias: embeddings.itemBias.slice(),
          },
          seen,
        });
      },
    );
    return recommendationsCsv(dataset, embeddings, k, result.item, result.score);
  }

  /**
   * Embeddings trained elsewhere (Spark ALS factors, TensorBoard projector files) become the
   * data set and the embeddings, and are laid out at once. A promise of files: a dropped
   * folder is still being walked, and its failure is reported like a bad file.
   */
  async importEmbeddings(files: PathedFile[] | Promise<PathedFile[]>): Promise<void> {
    try {
      if (this.isTraining()) this.stop();
      const { dataset, snapshot, note } = await readEmbeddingFiles(await files);
      this.data.loadImported(dataset, note);
      this.store.set({ embeddings: snapshot });
      if (snapshot.dim >= 1) void this.project();
    } catch (e) {
      this.reportError('data', e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * A model exported by the app or written by the CLI (model.json + weights.bin): onto the loaded
   * data set when it has the model's users and items, else with a data set of its own ids; its
   * run joins the runs table and its curves the charts. Laid out at once.
   */
  async importModel(files: File[]): Promise<void> {
    try {
      if (this.isTraining()) this.stop();
      const model = await readModelFiles(files);
      const placed = placeModel(model, this.store.get().dataset);
      if (placed.attached) this.store.set({ datasetMessage: placed.note });
      else this.data.loadImported(placed.dataset, placed.note);
      const run = importedRun(model);
      this.store.set((s) => ({
        embeddings: placed.snapshot,
        runs: run ? [...s.runs, { ...run, id: s.runs.length + 1 }] : s.runs,
        training: {
          ...s.training,
          model: model.model,
          config: model.config,
          history: run?.history ?? [],
          lossCurve: [],
          feedback: run?.feedback ?? null,
        },
      }));
      void this.project();
    } catch (e) {
      this.reportError('data', e instanceof Error ? e.message : String(e));
    }
  }

  /** The current model as TensorFlow.js artifacts (see import-model.ts `exportModel`). */
  modelFiles(): { modelJson: string; weights: ArrayBuffer } {
    return exportModel(this.store.get());
  }

  /** Stops a running projection; the map keeps the last layout drawn. */
  cancelProjection(): void {
    if (this.store.get().projection.status !== 'running') return;
    this.projection.cancel();
    this.store.set((s) => ({
      projection: { ...s.projection, status: s.projection.coords ? 'done' : 'idle', fraction: 0 },
    }));
  }

  /** Lays out only these points (e.g. the highlighted ones), or all again with null. */
  isolate(points: number[] | null): void {
    const isolate = points && points.length >= 2 ? Int32Array.from(points).sort() : null;
    this.store.set((s) => ({ projection: { ...s.projection, isolate } }));
    void this.project();
  }

  /** The size above which layouts use a stratified sample. */
  setMaxPoints(maxPoints: number): void {
    this.store.set((s) => ({ projection: { ...s.projection, maxPoints } }));
  }

  /** Shows a stored layout (an index into `projection.history`), or null for the latest. */
  replayLayout(index: number | null): void {
    this.store.set((s) => {
      const h = s.projection.history;
      const valid = index !== null && index >= 0 && index < h.length - 1;
      return { projection: { ...s.projection, replay: valid ? index : null } };
    });
  }

  setProjectionParams(patch: Partial<ProjectionState['params']>): void {
    this.store.set((s) => ({
      projection: { ...s.projection, params: { ...s.projection.params, ...patch } },
    }));
  }

  setColorBy(colorBy: ColorBy): void {
    this.store.set({ colorBy });
  }

  /** Lays out the latest embeddings; a newer request supersedes a running one. */
  async project(): Promise<void> {
    const { embeddings, projection, dataset } = this.store.get();
    if (!embeddings || !dataset) return;
    const { method, dims } = projection;
    const space = pointSpace(dataset, embeddings);
    const n = pointCount(space);
    // The points laid out: an isolated selection, a sample above the size limit, or all.
    const isolated = projection.isolate?.every((p) => p < n) ? projection.isolate : null;
    const laidOut =
      isolated ??
      (n > projection.maxPoints
        ? stratifiedSample(space, popularity(dataset, space), projection.maxPoints, 42)
        : null);
    const m = laidOut?.length ?? n;
    const input = projectionInput(embeddings, space);
    const spread = (c: Float32Array) => (laidOut ? spreadLayout(c, laidOut, n, dims) : c);
    // Align to the last finished layout (not an intermediate one) of the same points and method.
    const prev = this.lastLayout;
    const align =
      prev &&
      prev.method === method &&
      prev.coords.length === m * dims &&
      sameSubset(prev.laidOut, laidOut)
        ? prev.coords
        : null;
    this.store.set((s) => ({
      projection: {
        ...s.projection,
        status: 'running',
        phase: 'starting',
        fraction: 0,
        error: null,
      },
    }));
    try {
      const result = await this.projection.project(
        {
          method,
          dims,
          data: laidOut ? takeRows(input, embeddings.dim, laidOut) : input,
          n: m,
          d: embeddings.dim,
          params: { ...projection.params, seed: 42 },
          align,
        },
        (p) =>
          this.store.set((s) => ({
            projection: {
              ...s.projection,
              phase: p.phase,
              fraction: p.fraction,
              ...(p.coords
                ? {
                    coords: spread(p.coords),
                    space,
                    laidOut,
                    coordsDims: dims,
                    epoch: embeddings.epoch,
                  }
                : {}),
            },
          })),
      );
      this.lastLayout = { method, coords: result.coords, laidOut };
      const coords = spread(result.coords);
      const record = { epoch: embeddings.epoch, method, dims, coords, space, laidOut };
      this.store.set((s) => ({
        projection: {
          ...s.projection,
          history: [...s.projection.history.filter((h) => h.epoch !== record.epoch), record].slice(
            -MAX_LAYOUTS,
          ),
          replay: null,
          status: 'done',
          fraction: 1,
          coords,
          space,
          laidOut,
          coordsDims: dims,
          epoch: embeddings.epoch,
          ms: result.ms,
          explained: result.explained ?? null,
        },
      }));
    } catch (e) {
      if (e instanceof ProjectionCancelledError) return;
      const message = e instanceof Error ? e.message : String(e);
      this.store.set((s) => ({ projection: { ...s.projection, status: 'error', error: message } }));
      this.reportError('projection', message);
    }
  }

  select(kind: PointKind, index: number): void {
    const { dataset, embeddings, view } = this.store.get();
    if (!dataset) return;
    this.store.set({
      selection: describeSelection(dataset, embeddings, kind, index, view.neighbours),
    });
  }

  /**
   * Neighbour search settings (metric, k, minimum support); the selection, and the finished run's
   * space quality, are recomputed with them.
   */
  setNeighbours(patch: Partial<NeighbourOptions>): void {
    this.store.set((s) => ({
      view: { ...s.view, neighbours: { ...s.view.neighbours, ...patch } },
    }));
    this.refreshSelection();
    if (this.store.get().training.space) void this.space.measure(null);
  }

  /** Shows or hides one kind of point. */
  setShown(kind: PointKind, shown: boolean): void {
    this.store.set((s) => ({ view: { ...s.view, show: { ...s.view.show, [kind]: shown } } }));
  }

  /** Drawing settings: size by popularity, point and label size, palette. */
  setView(patch: Partial<Omit<ViewState, 'show' | 'neighbours'>>): void {
    this.store.set((s) => ({ view: { ...s.view, ...patch } }));
  }

  /** Highlights a set of points together (e.g. a search's matches); null clears. */
  mark(marked: { query: string; points: number[] } | null): void {
    this.store.set({ marked: marked && marked.points.length ? marked : null });
  }

  clearSelection(): void {
    this.store.set({ selection: null });
  }

  private refreshSelection(): void {
    const sel = this.store.get().selection;
    if (sel) this.select(sel.kind, sel.index);
  }

  dismissError(i: number): void {
    this.store.set((s) => ({ errors: s.errors.filter((_, k) => k !== i) }));
  }
}

/** The live state of a run that is starting (its curves, results and counts cleared). */
function freshRun(config: TrainConfig): Partial<TrainingState> {
  return {
    model: config.model,
    epoch: 0,
    epochsTotal: config.epochs,
    step: 0,
    history: [],
    test: null,
    validationRows: 0,
    validationUnseen: 0,
    lossCurve: [],
    rowsPerSecond: null,
    etaSeconds: null,
    baselines: null,
    feedback: null,
    predictsRatings: null,
    droppedBelowThreshold: 0,
    userDays: 0,
    earlyStop: null,
  };
}
