import { defineConfig } from 'vitest/config';

// `npm run bench:playground`: how long the playground's update takes on the sample's tables.
export default defineConfig({
  test: {
    include: ['bench/playground/*.bench-test.ts'],
    testTimeout: 600_000,
  },
});
