/**
 * Canvas pointer and keyboard input for the scene: hover and click (a press and release without a
 * drag, so orbiting never selects), reported as point indices through a picking function; and
 * box selection, a shift-drag, during which the camera controls are off.
 */

/** A press-release within this many CSS px is a click, not a drag. */
const CLICK_SLOP_PX = 4;

export type HoverListener = (i: number | null, x: number, y: number) => void;
export type ClickListener = (i: number | null) => void;
/** A box being dragged (CSS px from the canvas's top-left); `done` on release. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
export type BoxListener = (box: Box, done: boolean) => void;

export class PointerInput {
  readonly hover = new Set<HoverListener>();
  readonly click = new Set<ClickListener>();
  readonly box = new Set<BoxListener>();
  private down: { x: number; y: number } | null = null;
  private boxFrom: { x: number; y: number } | null = null;
  private hovered: number | null = null;

  /**
   * `pick(x, y)` takes CSS px from the canvas's top-left; `onKey(key)` returns true when it used the
   * key (its default, e.g. page scrolling, is then prevented).
   */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly pick: (x: number, y: number) => number | null,
    private readonly onKey: (key: string) => boolean,
    /** Turns the camera controls off (false) while a box is dragged, and on again. */
    private readonly setOrbit: (enabled: boolean) => void = () => {},
  ) {
    // Capture phase: the box must claim a shift-press before the camera controls see it.
    canvas.addEventListener('pointerdown', this.onBoxStart, { capture: true });
    canvas.addEventListener('pointerdown', this.onPointerDown);
    canvas.addEventListener('pointerup', this.onPointerUp);
    canvas.addEventListener('pointermove', this.onPointerMove);
    canvas.addEventListener('pointerleave', this.onPointerLeave);
    canvas.addEventListener('keydown', this.onKeyDown);
  }

  dispose(): void {
    const c = this.canvas;
    c.removeEventListener('pointerdown', this.onBoxStart, { capture: true });
    c.removeEventListener('pointerdown', this.onPointerDown);
    c.removeEventListener('pointerup', this.onPointerUp);
    c.removeEventListener('pointermove', this.onPointerMove);
    c.removeEventListener('pointerleave', this.onPointerLeave);
    c.removeEventListener('keydown', this.onKeyDown);
    this.hover.clear();
    this.click.clear();
    this.box.clear();
  }

  private position(ev: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: ev.clientX - rect.left - this.canvas.clientLeft,
      y: ev.clientY - rect.top - this.canvas.clientTop,
    };
  }

  private readonly onBoxStart = (ev: PointerEvent): void => {
    if (ev.button !== 0 || !ev.shiftKey || this.box.size === 0) return;
    this.boxFrom = this.position(ev);
    this.setOrbit(false);
    this.canvas.setPointerCapture?.(ev.pointerId);
  };

  private boxTo(ev: PointerEvent): Box {
    const from = this.boxFrom!;
    const { x, y } = this.position(ev);
    return {
      x0: Math.min(from.x, x),
      y0: Math.min(from.y, y),
      x1: Math.max(from.x, x),
      y1: Math.max(from.y, y),
    };
  }

  private readonly onPointerDown = (ev: PointerEvent): void => {
    this.down = ev.button === 0 ? this.position(ev) : null;
  };

  private readonly onPointerUp = (ev: PointerEvent): void => {
    if (this.boxFrom) {
      const box = this.boxTo(ev);
      this.boxFrom = null;
      this.down = null;
      this.setOrbit(true);
      for (const cb of this.box) cb(box, true);
      return;
    }
    const down = this.down;
    this.down = null;
    if (!down || ev.button !== 0) return;
    const { x, y } = this.position(ev);
    if (Math.hypot(x - down.x, y - down.y) > CLICK_SLOP_PX) return;
    const i = this.pick(x, y);
    for (const cb of this.click) cb(i);
  };

  private readonly onPointerMove = (ev: PointerEvent): void => {
    if (this.boxFrom) {
      const box = this.boxTo(ev);
      for (const cb of this.box) cb(box, false);
      return;
    }
    if (ev.buttons !== 0 || this.hover.size === 0) return; // dragging the camera
    const { x, y } = this.position(ev);
    const i = this.pick(x, y);
    if (i === null && this.hovered === null) return;
    this.hovered = i;
    for (const cb of this.hover) cb(i, x, y);
  };

  private readonly onPointerLeave = (ev: PointerEvent): void => {
    if (this.hovered === null) return;
    this.hovered = null;
    const { x, y } = this.position(ev);
    for (const cb of this.hover) cb(null, x, y);
  };

  private readonly onKeyDown = (ev: KeyboardEvent): void => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (this.onKey(ev.key)) ev.preventDefault();
  };
}
