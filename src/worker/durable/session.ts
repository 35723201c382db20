/**
 * The durable writer worker's logic, apart from the worker so that Node can test it: each `put`
 * is started in the order it arrived (one transaction each, in `write`), and answered when it is
 * committed, skipped as older, or failed.
 */
import type { DurableRequest, DurableResponse } from './protocol';

/** Starts writing now; resolves true when committed, false when skipped as older. */
export type SequencedWriter = (key: string, value: unknown, sequence?: number) => Promise<boolean>;

export class DurableWriterSession {
  private writer: Promise<SequencedWriter> | null = null;

  constructor(
    /** Opens the database once, on the first write. */
    private readonly open: () => Promise<SequencedWriter>,
    private readonly post: (msg: DurableResponse) => void,
  ) {}

  handle(msg: DurableRequest): void {
    if (msg.type !== 'put') return;
    // Every write waits for the same open: their callbacks run, and start, in arrival order.
    this.writer ??= this.open();
    this.writer
      .then((write) => write(msg.key, msg.value, msg.sequence))
      .then(
        (written) => this.post({ type: 'stored', id: msg.id, written }),
        (e: unknown) =>
          this.post({
            type: 'failed',
            id: msg.id,
            message: e instanceof Error ? e.message : String(e),
          }),
      );
  }
}
