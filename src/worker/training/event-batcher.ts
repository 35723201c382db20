/**
 * Hands a worker's events on in order, but a busy stream at most once per `ms`: the first event
 * after a quiet spell at once, the ones that follow within `ms` together when it ends, in one
 * task, so that the page renders and saves them once. A fast run (biased MF on the parallel CPU
 * engine finishes an epoch every 15 ms) otherwise had the main thread render every epoch, and the
 * page's work took the cores the training needed. Events `batched` does not accept (a run's
 * start, end, error, test report) are handed on at once, after the ones waiting.
 */
export class EventBatcher<T> {
  private queue: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = -Infinity;

  constructor(
    private readonly deliver: (e: T) => void,
    private readonly batched: (e: T) => boolean,
    private readonly ms = 200,
    private readonly now = () => performance.now(),
  ) {}

  push(e: T): void {
    this.queue.push(e);
    if (!this.batched(e) || (this.timer === null && this.now() - this.last >= this.ms)) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.ms - (this.now() - this.last)));
  }

  /** Hands on everything waiting, in order. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.last = this.now();
    const queue = this.queue;
    this.queue = [];
    for (const e of queue) this.deliver(e);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }
}
