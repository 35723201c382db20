/**
 * The command line (`npx latent-lab`, src/cli/main.ts) built for Node: `vite build --config
 * vite.cli.config.ts` writes dist-cli/main.js. bin/latent-lab.mjs runs this build itself when
 * dist-cli is missing or older than the sources.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rolldownOptions: {
      // The row engine's worker thread (src/cli/engine.ts) is a script of its own beside main.js.
      input: { main: 'src/cli/main.ts', 'kernel-thread': 'src/cli/kernel-thread.ts' },
      // Optional and not a dependency: imported at run time when installed (src/cli/train.ts).
      external: ['@tensorflow/tfjs-node'],
      output: {
        entryFileNames: '[name].js',
        // The bundled tfjs-backend-wasm loader (Emscripten, CommonJS) reads its .wasm files with
        // require('fs') and knows its folder by __dirname; an ES module has neither.
        banner: [
          "import { createRequire as __llRequire } from 'node:module';",
          "import { fileURLToPath as __llPath } from 'node:url';",
          'const require = __llRequire(import.meta.url);',
          'const __dirname = __llPath(new URL(".", import.meta.url));',
        ].join('\n'),
      },
    },
  },
  ssr: {
    // Dependencies stay external (Node loads them from node_modules) except tfjs: the app imports
    // tfjs-core's ES modules by deep path (dist/register_all_gradients), which Node cannot load
    // (extensionless imports), and one bundled copy keeps a single set of kernels and gradients
    // (the wasm backend and seedrandom with it: beside a bundled core, Node's copies of them
    // would bring a second core, or miss seedrandom's named exports).
    noExternal: [/^@tensorflow\/tfjs-(core|backend-cpu|backend-wasm)/, 'seedrandom'],
  },
});
