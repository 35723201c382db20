/**
 * The 3D point cloud, in the manner of vz_projector's ScatterPlot: it owns three.js, draws points
 * with per-point colour, shape and size, and answers "which point is under the cursor?", but knows
 * nothing about what a point means. The caller turns data and selection into these arrays.
 * Renders on demand: a frame is drawn only after a change, or while the camera is still moving.
 */

import {
  BufferAttribute,
  BufferGeometry,
  LineBasicMaterial,
  LineSegments,
  Matrix4,
  Points,
  Scene,
  type ShaderMaterial,
  WebGLRenderer,
} from 'three';
import { watchContext } from './context-watch';
import { CameraRig } from './cameraRig';
import {
  EMPHASIS_NEIGHBOUR,
  EMPHASIS_NONE,
  EMPHASIS_SELECTED,
  GROW_NEIGHBOUR,
  GROW_SELECTED,
  createPointMaterial,
} from './pointMaterial';
import {
  PointerInput,
  type Box,
  type BoxListener,
  type ClickListener,
  type HoverListener,
} from './pointerInput';
import { boundingSphere, pickNearest, projectPoint, type PickInput } from './screenProjection';
import { MarkerLayer } from './markerLayer';
import { drawSample, setIfChanged } from './draw-sample';

/** Default point diameter, CSS px. */
export const DEFAULT_SIZE = 6;
/** The camera frames the central 95% of the points on each axis (far islands a zoom away). */
const FRAME_COVERAGE = 0.95;
/** Default colour (sRGB 0..1): a light blue that reads on the dark background. */
const DEFAULT_COLOR = [0.54, 0.71, 0.97] as const;

let probed: { name: string | null; software: boolean } | null = null;

/**
 * The browser's WebGL renderer (e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader ...))") and
 * whether it rasterises on the CPU, read once from a throwaway context.
 */
export function webglRenderer(): { name: string | null; software: boolean } {
  if (probed) return probed;
  const gl = document.createElement('canvas').getContext('webgl2');
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  const name = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : null;
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  probed = { name, software: !!name && /swiftshader|llvmpipe|software/i.test(name) };
  return probed;
}

export class EmbeddingScene {
  private readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly rig: CameraRig;
  private readonly material: ShaderMaterial;
  private readonly lineMaterial = new LineBasicMaterial({
    color: 0xe8eaf0,
    transparent: true,
    opacity: 0.6,
    depthWrite: false,
  });
  private geometry = new BufferGeometry();
  private readonly lineGeometry = new BufferGeometry();
  private readonly points: Points;
  private readonly lines: LineSegments;
  /** The playground's folded-in point, drawn over the cloud. */
  private readonly marker: MarkerLayer;
  private readonly resizeObserver: ResizeObserver | null;
  private readonly viewProjection = new Matrix4();

  private n = 0;
  private dims: 2 | 3 = 3;
  private positions: Float32Array = new Float32Array(0);
  private sizes: Float32Array = new Float32Array(0);
  private visible: Float32Array = new Float32Array(0);
  private emphasis: Float32Array = new Float32Array(0);
  /** At most this many points drawn (setDrawLimit), or all. */
  private drawLimit: number | null = null;
  /** The draw limit's index buffer (capacity n), attached while it leaves points out. */
  private drawIndex = new BufferAttribute(new Uint32Array(0), 1);
  /** `visible` less the points a draw limit leaves out: what is drawn, picked and boxed. */
  private shown: Float32Array = this.visible;
  private sampleDirty = true;
  private selected: number | null = null;
  private neighbours: number[] = [];
  private marked: number[] = [];
  private tween: { from: Float32Array; to: Float32Array; start: number; ms: number } | null = null;
  /** Drawn diameters incl. highlight enlargement, for picking; rebuilt lazily after changes. */
  private pickSizes: Float32Array | null = null;
  private lineCapacity = 0;
  private frame = 0;
  private disposed = false;
  private readonly input: PointerInput;
  private readonly cameraListeners = new Set<() => void>();
  private readonly contextListeners = new Set<(lost: boolean) => void>();
  private readonly unwatchContext: () => void;
  /** The person moved the camera (or a bookmark placed it) since the last framing. */
  private cameraChosen = false;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    // preserveDrawingBuffer: screenshots, PNG export and isBlank() read the canvas after the frame.
    // Multisampling doubles a frame's cost on a software renderer (106 ms against 55 ms for
    // 100,000 points on SwiftShader, `npm run bench`), where the points' own soft edges suffice.
    this.renderer = new WebGLRenderer({
      canvas,
      antialias: !webglRenderer().software,
      preserveDrawingBuffer: true,
    });
    this.unwatchContext = watchContext(
      canvas,
      () => {
        // three.js's rebuilt state has its default (black) clear colour.
        this.renderer.setClearColor(0x0f1117, 1);
        this.requestRender();
      },
      (lost) => this.contextListeners.forEach((l) => l(lost)),
    );
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.renderer.setClearColor(0x0f1117, 1);
    this.material = createPointMaterial(this.renderer.getPixelRatio());
    this.rig = new CameraRig(canvas, () => {
      this.requestRender();
      this.cameraListeners.forEach((l) => l());
    });
    this.rig.controls.addEventListener('start', () => (this.cameraChosen = true));

