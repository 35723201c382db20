/**
 * Surviving a lost GPU context, as the training session sees it (no DOM here: the CLI runs the
 * session too; the worker's watcher is context-loss.ts): the watcher's interface, the error a
 * loop throws, and what the page says (a status, not an error).
 */
import type { BackendName } from './session-messages';

export interface BackendChoice {
  backend: BackendName;
  fallbackReason: string | null;
  renderer: string | null;
}

/** What the training session needs of a watcher (a fake one in Node tests). */
export interface GpuGuard {
  /** Whether the backend's context is lost now (the event may not have arrived yet). */
  isLost(): boolean;
  /** Resolves when the context is lost (a fresh promise after each rebuild). */
  lost(): Promise<void>;
  /** Builds the backend anew (webgl again, else the cpu) and says which one runs. */
  rebuild(): Promise<BackendChoice>;
  /** The test hook: loses the context (WEBGL_lose_context); the reason when it cannot. */
  loseForTest(): string | null;
}

/** Thrown out of a training loop whose backend lost its context. */
export class GpuLostError extends Error {
  constructor() {
    super('the GPU context was lost');
  }
}

/**
 * The notice after a lost context: where the run goes on from, on which backend, and that the
 * optimizer starts fresh; or, for a search or folds (`resumes` false), why it stopped.
 */
export function lossNotice(
  epoch: number,
  epochs: number,
  backend: BackendName,
  resumes = true,
): string {
  const on = backend === 'webgl' ? 'a new WebGL context' : `the ${backend} backend`;
  if (!resumes)
    return `The GPU context was lost; the backend now runs on ${on}. A search or cross-validation does not resume: its finished runs are kept; start it again.`;
  const from = epoch > 0 ? `from epoch ${epoch} of ${epochs}` : 'from the start';
  return `The GPU context was lost; training goes on ${from} on ${on} (the optimizer's moments start fresh).`;
}

/** Runs `f`, ignoring what it throws (freeing what a lost context held may fail). */
export function safely(f: () => void): void {
  try {
    f();
  } catch {
    // Nothing more can be freed.
  }
}
