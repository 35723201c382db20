/**
 * LIBMF's FPSGD partition (Chin et al., "A Fast Parallel SGD for Matrix Factorization in Shared
 * Memory Systems", RecSys 2013): users and items are each cut into p blocks, making a p x p grid
 * of rating blocks. Two workers may run at once only on blocks that share no user block and no
 * item block, so no row is written by two threads at the same time. With p workers the diagonal
 * schedule keeps all of them busy: in round r, worker w takes block (w, (w + r) mod p).
 */

/** Round r of the schedule: for each worker w, its block as [user block, item block]. */
export function scheduleRound(workers: number, round: number): [number, number][] {
  return Array.from({ length: workers }, (_, w) => [w, (w + round) % workers]);
}

/** Every round of the schedule (p rounds cover all p x p blocks exactly once). */
export function diagonalSchedule(workers: number): [number, number][][] {
  return Array.from({ length: workers }, (_, r) => scheduleRound(workers, r));
}

/** Whether any two blocks of one round share a user block or an item block. */
export function roundConflicts(round: readonly [number, number][]): boolean {
  const users = new Set(round.map(([u]) => u));
  const items = new Set(round.map(([, i]) => i));
  return users.size !== round.length || items.size !== round.length;
}

/**
 * Rows of one side cut into `blocks` contiguous ranges of about equal work (counts + 1, so unseen
 * rows count too): row k goes to the block its work's midpoint falls in, so each block is within
 * one row's work of an equal share. Contiguous, so that two workers' rows (and their gradients,
 * optimizer slots and touch stamps) rarely share a cache line: rows interleaved between blocks
 * kept both cores writing the same lines. Returns each row's block [rows] and the row count of
 * each block [blocks].
 */
export function balancedBlocks(
  counts: Int32Array,
  blocks: number,
): { block: Int32Array; sizes: Int32Array } {
  const n = counts.length;
  const block = new Int32Array(n);
  const sizes = new Int32Array(blocks);
  let total = 0;
  for (let k = 0; k < n; k++) total += counts[k] + 1;
  let before = 0;
  for (let k = 0; k < n; k++) {
    const work = counts[k] + 1;
    const b = Math.min(blocks - 1, Math.floor(((before + work / 2) * blocks) / total));
    block[k] = b;
    sizes[b]++;
    before += work;
  }
  return { block, sizes };
}

/** Occurrences of each id in 0..n-1. */
export function countIds(ids: Int32Array, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let k = 0; k < ids.length; k++) out[ids[k]]++;
  return out;
}

/** Start of each block's region in a list of rows grouped by block, [blocks + 1]. */
export function regions(sizes: Int32Array): Int32Array {
  const out = new Int32Array(sizes.length + 1);
  for (let b = 0; b < sizes.length; b++) out[b + 1] = out[b] + sizes[b];
  return out;
}
