/**
 * Copies of typed arrays in SharedArrayBuffers, for arrays that several threads read and none
 * writes in place (a data set's rows, an epoch's checkpoint): posting one between the page and
 * its workers then shares it instead of cloning it on the receiving thread. Only where the page
 * is cross-origin isolated; elsewhere SharedArrayBuffer is missing and callers keep the array.
 */
type Shareable = Int32Array | Uint32Array | Float32Array | Float64Array;

/** Whether this context can share memory with its workers (cross-origin isolated). */
export function canShare(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer !== 'undefined' && isolated === true;
}

/** `a` copied into a new SharedArrayBuffer, of the same type and length. */
export function sharedCopy<T extends Shareable>(a: T): T {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(a.byteLength),
  );
  out.set(a);
  return out;
}

/** A zeroed Float32Array of `n`, in a SharedArrayBuffer where this context can share memory. */
export function shareableFloat32(n: number): Float32Array {
  return canShare() ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
}
