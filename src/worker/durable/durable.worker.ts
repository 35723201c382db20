/// <reference lib="webworker" />
// Worker entry: all logic lives in DurableWriterSession so it can be tested in Node.
import { openDatabase, putValue } from './database';
import type { DurableRequest } from './protocol';
import { DurableWriterSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new DurableWriterSession(
  () => openDatabase().then((db) => (key, value, sequence) => putValue(db, key, value, sequence)),
  (msg) => scope.postMessage(msg),
);
scope.onmessage = (event: MessageEvent<DurableRequest>) => session.handle(event.data);
