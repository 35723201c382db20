/**
 * Where the row engine's arrays lie in the shared memory: the JS side (row-state.ts) writes
 * their byte offsets and the shape into a header, in the order of WASM_HEADER there, and
 * `setup` copies them into this instance's globals. Each thread has its own instance (its own
 * globals) over the same memory.
 */

export let user: usize = 0;
export let item: usize = 0;
export let day: usize = 0;
export let userGrad: usize = 0;
export let itemGrad: usize = 0;
export let dayGrad: usize = 0;
export let coef: usize = 0;
export let batchRating: usize = 0;
export let trainRating: usize = 0;
export let trainUser: usize = 0;
export let trainItem: usize = 0;
export let trainDay: usize = 0;
export let order: usize = 0;
export let negatives: usize = 0;
export let batchUser: usize = 0;
export let batchItem: usize = 0;
export let batchDay: usize = 0;
export let entries: usize = 0;
export let entryOffsets: usize = 0;
export let userStamp: usize = 0;
export let itemStamp: usize = 0;
export let dayStamp: usize = 0;
export let userTouched: usize = 0;
export let itemTouched: usize = 0;
export let dayTouched: usize = 0;
export let userRegion: usize = 0;
export let itemRegion: usize = 0;
export let dayRegion: usize = 0;
export let touchedCount: usize = 0;

export let batch: i32 = 0;
export let workers: i32 = 0;
export let dim: i32 = 0;
export let rows: i32 = 0;
export let pairwise: bool = false;
export let userDays: i32 = 0;

/** Index of the shape's first word in the header (after the array offsets). */
const SHAPE = 32;

function word(header: usize, k: i32): u32 {
  return load<u32>(header + ((<usize>k) << 2));
}

/** Reads the header at `header` (an Int32 array of the row state). */
export function setup(header: usize): void {
  user = word(header, 0);
  item = word(header, 1);
  day = word(header, 2);
  userGrad = word(header, 3);
  itemGrad = word(header, 4);
  dayGrad = word(header, 5);
  coef = word(header, 6);
  batchRating = word(header, 7);
  trainRating = word(header, 8);
  trainUser = word(header, 9);
  trainItem = word(header, 10);
  trainDay = word(header, 11);
  order = word(header, 12);
  negatives = word(header, 13);
  batchUser = word(header, 14);
  batchItem = word(header, 15);
  batchDay = word(header, 16);
  entries = word(header, 17);
  entryOffsets = word(header, 18);
  userStamp = word(header, 19);
  itemStamp = word(header, 20);
  dayStamp = word(header, 21);
  userTouched = word(header, 22);
  itemTouched = word(header, 23);
  dayTouched = word(header, 24);
  userRegion = word(header, 25);
  itemRegion = word(header, 26);
  dayRegion = word(header, 27);
  touchedCount = word(header, 28);
  batch = <i32>word(header, SHAPE);
  workers = <i32>word(header, SHAPE + 1);
  dim = <i32>word(header, SHAPE + 2);
  rows = <i32>word(header, SHAPE + 3);
  pairwise = word(header, SHAPE + 4) != 0;
  userDays = <i32>word(header, SHAPE + 5);
}

/** Bytes at the start of the memory this module's own data uses: the tables begin above. */
export function reservedBytes(): usize {
  return __heap_base;
}

export function f32At(base: usize, k: i32): f32 {
  return load<f32>(base + ((<usize>k) << 2));
}

export function i32At(base: usize, k: i32): i32 {
  return load<i32>(base + ((<usize>k) << 2));
}

export function setF32(base: usize, k: i32, v: f32): void {
  store<f32>(base + ((<usize>k) << 2), v);
}

export function setI32(base: usize, k: i32, v: i32): void {
  store<i32>(base + ((<usize>k) << 2), v);
}

/** Address of float k of the array at `base`. */
export function at(base: usize, k: i32): usize {
  return base + ((<usize>k) << 2);
}
