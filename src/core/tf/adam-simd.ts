/**
 * The Adam update (adam-kernel.ts) as a WebAssembly SIMD loop over tfjs-wasm's own heap: a
 * module of one function, assembled here byte by byte (no toolchain), that imports the backend's
 * memory and reads and writes the tensors where they lie. A JavaScript loop was slower than the
 * ten tfjs-wasm ops it replaces (about 50 ms per [9,724 x 256] matrix in Node against 39 ms for
 * the ops, which run SIMD): four lanes at a time it is one pass.
 *
 * f32x4 add, mul, div and sqrt are IEEE float32 operations, correctly rounded, so the loop gives
 * tf.train.adam's result to the bit, as the JavaScript loop does with Math.fround.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { tf } from './tfjs';
import { adamUpdate, type AdamConstants } from './adam-kernel';

/**
 * The part of the WebAssembly API used here (core compiles without the DOM library, where its
 * types live; every engine that runs tfjs-wasm has it).
 */
interface Memory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => Memory;
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The loop: (p, g, m, v, p', m', v' byte offsets; n groups of 4; the `AdamConstants`). */
export type AdamSimd = (
  p: number,
  g: number,
  m: number,
  v: number,
  p1: number,
  m1: number,
  v1: number,
  groups: number,
  beta1: number,
  beta2: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
  epsilon: number,
  negLearningRate: number,
) => void;

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions.
const get = (i: number) => [0x20, ...leb(i)];
const set = (i: number) => [0x21, ...leb(i)];
const simd = (op: number) => [0xfd, ...leb(op)];
const load = [...simd(0x00), 0, 0]; // v128.load, align 1, offset 0 (any address works)
const store = [...simd(0x0b), 0, 0];
const [splat, sqrt, add, mul, div] = [0x13, 0xe3, 0xe4, 0xe6, 0xe7].map(simd);
/** v128 at byte offset (param `ptr` + local i). */
const at = (ptr: number) => [...get(ptr), ...get(I), 0x6a];

// Params 0-6: the byte offsets; 7: groups; 8-15: the constants. Locals after them.
const I = 16;
const END = 17;
const [B1, B2, C1, C2, A1, A2, EPS, NLR, G, M1, V1] = Array.from({ length: 11 }, (_, k) => 18 + k);

function body(): number[] {
  // prettier-ignore
  const code = [
    // The constants in every lane.
    ...[B1, B2, C1, C2, A1, A2, EPS, NLR].flatMap((local, k) => [...get(8 + k), ...splat, ...set(local)]),
    ...get(7), 0x41, 4, 0x74, ...set(END), // end = groups << 4 (bytes)
    0x41, 0, ...set(I),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(I), ...get(END), 0x4f, 0x0d, 1, // if i >= end: break
    ...at(1), ...load, ...set(G),
    // m' = m b1 + g (1 - b1)
    ...at(2), ...load, ...get(B1), ...mul, ...get(G), ...get(C1), ...mul, ...add, ...set(M1),
    // v' = v b2 + g^2 (1 - b2)
    ...at(3), ...load, ...get(B2), ...mul, ...get(G), ...get(G), ...mul, ...get(C2), ...mul, ...add,
    ...set(V1),
    ...at(5), ...get(M1), ...store,
    ...at(6), ...get(V1), ...store,
    // p' = (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps) x (-lr) + p
    ...at(4),
    ...get(M1), ...get(A1), ...div,
    ...get(V1), ...get(A2), ...div, ...sqrt, ...get(EPS), ...add,
    ...div, ...get(NLR), ...mul,
    ...at(0), ...load, ...add,
    ...store,
    ...get(I), 0x41, 16, 0x6a, ...set(I), // i += 16
    0x0c, 0, // continue
    0x0b, 0x0b, // end loop, end block
    0x0b, // end function
  ];
  const locals = vec([
    [...leb(2), I32],
    [...leb(11), V128],
  ]);
  return [...leb(locals.length + code.length), ...locals, ...code];
}

/** The module's bytes; `shared`: the memory it imports is shared (tfjs-wasm with threads). */
export function adamModuleBytes(shared: boolean): Uint8Array {
  const params = [...Array(8).fill(I32), ...Array(8).fill(F32)];
  // A shared memory's import must give a maximum: the largest there is, so any memory fits.
  const limits = shared ? [0x03, 1, ...leb(65536)] : [0x00, 1];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), 0]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('adam'), 0x00, 0]])),
    ...section(10, vec([body()])),
  ]);
}

/** Where tfjs-wasm keeps its heap: Emscripten's `wasmMemory` (threads) or the instance's export. */
function heapOf(backend: BackendWasm): Memory | null {
  const module = backend.wasm as unknown as {
    wasmMemory?: Memory;
    asm?: { memory?: Memory };
  };
  const memory = module.wasmMemory ?? module.asm?.memory;
  return wasmApi && memory instanceof wasmApi.Memory ? memory : null;
}

const loops = new WeakMap<object, AdamSimd | null>();

/**
 * `AdamLoop` for tfjs-wasm: the SIMD loop over the backend's heap, the last n mod 4 elements by
 * the JavaScript loop. False where the module cannot run (the kernel then runs the JS loop).
 */
export function wasmAdamLoop(
  backend: unknown,
  ins: tf.TensorInfo[],
  outs: tf.TensorInfo[],
  c: AdamConstants,
): boolean {
  const wasm = backend as BackendWasm;
  if (!loops.has(wasm)) {
    const memory = heapOf(wasm);
    loops.set(wasm, memory ? adamSimd(memory) : null);
  }
  const loop = loops.get(wasm);
  if (!loop) return false;
  const offset = (t: tf.TensorInfo) => wasm.dataIdMap.get(t.dataId)!.memoryOffset;
  const n = outs[0].shape.reduce((a, b) => a * b, 1);
  const groups = n >> 2;
  const [p, g, m, v] = ins.map(offset);
  const [p1, m1, v1] = outs.map(offset);
  loop(
    p,
    g,
    m,
    v,
    p1,
    m1,
    v1,
    groups,
    c.beta1,
    c.beta2,
    c.oneMinusBeta1,
    c.oneMinusBeta2,
    c.oneMinusAccBeta1,
    c.oneMinusAccBeta2,
    c.epsilon,
    c.negLearningRate,
  );
  if (groups * 4 < n) {
    const tail = (t: tf.TensorInfo) =>
      (wasm.typedArrayFromHeap(t) as Float32Array).subarray(groups * 4);
    const [tp, tg, tm, tv] = ins.map(tail);
    const [tp1, tm1, tv1] = outs.map(tail);
    adamUpdate(tp, tg, tm, tv, tp1, tm1, tv1, c);
  }
  return true;
}

/**
 * The loop over `memory`, or null where this engine cannot run it (no WebAssembly SIMD): the
 * caller then keeps the JavaScript loop.
 */
export function adamSimd(memory: Memory): AdamSimd | null {
  const shared =
    typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = adamModuleBytes(shared);
  if (!wasmApi?.validate(bytes)) return null;
  try {
    const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
    return instance.exports.adam as AdamSimd;
  } catch {
    return null;
  }
}
