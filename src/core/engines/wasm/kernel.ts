/**
 * Loads the row engine's WebAssembly SIMD kernel (assembly/row-kernel, compiled into
 * row-kernel-binary.ts) over a row state's memory. Each thread instantiates its own copy over
 * the same memory; a shared memory needs the variant built for one.
 */
import { ROW_KERNEL_PLAIN, ROW_KERNEL_SHARED } from './row-kernel-binary';

/** The kernel's exports (assembly/row-kernel/index.ts). Pointers are byte offsets in the memory. */
export interface RowWasm {
  setup(header: number): void;
  reservedBytes(): number;
  rowScore(
    stepInEpoch: number,
    step: number,
    w: number,
    userBlock: number,
    itemBlock: number,
  ): number;
  rowAccumulate(t: number, w: number, r: number, mean: number, decay: number): number;
  /** The bag models' phases B-E (assembly/row-kernel/bags.ts). */
  bagEntities(t: number, w: number): void;
  bagScore(mean: number, w: number): number;
  bagRepGrad(t: number, w: number, decay: number): void;
  bagTableGrad(t: number, w: number, decay: number): void;
  updateRows(
    code: number,
    param: number,
    grad: number,
    s0: number,
    s1: number,
    touched: number,
    n: number,
    width: number,
    u0: number,
    u1: number,
  ): void;
}

/**
 * The part of the WebAssembly API used here, typed locally: the core compiles without the DOM
 * library, whose declarations hold the standard ones.
 */
export interface KernelMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
type KernelModule = object;
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => KernelMemory;
  Module: new (bytes: Uint8Array) => KernelModule;
  Instance: new (m: KernelModule, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const modules = new Map<boolean, KernelModule | null>();

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) bytes[k] = text.charCodeAt(k);
  return bytes;
}

/** The compiled kernel for a shared or plain memory; null where WebAssembly SIMD is missing. */
export function rowWasmModule(shared: boolean): KernelModule | null {
  if (!modules.has(shared)) {
    let module: KernelModule | null = null;
    if (wasmApi) {
      const bytes = decode(shared ? ROW_KERNEL_SHARED : ROW_KERNEL_PLAIN);
      if (wasmApi.validate(bytes)) module = new wasmApi.Module(bytes);
    }
    modules.set(shared, module);
  }
  return modules.get(shared)!;
}

/**
 * Bytes at the start of a kernel memory left to the module's own data: the state's arrays begin
 * here. One page; `instantiateRowWasm` checks the module needs no more.
 */
export const WASM_RESERVED_BYTES = 65536;

/** A zeroed kernel memory of `pages` 64 KiB pages that never grows (so its views stay valid). */
export function kernelMemory(pages: number, shared: boolean): KernelMemory {
  return new wasmApi!.Memory({ initial: pages, maximum: pages, shared });
}

/** The kernel over `memory`, set up from the header at byte `header`. */
export function instantiateRowWasm(memory: KernelMemory, shared: boolean, header: number): RowWasm {
  const module = rowWasmModule(shared);
  if (!module) throw new Error('row engine: this runtime has no WebAssembly SIMD');
  const wasm = new wasmApi!.Instance(module, { env: { memory } }).exports as RowWasm;
  if (wasm.reservedBytes() > WASM_RESERVED_BYTES)
    throw new Error(`row engine: the kernel's own data outgrew ${WASM_RESERVED_BYTES} bytes`);
  wasm.setup(header);
  return wasm;
}
