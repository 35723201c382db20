/**
 * Where the map's text labels go: greedy, in order of importance (the selected point first, then
 * what it links to), a label that would overlap one already placed is left out, and so is one
 * whose point is outside the canvas. The card lists every point; the map should stay readable.
 * Pure: CSS pixels in, CSS pixels out.
 */

export interface LabelCandidate {
  key: string;
  text: string;
  /** The point's position on the canvas, CSS px from its top-left corner. */
  x: number;
  y: number;
  /** The selected point's own label. */
  main: boolean;
}

export interface LabelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PlacementOptions {
  /** Font size, CSS px. */
  size: number;
  /** The canvas, CSS px. */
  width: number;
  height: number;
  /** Labels placed at most. */
  max: number;
}

/**
 * The box a label takes: from its point, a gap and the text (about 0.6 em a character), one
 * font size above and below the point's line.
 */
export function labelBox(c: LabelCandidate, size: number): LabelBox {
  return { x0: c.x, y0: c.y - size, x1: c.x + 8 + 0.6 * size * c.text.length, y1: c.y + size };
}

function overlaps(a: LabelBox, b: LabelBox): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * The labels to draw, a subset of `candidates` (in priority order) in the same order. A box is
 * clipped to the canvas before the overlap test: what the canvas cuts off hides nothing.
 */
export function placeLabels(
  candidates: readonly LabelCandidate[],
  { size, width, height, max }: PlacementOptions,
): LabelCandidate[] {
  if (size <= 0 || max <= 0) return [];
  const placed: LabelCandidate[] = [];
  const boxes: LabelBox[] = [];
  for (const c of candidates) {
    if (placed.length >= max) break;
    if (!(c.x >= 0 && c.x <= width && c.y >= 0 && c.y <= height)) continue;
    const b = labelBox(c, size);
    const clipped = {
      x0: Math.max(0, b.x0),
      y0: Math.max(0, b.y0),
      x1: Math.min(width, b.x1),
      y1: Math.min(height, b.y1),
    };
    if (boxes.some((o) => overlaps(clipped, o))) continue;
    boxes.push(clipped);
    placed.push(c);
  }
  return placed;
}
