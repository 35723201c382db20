/**
 * The row engine's step in WebAssembly with SIMD (engines/wasm/kernel.ts loads it): the phases of
 * engines/row-kernel.ts over the same memory, a row's factors four floats at a time. The JS
 * kernel stays the reference (and the path where WebAssembly SIMD is missing); tests check that
 * both give the same steps.
 */
export { setup, reservedBytes } from './state';
export { rowScore, rowAccumulate } from './rows';
export { updateRows } from './update';
export { bagEntities, bagScore, bagRepGrad, bagTableGrad } from './bags';
