/**
 * The memory of the typed-array engine for the row models (biased MF with its day bias, BPR, and
 * the bag models SVD++, hybrid and FM):
 * every table, optimizer slot, gradient accumulator and per-step scratch array as a flat typed
 * array, all in one memory: a WebAssembly.Memory, so that the SIMD kernel (wasm/kernel.ts) runs
 * over the same arrays as the JS one, or an ArrayBuffer where WebAssembly SIMD is missing. The
 * memory is shared when the engine runs in several workers (each builds the same views over it).
 */
import {
  instantiateRowWasm,
  kernelMemory,
  rowWasmModule,
  WASM_RESERVED_BYTES,
  type KernelMemory,
  type RowWasm,
} from './wasm/kernel';

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
  /**
   * Bag models (SVD++, the hybrid; bag-kernel.ts): each user and item is a weighted sum of rows
   * of its side's table. Absent for biased MF and BPR (one row per user and item).
   */
  bags?: BagShape;
}

export interface BagShape {
  /** Rows of the user side's table (SVD++: users, then the implicit factors y_j). */
  userRows: number;
  itemRows: number;
  /** Bag entries over all users / items. */
  userEntries: number;
  itemEntries: number;
  /** Rows below this carry a bias (SVD++'s y_j have none: their last column stays 0). */
  userBiasRows: number;
  itemBiasRows: number;
  /**
   * A factorisation machine: each side's own pairwise interactions, 1/2 (|sum w v|^2 - sum
   * w^2 |v|^2), are added to its bias column (hybrid.ts FactorizationMachine).
   */
  selfTerm?: boolean;
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
  // Table rows per side: one per user / item, or a bag model's tables.
  const ur = s.bags?.userRows ?? s.users;
  const ir = s.bags?.itemRows ?? s.items;
  return {
    ...(s.bags ? bagLayout(s, s.bags) : {}),
    user: ['f32', ur * c],
    item: ['f32', ir * c],
    day: ['f32', s.userDays],
    ...slot('user', ur * c),
    ...slot('item', ir * c),
    ...slot('day', s.userDays),
    userGrad: ['f32', ur * c],
    itemGrad: ['f32', ir * c],
    dayGrad: ['f32', s.userDays],
    trainUser: ['i32', s.rows],
    trainItem: ['i32', s.rows],
    trainRating: ['f32', s.rows],
    trainDay: ['i32', s.userDays ? s.rows : 0],
    order: ['i32', s.rows],
    negatives: ['i32', s.pairwise ? s.jobSteps * s.batch : 0],
    /** Block of each table row (biased MF: of each user / item). */
    userBlock: ['i32', ur],
    itemBlock: ['i32', ir],
    /** First row of each block's region in the touched lists, [p + 1] per side. */
    userRegion: ['i32', p + 1],
    itemRegion: ['i32', p + 1],
    dayRegion: ['i32', p + 1],
    userStamp: ['i32', ur],
    itemStamp: ['i32', ir],
    dayStamp: ['i32', s.userDays],
    userTouched: ['i32', ur],
    itemTouched: ['i32', ir],
    dayTouched: ['i32', s.userDays],
    /**
     * Touched rows so far this step per block: users [0, p), items [p, 2p), days [2p, 3p); bag
     * models' distinct users [3p, 4p) and items [4p, 5p) of the step.
     */
    touchedCount: ['i32', 5 * p],
    /**
     * The step's rows, each worker's in its own region (row-kernel.ts ownRows; the bag kernel's
     * phases use the first): user and day per batch row, item per entry (negatives after B).
     */
    batchUser: ['i32', p * s.batch],
    batchDay: ['i32', s.userDays ? p * s.batch : 0],
    batchItem: ['i32', p * entries],
    batchRating: ['f32', s.pairwise ? 0 : p * s.batch],
    /** BPR: dLoss / dscore per batch row (the negative's is its opposite). */
    coef: ['f32', p * s.batch],
    /** Per worker: the entries (batch positions) of its users, grouped by item block. */
    entries: ['i32', p * entries],
    /** Per worker: start of each item block's entries in `entries`, and their end. */
    entryOffsets: ['i32', p * (p + 1)],
    /** Barrier words (count, generation) and the job's done counter. */
    control: ['i32', 4],
    /** Each worker's summed loss of the current job. */
    loss: ['f64', p],
    /** Where the SIMD kernel finds the arrays: WASM_HEADER's byte offsets, then the shape. */
    wasmHeader: ['i32', HEADER_SHAPE + SHAPE_WORDS],
  };
}

/**
 * The arrays whose byte offsets the SIMD kernel reads from `wasmHeader`, in the order of
 * assembly/row-kernel/state.ts `setup`; the shape follows at HEADER_SHAPE.
 */
const WASM_HEADER = [
  'user',
  'item',
  'day',
  'userGrad',
  'itemGrad',
  'dayGrad',
  'coef',
  'batchRating',
  'trainRating',
  'trainUser',
  'trainItem',
  'trainDay',
  'order',
  'negatives',
  'batchUser',
  'batchItem',
  'batchDay',
  'entries',
  'entryOffsets',
  'userStamp',
  'itemStamp',
  'dayStamp',
  'userTouched',
  'itemTouched',
  'dayTouched',
  'userRegion',
  'itemRegion',
  'dayRegion',
  'touchedCount',
  // The bag models' (absent arrays read 0).
  'userOwner',
  'userSeenRegion',
  'userSeen',
  'userSeenStamp',
  'userCount',
  'userRep',
  'userRepGrad',
  'userBagOffsets',
  'userBagRows',
  'userBagWeights',
  'itemOwner',
  'itemSeenRegion',
  'itemSeen',
  'itemSeenStamp',
  'itemCount',
  'itemRep',
  'itemRepGrad',
  'itemBagOffsets',
  'itemBagRows',
  'itemBagWeights',
  'userDecay',
  'itemDecay',
];
/** Room for WASM_HEADER (51 words) and later arrays. */
const HEADER_SHAPE = 64;
const SHAPE_WORDS = 9;

