/**
 * The tfjs entry for the whole app: core ops, every gradient, and the cpu backend (always
 * available as the fallback). The webgl backend is added by `backend.ts` where it can run.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';

export * as tf from '@tensorflow/tfjs-core';
