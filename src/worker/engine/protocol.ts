/** Messages between the row engine's coordinator and its kernel workers. */
import type { RowBuffers, RowShape } from '../../core/engines/row-state';
import type { RowJob, RowParams } from '../../core/engines/row-kernel';

export type KernelRequest =
  /** Once: the shared memory (every array of the RowState) and this worker's index. */
  | { type: 'init'; shape: RowShape; params: RowParams; buffers: RowBuffers; worker: number }
  | { type: 'run'; job: RowJob };

export type KernelEvent = { type: 'done' } | { type: 'error'; message: string };
