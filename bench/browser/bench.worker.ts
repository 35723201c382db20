/// <reference lib="webworker" />
import { tf } from '../../src/core/tf/tfjs';
import { selectBackend } from '../../src/worker/training/backend';
import {
  compareRowWriter,
  compareSegmentSum,
  compareWithStock,
  memoryOverSteps,
  profileSteps,
  runCase,
  sampleData,
  syntheticData,
  type BenchCase,
} from './cases';
import { runProjectionCase, type ProjectionCase } from './projection';
import { engineRows } from './engines';
import { deepRows } from './deep';
import { engineAccuracyRows } from './engines-accuracy';
import type { BenchEvent, BenchRequest } from './protocol';

const post = (e: BenchEvent) => self.postMessage(e);

function suite(req: BenchRequest, backend: string): BenchCase[] {
  if (req.quick) {
    return [
      {
        name: 'smoke 200x200',
        data: syntheticData(20_000, 200, 200),
        batch: 512,
        optimizer: 'adam',
        steps: 3,
        stockSteps: 1,
        plain: true,
      },
    ];
  }
  const gpu = backend === 'webgl';
  const cases: BenchCase[] = [];
  if (req.sample) {
    const sample = sampleData(req.sample);
    cases.push({
      name: 'ml-latest-small',
      data: sample,
      batch: 16384,
      optimizer: 'adam',
      steps: gpu ? 30 : 5,
      stockSteps: 0,
      plain: true,
    });
    cases.push({
      name: 'ml-latest-small',
      data: sample,
      batch: 4096,
      optimizer: 'adam',
      steps: gpu ? 40 : 5,
      stockSteps: 0,
      plain: false,
    });
  }
  cases.push({
    name: '1k x 1k',
    data: syntheticData(400_000, 1000, 1000),
    batch: 4096,
    optimizer: 'adam',
    steps: gpu ? 30 : 5,
    stockSteps: gpu ? 2 : 1,
    plain: true,
  });
  cases.push({
    name: '10k items',
    data: syntheticData(400_000, 10_000, 10_000),
    batch: 16384,
    optimizer: 'adagrad',
    steps: gpu ? 20 : 3,
    stockSteps: 0,
    plain: true,
  });
  cases.push({
    name: '1M items',
    data: syntheticData(400_000, 10_000, 1_000_000),
    batch: 16384,
    optimizer: 'adagrad',
    steps: gpu ? 10 : 2,
    stockSteps: 0,
    plain: true,
  });
  return cases;
}

/**
 * UMAP to 3D of planted clusters (12 gaussian clusters of Zipf-like sizes, noise 1.5: they touch,
 * so a layout can mix them). The quick smoke runs a small case so it stays seconds long.
 */
function projectionSuite(req: BenchRequest): ProjectionCase[] {
  if (req.quick) return [{ name: 'planted 1k x 32', n: 1000, d: 32, noise: 1.5, umapJs: true }];
  return [{ name: 'planted 10k x 32', n: 10_000, d: 32, noise: 1.5, umapJs: true }];
}

async function runProjections(req: BenchRequest): Promise<void> {
  for (const c of projectionSuite(req)) {
    post({ type: 'progress', message: `projection: ${c.name}` });
    for (const row of await runProjectionCase(c)) post({ type: 'projection', row });
  }
}

