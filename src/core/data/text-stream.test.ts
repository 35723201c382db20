import { describe, expect, it } from 'vitest';
import { decodeText, readTextHead } from './text-stream';
import { chunkedStream } from './byte-chunks';

const gzip = async (bytes: Uint8Array) =>
  new Uint8Array(
    await new Response(
      chunkedStream(bytes, 1 << 16).pipeThrough(
        new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
      ),
    ).arrayBuffer(),
  );

describe('reading the start of a file as text', () => {
  const text = 'user,item\n' + Array.from({ length: 20_000 }, (_, k) => `${k},${k % 7}`).join('\n');
  const bytes = new TextEncoder().encode(text);

  it('gives about the characters asked for, plain or gzip, however the bytes are cut', async () => {
    for (const size of [1, 3, 4096]) {
      for (const source of [bytes, await gzip(bytes)]) {
        const head = await readTextHead('r.csv', chunkedStream(source, size), 5000);
        expect(head.length).toBeGreaterThanOrEqual(5000);
        expect(text.startsWith(head)).toBe(true);
      }
    }
    expect(await readTextHead('r.csv', chunkedStream(bytes, 64), 1e9)).toBe(text);
  });

  it('refuses empty files and files that are not text, naming them', async () => {
    await expect(readTextHead('e.csv', chunkedStream(new Uint8Array(0), 1))).rejects.toThrow(
      'e.csv: the file is empty',
    );
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    await expect(readTextHead('book.xlsx', chunkedStream(zip, 1))).rejects.toThrow(
      'book.xlsx: this is a ZIP archive',
    );
    expect(() => decodeText('b.bin', new Uint8Array([65, 0, 1, 2, 66, 10]))).toThrow(
      /^b\.bin: this looks like a binary file/,
    );
    expect(decodeText('l.txt', new Uint8Array([0x43, 0x61, 0x66, 0xe9]))).toBe('Café');
  });
});
