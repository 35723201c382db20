import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT, rowKernelSource } from '../../../../scripts/build-wasm.mjs';
import { rowWasmModule } from './kernel';

describe('the committed WebAssembly row kernel', () => {
  it('is what AssemblyScript builds from assembly/row-kernel (run `npm run build:wasm` if not)', async () => {
    const committed = readFileSync(new URL(`../../../../${OUTPUT}`, import.meta.url), 'utf8');
    expect(committed === (await rowKernelSource())).toBe(true);
  });

  it('loads here, for a shared and a plain memory', () => {
    expect(rowWasmModule(true)).not.toBeNull();
    expect(rowWasmModule(false)).not.toBeNull();
  });
});
