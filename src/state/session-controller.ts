/**
 * The session: opening the page (restore the saved session or load the sample), keeping it in
 * IndexedDB as it changes, starting fresh, and the bookmarked view (url-state.ts): settings now,
 * the selection once its data set is loaded, the camera once a layout is drawn. The 3D view
 * registers here, for the URL's camera and the test API's screen positions.
 */
import type { Store } from './store';
import type { LabState } from './lab-state';
import type { UrlView } from './url-state';
import type { PendingSelection } from './selection-controller';

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

/**
 * Where the session is kept (durable.ts over IndexedDB, with persist.ts's clearSession; tests
 * pass an in-memory fake).
 */
export interface SessionStorage {
  /** Restores the saved session into the store: when it was saved, or null when none. */
  restore(): Promise<Date | null>;
  /** Keeps the session from now on, as it changes (unless another tab holds it). */
  keep(): Promise<void>;
  /** Stops keeping it. */
  stop(): void;
  clear(): Promise<void>;
}

export interface SessionDeps {
  reportError(source: string, message: string): void;
  loadSample(base: string): Promise<void>;
  /** Selects by id once the data set is loaded (SelectionController.selectById). */
  selectById(want: PendingSelection | null): void;
  /** Applies a selection that waited for its data set (SelectionController.restorePending). */
  restoreSelection(): void;
  storage: SessionStorage;
  /** The map's WebGL context was lost (true) or restored (false). */
  onMapContext?(lost: boolean): void;
  /** Reloads the page without its query (default: location.assign). */
  reload?: () => void;
}

export class SessionController {
  private scene: SceneHandle | null = null;
  private detachCamera: (() => void) | undefined;
  private detachContext: (() => void) | undefined;
  private readonly cameraListeners = new Set<() => void>();
  /** A bookmarked camera waiting for a layout. */
  private pendingCamera: number[] | null = null;
  private readonly storage: SessionStorage;

  constructor(
    private readonly store: Store<LabState>,
    private readonly deps: SessionDeps,
  ) {
    this.storage = deps.storage;
  }

  /**
   * On page load: restores the saved session (unless `?sample=none`), else loads the sample
   * (when `withSample`); from then on the session is kept as it changes (persist.ts).
   */
  async openSession(withSample: boolean, base: string): Promise<void> {
    let restored: Date | null = null;
    if (withSample) {
      try {
        restored = await this.storage.restore();
      } catch (e) {
        this.deps.reportError('storage', `The saved session could not be read (${String(e)}).`);
      }
    }
    if (restored) {
      this.store.set({ restoredAt: restored.toISOString() });
      this.deps.restoreSelection();
    } else if (withSample) await this.deps.loadSample(base);
    await this.storage.keep();
  }

  /** Forgets the saved session and reloads the page with the sample. */
  async startFresh(): Promise<void> {
    this.storage.stop();
    await this.storage.clear().catch(() => undefined);
    (this.deps.reload ?? (() => location.assign(location.pathname)))();
  }

  /** The 3D view registers itself here (null when it unmounts). */
  attachScene(scene: SceneHandle | null): void {
    this.detachCamera?.();
    this.detachContext?.();
    this.scene = scene;
    this.detachCamera = scene?.onCameraChange(() => this.cameraListeners.forEach((l) => l()));
    this.detachContext = scene?.onContextChange?.((lost) => this.deps.onMapContext?.(lost));
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

  /** Where an entity's point is drawn, CSS px relative to the canvas, or null. */
  screenPosition(point: number): { x: number; y: number } | null {
    return this.scene?.screenPosition(point) ?? null;
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
    this.pendingCamera = v.camera ?? null;
    this.deps.selectById(v.selection ?? null);
  }

  /** The explorer drew a new layout: a bookmarked camera, if any, applies to the first. */
  layoutDrawn(): void {
    if (this.pendingCamera && this.scene) this.scene.setCameraState(this.pendingCamera);
    this.pendingCamera = null;
  }
}
