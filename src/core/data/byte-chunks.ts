/**
 * Files as the browser hands them over: a web stream of byte chunks. For tests and the bench,
 * which must show that a reader gives the same result however a file's bytes are cut.
 */

/** `bytes` as a web stream of `size`-byte chunks (copies, as `file.stream()` delivers them). */
export function chunkedStream(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

/** `bytes` cut at random places into pieces of 1 to `max` bytes (views, not copies). */
export function randomCuts(bytes: Uint8Array, random: () => number, max: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length;) {
    const k = 1 + Math.floor(random() * max);
    out.push(bytes.subarray(i, i + k));
    i += k;
  }
  return out;
}

/** The pieces as a web stream, each a copy (a reader may keep or transfer what it is given). */
export function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let k = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (k < chunks.length) controller.enqueue(chunks[k++].slice());
      else controller.close();
    },
  });
}
