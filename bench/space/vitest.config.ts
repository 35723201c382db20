import { defineConfig } from 'vitest/config';

// `npm run bench:space`: trains candidate default models on the sample in Node (tfjs cpu) and
// measures their maps' neighbourhoods (space quality) under each neighbour setting.
export default defineConfig({
  test: {
    include: ['bench/space/*.bench-test.ts'],
    testTimeout: 3_600_000,
    setupFiles: ['src/core/tf/test-setup.ts'],
  },
});
