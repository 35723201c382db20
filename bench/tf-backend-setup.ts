// Vitest setup of the Node benches: the tfjs backend from TFJS_BACKEND (auto, tensorflow, wasm,
// cpu; default auto: tfjs-node when installed, else wasm, else cpu), named on the console.
import { NODE_BACKENDS, type NodeBackend } from '../src/cli/args';
import { selectNodeBackend } from '../src/cli/backend';

const asked = process.env.TFJS_BACKEND ?? 'auto';
if (!(NODE_BACKENDS as readonly string[]).includes(asked))
  throw new Error(`TFJS_BACKEND must be one of ${NODE_BACKENDS.join(', ')}; got "${asked}"`);
const info = await selectNodeBackend(asked as NodeBackend);
console.log(`backend: ${info.name}: ${info.note}`);
