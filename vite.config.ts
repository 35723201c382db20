import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * Cross-origin isolation, so the page may use SharedArrayBuffer (the parallel CPU engine's
 * tables, shared by its kernel workers). Everything the page loads is same-origin, which
 * `require-corp` allows. Static hosts must send the same two headers (README).
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  // The dev server serves tfjs as its own ES modules, not pre-bundled: the gradients' deep import
  // would otherwise land in a second bundle with a second tfjs-core whose flags are unset. Their
  // CommonJS dependencies still need converting.
  optimizeDeps: {
    exclude: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
    ],
    include: [
      '@tensorflow/tfjs-core > long',
      '@tensorflow/tfjs-core > seedrandom',
      '@tensorflow/tfjs-backend-cpu > seedrandom',
      // CommonJS inside (its Emscripten loaders): pre-bundled, unlike the other tfjs packages.
      '@tensorflow/tfjs-backend-wasm',
      // Imported only in the projection worker, so the first page load would find it late,
      // re-bundle and reload the page.
      'umap-js',
    ],
  },

  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: { main: 'index.html', bench: 'bench.html' },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    setupFiles: ['src/core/tf/test-setup.ts'],
  },
});
