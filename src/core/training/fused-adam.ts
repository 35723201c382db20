/**
 * tf.train.adam with each variable's update one kernel (`ADAM_UPDATE`, tf/adam-kernel.ts)
 * instead of about ten elementwise ops: for the backends that have the kernel (tfjs cpu and
 * wasm). `createOptimizer` chooses it there; WebGL and WebGPU keep tf.train.adam.
 *
 * The state is tf.train.adam's: per variable m and v (variables of its shape, zero at the
 * start), and beta^t as a float32 that starts at beta and is multiplied by beta after every step
 * (tf.train.adam's `accBeta` scalar variables), so the bias correction 1 - beta^t is rounded
 * as there.
 */
import { tf } from '../tf/tfjs';
import { ADAM_UPDATE, hasAdamKernel, type AdamConstants } from '../tf/adam-kernel';

const fr = Math.fround;

export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    return 'LatentLabFusedAdam';
  }

  /** beta1^t and beta2^t of the next step, float32. */
  private accBeta1: number;
  private accBeta2: number;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

  constructor(
    private readonly learningRate: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {
    super();
    this.accBeta1 = fr(beta1);
    this.accBeta2 = fr(beta2);
  }

  applyGradients(
    variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[],
  ): void {
    const named = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    // Each scalar as tf.train.adam's float32 tensors hold it; 1 - beta1 is computed in float64
    // there too (a JS number), then rounded.
    const attrs: AdamConstants = {
      beta1: fr(this.beta1),
      beta2: fr(this.beta2),
      oneMinusBeta1: fr(1 - this.beta1),
      oneMinusBeta2: fr(1 - this.beta2),
      oneMinusAccBeta1: fr(1 - this.accBeta1),
      oneMinusAccBeta2: fr(1 - this.accBeta2),
      epsilon: fr(this.epsilon),
      negLearningRate: fr(-this.learningRate),
    };
    if (!hasAdamKernel())
      throw new Error(
        `Adam: this optimizer was made for tfjs cpu or wasm, and the backend is now ${tf.getBackend()}; ` +
          'make the optimizer (createOptimizer) on the backend that trains',
      );
    tf.tidy(() => {
      for (const { name, tensor: grad } of named) {
        if (grad == null) continue;
        const param = tf.engine().registeredVariables[name];
        if (!param) throw new Error(`Adam: no variable named "${name}"`);
        const state = this.moments.get(name) ?? this.zeroMoments(name, param);
        const [p1, m1, v1] = tf
          .engine()
          .runKernel(
            ADAM_UPDATE,
            { param, grad, m: state.m, v: state.v },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        param.assign(p1);
        state.m.assign(m1);
        state.v.assign(v1);
      }
    });
    this.accBeta1 = fr(this.accBeta1 * fr(this.beta1));
    this.accBeta2 = fr(this.accBeta2 * fr(this.beta2));
    this.incrementIterations();
  }

  /** m and v of a variable, zero, kept until `dispose`. */
  private zeroMoments(name: string, param: tf.Variable): { m: tf.Variable; v: tf.Variable } {
    const zero = () => {
      const z = tf.zeros(param.shape, 'float32');
      const out = tf.variable(z, false);
      z.dispose();
      return out;
    };
    const state = tf.tidy(() => ({ m: zero(), v: zero() }));
    this.moments.set(name, state);
    return state;
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }

  getConfig(): tf.serialization.ConfigDict {
    const { learningRate, beta1, beta2, epsilon } = this;
    return { learningRate, beta1, beta2, epsilon };
  }
}
