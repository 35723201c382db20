/**
 * Hands a worker's events on in order, but a busy stream at most once per interval: the first
 * event after a quiet spell at once, the ones that follow within the interval together when it
 * ends, in one task, so that the page renders and saves them once. A fast run (biased MF on the
 * parallel CPU engine finishes an epoch every 15 ms) otherwise had the main thread render every
 * epoch, and the page's work took the cores the training needed. Events `batched` does not
 * accept (a run's start, end, error, test report) are handed on at once, after the ones waiting.
 *
 * The interval adapts to what a batch costs the page: it is `ms` at least, and otherwise long
 * enough that handling the batches takes at most 1 / SHARE of the time (measured from the
 * batch's hand-on to the first task after it, which runs once its renders are done), up to
 * `maxMs`. On 2 cores a batch of the sample's epochs took the page about 100 ms to render and
 * store; at 200 ms apart the page took half a core from the training.
 */
const SHARE = 4;

export class EventBatcher<T> {
  private queue: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = -Infinity;
  private interval: number;

  constructor(
    private readonly deliver: (e: T) => void,
    private readonly batched: (e: T) => boolean,
    private readonly ms = 200,
    private readonly now = () => performance.now(),
    private readonly maxMs = 1000,
  ) {
    this.interval = ms;
  }

  /** The current interval between batches, in ms. */
  get wait(): number {
    return this.interval;
  }

  push(e: T): void {
    this.queue.push(e);
    if (!this.batched(e) || (this.timer === null && this.now() - this.last >= this.interval)) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(
      () => this.flush(),
      Math.max(0, this.interval - (this.now() - this.last)),
    );
  }

  /** Hands on everything waiting, in order. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const start = (this.last = this.now());
    const queue = this.queue;
    this.queue = [];
    for (const e of queue) this.deliver(e);
    if (!queue.some(this.batched)) return;
    // What the batch cost: its handlers, and the renders they scheduled for this task's end.
    setTimeout(() => {
      const cost = this.now() - start;
      this.interval = Math.min(this.maxMs, Math.max(this.ms, SHARE * cost));
    }, 0);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }
}
