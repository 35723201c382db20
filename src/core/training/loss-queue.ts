/**
 * The step losses of a trainer, kept on the backend until read: summed at read time, one program
 * per read rather than one per step, and one awaited read for many steps. Folded at 16 inputs:
 * tfjs 4.22's webgl AddN splits longer lists, and that path grew the GPU texture pool by 24 bytes
 * a read (caught by the bench's 1,000-step memory check).
 */
import { tf } from '../tf/tfjs';

export class LossQueue {
  private losses: tf.Scalar[] = [];
  private steps = 0;

  /** Takes ownership of one step's loss. */
  push(loss: tf.Scalar): void {
    this.losses.push(loss);
    if (this.losses.length === 16) this.losses = [this.sum()];
    this.steps++;
  }

  /** Mean loss over the steps since the last call (null when none). One read. */
  async take(): Promise<{ loss: number; steps: number } | null> {
    if (!this.losses.length) return null;
    const sum = this.sum();
    const steps = this.steps;
    this.losses = [];
    this.steps = 0;
    const value = (await sum.data())[0];
    sum.dispose();
    return { loss: value / steps, steps };
  }

  dispose(): void {
    tf.dispose(this.losses);
    this.losses = [];
    this.steps = 0;
  }

  /** The queued losses added up (and disposed). */
  private sum(): tf.Scalar {
    const sum = this.losses.length === 1 ? this.losses[0] : (tf.addN(this.losses) as tf.Scalar);
    if (this.losses.length > 1) tf.dispose(this.losses);
    return sum;
  }
}
