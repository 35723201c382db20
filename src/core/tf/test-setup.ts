// Vitest setup: unit tests run on the tfjs cpu backend in Node.
import { tf } from './tfjs';

await tf.setBackend('cpu');
