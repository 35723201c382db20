/**
 * A copy of a model's parameters kept on the backend: the session keeps the best epoch on
 * validation, and puts it back before the test part is scored and the map is drawn.
 */
import { tf } from '../tf/tfjs';
import { tablesOf, type RecModel } from '../models/types';

export class ParamCheckpoint {
  private saved: tf.Tensor[] | null = null;

  constructor(private readonly model: RecModel) {}

  /** The model's variables: its embedding tables and its dense parameters. */
  private get variables(): tf.Variable[] {
    return [...tablesOf(this.model).map((t) => t.weights), ...this.model.dense];
  }

  get held(): boolean {
    return this.saved !== null;
  }

  /** Copies every parameter (replacing the copy held). */
  save(): void {
    this.dispose();
    this.saved = this.variables.map(copy);
  }

  /** Writes the copy back into the model's variables; the copy stays held. */
  restore(): void {
    if (!this.saved) throw new Error('no checkpoint to restore');
    const saved = this.saved;
    this.variables.forEach((v, k) => {
      const values = copy(saved[k]);
      v.assign(values);
      values.dispose();
    });
  }

  dispose(): void {
    if (this.saved) tf.dispose(this.saved);
    this.saved = null;
  }
}

/**
 * A copy with storage of its own. Not `tf.clone`: a clone shares the variable's buffer, which the
 * cpu backend's fast row writes (embedding.ts `writeRows`) update in place.
 */
function copy(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(t, tf.zerosLike(t)));
}
