/**
 * The memory of the typed-array engine for the row models (biased MF with its day bias, BPR):
 * every table, optimizer slot, gradient accumulator and per-step scratch array as a flat typed
 * array. Allocated on SharedArrayBuffers when the engine runs in several workers (each worker
 * builds the same views over the same buffers), or on plain ArrayBuffers in one thread.
 */

export interface RowShape {
  users: number;
  items: number;
  /** Rows of the (user, day) bias table; 0 when the run has none. */
  userDays: number;
  /** Factor columns; each table row is dim + 1 wide (the bias last, as the tfjs models). */
  dim: number;
  /** Training rows (the interaction columns and the shuffled order). */
  rows: number;
  /** Rows per step (the tfjs trainer's `batchRows`). */
  batch: number;
  /** BPR: each batch row is (user, positive, sampled negative). */
  pairwise: boolean;
  /** Threads that run a step together (blocks per side of the users x items grid). */
  workers: number;
  /** Optimizer slots per parameter (0 for SGD, 2 for Adam). */
  slots: number;
  /** Steps one job may run (the capacity of the sampled negatives). */
  jobSteps: number;
}

type F32 = 'f32';
type I32 = 'i32';
type F64 = 'f64';

/** Every array: name -> [kind, length]. Lengths are in elements. */
function layout(s: RowShape): Record<string, [F32 | I32 | F64, number]> {
  const c = s.dim + 1;
  const entries = s.pairwise ? 2 * s.batch : s.batch;
  const p = s.workers;
  const slot = (name: string, n: number) =>
    Object.fromEntries(
      Array.from({ length: s.slots }, (_, k) => [`${name}Slot${k}`, ['f32', n] as [F32, number]]),
    );
  return {
    user: ['f32', s.users * c],
    item: ['f32', s.items * c],
    day: ['f32', s.userDays],
    ...slot('user', s.users * c),
    ...slot('item', s.items * c),
    ...slot('day', s.userDays),
    userGrad: ['f32', s.users * c],
    itemGrad: ['f32', s.items * c],
    dayGrad: ['f32', s.userDays],
    trainUser: ['i32', s.rows],
    trainItem: ['i32', s.rows],
    trainRating: ['f32', s.rows],
    trainDay: ['i32', s.userDays ? s.rows : 0],
    order: ['i32', s.rows],
    negatives: ['i32', s.pairwise ? s.jobSteps * s.batch : 0],
    userBlock: ['i32', s.users],
    itemBlock: ['i32', s.items],
    dayBlock: ['i32', s.userDays],
    /** First row of each block's region in the touched lists, [p + 1] per side. */
    userRegion: ['i32', p + 1],
    itemRegion: ['i32', p + 1],
    dayRegion: ['i32', p + 1],
    userStamp: ['i32', s.users],
    itemStamp: ['i32', s.items],
    dayStamp: ['i32', s.userDays],
    userTouched: ['i32', s.users],
    itemTouched: ['i32', s.items],
    dayTouched: ['i32', s.userDays],
    /** Touched rows so far this step per block: users [0, p), items [p, 2p), days [2p, 3p). */
    touchedCount: ['i32', 3 * p],
    /** The step's rows: user and day per batch row, item per entry (negatives after B). */
    batchUser: ['i32', s.batch],
    batchDay: ['i32', s.userDays ? s.batch : 0],
    batchItem: ['i32', entries],
    batchRating: ['f32', s.pairwise ? 0 : s.batch],
    /** BPR: dLoss / dscore per batch row (the negative's is its opposite). */
    coef: ['f32', s.batch],
    /** Entries (batch positions) of each worker's slice, grouped by grid block. */
    entries: ['i32', entries],
    /** Per worker: start of each of the p x p blocks in `entries`, and the slice's end. */
    entryOffsets: ['i32', p * (p * p + 1)],
    /** Barrier words (count, generation) and the job's done counter. */
    control: ['i32', 4],
    /** Each worker's summed loss of the current job. */
    loss: ['f64', p],
  };
}

export type RowBuffers = Record<string, ArrayBuffer | SharedArrayBuffer>;

export interface RowState {
  shape: RowShape;
  buffers: RowBuffers;
  f32: Record<string, Float32Array>;
  i32: Record<string, Int32Array>;
  f64: Record<string, Float64Array>;
}

const BYTES = { f32: 4, i32: 4, f64: 8 };

/** Fresh zeroed arrays for `shape`, shared between threads when `shared`. */
export function allocateRowState(shape: RowShape, shared: boolean): RowState {
  const buffers: RowBuffers = {};
  for (const [name, [kind, n]] of Object.entries(layout(shape))) {
    const bytes = Math.max(1, n) * BYTES[kind];
    buffers[name] = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
  return viewRowState(shape, buffers);
}

/** Views over buffers made by `allocateRowState` (in another thread, the same memory). */
export function viewRowState(shape: RowShape, buffers: RowBuffers): RowState {
  const state: RowState = { shape, buffers, f32: {}, i32: {}, f64: {} };
  for (const [name, [kind, n]] of Object.entries(layout(shape))) {
    const b = buffers[name];
    if (!b) throw new Error(`row engine: buffer "${name}" missing`);
    if (kind === 'f32') state.f32[name] = new Float32Array(b, 0, n);
    else if (kind === 'i32') state.i32[name] = new Int32Array(b, 0, n);
    else state.f64[name] = new Float64Array(b, 0, n);
  }
  return state;
}
