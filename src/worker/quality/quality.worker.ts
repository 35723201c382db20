/// <reference lib="webworker" />
// Worker entry: all logic lives in QualitySession so it can be tested in Node.
import { QualitySession } from './session';
import type { QualityRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new QualitySession((msg) => scope.postMessage(msg));
scope.onmessage = (event: MessageEvent<QualityRequest>) => session.handle(event.data);