self.onmessage = async (ev: MessageEvent<BenchRequest>) => {
  try {
    if (ev.data.projectionOnly) {
      // Pure CPU work: no tfjs backend needed.
      await runProjections(ev.data);
      post({ type: 'done' });
      return;
    }
    const choice = await selectBackend('webgl');
    post({ type: 'env', ...choice });
    for (const [flag, value] of Object.entries(ev.data.flags))
      tf.env().set(flag, value === 'true' || (value !== 'false' && Number(value)));
    const say = (message: string) => post({ type: 'progress', message });
    if (ev.data.accuracy) {
      for (const row of await engineAccuracyRows(ev.data.accuracy, say))
        post({ type: 'accuracy', row });
      post({ type: 'done' });
      return;
    }
    if (ev.data.deepOnly || (!ev.data.quick && !ev.data.enginesOnly && !ev.data.profile)) {
      const sample = ev.data.sample && sampleData(ev.data.sample)();
      const only = { engines: ev.data.deepEngines, data: ev.data.deepData };
      for (const row of await deepRows(
        only.data === 'large' ? null : sample,
        ev.data.quick || only.data === 'sample',
        say,
        only.engines,
        ev.data.deepModels,
      ))
        post({ type: 'deep', row });
      if (ev.data.deepOnly) {
        post({ type: 'done' });
        return;
      }
    }
    if (ev.data.sample && !ev.data.profile) {
      const data = sampleData(ev.data.sample)();
      for (const row of await engineRows(data, choice.backend, ev.data.quick, say))
        post({ type: 'engine', row });
      if (ev.data.enginesOnly) {
        post({ type: 'done' });
        return;
      }
    }
    if (ev.data.profile && ev.data.sample) {
      const [sample] = suite(ev.data, choice.backend);
      for (const line of await profileSteps(sample, 10)) post({ type: 'progress', message: line });
      post({ type: 'done' });
      return;
    }
    const checks = [
      { name: 'sgd lr 1, 1 step (gradients)', optimizer: 'sgd', lr: 1, steps: 1 },
      { name: 'sgd lr 0.05, 30 steps', optimizer: 'sgd', lr: 0.05, steps: 30 },
      { name: 'adam lr 0.01, 1 step', optimizer: 'adam', lr: 0.01, steps: 1 },
      // Lazy and dense momentum / RMSProp part ways from the second step (rows absent from a
      // batch keep moving or decaying in the dense versions), so they are compared after one.
      { name: 'momentum lr 0.05, 1 step', optimizer: 'momentum', lr: 0.05, steps: 1 },
      { name: 'rmsprop lr 0.01, 1 step', optimizer: 'rmsprop', lr: 0.01, steps: 1 },
      { name: 'adagrad lr 0.05, 3 steps', optimizer: 'adagrad', lr: 0.05, steps: 3 },
      { name: 'adamax lr 0.01, 1 step', optimizer: 'adamax', lr: 0.01, steps: 1 },
      { name: 'adadelta lr 1, 1 step', optimizer: 'adadelta', lr: 1, steps: 1 },
      {
        name: 'sgd lr 0.05, 5 steps, 5k items',
        optimizer: 'sgd',
        lr: 0.05,
        steps: 5,
        items: 5000,
      },
      {
        name: 'adam lr 0.01, 1 step, 5k items',
        optimizer: 'adam',
        lr: 0.01,
        steps: 1,
        items: 5000,
      },
    ] as const;
    for (const c of checks) {
      post({
        type: 'check',
        name: `${choice.backend}: ${c.name}`,
        maxDiff: await compareWithStock(c.optimizer, c.lr, c.steps, 'items' in c ? c.items : 120),
      });
    }
    // A table past the texture size limit wraps rows across texture lines; that case takes about
    // 45 s in software WebGL, so the quick smoke leaves it to the full run.
    const writerCases = [
      [150, 8, 100],
      [5000, 32, 1000],
      ...(ev.data.quick ? [] : [[70_000, 32, 4096]]),
    ];
    for (const [rows, dim, touched] of writerCases) {
      const name = `${choice.backend}: row writer, ${touched} of ${rows} x ${dim}`;
      post({ type: 'check', name, maxDiff: await compareRowWriter(rows, dim, touched) });
    }
    for (const [rows, batch] of [
      [150, 256],
      [10_000, 4096],
    ]) {
      const name = `${choice.backend}: segment sum, batch ${batch} over ${rows} rows`;
      post({ type: 'check', name, maxDiff: compareSegmentSum(rows, batch, 8) });
    }
    if (ev.data.quick) {
      const [smoke] = suite(ev.data, choice.backend);
      const steps = 1000;
      const name = `${choice.backend}: ${smoke.name}, batch ${smoke.batch}, adam`;
      post({ type: 'memory', name, steps, ...(await memoryOverSteps(smoke, steps)) });
    }
    const backends =
      ev.data.cpu && choice.backend !== 'cpu' ? [choice.backend, 'cpu'] : [choice.backend];
    for (const backend of backends) {
      await tf.setBackend(backend);
      for (const c of suite(ev.data, backend)) {
        post({ type: 'progress', message: `${backend}: ${c.name}, batch ${c.batch}` });
        post({ type: 'row', row: await runCase(c, backend) });
      }
    }
    await runProjections(ev.data);
    post({ type: 'done' });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
