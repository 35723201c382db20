/// <reference lib="webworker" />
// Worker entry: all logic lives in ProjectionSession so it can be tested in Node.
import { ProjectionSession } from './session';
import type { ProjectionRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new ProjectionSession((msg, transfer) => scope.postMessage(msg, transfer));
scope.onmessage = (event: MessageEvent<ProjectionRequest>) => session.handle(event.data);
