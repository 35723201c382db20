/// <reference lib="webworker" />
// Worker entry: all logic lives in ImportSession (session.ts) so it can be tested in Node. Files
// are read as streams, so the page stays responsive whatever their size.
import { ImportSession } from './session';
import type { ImportRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new ImportSession((event, transfer) => scope.postMessage(event, transfer));
scope.onmessage = (ev: MessageEvent<ImportRequest>) => void session.handle(ev.data);
