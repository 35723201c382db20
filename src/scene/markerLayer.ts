/**
 * One extra point drawn over the cloud: the playground's folded-in user or item. It is not one of
 * the layout's points (not picked, not exported), and looks unlike them: a large amber diamond-ish
 * square with the selection's white ring, drawn with the same point material so it scales and
 * reads the same way.
 */
import { BufferAttribute, BufferGeometry, Points, type ShaderMaterial } from 'three';
import { EMPHASIS_SELECTED, SHAPE_SQUARE } from './pointMaterial';

/** Marker diameter, CSS px (before the selected-point enlargement). */
const MARKER_SIZE = 14;
/** Amber (sRGB 0..1): no colour scheme of the map uses it for a kind. */
const MARKER_COLOR = [1, 0.72, 0.1] as const;

export class MarkerLayer {
  readonly points: Points;
  private readonly geometry = new BufferGeometry();
  /** The marker's world position (x, y, z), or null when hidden. */
  position: Float32Array | null = null;

  constructor(material: ShaderMaterial) {
    const attr = (values: ArrayLike<number>, size: number) =>
      new BufferAttribute(Float32Array.from(values), size);
    this.geometry.setAttribute('position', attr([0, 0, 0], 3));
    this.geometry.setAttribute('pointColor', attr(MARKER_COLOR, 3));
    this.geometry.setAttribute('shape', attr([SHAPE_SQUARE], 1));
    this.geometry.setAttribute('size', attr([MARKER_SIZE], 1));
    this.geometry.setAttribute('visible', attr([0], 1));
    this.geometry.setAttribute('emphasis', attr([EMPHASIS_SELECTED], 1));
    this.points = new Points(this.geometry, material);
    this.points.frustumCulled = false;
    this.points.renderOrder = 2; // over the cloud
  }

  /** Shows the marker at (x, y, z), or hides it (null). */
  set(position: [number, number, number] | null): void {
    this.position = position && Float32Array.from(position);
    const visible = this.geometry.getAttribute('visible');
    (visible.array as Float32Array)[0] = position ? 1 : 0;
    visible.needsUpdate = true;
    if (position) {
      const at = this.geometry.getAttribute('position');
      (at.array as Float32Array).set(position);
      at.needsUpdate = true;
    }
  }

  dispose(): void {
    this.geometry.dispose();
  }
}
