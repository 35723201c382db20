import { it } from 'vitest';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { prepareExperiment } from '../../src/core/training/experiment';
import { trainingPayload } from '../../src/core/training/session-messages';
import { RowEngineTrainer } from '../../src/core/engines/row-trainer';
import * as K from '../../src/core/engines/row-kernel';
import type { RowExecutorFactory } from '../../src/core/engines/types';
import { serialExecutor } from '../../src/core/engines/serial';
import type { RowState } from '../../src/core/engines/row-state';
import { loadSample } from '../sample';

it('phases', async () => {
  const payload = trainingPayload(loadSample());
  const m = MODELS.find((x) => x.name === 'biased-mf')!;
  const config: TrainConfig = { ...DEFAULT_CONFIG, model: 'biased-mf', ...m.defaults };
  const { data } = prepareExperiment(payload, config);
  for (const simd of [true, false]) {
    let state!: RowState;
    const f: RowExecutorFactory = async (shape, params) => {
      const ex = await serialExecutor(simd)(shape, params);
      state = ex.state;
      return ex;
    };
    const t = await RowEngineTrainer.create(data, config, f, 1);
    const prm = { mean: 3.5, l2: config.l2, optimizer: 6 };
    const steps = 18;
    const job = { firstStep: 1, steps, stepInEpoch: 0, uniforms: [] as number[] };
    for (let rep = 0; rep < 4; rep++) {
      const time = [0, 0, 0];
      for (let s = 0; s < steps; s++) {
        let t0 = performance.now();
        K.scorePhase(state, prm, job, s, 0);
        time[0] += performance.now() - t0;
        t0 = performance.now();
        K.accumulatePhase(state, prm, rep * steps + s + 1, 0, 0);
        time[1] += performance.now() - t0;
        t0 = performance.now();
        K.updatePhase(state, prm, 0, 0.001, 1.1);
        time[2] += performance.now() - t0;
      }
      console.log(simd ? 'wasm' : 'js', `dim ${config.dim} batch ${config.batchSize}`, time.map((x) => x.toFixed(1)).join(' / '), 'ms per epoch');
    }
    t.dispose();
  }
});
