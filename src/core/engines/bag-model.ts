/**
 * How a tfjs row model's tables map onto the row engine's arrays ('user', 'item', 'day'), and,
 * for the bag models (SVD++, the hybrid), each user's and item's bag over its side's table, with
 * the blocks that split the work between the kernel's workers (bag-kernel.ts).
 */
import type { EmbeddingTable } from '../tf/embedding';
import { DAY_BIAS_TABLE } from '../models/day-bias';
import type { RowModel } from '../models/types';
import type { BagShape, RowState } from './row-state';
import { balancedBlocks, regions } from './schedule';
import { bagRepresentations } from './bag-kernel';
import { splitLastColumn } from '../models/hybrid';
import type { EmbeddingSnapshot } from '../data/types';

export type KernelArray = 'user' | 'item' | 'day';

/** One tfjs table: which engine array holds it, from which row. */
export interface KernelTable {
  table: EmbeddingTable;
  array: KernelArray;
  offsetRows: number;
}

/** A bag per entity as CSR over the side's table rows. */
interface SideBags {
  offsets: Int32Array;
  rows: Int32Array;
  weights: Float32Array;
}

export interface KernelLayout {
  tables: KernelTable[];
  /** Bag models only. */
  bags?: { shape: BagShape; user: SideBags; item: SideBags };
}

/** Models with a kernel (rowKernelProblem says why others have none). */
export const KERNEL_MODELS = ['biased-mf', 'bpr', 'svdpp', 'hybrid', 'fm'];

function identityBags(n: number): SideBags {
  const rows = Int32Array.from({ length: n }, (_, k) => k);
  return {
    offsets: Int32Array.from({ length: n + 1 }, (_, k) => k),
    rows,
    weights: new Float32Array(n).fill(1),
  };
}

/** The engine's view of `model` (one of KERNEL_MODELS). */
export function kernelLayout(model: RowModel, users: number, items: number): KernelLayout {
  const byName = new Map(model.tables.map((t) => [t.name, t]));
  const table = (name: string) => {
    const t = byName.get(name);
    if (!t) throw new Error(`row engine: ${model.name} has no table ${name}`);
    return t;
  };
  const day = byName.get(DAY_BIAS_TABLE);
  const days: KernelTable[] = day ? [{ table: day, array: 'day', offsetRows: 0 }] : [];
  if (model.name === 'biased-mf' || model.name === 'bpr')
    return {
      tables: [
        { table: table('users'), array: 'user', offsetRows: 0 },
        { table: table('items'), array: 'item', offsetRows: 0 },
        ...days,
      ],
    };
  if (model.name === 'svdpp') {
    // User side: p_u (rows 0..users), then y_j (rows users + j); a user's bag is its own row
    // with weight 1, then its history's y_j with weight |N(u)|^-1/2.
    const h = model.bags!.history;
    const offsets = new Int32Array(users + 1);
    const n = users + h.rows.length;
    const rows = new Int32Array(n);
    const weights = new Float32Array(n);
    let at = 0;
    for (let u = 0; u < users; u++) {
      offsets[u] = at;
      rows[at] = u;
      weights[at++] = 1;
      for (let x = h.offsets[u]; x < h.offsets[u + 1]; x++) {
        rows[at] = users + h.rows[x];
        weights[at++] = h.weights[x];
      }
    }
    offsets[users] = at;
    const item = identityBags(items);
    return {
      tables: [
        { table: table('users'), array: 'user', offsetRows: 0 },
        { table: table('implicit'), array: 'user', offsetRows: users },
        { table: table('items'), array: 'item', offsetRows: 0 },
        ...days,
      ],
      bags: {
        shape: {
          userRows: users + items,
          itemRows: items,
          userEntries: n,
          itemEntries: items,
          userBiasRows: users,
          itemBiasRows: items,
        },
        user: { offsets, rows, weights },
        item,
      },
    };
  }
  if (model.name === 'hybrid' || model.name === 'fm') {
    const userSide = table('userSide');
    const itemSide = table('itemSide');
    const { userBag, itemBag } = model.bags!;
    return {
      tables: [
        { table: userSide, array: 'user', offsetRows: 0 },
        { table: itemSide, array: 'item', offsetRows: 0 },
        ...days,
      ],
      bags: {
        shape: {
          userRows: userSide.rows,
          itemRows: itemSide.rows,
          userEntries: userBag.rows.length,
          itemEntries: itemBag.rows.length,
          userBiasRows: userSide.rows,
          itemBiasRows: itemSide.rows,
          selfTerm: model.name === 'fm',
        },
        user: userBag,
        item: itemBag,
      },
    };
  }
  throw new Error(`row engine: no kernel layout for ${model.name}`);
}

