/** Messages between the row engine's coordinator and its kernel workers. */
import type { RowBuffers, RowShape } from '../../core/engines/row-state';
import type { RowJob, RowParams } from '../../core/engines/row-kernel';

export type KernelRequest =
  /** Once per executor: the shared memory (every array of the RowState) and this worker's index. */
  | { type: 'init'; shape: RowShape; params: RowParams; buffers: RowBuffers; worker: number }
  | { type: 'run'; job: RowJob }
  /** The whole job in this worker, every worker's part in turn (`runJobSerial`). */
  | { type: 'run-all'; job: RowJob }
  /** The executor is done with this worker: it lets go of the memory (a kept worker idles). */
  | { type: 'release' };

export type KernelEvent = { type: 'done' } | { type: 'error'; message: string };
