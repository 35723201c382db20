/**
 * How the explorer's points map to entities: items first, then users (the order the projection
 * input is built in). One place, so the scene, picking and the test API agree.
 */
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import type { PointKind } from './lab-state';

export function pointCount(d: Dataset): number {
  return d.itemIds.length + d.userIds.length;
}

export function pointOf(d: Dataset, kind: PointKind, index: number): number {
  return kind === 'item' ? index : d.itemIds.length + index;
}

export function entityOf(d: Dataset, point: number): { kind: PointKind; index: number } {
  const items = d.itemIds.length;
  return point < items ? { kind: 'item', index: point } : { kind: 'user', index: point - items };
}

export function idOf(d: Dataset, kind: PointKind, index: number): string {
  return kind === 'item' ? d.itemIds[index] : d.userIds[index];
}

export function labelOf(d: Dataset, kind: PointKind, index: number): string {
  return kind === 'item' ? d.itemLabels[index] : `User ${d.userIds[index]}`;
}

/** The projection input: item factors then user factors, (items + users) x dim, row-major. */
export function projectionInput(s: EmbeddingSnapshot): Float32Array {
  const out = new Float32Array(s.itemFactors.length + s.userFactors.length);
  out.set(s.itemFactors, 0);
  out.set(s.userFactors, s.itemFactors.length);
  return out;
}