/**
 * Fills a bag model's arrays: entity owners (blocks of about equal batch rows), table row blocks
 * (of about equal expected work: the rows' readers), each bag grouped by the block of its rows,
 * and the regions of the touched and seen lists. `entityRows`: each entity's training rows.
 */
export function setupBags(
  s: RowState,
  layout: Required<KernelLayout>['bags'],
  userRowsOf: Int32Array,
  itemRowsOf: Int32Array,
): void {
  const p = s.shape.workers;
  const sides = [
    ['user', layout.user, userRowsOf, layout.shape.userRows],
    ['item', layout.item, itemRowsOf, layout.shape.itemRows],
  ] as const;
  for (const [side, bags, counts, tableRows] of sides) {
    const entities = counts.length;
    const owners = balancedBlocks(counts, p);
    s.i32[`${side}Owner`].set(owners.block);
    s.i32[`${side}SeenRegion`].set(regions(owners.sizes));
    // A row's work: the training rows of the entities whose bags hold it.
    const work = new Int32Array(tableRows);
    for (let e = 0; e < entities; e++)
      for (let x = bags.offsets[e]; x < bags.offsets[e + 1]; x++) work[bags.rows[x]] += counts[e];
    const rowBlocks = balancedBlocks(work, p);
    s.i32[`${side}Block`].set(rowBlocks.block);
    s.i32[`${side}Region`].set(regions(rowBlocks.sizes));
    // Each bag's entries grouped by the block of their row (stable within a block).
    const offsets = s.i32[`${side}BagOffsets`];
    const rows = s.i32[`${side}BagRows`];
    const weights = s.f32[`${side}BagWeights`];
    let at = 0;
    for (let e = 0; e < entities; e++) {
      for (let b = 0; b < p; b++) {
        offsets[e * p + b] = at;
        for (let x = bags.offsets[e]; x < bags.offsets[e + 1]; x++) {
          if (rowBlocks.block[bags.rows[x]] !== b) continue;
          rows[at] = bags.rows[x];
          weights[at++] = bags.weights[x];
        }
      }
    }
    offsets[entities * p] = at;
  }
}

/** Copies the tfjs tables into the engine's arrays (and fills the optimizer slots). */
export async function readTables(
  s: RowState,
  tables: KernelTable[],
  slots: { count: number; init: number },
  /**
   * Whether the state's arrays are fresh (zeroed) and the tables untrained: tables made of zeros
   * are then neither read nor written, nor Adam's zero slots. Touching fresh memory is most of
   * the cost at scale (about 2.7 s a GB on the 2-core machine; a day table is 100 MB at 25M rows).
   */
  fresh = false,
): Promise<void> {
  for (const { table, array, offsetRows } of tables) {
    if (fresh && table.startsAtZero) continue;
    s.f32[array].set(await table.peek(), offsetRows * table.dim);
  }
  if (fresh && slots.init === 0) return;
  for (const array of ['user', 'item', 'day'])
    for (let k = 0; k < slots.count; k++) s.f32[`${array}Slot${k}`].fill(slots.init);
}

/** The engine's rows of one tfjs table, [rows * dim]. */
export function tableValues(s: RowState, t: KernelTable): Float32Array {
  const o = t.offsetRows * t.table.dim;
  return s.f32[t.array].subarray(o, o + t.table.rows * t.table.dim);
}

/** For svdpp / hybrid models, whether a batch's bags are sampled (id dropout). */
export function dropsBagEntries(model: RowModel): boolean {
  return Object.values(model.bags ?? {}).some((b) => (b.dropRate ?? 0) > 0 && b.droppable);
}

/**
 * The tfjs model's snapshot from the engine's arrays (svdpp.ts, hybrid.ts): each user's and
 * item's whole representation (SVD++'s users include their implicit sums), biases from its last
 * column, and the hybrid's feature rows. No upload to the tfjs backend.
 */
export function bagSnapshot(
  s: RowState,
  model: RowModel,
  mean: number,
  epoch: number,
): EmbeddingSnapshot {
  const { dim, users, items } = s.shape;
  const [userFactors, userBias] = splitLastColumn(bagRepresentations(s, 'user'), dim);
  const [itemFactors, itemBias] = splitLastColumn(bagRepresentations(s, 'item'), dim);
  const snap: EmbeddingSnapshot = {
    epoch,
    dim,
    userFactors,
    itemFactors,
    userBias,
    itemBias,
    globalBias: model.pairwise ? 0 : mean,
  };
  if (model.name === 'svdpp') return snap;
  const features = (all: Float32Array, from: number) =>
    splitLastColumn(all.subarray(from * (dim + 1)), dim)[0];
  return {
    ...snap,
    userFeatureFactors: features(s.f32.user, users),
    itemFeatureFactors: features(s.f32.item, items),
  };
}
