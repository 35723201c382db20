/** Main-thread side of the training worker: typed send, typed events, worker errors surfaced. */
import type { TrainingEvent, TrainingRequest } from './protocol';
import { EventBatcher } from './event-batcher';

/** Events a fast run sends many of a second: handed to the page at most every 200 ms. */
const BATCHED = new Set<TrainingEvent['type']>(['progress', 'epoch']);

export class TrainingClient {
  private readonly worker: Worker;
  private readonly events: EventBatcher<TrainingEvent>;

  constructor(onEvent: (e: TrainingEvent) => void) {
    this.worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
    this.events = new EventBatcher(onEvent, (e) => BATCHED.has(e.type));
    this.worker.onmessage = (ev: MessageEvent<TrainingEvent>) => this.events.push(ev.data);
    this.worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      this.events.push({
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
    this.events.dispose();
    this.worker.terminate();
  }
}
