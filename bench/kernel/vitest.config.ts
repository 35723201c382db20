import { defineConfig } from 'vitest/config';

// `npm run bench:kernel`: the row engine's epoch time per model on the MovieLens sample in Node.
export default defineConfig({
  test: {
    include: ['bench/kernel/*.bench-test.ts'],
    testTimeout: 1_800_000,
    setupFiles: ['src/core/tf/test-setup.ts'],
  },
});
