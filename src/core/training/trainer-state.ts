/**
 * A finished epoch's parameters as plain typed arrays, kept off the GPU: what a run resumes from
 * after a reload (stored in IndexedDB) or after the WebGL context is lost (its textures are gone
 * with it). The optimizer's moments are not kept (they are as large as the tables again, and
 * live on the backend): a resumed run's optimizer starts fresh, which the page says.
 */
import { tf } from '../tf/tfjs';
import { tablesOf, type RecModel } from '../models/types';
import { canShare, sharedCopy } from '../util/shared';

/** One variable: its name in the model ('table:<name>' or 'dense:<k>'), shape and values. */
export interface ParamValues {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TrainerState {
  /** Epochs finished when the parameters were read. */
  epoch: number;
  /** The model the parameters belong to (registry name), checked when they are put back. */
  model: string;
  params: ParamValues[];
}

/**
 * The state with its parameters in SharedArrayBuffers where the worker can share memory: each
 * epoch's checkpoint goes to the page and from there to the session writer, and a copy cloned
 * on the page took 1.3 s of its main thread over five epochs at 5M rows (the user-day table is
 * about a float a training row). The training worker keeps it too, to resume after a lost GPU.
 */
export function shareState(state: TrainerState): TrainerState {
  if (!canShare()) return state;
  const share = (a: Float32Array) => (a.buffer instanceof SharedArrayBuffer ? a : sharedCopy(a));
  return { ...state, params: state.params.map((p) => ({ ...p, values: share(p.values) })) };
}

/** The bytes of a state's parameters. */
export function stateBytes(state: TrainerState): number {
  return state.params.reduce((sum, p) => sum + p.values.byteLength, 0);
}

/** The model's variables in a fixed order: its tables (by name), then its dense parameters. */
function variables(model: RecModel): { name: string; v: tf.Variable }[] {
  return [
    ...tablesOf(model).map((t) => ({ name: `table:${t.name}`, v: t.weights })),
    ...model.dense.map((v, k) => ({ name: `dense:${k}`, v })),
  ];
}

/** Reads every parameter of the model (one read per variable: between epochs, not per step). */
export async function readParams(model: RecModel): Promise<ParamValues[]> {
  const out: ParamValues[] = [];
  for (const { name, v } of variables(model)) {
    // A copy (shared where it can be, as shareState would make it): the cpu backend's buffer is
    // the variable's own and later steps write into it.
    const read = (await v.data()) as Float32Array;
    const values = canShare() ? sharedCopy(read) : read.slice();
    out.push({ name, shape: [...v.shape], values });
  }
  return out;
}

/**
 * Why `state` cannot be put into `model` (another model, or another shape: settings or data that
 * changed), or null when it fits.
 */
export function stateMismatch(model: RecModel, state: TrainerState): string | null {
  if (state.model !== model.name)
    return `the stored epoch is of ${state.model}, and the run trains ${model.name}`;
  const vars = variables(model);
  if (vars.length !== state.params.length)
    return `the stored epoch has ${state.params.length} parameters and the model ${vars.length}`;
  for (let k = 0; k < vars.length; k++) {
    const want = vars[k];
    const got = state.params[k];
    const size = want.v.shape.reduce((a, b) => a * b, 1);
    if (got.name !== want.name || got.values.length !== size)
      return `the stored ${got.name} [${got.shape.join(' x ')}] does not fit ${want.name} [${want.v.shape.join(' x ')}]`;
  }
  return null;
}

/** Writes the stored values into the model's variables; throws with the reason when they do not fit. */
export function writeParams(model: RecModel, state: TrainerState): void {
  const problem = stateMismatch(model, state);
  if (problem) throw new Error(`Cannot resume: ${problem}.`);
  variables(model).forEach(({ v }, k) => {
    tf.tidy(() => v.assign(tf.tensor(state.params[k].values, v.shape)));
  });
}

/** A trainer's state after `epoch` finished epochs (one read per variable: between epochs). */
export async function stateAt(epoch: number, model: RecModel): Promise<TrainerState> {
  return { epoch, model: model.name, params: await readParams(model) };
}

/**
 * Puts a stored state into a trainer that has not stepped yet (`stepped`: its steps so far): the
 * parameters, and the finished epochs' shuffles replayed (`shuffle`, once per epoch), so the next
 * epoch sees the undisturbed run's order. The caller then sets its epoch and step counts.
 */
export function resumeModel(
  model: RecModel,
  state: TrainerState,
  stepped: number,
  shuffle: () => void,
): void {
  if (stepped) throw new Error('a run resumes before its first step');
  writeParams(model, state);
  for (let e = 0; e < state.epoch; e++) shuffle();
}

/** The arrays of a state, to transfer to or from a worker. */
export function stateBuffers(state: TrainerState | null | undefined): ArrayBuffer[] {
  return state ? state.params.map((p) => p.values.buffer as ArrayBuffer) : [];
}
