import { defineConfig } from 'vitest/config';

// `npm run bench:accuracy`: trains every model on the MovieLens sample in Node (tfjs cpu).
export default defineConfig({
  test: {
    include: ['bench/accuracy/*.bench-test.ts'],
    testTimeout: 3_600_000,
    setupFiles: ['src/core/tf/test-setup.ts'],
  },
});
