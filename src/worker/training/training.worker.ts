/// <reference lib="webworker" />
import { selectBackend } from './backend';
import { TrainingSession } from '../../core/training/session';
import { handleRecommend } from './recommend';
import { workerEngines } from './engines';
import { WebglGuard } from './context-loss';
import { transferablesOfEvent, type TrainingEvent, type TrainingRequest } from './protocol';

const post = (e: TrainingEvent) => self.postMessage(e, { transfer: transferablesOfEvent(e) });
const gpu = new WebglGuard();
const session = new TrainingSession(post, undefined, workerEngines, gpu);
const ready = selectBackend('webgl').then(
  (choice) => {
    gpu.attach();
    post({ type: 'backend', ...choice });
  },
  (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
self.onmessage = (ev: MessageEvent<TrainingRequest>) =>
  void ready.then(() =>
    ev.data.type === 'recommend' ? handleRecommend(ev.data, post) : session.handle(ev.data),
  );
