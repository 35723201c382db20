/**
 * Messages between the main thread and the space-quality worker. The data set's interactions go
 * once per data set ('data'); each 'measure' sends the item vectors and the page's neighbour
 * settings. Typed arrays travel as transferables (the sender's copies are detached).
 */
import type { Metric } from '../../core/projection/neighbours';
import type { SpaceQualityDetail } from '../../core/metrics/space-quality';
import type { UserSpaceQuality } from '../../core/metrics/user-space-quality';

/** The measurement: items, and users when user vectors were sent (null: none, or no user qualifies). */
export type MeasuredSpace = SpaceQualityDetail & { users: UserSpaceQuality | null };

export interface QualityData {
  type: 'data';
  /** Names this data set; 'measure' refers to it. */
  key: number;
  /** Per-row user and item indices (length = rows). */
  user: Int32Array;
  item: Int32Array;
  nUsers: number;
  nItems: number;
  /** The item metadata column agreement is measured on, CSR over items; null without one. */
  categories: { offsets: Int32Array; values: Int32Array } | null;
}

export interface QualityMeasure {
  type: 'measure';
  id: number;
  key: number;
  /** nItems x dim row-major item vectors. */
  vectors: Float32Array;
  dim: number;
  metric: Metric;
  k: number;
  minSupport: number;
  /** nUsers x userDim user vectors, to measure the user neighbourhoods too (absent: items only). */
  userVectors?: Float32Array;
  userDim?: number;
}

export type QualityRequest = QualityData | QualityMeasure;

export type QualityResponse =
  | { type: 'result'; id: number; quality: MeasuredSpace; ms: number }
  | { type: 'error'; id: number; message: string };

/** The buffers of a request's typed arrays, for postMessage's transfer list. */
export function transferablesOf(msg: QualityRequest): ArrayBuffer[] {
  const arrays =
    msg.type === 'data'
      ? [msg.user, msg.item, msg.categories?.offsets, msg.categories?.values]
      : [msg.vectors, msg.userVectors];
  const out: ArrayBuffer[] = [];
  for (const a of arrays)
    if (a && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  return out;
}
