#!/usr/bin/env node
/**
 * `npx latent-lab ...`: runs the command line built into dist-cli/main.js, building it first
 * (Vite, vite.cli.config.ts, about a second) when it is missing or older than the sources, so it
 * works right after `npm ci` on a fresh clone with no extra step.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist-cli', 'main.js');
const config = join(root, 'vite.cli.config.ts');

/** Newest modification time under `path` (a file or a folder, walked). */
function newest(path) {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

function stale() {
  if (!existsSync(entry)) return true;
  const sources = [join(root, 'src'), config, join(root, 'package-lock.json')];
  return statSync(entry).mtimeMs < Math.max(...sources.map(newest));
}

if (stale()) {
  let build;
  try {
    ({ build } = await import('vite'));
  } catch {
    process.stderr.write(
      'latent-lab: dist-cli/main.js is not built and Vite is missing: run npm ci\n',
    );
    process.exit(1);
  }
  await build({ root, configFile: config, logLevel: 'error' });
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
