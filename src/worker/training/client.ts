/** Main-thread side of the training worker: typed send, typed events, worker errors surfaced. */
import type { TrainingEvent, TrainingRequest } from './protocol';

export class TrainingClient {
  private readonly worker: Worker;

  constructor(onEvent: (e: TrainingEvent) => void) {
    this.worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<TrainingEvent>) => onEvent(ev.data);
    this.worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      onEvent({
        type: 'error',
        message: `Training worker failed: ${ev.message || 'could not start'}`,
      });
    };
  }

  /** Sends a request; the 'train' request's arrays are copied (the page keeps its dataset). */
  send(req: TrainingRequest): void {
    this.worker.postMessage(req);
  }

  dispose(): void {
    this.worker.terminate();
  }
}
