import { defineConfig } from 'vitest/config';

// `npx vitest run --config bench/deep/vitest.config.ts`: one epoch of each deep model on the
// MovieLens sample in Node (TFJS_BACKEND, see bench/tf-backend-setup.ts), timed, with its
// held-out metrics.
export default defineConfig({
  test: {
    include: ['bench/deep/*.bench-test.ts'],
    testTimeout: 3_600_000,
    setupFiles: ['bench/tf-backend-setup.ts'],
  },
});