/**
 * A bag model's extra arrays. Entities (users, items) are owned by blocks (`userOwner`): the
 * owner sums an entity's representation and its gradient. Each entity's bag entries are grouped
 * by the block of their table row, [entity * p + block] in the offsets, so the worker of block w
 * adds the gradients of its own rows only.
 */
function bagLayout(s: RowShape, b: BagShape): Record<string, [F32 | I32 | F64, number]> {
  const c = s.dim + 1;
  const p = s.workers;
  const side = (name: string, entities: number, entries: number, rows: number) => ({
    [`${name}Owner`]: ['i32', entities] as [I32, number],
    [`${name}SeenRegion`]: ['i32', p + 1] as [I32, number],
    [`${name}Seen`]: ['i32', entities] as [I32, number],
    [`${name}SeenStamp`]: ['i32', entities] as [I32, number],
    [`${name}Count`]: ['i32', entities] as [I32, number],
    [`${name}Rep`]: ['f32', entities * c] as [F32, number],
    [`${name}RepGrad`]: ['f32', entities * c] as [F32, number],
    [`${name}BagOffsets`]: ['i32', entities * p + 1] as [I32, number],
    [`${name}BagRows`]: ['i32', entries] as [I32, number],
    [`${name}BagWeights`]: ['f32', entries] as [F32, number],
    /** The SIMD kernel's L2 weight per table row of the step (bags.ts spread), applied once. */
    [`${name}Decay`]: ['f32', rows] as [F32, number],
  });
  return {
    ...side('user', s.users, b.userEntries, b.userRows),
    ...side('item', s.items, b.itemEntries, b.itemRows),
  };
}

/** The state's memory: the WebAssembly.Memory when the SIMD kernel runs, and its buffer. */
export interface RowBuffers {
  memory: KernelMemory | null;
  buffer: ArrayBuffer | SharedArrayBuffer;
}

export interface RowState {
  shape: RowShape;
  buffers: RowBuffers;
  f32: Record<string, Float32Array>;
  i32: Record<string, Int32Array>;
  f64: Record<string, Float64Array>;
  /** This thread's instance of the SIMD kernel; null: the JS kernel runs. */
  wasm: RowWasm | null;
}

const BYTES = { f32: 4, i32: 4, f64: 8 };
const PAGE = 65536;

/** Byte offset of every array (16-byte aligned, above the kernel's own data) and the total. */
function offsets(shape: RowShape): { at: Record<string, number>; bytes: number } {
  const at: Record<string, number> = {};
  let bytes = WASM_RESERVED_BYTES;
  for (const [name, [kind, n]] of Object.entries(layout(shape))) {
    at[name] = bytes;
    bytes += Math.ceil((Math.max(1, n) * BYTES[kind]) / 16) * 16;
  }
  return { at, bytes };
}

/**
 * Fresh zeroed arrays for `shape`, shared between threads when `shared`; in a WebAssembly memory
 * with the SIMD kernel unless `simd` is false or the runtime lacks it (or 4 GiB is too little).
 */
export function allocateRowState(shape: RowShape, shared: boolean, simd = true): RowState {
  const { at, bytes } = offsets(shape);
  const pages = Math.ceil(bytes / PAGE);
  let buffers: RowBuffers;
  if (simd && pages <= 65536 && rowWasmModule(shared)) {
    const memory = kernelMemory(pages, shared);
    buffers = { memory, buffer: memory.buffer };
  } else {
    const size = pages * PAGE;
    buffers = {
      memory: null,
      buffer: shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size),
    };
  }
  const header = new Int32Array(buffers.buffer, at.wasmHeader, HEADER_SHAPE + SHAPE_WORDS);
  WASM_HEADER.forEach((name, k) => (header[k] = at[name] ?? 0));
  const { batch, workers, dim, rows, pairwise, userDays, bags } = shape;
  const bagWords = [bags?.userBiasRows ?? 0, bags?.itemBiasRows ?? 0, bags?.selfTerm ? 1 : 0];
  header.set([batch, workers, dim, rows, pairwise ? 1 : 0, userDays, ...bagWords], HEADER_SHAPE);
  return viewRowState(shape, buffers);
}

function isShared(buffer: ArrayBuffer | SharedArrayBuffer): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

/** Views over the memory made by `allocateRowState` (in another thread, the same memory). */
export function viewRowState(shape: RowShape, buffers: RowBuffers): RowState {
  const { memory, buffer } = buffers;
  const state: RowState = { shape, buffers, f32: {}, i32: {}, f64: {}, wasm: null };
  const { at } = offsets(shape);
  for (const [name, [kind, n]] of Object.entries(layout(shape))) {
    if (kind === 'f32') state.f32[name] = new Float32Array(buffer, at[name], n);
    else if (kind === 'i32') state.i32[name] = new Int32Array(buffer, at[name], n);
    else state.f64[name] = new Float64Array(buffer, at[name], n);
  }
  if (memory) state.wasm = instantiateRowWasm(memory, isShared(buffer), at.wasmHeader);
  return state;
}
