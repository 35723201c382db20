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
/** The bag models' arrays (bag-kernel.ts, bags.ts); 0 for biased MF and BPR. */
export let userOwner: usize = 0;
export let userSeenRegion: usize = 0;
export let userSeen: usize = 0;
export let userSeenStamp: usize = 0;
export let userCount: usize = 0;
export let userRep: usize = 0;
export let userRepGrad: usize = 0;
export let userBagOffsets: usize = 0;
export let userBagRows: usize = 0;
export let userBagWeights: usize = 0;
export let itemOwner: usize = 0;
export let itemSeenRegion: usize = 0;
export let itemSeen: usize = 0;
export let itemSeenStamp: usize = 0;
export let itemCount: usize = 0;
export let itemRep: usize = 0;
export let itemRepGrad: usize = 0;
export let itemBagOffsets: usize = 0;
export let itemBagRows: usize = 0;
export let itemBagWeights: usize = 0;
export let userDecay: usize = 0;
export let itemDecay: usize = 0;

export let batch: i32 = 0;
export let workers: i32 = 0;
export let dim: i32 = 0;
export let rows: i32 = 0;
export let pairwise: bool = false;
export let userDays: i32 = 0;
/** Bag models: table rows below these carry a bias; FM adds its self term. */
export let userBiasRows: i32 = 0;
export let itemBiasRows: i32 = 0;
export let selfTerm: bool = false;

/** Index of the shape's first word in the header (after the array offsets). */
const SHAPE = 64;

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
  userOwner = word(header, 29);
  userSeenRegion = word(header, 30);
  userSeen = word(header, 31);
  userSeenStamp = word(header, 32);
  userCount = word(header, 33);
  userRep = word(header, 34);
  userRepGrad = word(header, 35);
  userBagOffsets = word(header, 36);
  userBagRows = word(header, 37);
  userBagWeights = word(header, 38);
  itemOwner = word(header, 39);
  itemSeenRegion = word(header, 40);
  itemSeen = word(header, 41);
  itemSeenStamp = word(header, 42);
  itemCount = word(header, 43);
  itemRep = word(header, 44);
  itemRepGrad = word(header, 45);
  itemBagOffsets = word(header, 46);
  itemBagRows = word(header, 47);
  itemBagWeights = word(header, 48);
  userDecay = word(header, 49);
  itemDecay = word(header, 50);
  batch = <i32>word(header, SHAPE);
  workers = <i32>word(header, SHAPE + 1);
  dim = <i32>word(header, SHAPE + 2);
  rows = <i32>word(header, SHAPE + 3);
  pairwise = word(header, SHAPE + 4) != 0;
  userDays = <i32>word(header, SHAPE + 5);
  userBiasRows = <i32>word(header, SHAPE + 6);
  itemBiasRows = <i32>word(header, SHAPE + 7);
  selfTerm = word(header, SHAPE + 8) != 0;
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
