import { defineConfig } from 'vitest/config';

// `npm run bench:defaults`: searches each model's settings on the sample's validation part.
export default defineConfig({
  test: {
    include: ['bench/defaults/*.bench-test.ts'],
    testTimeout: 7_200_000,
    setupFiles: ['src/core/tf/test-setup.ts'],
  },
});
