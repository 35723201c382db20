import { defineConfig } from 'vitest/config';

// `npm run bench:accuracy`: trains every model on the MovieLens sample in Node (TFJS_BACKEND:
// tfjs-node, else wasm, else cpu; see bench/tf-backend-setup.ts).
export default defineConfig({
  test: {
    include: ['bench/accuracy/*.bench-test.ts'],
    testTimeout: 3_600_000,
    setupFiles: ['bench/tf-backend-setup.ts'],
  },
});