    this.points = new Points(this.geometry, this.material);
    this.lines = new LineSegments(this.lineGeometry, this.lineMaterial);
    // Positions change in place (animation); stale bounding spheres would cull visible points.
    this.points.frustumCulled = false;
    this.lines.frustumCulled = false;
    this.lines.renderOrder = 0;
    this.points.renderOrder = 1;
    this.marker = new MarkerLayer(this.material);
    this.scene.add(this.lines, this.points, this.marker.points);
    this.rebuild(0, new Float32Array(0));

    this.input = new PointerInput(
      canvas,
      (x, y) => this.pick(x, y),
      (key) => {
        const used = this.rig.handleKey(key);
        if (used) this.cameraChosen = true;
        return used;
      },
      (enabled) => (this.rig.controls.enabled = enabled),
    );
    this.resizeObserver =
      typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.resize());
    this.resizeObserver?.observe(canvas);
    this.resize();
  }

  /**
   * Sets point positions (n x 3 world units; z = 0 for 2D, forced so in 2D mode). A new n resets
   * colours, shapes, sizes, visibility and highlight to defaults; the same n keeps them, and with
   * transitionMs > 0 the points glide from where they are. The array is copied.
   */
  setPoints(positions: Float32Array, dims: 2 | 3, transitionMs = 0): void {
    if (positions.length % 3 !== 0) throw new RangeError('setPoints: positions must be n x 3');
    const n = positions.length / 3;
    const target = positions.slice();
    if (dims === 2) for (let i = 0; i < n; i++) target[i * 3 + 2] = 0;
    const dimsChanged = dims !== this.dims;
    const nChanged = n !== this.n;
    this.dims = dims;
    this.rig.setDims(dims);

    if (nChanged) {
      this.rebuild(n, target);
      this.tween = null;
    } else if (transitionMs > 0 && n > 0 && !dimsChanged) {
      this.tween = {
        from: this.positions.slice(),
        to: target,
        start: performance.now(),
        ms: transitionMs,
      };
    } else {
      this.tween = null;
      this.positions.set(target);
      this.markPositionsChanged();
    }
    // Reframe for a new data set or mode, but never under a user exploring the same cloud.
    if (nChanged || dimsChanged) this.resetCamera();
    this.requestRender();
  }

  /** Per-point colour, n x 3 sRGB in 0..1. */
  setColors(rgb: Float32Array): void {
    this.checkLength(rgb, 3, 'setColors');
    // Unchanged values draw no frame: the colours are recomputed with every epoch's snapshot.
    if (setIfChanged(this.attribute('pointColor'), rgb)) this.touch('pointColor');
  }

  /** Per-point shape: 0 disc (items), 1 square (users), 2 triangle (features). */
  setShapes(shapes: Uint8Array): void {
    this.checkLength(shapes, 1, 'setShapes');
    if (setIfChanged(this.attribute('shape'), shapes)) this.touch('shape');
  }

  /** Per-point diameter in CSS px (device pixels = this x devicePixelRatio). */
  setSizes(sizes: Float32Array): void {
    this.checkLength(sizes, 1, 'setSizes');
    if (!setIfChanged(this.sizes, sizes)) return;
    this.pickSizes = null;
    this.touch('size');
  }

  /** Per-point visibility (nonzero = shown); null shows every point. Hidden points are not picked. */
  setVisible(mask: Uint8Array | null): void {
    if (mask) this.checkLength(mask, 1, 'setVisible');
    let changed = false;
    for (let i = 0; i < this.n; i++) {
      const v = !mask || mask[i] ? 1 : 0;
      changed ||= this.visible[i] !== v;
      this.visible[i] = v;
    }
    if (!changed) return;
    this.sampleDirty = true;
    this.touch('visible');
    this.updateLines();
  }

  /**
   * Draws at most `limit` of the visible points (every k-th, the highlighted ones always), or
   * all of them (null); the points left out are neither drawn nor picked. On a software
   * renderer a frame's cost grows with its points and, while training holds the cores, the
   * page waited 0.4-1 s for each frame of 90,000 points (bench/scale-app.mjs, SCALE_TRACE).
   */
  setDrawLimit(limit: number | null): void {
    if (limit === this.drawLimit) return;
    this.drawLimit = limit;
    this.sampleDirty = true;
    this.requestRender();
  }

  /**
   * Emphasises `selected` (larger, white ring) and its `neighbours` (slightly larger, joined to it by
   * lines), and `marked` points (slightly larger, no lines: e.g. a search's matches), and dims
   * every other point a little. null and no marks clear the highlight.
   */
  setHighlight(selected: number | null, neighbours: number[], marked: number[] = []): void {
    const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < this.n;
    this.emphasis.fill(EMPHASIS_NONE);
    this.selected = selected !== null && inRange(selected) ? selected : null;
    this.neighbours = this.selected === null ? [] : neighbours.filter(inRange);
    this.marked = marked.filter(inRange);
    for (const j of this.marked) this.emphasis[j] = EMPHASIS_NEIGHBOUR;
    for (const j of this.neighbours) this.emphasis[j] = EMPHASIS_NEIGHBOUR;
    if (this.selected !== null) this.emphasis[this.selected] = EMPHASIS_SELECTED;
    // The highlighted points are drawn under a draw limit too.
    if (this.drawLimit !== null) this.sampleDirty = true;
    const any = this.selected !== null || this.marked.length > 0;
    this.material.uniforms.uHasSelection.value = any ? 1 : 0;
    this.pickSizes = null;
    this.touch('emphasis');
    this.updateLines();
  }

  /** Camera position then orbit target (6 numbers): what a bookmarked view restores. */
  cameraState(): number[] {
    return this.rig.state();
  }

  setCameraState(v: number[]): void {
    if (v.length !== 6 || !v.every(Number.isFinite)) return;
    this.rig.setState(v);
    this.cameraChosen = true;
    this.requestRender();
  }

  /** Box selection (shift-drag): `cb` gets the box as it is dragged, and `done` on release. */
  onBox(cb: BoxListener): () => void {
    this.input.box.add(cb);
    return () => this.input.box.delete(cb);
  }

  /** The visible points drawn inside a box (CSS px from the canvas's top-left). */
  pointsInBox(box: Box): number[] {
    const input = this.pickInput();
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) {
      if (!this.shown[i]) continue;
      const p = projectPoint(input.m, this.positions, i, input.width, input.height);
      if (p && p.x >= box.x0 && p.x <= box.x1 && p.y >= box.y0 && p.y <= box.y1) out.push(i);
    }
    return out;
  }

  /** Calls `cb` whenever the camera moves (orbit, zoom, pan, keys, reframing). */
  onCameraChange(cb: () => void): () => void {
    this.cameraListeners.add(cb);
    return () => this.cameraListeners.delete(cb);
  }

  /** The view as a PNG data URL (the drawing buffer is kept, so this is the frame on screen). */
  toPng(): string {
    this.render();
    return this.canvas.toDataURL('image/png');
  }

  /**
   * Draws one frame now and waits for the GPU to finish it (a one-pixel read): what a frame
   * costs, for the benchmark. The app itself draws on animation frames.
   */
  renderNow(): void {
    this.render();
    const gl = this.renderer.getContext();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  }

  /** Orbits the camera as the arrow keys do (3D), for the benchmark's moving frames. */
  orbit(key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown'): void {
    this.rig.handleKey(key);
  }

  /** The visible point nearest (x, y) (CSS px from the canvas's top-left) within radiusPx, or null. */
  pick(x: number, y: number, radiusPx = 8): number | null {
    return pickNearest(this.pickInput(), x, y, radiusPx);
  }

  /** Where point i is drawn, CSS px from the canvas's top-left; null if hidden, behind or off screen. */
  screenPosition(i: number): { x: number; y: number } | null {
    if (!(i >= 0 && i < this.n) || !this.visible[i]) return null;
    const input = this.pickInput();
    const p = projectPoint(input.m, this.positions, i, input.width, input.height);
    if (!p || p.x < 0 || p.y < 0 || p.x > input.width || p.y > input.height) return null;
    return { x: p.x, y: p.y };
  }

  /** Shows the playground's folded-in point at a world position (z = 0 in 2D), or hides it. */
  setMarker(position: [number, number, number] | null): void {
    this.marker.set(position && (this.dims === 2 ? [position[0], position[1], 0] : position));
    this.requestRender();
  }

  /** Where the marker is drawn, CSS px from the canvas's top-left; null if hidden or off screen. */
  markerScreenPosition(): { x: number; y: number } | null {
    const at = this.marker.position;
    if (!at) return null;
    const input = this.pickInput();
    const p = projectPoint(input.m, at, 0, input.width, input.height);
    if (!p || p.x < 0 || p.y < 0 || p.x > input.width || p.y > input.height) return null;
    return { x: p.x, y: p.y };
  }

  /** Hover: (index or null, CSS px x, y) on every pointer move over the canvas; returns unsubscribe. */
  onHover(cb: HoverListener): () => void {
    this.input.hover.add(cb);
    return () => this.input.hover.delete(cb);
  }

  /** Click (press and release without dragging): the picked index or null; returns unsubscribe. */
  onClick(cb: ClickListener): () => void {
    this.input.click.add(cb);
    return () => this.input.click.delete(cb);
  }

  /** Frames the visible points. */
  resetCamera(): void {
    const { centre, radius } = boundingSphere(this.positions, this.n, this.visible, FRAME_COVERAGE);
    this.rig.frame(centre, radius);
    this.cameraChosen = false;
    this.requestRender();
  }

  /**
   * Frames the points again unless the person has moved the camera (or a bookmark set it) since
   * the last framing: a finished layout can differ in extent from the start it was drawn from.
   */
  reframeUnlessMoved(): void {
    if (!this.cameraChosen) this.resetCamera();
  }

  /** Follows the canvas's CSS size (also called by a ResizeObserver). */
  resize(): void {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === 0 || height === 0) return;
    const ratio = window.devicePixelRatio || 1;
    if (ratio !== this.renderer.getPixelRatio()) {
      this.renderer.setPixelRatio(ratio);
      this.material.uniforms.uPixelRatio.value = ratio;
    }
    this.renderer.setSize(width, height, false);
    this.rig.setAspect(width / height);
    this.requestRender();
    // A new size moves every point on screen, as a camera move does: labels follow.
    this.cameraListeners.forEach((l) => l());
  }

  /** True when the last frame is only background (no point drew a pixel): a check for tests. */
  isBlank(): boolean {
    this.render();
    const gl = this.renderer.getContext();
    const w = gl.drawingBufferWidth;
    const h = gl.drawingBufferHeight;
    const pixels = new Uint8Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    const bg = [0x0f, 0x11, 0x17];
    for (let p = 0; p < pixels.length; p += 4) {
      for (let c = 0; c < 3; c++) if (Math.abs(pixels[p + c] - bg[c]) > 6) return false;
    }
    return true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    cancelAnimationFrame(this.frame);
    this.resizeObserver?.disconnect();
    this.input.dispose();
    this.unwatchContext();
    this.rig.dispose();
    this.geometry.dispose();
    this.lineGeometry.dispose();
    this.marker.dispose();
    this.material.dispose();
    this.lineMaterial.dispose();
    this.renderer.dispose();
  }

  /** Hears when the map's WebGL context is lost (true) and restored (false); returns unsubscribe. */
  onContextChange(cb: (lost: boolean) => void): () => void {
    this.contextListeners.add(cb);
    return () => this.contextListeners.delete(cb);
  }

  /** Schedules one frame (no-op if one is already scheduled). */
  requestRender(): void {
    if (this.frame || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    if (this.disposed) return;
    let moving = this.rig.update();
    if (this.tween) {
      const { from, to, start, ms } = this.tween;
      const t = Math.min(1, (performance.now() - start) / ms);
      const e = t * t * (3 - 2 * t); // smoothstep: no jolt at either end
      for (let j = 0; j < to.length; j++) this.positions[j] = from[j] + (to[j] - from[j]) * e;
      this.markPositionsChanged();
      if (t >= 1) this.tween = null;
      else moving = true;
    }
    this.updateSample();
    this.renderer.render(this.scene, this.rig.camera);
    if (moving) this.requestRender();
  }

  /** Brings the drawn sample (and the geometry's index) up to date with a draw limit. */
  private updateSample(): void {
    if (!this.sampleDirty) return;
    this.sampleDirty = false;
    const index = this.drawIndex.array as Uint32Array;
    const drawn = drawSample(this.visible, this.emphasis, this.drawLimit, index);
    if (drawn === null) {
      this.shown = this.visible;
      this.geometry.setIndex(null);
      this.geometry.setDrawRange(0, Infinity);
      return;
    }
    this.shown = new Float32Array(this.n);
    for (let k = 0; k < drawn; k++) this.shown[index[k]] = 1;
    this.drawIndex.needsUpdate = true;
    this.geometry.setIndex(this.drawIndex);
    this.geometry.setDrawRange(0, drawn);
  }

  /** New buffers for n points, with default colour, shape, size and visibility. */
  private rebuild(n: number, positions: Float32Array): void {
    this.n = n;
    this.positions = positions;
    this.sizes = new Float32Array(n).fill(DEFAULT_SIZE);
    this.visible = new Float32Array(n).fill(1);
    this.emphasis = new Float32Array(n);
    const colours = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) colours.set(DEFAULT_COLOR, i * 3);
    // Attached so that disposing the geometry frees the draw limit's index buffer as well.
    this.geometry.setIndex(this.drawIndex);
    this.geometry.dispose();
    this.drawIndex = new BufferAttribute(new Uint32Array(n), 1);
    this.shown = this.visible;
    this.sampleDirty = true;
    this.geometry = new BufferGeometry();
    this.geometry.setAttribute('position', new BufferAttribute(this.positions, 3));
    this.geometry.setAttribute('pointColor', new BufferAttribute(colours, 3));
    this.geometry.setAttribute('shape', new BufferAttribute(new Float32Array(n), 1));
    this.geometry.setAttribute('size', new BufferAttribute(this.sizes, 1));
    this.geometry.setAttribute('visible', new BufferAttribute(this.visible, 1));
    this.geometry.setAttribute('emphasis', new BufferAttribute(this.emphasis, 1));
    this.points.geometry = this.geometry;
    this.selected = null;
    this.neighbours = [];
    this.marked = [];
    this.pickSizes = null;
    this.material.uniforms.uHasSelection.value = 0;
    this.updateLines();
  }

  private attribute(name: string): Float32Array {
    return this.geometry.getAttribute(name).array as Float32Array;
  }

  private touch(name: string): void {
    this.geometry.getAttribute(name).needsUpdate = true;
    this.requestRender();
  }

  private markPositionsChanged(): void {
    this.geometry.getAttribute('position').needsUpdate = true;
    this.updateLines();
  }

  private checkLength(a: ArrayLike<number>, per: number, what: string): void {
    if (a.length !== this.n * per) {
      throw new RangeError(
        `${what}: expected ${this.n * per} values for ${this.n} points, got ${a.length}`,
      );
    }
  }

  /** Segments from the selected point to each visible neighbour, at current positions. */
  private updateLines(): void {
    const s = this.selected;
    const targets =
      s === null || !this.visible[s] ? [] : this.neighbours.filter((j) => this.visible[j]);
    if (targets.length > this.lineCapacity || this.lineCapacity === 0) {
      // Growing needs a new buffer; dispose first so the old GPU buffer is freed, not orphaned.
      this.lineCapacity = Math.max(16, 2 * targets.length);
      this.lineGeometry.dispose();
      this.lineGeometry.setAttribute(
        'position',
        new BufferAttribute(new Float32Array(this.lineCapacity * 6), 3),
      );
    }
    const attr = this.lineGeometry.getAttribute('position');
    const segs = attr.array as Float32Array;
    targets.forEach((j, k) => {
      for (let a = 0; a < 3; a++) {
        segs[k * 6 + a] = this.positions[(s as number) * 3 + a];
        segs[k * 6 + 3 + a] = this.positions[j * 3 + a];
      }
    });
    attr.needsUpdate = true;
    this.lineGeometry.setDrawRange(0, targets.length * 2);
    this.requestRender();
  }

  private pickInput(): PickInput {
    const camera = this.rig.camera;
    camera.updateMatrixWorld();
    this.viewProjection.multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
    return {
      m: this.viewProjection.elements,
      positions: this.positions,
      n: this.n,
      // CSS size now, not at the last resize: the browser stretches the last frame to fit it.
      width: this.canvas.clientWidth,
      height: this.canvas.clientHeight,
      visible: (this.updateSample(), this.shown),
      sizes: this.emphasisedSizes(),
    };
  }

  /** Drawn diameters, including the shader's enlargement of highlighted points (cached). */
  private emphasisedSizes(): ArrayLike<number> {
    if (this.selected === null && !this.marked.length) return this.sizes;
    if (!this.pickSizes) {
      const out = this.sizes.slice();
      for (const j of new Set([...this.neighbours, ...this.marked])) out[j] *= GROW_NEIGHBOUR;
      if (this.selected !== null) out[this.selected] = this.sizes[this.selected] * GROW_SELECTED;
      this.pickSizes = out;
    }
    return this.pickSizes;
  }
}
