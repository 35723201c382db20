/**
 * The tfjs engines of a run: the worker's default backend (webgl, or cpu where webgl failed),
 * 'cpu' on tfjs wasm and 'webgpu', each offered where its backend starts (tfjs-backends.ts),
 * else listed with the reason. Making a candidate's trainer switches the worker to its backend;
 * `inUse()` says which backend the chosen trainer runs on (the snapshot's `training.backend`).
 */
import { tf } from '../../core/tf/tfjs';
import { createTrainer } from '../../core/training/create';
import type { TrainConfig } from '../../core/training/config';
import type { TrainData } from '../../core/training/trainer';
import type { EngineCandidate } from '../../core/engines/choose';
import type { EngineName } from '../../core/engines/types';
import type { BackendChoice } from '../../core/training/recovery';
import { homeBackend } from './backend';
import { extraBackend, useBackend } from './tfjs-backends';

export async function tfjsCandidates(
  data: TrainData,
  config: TrainConfig,
  /** The rows a candidate is measured on (measure-data.ts); the run's data by default. */
  measured: TrainData = data,
): Promise<{
  candidates: EngineCandidate[];
  inUse: () => BackendChoice;
  /** Back to the default backend: for an engine of its own whose tfjs parts run there. */
  useHome: () => Promise<void>;
}> {
  const home = homeBackend() ?? { backend: 'cpu', fallbackReason: null, renderer: null };
  if (tf.getBackend() !== home.backend) await tf.setBackend(home.backend);
  let inUse: BackendChoice = home;
  const on =
    (backend: string, renderer: string | null): EngineCandidate['make'] =>
    async (measuring) => {
      inUse = backend === home.backend ? home : await useBackend(backend, renderer);
      if (inUse === home && tf.getBackend() !== home.backend) await tf.setBackend(home.backend);
      return createTrainer(measuring ? measured : data, config);
    };
  const candidate = (
    engine: EngineName,
    backend: string,
    started: { ok: boolean; reason: string; renderer: string | null },
  ): EngineCandidate => ({
    engine,
    make: started.ok ? on(backend, started.renderer) : null,
    reason: started.reason,
  });
  const wasm = await extraBackend('wasm', home.backend);
  const webgpu = await extraBackend('webgpu', home.backend);
  const candidates: EngineCandidate[] = [];
  if (home.backend === 'webgl')
    candidates.push({ engine: 'webgl', make: on('webgl', home.renderer) });
  candidates.push(
    wasm.ok || home.backend !== 'cpu'
      ? candidate('cpu', 'wasm', wasm)
      : // webgl did not start either: plain tfjs-cpu, and why not wasm.
        { engine: 'cpu', make: on('cpu', null), reason: `plain tfjs cpu: ${wasm.reason}` },
  );
  candidates.push(candidate('webgpu', 'webgpu', webgpu));
  const useHome = async () => {
    inUse = home;
    if (tf.getBackend() !== home.backend) await tf.setBackend(home.backend);
  };
  return { candidates, inUse: () => inUse, useHome };
}
